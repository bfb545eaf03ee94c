/**
 * A real n8n for the playground (`npm run dev`), the end-to-end tests and the screenshots:
 * install it outside the repository (scripts/n8n-host.sh), install this package into it the way
 * n8n installs community packages, boot it on loopback with an owner and an API key, and talk to
 * its public API.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-concur';
/** Newest n8n 2.x that installs from the registry here (see scripts/n8n-host.sh). */
export const N8N_V2 = '2.40.7';
/** The last n8n 1.x. */
export const N8N_V1 = '1.123.81';

const HOST_SCRIPT = path.join(REPO_ROOT, 'scripts', 'n8n-host.sh');

export interface N8nHost {
	version: string;
	/** Folder holding node_modules/n8n. */
	dir: string;
	/** bin/ folder of the Node that runs this n8n (Node 24 for 2.x, the system Node for 1.x). */
	nodeBin: string;
}

function hostFor(version: string, dir: string): N8nHost {
	const nodeBin = execFileSync(HOST_SCRIPT, ['node', version], { encoding: 'utf8' }).trim();
	return { version, dir, nodeBin };
}

/** The installed host for `version`, or undefined when it was never installed completely. */
export function findN8nHost(version: string): N8nHost | undefined {
	try {
		const dir = execFileSync(HOST_SCRIPT, ['path', version], {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		}).trim();
		return hostFor(version, dir);
	} catch {
		return undefined;
	}
}

/** Where scripts/n8n-host.sh installs `version` (the same rule as its host_dir). */
export function hostDirFor(version: string): string {
	const base = process.env.N8N_HOST_DIR || path.join(os.homedir(), '.cache', 'n8n-nodes-concur');
	return path.join(base, `n8n-${version}`);
}

/**
 * How many packages an n8n install has put into its node_modules so far (top level and scoped),
 * for progress output while it runs. Cheap: two directory listings deep at most.
 */
export function installedPackageCount(version: string): number {
	const modules = path.join(hostDirFor(version), 'node_modules');
	let count = 0;
	let entries: fs.Dirent[];
	try {
		entries = fs.readdirSync(modules, { withFileTypes: true });
	} catch {
		return 0;
	}
	for (const entry of entries) {
		if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
		if (entry.name.startsWith('@')) {
			try {
				count += fs.readdirSync(path.join(modules, entry.name)).length;
			} catch {
				// scope folder vanished while npm moved things around
			}
		} else count++;
	}
	return count;
}

/**
 * Installs n8n `version` (minutes the first time, instant afterwards). The install script's
 * progress lines go to `onLog` when given (one call per line), else straight to stderr.
 */
export async function ensureN8nHost(version: string, { onLog }: { onLog?: (line: string) => void } = {}): Promise<N8nHost> {
	const found = findN8nHost(version);
	if (found) return found;
	const dir = await new Promise<string>((resolve, reject) => {
		const child = spawn(HOST_SCRIPT, ['install', version], { stdio: ['ignore', 'pipe', onLog ? 'pipe' : 'inherit'] });
		let out = '';
		child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
		if (onLog && child.stderr) {
			let pending = '';
			child.stderr.on('data', (chunk: Buffer) => {
				pending += chunk.toString();
				const lines = pending.split('\n');
				pending = lines.pop() ?? '';
				for (const line of lines) if (line.trim()) onLog(line);
			});
			child.stderr.on('end', () => pending.trim() && onLog(pending));
		}
		child.on('error', reject);
		child.on('exit', (code) =>
			code === 0
				? resolve(out.trim().split('\n').pop() as string)
				: reject(new Error(`installing n8n ${version} failed (exit ${code})`)),
		);
	});
	return hostFor(version, dir);
}

/** `npm run build` then `npm pack` into `outDir`; returns the tarball path. */
export async function buildAndPack(outDir: string, { build = true } = {}): Promise<string> {
	fs.mkdirSync(outDir, { recursive: true });
	if (build) {
		await execFileAsync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, maxBuffer: 1 << 26 });
	}
	const { stdout } = await execFileAsync(
		'npm',
		['pack', '--json', '--ignore-scripts', '--pack-destination', outDir],
		{ cwd: REPO_ROOT, maxBuffer: 1 << 26 },
	);
	const [info] = JSON.parse(stdout) as Array<{ filename: string }>;
	return path.join(outDir, info.filename);
}

/**
 * Does what n8n's community-package installer does, without the registry: extract the tarball
 * into <userFolder>/.n8n/nodes/node_modules/<name> and list it in <userFolder>/.n8n/nodes/package.json.
 */
export function installPackageTarball(userFolder: string, tarball: string): void {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const target = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
	const version = (JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf8')) as { version: string })
		.version;
	const manifestPath = path.join(nodesDir, 'package.json');
	const manifest: { dependencies?: Record<string, string>; [key: string]: unknown } = fs.existsSync(manifestPath)
		? JSON.parse(fs.readFileSync(manifestPath, 'utf8'))
		: { name: 'installed-nodes', private: true };
	manifest.dependencies = { ...manifest.dependencies, [PACKAGE_NAME]: version };
	fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
}

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

export interface StartN8nOptions {
	host: N8nHost;
	/** Packed tarball of this package to install before start. */
	tarball?: string;
	/** Defaults to a fresh temp dir (removed by stop() when it was created here). */
	userFolder?: string;
	port?: number;
	email?: string;
	password?: string;
	/** Extra environment for n8n (wins over the defaults). */
	env?: NodeJS.ProcessEnv;
	/** Where n8n's stdout/stderr go; defaults to <userFolder>/n8n.log. */
	logFile?: string;
	/** Milliseconds to wait for n8n to come up (first start runs migrations). */
	startTimeoutMs?: number;
	/** Called with n8n's process id right after it is spawned (before it is ready). */
	onSpawn?: (pid: number) => void;
}

export interface ApiResponse<T = any> {
	status: number;
	body: T;
}

export class N8nInstance {
	apiKey = '';
	private cookie = '';

	constructor(
		readonly host: N8nHost,
		readonly baseUrl: string,
		readonly userFolder: string,
		readonly email: string,
		readonly password: string,
		readonly logFile: string,
		private readonly child: ChildProcess,
		private readonly removeUserFolder: boolean,
	) {}

	get major(): number {
		return Number(this.host.version.split('.')[0]);
	}

	/** Process id of the n8n server. */
	get pid(): number | undefined {
		return this.child.pid;
	}

	/** Raw HTTP call against n8n (webhooks, /rest, /api). Never throws on HTTP status. */
	async request(
		method: string,
		urlPath: string,
		{ body, headers = {}, raw }: { body?: unknown; headers?: Record<string, string>; raw?: string | Buffer } = {},
	): Promise<ApiResponse & { headers: Headers }> {
		const init: RequestInit = { method, headers: { ...headers } };
		if (raw !== undefined) init.body = raw;
		else if (body !== undefined) {
			init.body = JSON.stringify(body);
			(init.headers as Record<string, string>)['content-type'] = 'application/json';
		}
		const response = await fetch(this.baseUrl + urlPath, init);
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			// not JSON: keep the text
		}
		return { status: response.status, body: parsed, headers: response.headers };
	}

	/** n8n's public API (X-N8N-API-KEY). Throws with n8n's message on a non-2xx answer. */
	async api<T = any>(method: string, urlPath: string, body?: unknown): Promise<T> {
		const res = await this.request(method, `/api/v1${urlPath}`, {
			body,
			headers: { 'X-N8N-API-KEY': this.apiKey },
		});
		if (res.status >= 300) {
			throw new Error(`n8n public API ${method} ${urlPath} → ${res.status}: ${JSON.stringify(res.body)}`);
		}
		return res.body as T;
	}

	/** n8n's internal REST API with the owner's session cookie (used for login and API keys). */
	async rest<T = any>(method: string, urlPath: string, body?: unknown): Promise<T> {
		const res = await this.request(method, `/rest${urlPath}`, { body, headers: { cookie: this.cookie } });
		if (res.status >= 300) {
			throw new Error(`n8n REST ${method} ${urlPath} → ${res.status}: ${JSON.stringify(res.body)}`);
		}
		const setCookie = res.headers.get('set-cookie');
		if (setCookie) this.cookie = setCookie.split(';')[0];
		return ((res.body as { data?: T })?.data ?? res.body) as T;
	}

	/** Names of the node types n8n loaded (GET /types/nodes.json, as the editor does). */
	async nodeTypeNames(): Promise<string[]> {
		const res = await this.request('GET', '/types/nodes.json', { headers: { cookie: this.cookie } });
		if (res.status !== 200 || !Array.isArray(res.body)) throw new Error(`GET /types/nodes.json → ${res.status}`);
		return (res.body as Array<{ name: string }>).map((type) => type.name);
	}

	async login(): Promise<void> {
		// 1.x before 1.8x used `email`; later versions `emailOrLdapLoginId`.
		try {
			await this.rest('POST', '/login', { emailOrLdapLoginId: this.email, password: this.password });
		} catch {
			await this.rest('POST', '/login', { email: this.email, password: this.password });
		}
	}

	/** Creates an API key with every scope the owner may grant. */
	async createApiKey(label = 'n8n-nodes-concur'): Promise<string> {
		let scopes: string[] | undefined;
		try {
			scopes = await this.rest<string[]>('GET', '/api-keys/scopes');
		} catch {
			scopes = undefined; // versions without scoped keys
		}
		const body: Record<string, unknown> = { label, expiresAt: null };
		if (scopes) body.scopes = scopes;
		const created = await this.rest<{ rawApiKey?: string; apiKey?: string }>('POST', '/api-keys', body);
		this.apiKey = created.rawApiKey ?? (created.apiKey as string);
		return this.apiKey;
	}

	// ---- public API helpers ----

	async createCredential(name: string, type: string, data: Record<string, unknown>): Promise<{ id: string }> {
		return await this.api('POST', '/credentials', { name, type, data });
	}

	/** Creates a workflow from an n8n export (only the fields the public API accepts). */
	async createWorkflow(workflow: WorkflowJson): Promise<{ id: string }> {
		return await this.api('POST', '/workflows', {
			name: workflow.name,
			nodes: workflow.nodes,
			connections: workflow.connections,
			settings: { executionOrder: 'v1', ...(workflow.settings ?? {}) },
			...(workflow.staticData === undefined ? {} : { staticData: workflow.staticData }),
		});
	}

	async activateWorkflow(id: string): Promise<void> {
		await this.api('POST', `/workflows/${id}/activate`);
	}

	/**
	 * Waits until n8n serves a production webhook (`path` after /webhook/). n8n 2.x publishes an
	 * activated workflow asynchronously, so its webhooks answer 404 for a moment after activate.
	 * A CORS preflight asks n8n which methods the path has without running anything.
	 */
	async waitForWebhook(webhookPath: string, method = 'POST', timeoutMs = 30_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const res = await fetch(`${this.baseUrl}/webhook/${webhookPath}`, {
				method: 'OPTIONS',
				headers: { origin: this.baseUrl, 'access-control-request-method': method },
			});
			await res.arrayBuffer();
			const allowed = res.headers.get('access-control-allow-methods') ?? '';
			if (res.status < 400 && allowed.split(/,\s*/).includes(method)) return;
			if (Date.now() > deadline) throw new Error(`n8n did not register ${method} /webhook/${webhookPath}`);
			await new Promise((r) => setTimeout(r, 250));
		}
	}

	async deactivateWorkflow(id: string): Promise<void> {
		await this.api('POST', `/workflows/${id}/deactivate`);
	}

	async executions(workflowId: string): Promise<N8nExecution[]> {
		const all: N8nExecution[] = [];
		let cursor: string | undefined;
		do {
			const qs = new URLSearchParams({ workflowId, includeData: 'true', limit: '100' });
			if (cursor) qs.set('cursor', cursor);
			const page = await this.api<{ data: N8nExecution[]; nextCursor?: string | null }>(
				'GET',
				`/executions?${qs.toString()}`,
			);
			all.push(...page.data);
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		return all.sort((a, b) => Number(a.id) - Number(b.id));
	}

	async stop(): Promise<void> {
		if (this.child.exitCode === null && this.child.signalCode === null) {
			const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
			this.child.kill('SIGTERM');
			const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
			await exited;
			clearTimeout(timer);
		}
		if (this.removeUserFolder) fs.rmSync(this.userFolder, { recursive: true, force: true });
	}

	/** The last `lines` lines of n8n's log (for failure messages). */
	logTail(lines = 60): string {
		try {
			return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
		} catch {
			return '';
		}
	}
}

export interface WorkflowJson {
	name: string;
	nodes: Array<Record<string, any>>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface N8nExecution {
	id: string;
	status?: string;
	finished: boolean;
	startedAt?: string | null;
	stoppedAt?: string | null;
	mode: string;
	workflowId: string;
	data?: {
		resultData: {
			runData: Record<string, Array<{ data?: { main: Array<Array<{ json: any }> | null> }; error?: any }>>;
			error?: { message: string };
			lastNodeExecuted?: string;
		};
	};
}

/** The JSON items a node produced in an execution (all outputs, first run). */
export function nodeOutput(execution: N8nExecution, nodeName: string, output?: number): any[] {
	const run = execution.data?.resultData.runData[nodeName]?.[0];
	const main = run?.data?.main ?? [];
	const outputs = output === undefined ? main : [main[output]];
	return outputs.flatMap((items) => (items ?? []).map((item) => item.json));
}

function bcryptHash(host: N8nHost, password: string): string {
	// bcryptjs is in n8n's own dependency tree; resolve it from there.
	const resolved = require.resolve('bcryptjs', { paths: [path.join(host.dir, 'node_modules', 'n8n')] });
	const bcrypt = require(resolved) as { hashSync(s: string, rounds: number): string };
	return bcrypt.hashSync(password, 10);
}

async function waitFor<T>(
	what: string,
	probe: () => Promise<T | undefined>,
	timeoutMs: number,
	child: ChildProcess,
	logTail: () => string,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(`n8n exited (${child.exitCode ?? child.signalCode}) before ${what}\n${logTail()}`);
		}
		try {
			const value = await probe();
			if (value !== undefined) return value;
		} catch {
			// not up yet
		}
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${logTail()}`);
		await new Promise((r) => setTimeout(r, 500));
	}
}

/** Boots n8n on 127.0.0.1 with an owner and an API key; the package is installed when `tarball` is given. */
export async function startN8n(options: StartN8nOptions): Promise<N8nInstance> {
	const { host } = options;
	const removeUserFolder = !options.userFolder;
	const userFolder = options.userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-concur-'));
	fs.mkdirSync(userFolder, { recursive: true });
	if (options.tarball) installPackageTarball(userFolder, options.tarball);
	const port = options.port ?? (await freePort());
	const email = options.email ?? 'owner@example.com';
	const password = options.password ?? `Concur-${randomBytes(6).toString('hex')}`;
	const logFile = options.logFile ?? path.join(userFolder, 'n8n.log');
	const baseUrl = `http://127.0.0.1:${port}`;
	const major = Number(host.version.split('.')[0]);

	const env: NodeJS.ProcessEnv = {
		...process.env,
		PATH: `${host.nodeBin}${path.delimiter}${process.env.PATH ?? ''}`,
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		// Public base of webhook URLs (renamed in 2.x).
		...(major >= 2 ? { N8N_WEBHOOK_URL: `${baseUrl}/` } : { WEBHOOK_URL: `${baseUrl}/` }),
		N8N_EDITOR_BASE_URL: `${baseUrl}/`,
		N8N_SECURE_COOKIE: 'false',
		// 1.x: no task runner processes (2.x always has them and deprecates the switch).
		...(major < 2 ? { N8N_RUNNERS_ENABLED: 'false' } : {}),
		// 2.x task-runner broker: its own free port, so two n8n instances (dev + tests) can run at once.
		...(major >= 2 ? { N8N_RUNNERS_BROKER_PORT: String(await freePort()) } : {}),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_ENCRYPTION_KEY: process.env.N8N_ENCRYPTION_KEY ?? randomBytes(24).toString('hex'),
		N8N_LOG_OUTPUT: 'console',
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: email,
		N8N_INSTANCE_OWNER_FIRST_NAME: 'Concur',
		N8N_INSTANCE_OWNER_LAST_NAME: 'Owner',
		N8N_INSTANCE_OWNER_PASSWORD_HASH: bcryptHash(host, password),
		// Keeps every execution so tests and users can read them back.
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		// n8n 1.123 does not come up without it here (isolated-vm is not built).
		...(major < 2 ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {}),
		...options.env,
	};
	// Never let the caller's own n8n settings leak in. NODE_ENV=test (set by jest) makes n8n exit
	// silently at start.
	delete env.N8N_CONFIG_FILES;
	delete env.DB_TYPE;
	delete env.NODE_ENV;

	const log = fs.openSync(logFile, 'a');
	const child = spawn(
		path.join(host.nodeBin, 'node'),
		[path.join(host.dir, 'node_modules', 'n8n', 'bin', 'n8n'), 'start'],
		{ env, stdio: ['ignore', log, log], cwd: userFolder },
	);
	fs.closeSync(log);
	if (child.pid !== undefined) options.onSpawn?.(child.pid);
	// Never leave an n8n behind when the caller exits without stop() (crash, process.exit).
	const killOnExit = () => child.kill('SIGKILL');
	process.once('exit', killOnExit);
	child.once('exit', () => process.removeListener('exit', killOnExit));

	const instance = new N8nInstance(host, baseUrl, userFolder, email, password, logFile, child, removeUserFolder);
	const tail = () => instance.logTail();
	try {
		await waitFor(
			'GET /healthz/readiness',
			async () => ((await fetch(`${baseUrl}/healthz/readiness`)).ok ? true : undefined),
			options.startTimeoutMs ?? 180_000,
			child,
			tail,
		);
		await waitFor(
			'owner login',
			async () => {
				try {
					await instance.login();
					return true;
				} catch (error) {
					// n8n 1.x ignores N8N_INSTANCE_OWNER_*: set the owner up once through the REST API.
					if (major < 2) {
						await instance
							.rest('POST', '/owner/setup', { email, firstName: 'Concur', lastName: 'Owner', password })
							.catch(() => undefined);
					}
					throw error;
				}
			},
			60_000,
			child,
			tail,
		);
		await instance.createApiKey();
	} catch (error) {
		// Keep the whole log for the post-mortem: stop() removes a temporary user folder.
		const kept = path.join(os.tmpdir(), `n8n-concur-failed-start-${Date.now()}.log`);
		fs.copyFileSync(logFile, kept);
		await instance.stop();
		(error as Error).message += `\n(full n8n log: ${kept})`;
		throw error;
	}
	return instance;
}
