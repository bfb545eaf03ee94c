/**
 * n8n in queue mode on loopback, started and stopped by the reliability suite: a private
 * PostgreSQL cluster and a Redis server from Debian's packages (`apt-get install -y redis-server
 * postgresql`), then one main, two workers and one webhook processor of n8n 2.40.7 sharing one
 * user folder (where the packed package is installed) and one encryption key.
 *
 * scripts/lib/n8n.ts's startN8n only runs `n8n start` and deletes DB_TYPE on purpose (SQLite
 * only), so every process is spawned here; the main is then driven through the same N8nInstance
 * class (login, API key, public API) the e2e suite uses.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { pruneMissingEntries } from '../../../bench/lib/n8nBoot';
import {
	ensureN8nHost,
	freePort,
	installPackageTarball,
	N8N_V2,
	N8nInstance,
	type N8nHost,
} from '../../../scripts/lib/n8n';
import { reliabilityTarball } from './n8n';

const PG_BIN = '/usr/lib/postgresql/15/bin';

function which(binary: string): string | undefined {
	try {
		return execFileSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' }).trim() || undefined;
	} catch {
		return undefined;
	}
}

/** Why queue mode cannot run here, or undefined when it can. */
export function queueModeUnavailable(): string | undefined {
	if (!which('redis-server')) return 'redis-server is not installed (apt-get install -y redis-server)';
	const pgBin = fs.existsSync(path.join(PG_BIN, 'initdb')) ? PG_BIN : undefined;
	if (!pgBin) return `PostgreSQL binaries not found in ${PG_BIN} (apt-get install -y postgresql)`;
	return undefined;
}

async function waitUntil(what: string, probe: () => boolean | Promise<boolean>, timeoutMs: number, child?: ChildProcess): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child && (child.exitCode !== null || child.signalCode !== null)) throw new Error(`${what}: process exited (${child.exitCode ?? child.signalCode})`);
		try {
			if (await probe()) return;
		} catch {
			// not yet
		}
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

async function stopChild(child: ChildProcess | undefined, graceMs = 30_000): Promise<void> {
	if (!child || child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
	await exited;
	clearTimeout(timer);
}

type Role = 'main' | 'worker1' | 'worker2' | 'webhook';

export class QueueModeN8n {
	readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-concur-queue-'));
	private redis?: ChildProcess;
	private readonly pgData = path.join(this.dir, 'pg');
	private pgStarted = false;
	private readonly processes = new Map<Role, ChildProcess>();
	private host!: N8nHost;
	private env: NodeJS.ProcessEnv = {};
	mainPort = 0;
	webhookPort = 0;
	main!: N8nInstance;
	readonly email = 'owner@example.com';
	readonly password = `Concur-${randomBytes(6).toString('hex')}`;
	restarts = 0;

	get userFolder(): string {
		return path.join(this.dir, 'n8n');
	}

	async start(extraEnv: NodeJS.ProcessEnv = {}): Promise<void> {
		this.host = await ensureN8nHost(N8N_V2);
		const tarball = await reliabilityTarball();
		fs.mkdirSync(this.userFolder, { recursive: true });
		installPackageTarball(this.userFolder, tarball);
		pruneMissingEntries(this.userFolder, () => undefined);

		// Redis on loopback, nothing persisted.
		const redisPort = await freePort();
		this.redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
			stdio: ['ignore', fs.openSync(path.join(this.dir, 'redis.log'), 'a'), 'inherit'],
		});
		await waitUntil('redis', () => execFileSync('redis-cli', ['-p', String(redisPort), 'ping'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('PONG'), 20_000, this.redis);

		// A private PostgreSQL cluster (PostgreSQL refuses to run as root: run it as `postgres`).
		const pgPort = await freePort();
		const asPostgres = (args: string[]) => (process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', ...args]] : [args[0], args.slice(1)]) as [string, string[]];
		fs.mkdirSync(this.pgData, { recursive: true });
		if (process.getuid?.() === 0) {
			execFileSync('chown', ['-R', 'postgres:postgres', this.dir]);
			fs.chmodSync(this.dir, 0o755);
		}
		execFileSync(...asPostgres([path.join(PG_BIN, 'initdb'), '-D', this.pgData, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']), { stdio: 'ignore' });
		execFileSync(
			...asPostgres([
				path.join(PG_BIN, 'pg_ctl'),
				'-D',
				this.pgData,
				'-l',
				path.join(this.pgData, 'server.log'),
				'-o',
				`-p ${pgPort} -c listen_addresses=127.0.0.1 -k ${this.pgData} -c max_connections=200 -c fsync=off`,
				'-w',
				'start',
			]),
			{ stdio: 'ignore' },
		);
		this.pgStarted = true;
		execFileSync(path.join(PG_BIN, 'psql'), ['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'postgres', '-c', 'CREATE DATABASE n8n'], { stdio: 'ignore' });

		this.mainPort = await freePort();
		this.webhookPort = await freePort();
		const bcryptPath = require.resolve('bcryptjs', { paths: [path.join(this.host.dir, 'node_modules', 'n8n')] });
		const bcrypt = require(bcryptPath) as { hashSync(s: string, rounds: number): string };
		this.env = {
			...process.env,
			// jest sets NODE_ENV=test, with which n8n in queue mode exits at once without a word.
			NODE_ENV: 'production',
			PATH: `${this.host.nodeBin}${path.delimiter}${process.env.PATH ?? ''}`,
			N8N_USER_FOLDER: this.userFolder,
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_SECURE_COOKIE: 'false',
			N8N_RUNNERS_ENABLED: 'false',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_REINSTALL_MISSING_PACKAGES: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
			N8N_LOG_OUTPUT: 'console',
			N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
			N8N_INSTANCE_OWNER_EMAIL: this.email,
			N8N_INSTANCE_OWNER_FIRST_NAME: 'Concur',
			N8N_INSTANCE_OWNER_LAST_NAME: 'Owner',
			N8N_INSTANCE_OWNER_PASSWORD_HASH: bcrypt.hashSync(this.password, 10),
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
			EXECUTIONS_DATA_PRUNE: 'false',
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redisPort),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(pgPort),
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: 'postgres',
			DB_POSTGRESDB_PASSWORD: '',
			// Production webhooks go to the webhook processor only.
			N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
			WEBHOOK_URL: `http://127.0.0.1:${this.webhookPort}/`,
			...extraEnv,
		};
		delete this.env.N8N_CONFIG_FILES;

		// The main first: it runs the migrations.
		await this.spawnRole('main');
		this.main = new N8nInstance(
			this.host,
			`http://127.0.0.1:${this.mainPort}`,
			this.userFolder,
			this.email,
			this.password,
			this.logFile('main'),
			this.processes.get('main')!,
			false,
		);
		// Workers and the webhook processor next; the API key only once everything is up (a
		// process that starts later must not find a different owner state than the key's).
		await Promise.all([this.spawnRole('worker1'), this.spawnRole('worker2'), this.spawnRole('webhook')]);
		await waitUntil('owner login', async () => {
			await this.main.login();
			return true;
		}, 60_000);
		await this.main.createApiKey(`queue-${Date.now()}`);
	}

	private logFile(role: Role): string {
		return path.join(this.dir, `${role}.log`);
	}

	private async spawnRole(role: Role): Promise<void> {
		const command = role === 'main' ? 'start' : role === 'webhook' ? 'webhook' : 'worker';
		const port = role === 'main' ? this.mainPort : role === 'webhook' ? this.webhookPort : await freePort();
		const env: NodeJS.ProcessEnv = {
			...this.env,
			N8N_PORT: String(port),
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			QUEUE_HEALTH_CHECK_ACTIVE: role.startsWith('worker') ? 'true' : 'false',
			QUEUE_HEALTH_CHECK_PORT: String(port),
			N8N_WORKER_SERVER_PORT: String(port),
		};
		if (role !== 'main') {
			// Only the main manages the owner (from the environment).
			for (const name of Object.keys(env)) if (name.startsWith('N8N_INSTANCE_OWNER_')) delete env[name];
		}
		const log = fs.openSync(this.logFile(role), 'a');
		const child = spawn(path.join(this.host.nodeBin, 'node'), [path.join(this.host.dir, 'node_modules', 'n8n', 'bin', 'n8n'), command], {
			env,
			stdio: ['ignore', log, log],
			cwd: this.userFolder,
		});
		fs.closeSync(log);
		this.processes.set(role, child);
		const probePath = role === 'main' || role === 'webhook' ? '/healthz' : '/healthz';
		await waitUntil(`n8n ${role}`, async () => (await fetch(`http://127.0.0.1:${port}${probePath}`)).ok, 240_000, child).catch((error) => {
			throw new Error(`${(error as Error).message}\n${this.logTail(role)}`);
		});
	}

	logTail(role: Role, lines = 40): string {
		try {
			return fs.readFileSync(this.logFile(role), 'utf8').split('\n').slice(-lines).join('\n');
		} catch {
			return '';
		}
	}

	/** Restarts the webhook processor and one worker in the middle of the stream. */
	async restartWebhookAndWorker(): Promise<void> {
		await Promise.all([stopChild(this.processes.get('webhook')), stopChild(this.processes.get('worker1'))]);
		this.restarts++;
		await Promise.all([this.spawnRole('webhook'), this.spawnRole('worker1')]);
	}

	async stop(): Promise<void> {
		await Promise.all([...this.processes.values()].map((child) => stopChild(child)));
		if (this.pgStarted) {
			try {
				execFileSync(
					...((process.getuid?.() === 0
						? ['runuser', ['-u', 'postgres', '--', path.join(PG_BIN, 'pg_ctl'), '-D', this.pgData, '-m', 'fast', 'stop']]
						: [path.join(PG_BIN, 'pg_ctl'), ['-D', this.pgData, '-m', 'fast', 'stop']]) as [string, string[]]),
					{ stdio: 'ignore' },
				);
			} catch {
				// already stopped
			}
		}
		await stopChild(this.redis, 5000);
		fs.rmSync(this.dir, { recursive: true, force: true });
	}
}
