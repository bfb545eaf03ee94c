/**
 * `npm run dev`: a local playground with no Concur account and no internet.
 *
 * Builds and packs this package, starts the Concur simulator and a real n8n on 127.0.0.1 with the
 * package installed the way n8n installs community packages, creates the Concur credentials
 * (pointed at the simulator), imports and activates the example workflows, and prints what to do
 * next. Ctrl-C stops everything and removes the temporary n8n data.
 *
 * Environment (also in the README, "Try it in 2 minutes"):
 *   N8N_PORT         n8n's port (default 5678). Set and busy: refused. Default and busy: another
 *                    free port, and the output says so.
 *   CONCUR_SIM_PORT  the simulator's port (default 8787), same rules.
 *   N8N_VERSION      default 2.40.7; N8N_HOST_DIR where n8n is installed (~/.cache/n8n-nodes-concur).
 *
 * One playground per clone: .dev/playground.json records the running one (its process, n8n's
 * process, URLs). A second `npm run dev` prints that playground's URLs and exits without touching
 * it. Every run starts from scratch: the simulator keeps its state in memory (and makes a new ESS
 * signing key), so n8n's data folder (.dev/n8n) is recreated too, but only when no live
 * playground or n8n owns it.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

import { listsOf, startSimulator } from '../test/simulator';
import {
	buildAndPack,
	ensureN8nHost,
	findN8nHost,
	freePort,
	hostDirFor,
	installedPackageCount,
	N8N_V2,
	REPO_ROOT,
	startN8n,
	type N8nInstance,
} from './lib/n8n';
import { createSimulatorCredentials, handlesExternalValidation, importExamples, webhookUrl, type ImportedExample } from './lib/playground';
import { formatDuration, startStep } from './lib/progress';

const DEV_DIR = path.join(REPO_ROOT, '.dev');
/** The running playground of this clone: written when it starts, completed when it runs, removed when it stops. */
const STATE_FILE = path.join(DEV_DIR, 'playground.json');
const bold = (s: string) => `\x1b[1m${s}\x1b[0m`;
const yellow = (s: string) => `\x1b[33m${s}\x1b[0m`;

interface PlaygroundState {
	pid: number;
	startedAt: string;
	status: 'starting' | 'running';
	/** n8n's process, once spawned: it may outlive a playground that was killed. */
	n8nPid?: number;
	editor?: string;
	simulator?: string;
	login?: { email: string; password: string };
	callout?: { user: string; password: string };
	workflows?: Array<{ file: string; id: string; name: string; active: boolean }>;
}

/** Cleanup of whatever was started so far; run on Ctrl-C, SIGTERM and on a failed start. */
const cleanups: Array<() => Promise<unknown>> = [];
let stopping = false;
let servicesStarted = false;
async function stopAll(code: number): Promise<never> {
	if (!stopping) {
		stopping = true;
		if (servicesStarted) console.log('\nstopping n8n, the simulator and the chat sink…');
		for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
	}
	process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
process.on('SIGHUP', () => void stopAll(0)); // the terminal was closed

// ------------------------------------------------------------------ one playground per clone

/** Whether `pid` is a live process (on Linux, also that it still runs `marker`, against pid reuse). */
function alive(pid: number | undefined, marker?: string): boolean {
	if (!pid) return false;
	try {
		process.kill(pid, 0);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
	}
	if (marker) {
		try {
			return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
		} catch {
			// no /proc (macOS): trust kill(0)
		}
	}
	return true;
}

function readState(): PlaygroundState | undefined {
	try {
		return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as PlaygroundState;
	} catch {
		return undefined;
	}
}

function writeState(state: PlaygroundState): void {
	fs.writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
}

/**
 * Claims this clone's playground: creates .dev/playground.json exclusively. Returns the live
 * playground (or left-over n8n) that owns it instead, if any; a record whose processes are all
 * gone is stale and replaced.
 */
function claimPlayground(): PlaygroundState | undefined {
	for (let attempt = 0; attempt < 2; attempt++) {
		const mine: PlaygroundState = { pid: process.pid, startedAt: new Date().toISOString(), status: 'starting' };
		try {
			fs.writeFileSync(STATE_FILE, JSON.stringify(mine, null, 2), { flag: 'wx' });
			return undefined;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		const existing = readState();
		if (existing && (alive(existing.pid, 'dev.ts') || alive(existing.n8nPid, 'n8n'))) return existing;
		fs.rmSync(STATE_FILE, { force: true }); // stale: its processes are gone
	}
	throw new Error(`could not claim ${path.relative(REPO_ROOT, STATE_FILE)}; is another npm run dev starting right now?`);
}

function explainRunning(state: PlaygroundState): string {
	const since = new Date(state.startedAt).toLocaleTimeString();
	const lines: string[] = [];
	if (alive(state.pid, 'dev.ts')) {
		lines.push(
			state.status === 'running'
				? bold(`A playground from this folder is already running`) + ` (npm run dev, process ${state.pid}, since ${since}):`
				: bold(`A playground from this folder is still starting`) + ` (npm run dev, process ${state.pid}, since ${since}).`,
		);
	} else {
		lines.push(bold(`An n8n left behind by an earlier npm run dev is still running`) + ` (process ${state.n8nPid}, since ${since}).`);
	}
	if (state.editor) lines.push(`  Editor      ${state.editor}${state.login ? `   (${state.login.email} / ${state.login.password})` : ''}`);
	// The simulator lives in the npm run dev process: gone with it.
	if (state.simulator && alive(state.pid, 'dev.ts')) lines.push(`  Simulator   ${state.simulator}   (export CONCUR_SIM_URL=${state.simulator})`);
	lines.push('');
	lines.push(
		alive(state.pid, 'dev.ts')
			? `Use it (the commands it printed still work), or stop it first: Ctrl-C in its terminal, or kill ${state.pid}.`
			: `Stop it first (kill ${state.n8nPid}), then run npm run dev again.`,
	);
	lines.push('Nothing was started here, and its data (.dev/n8n, .dev/n8n.log) was left alone.');
	return lines.join('\n');
}

// ------------------------------------------------------------------ ports

function isFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const probe = http.createServer();
		probe.once('error', () => resolve(false));
		probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
	});
}

/**
 * The port for `what`: `$variable` if set (refused when busy: the user asked for that port), else
 * `fallback`, or any free port when the default is busy (and the output says so).
 */
async function choosePort(variable: 'N8N_PORT' | 'CONCUR_SIM_PORT', fallback: number, what: string): Promise<number> {
	const explicit = process.env[variable];
	const wanted = explicit ? Number(explicit) : fallback;
	if (!Number.isInteger(wanted) || wanted < 1 || wanted > 65535) throw new Error(`${variable}=${explicit} is not a port number`);
	if (await isFree(wanted)) return wanted;
	if (explicit) {
		throw new Error(
			`${variable}=${wanted}: port ${wanted} is already in use on 127.0.0.1, so ${what} cannot listen there.\n` +
				`Stop what uses it (e.g. \`lsof -i :${wanted}\` shows it), choose another port (${variable}=<port> npm run dev), or unset ${variable} to let npm run dev pick one.`,
		);
	}
	const port = await freePort();
	console.log(
		yellow(`! port ${wanted} (the default for ${what}) is in use by another program: ${what} listens on ${port} instead.`) +
			` Set ${variable} to choose the port.`,
	);
	return port;
}

// ------------------------------------------------------------------ chat sink

/**
 * A stand-in for a Slack/Mattermost incoming webhook: prints what the workflows post. It also
 * serves examples/cost-centers.sample.csv as the client's cost-center export (example 05).
 */
async function startChatSink(): Promise<{ url: string; costCentersCsvUrl: string; close: () => Promise<void> }> {
	const server = http.createServer((req, res) => {
		if (req.method === 'GET' && req.url === '/cost-centers.csv') {
			res.writeHead(200, { 'content-type': 'text/csv' });
			res.end(fs.readFileSync(path.join(__dirname, '..', 'examples', 'cost-centers.sample.csv')));
			return;
		}
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			let text = Buffer.concat(chunks).toString('utf8');
			try {
				text = (JSON.parse(text) as { text?: string }).text ?? text;
			} catch {
				// plain text
			}
			console.log(`\x1b[35m💬 chat\x1b[0m ${text}`);
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{"ok":true}');
		});
	});
	const port = await freePort();
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${port}/chat`,
		costCentersCsvUrl: `http://127.0.0.1:${port}/cost-centers.csv`,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
	const begin = Date.now();
	fs.mkdirSync(DEV_DIR, { recursive: true });
	const running = claimPlayground();
	if (running) {
		console.log(explainRunning(running));
		process.exit(1);
	}
	// From here on this process owns .dev/ (the state file, .dev/n8n, .dev/n8n.log).
	cleanups.push(async () => {
		if (readState()?.pid === process.pid) fs.rmSync(STATE_FILE, { force: true });
	});
	const state: PlaygroundState = readState()!;
	const version = process.env.N8N_VERSION ?? N8N_V2;
	const timings: string[] = [];

	// Ports first: a refused port fails in a second, not after the build.
	const simPort = await choosePort('CONCUR_SIM_PORT', 8787, 'the Concur simulator');
	const n8nPort = await choosePort('N8N_PORT', 5678, 'n8n');

	let hostPromise: ReturnType<typeof ensureN8nHost>;
	if (findN8nHost(version)) {
		console.log(`\x1b[36m▸\x1b[0m using the installed n8n ${version}`);
		hostPromise = ensureN8nHost(version);
	} else {
		// First run: n8n (and for 2.x a Node 24) from the npm registry, about 2,350 packages, 2.8 GB.
		const install = startStep(`installing n8n ${version} into ${hostDirFor(version)} (first run only)`, {
			expected: 'took about 6 min on a 2-core machine',
			detail: () => {
				const count = installedPackageCount(version);
				return count ? `${count.toLocaleString('en-US')} packages in node_modules so far` : undefined;
			},
		});
		hostPromise = ensureN8nHost(version, { onLog: (line) => install.log(line) }).then(
			(host) => {
				timings.push(`n8n install ${formatDuration(install.done())}`);
				return host;
			},
			(error: unknown) => {
				install.fail();
				throw error;
			},
		);
	}
	// Awaited after the build; marked handled now so a failed install ends through stopAll (the
	// build may still be running when it fails).
	hostPromise.catch(() => undefined);
	const build = startStep('building and packing n8n-nodes-concur', { expected: 'usually under a minute' });
	let tarball: string;
	try {
		tarball = await buildAndPack(path.join(DEV_DIR, 'pack'));
	} catch (error) {
		build.fail();
		throw error;
	}
	timings.push(`build ${formatDuration(build.done())}`);
	const host = await hostPromise;

	const sim = await startSimulator({ port: simPort, announce: true });
	servicesStarted = true;
	cleanups.push(() => sim.close());
	const chat = await startChatSink();
	cleanups.push(() => chat.close());
	console.log(`\x1b[36m▸\x1b[0m Concur simulator on ${sim.baseUrl}`);

	const userFolder = path.join(DEV_DIR, 'n8n');
	const logFile = path.join(DEV_DIR, 'n8n.log');
	// Safe: no live playground or n8n owns these (claimPlayground checked).
	fs.rmSync(userFolder, { recursive: true, force: true });
	fs.writeFileSync(logFile, '');
	cleanups.push(async () => fs.rmSync(userFolder, { recursive: true, force: true }));
	const password = process.env.N8N_DEV_PASSWORD ?? 'Concur-Playground-1';
	const boot = startStep(`starting n8n ${version} on port ${n8nPort}`, {
		expected: 'database migrations, usually under a minute',
	});
	let n8n: N8nInstance;
	try {
		n8n = await startN8n({
			host,
			tarball,
			userFolder,
			port: n8nPort,
			email: 'owner@example.com',
			password,
			logFile,
			onSpawn: (pid) => writeState({ ...state, n8nPid: pid }),
		});
	} catch (error) {
		boot.fail();
		throw error;
	}
	cleanups.push(() => n8n.stop());
	timings.push(`n8n start ${formatDuration(boot.done())}`);

	const setup = startStep('creating Concur credentials (simulator) and importing the examples');
	const credentials = await createSimulatorCredentials(n8n, sim);
	let handler: ImportedExample | undefined;
	const settings = { chatWebhookUrl: chat.url, costCentersCsvUrl: chat.costCentersCsvUrl, listId: listsOf(sim).costCenterListId };
	const examples = await importExamples(n8n, credentials, settings, {
		// Concur lets one automation act on the External Validation step: activate the first example
		// that handles it, and import the others inactive (they would approve the same report again).
		activate: ({ workflow }, imported) => {
			if (!handlesExternalValidation(workflow)) return true;
			handler ??= imported.find((example) => handlesExternalValidation(example.workflow));
			if (!handler) return true;
			return `handles the External Validation step like workflow ${imported.indexOf(handler) + 1}; Concur lets one automation act on a step`;
		},
	});
	timings.push(`setup ${formatDuration(setup.done())}`);

	writeState({
		...state,
		n8nPid: n8n.pid,
		status: 'running',
		editor: n8n.baseUrl,
		simulator: sim.baseUrl,
		login: { email: n8n.email, password },
		callout: { user: sim.seed.calloutUser, password: sim.seed.calloutPassword },
		workflows: examples.map(({ file, id, name, active }) => ({ file, id, name, active })),
	});
	printWelcome(n8n, sim.baseUrl, examples, chat.url, `${formatDuration(Date.now() - begin)}: ${timings.join(', ')}`);
}

function printWelcome(n8n: N8nInstance, simUrl: string, examples: ImportedExample[], chatUrl: string, took: string): void {
	const triggerUrl = (example: ImportedExample) => {
		const node = example.workflow.nodes.find((candidate) => candidate.type === 'n8n-nodes-concur.concurTrigger' && candidate.webhookId && !candidate.disabled);
		if (!node) return undefined;
		return node.parameters?.source === 'callout'
			? { kind: 'callout' as const, url: webhookUrl(n8n, example.workflow, node.name as string, 'webhook/concur/v1.0/notify') }
			: { kind: 'events' as const, url: webhookUrl(n8n, example.workflow, node.name as string) };
	};
	const number = (example: ImportedExample) => examples.indexOf(example) + 1;
	const active = examples.filter((example) => example.active);
	const inactive = examples.filter((example) => example.inactiveReason);

	const commands: string[] = [
		`  npm run sim -- reports                         list reports (IDs, approval statuses)`,
		`  npm run sim -- change <reportId> submit        submit one in A_NOTF or A_RESU: it goes to External Validation`,
		`                                                 (A_EXTV) and queues an ESS event and a legacy callout`,
	];
	// One delivery command per active Concur Trigger: ESS events or legacy callouts.
	for (const example of active) {
		const target = triggerUrl(example);
		if (target?.kind === 'events')
			commands.push(
				`  npm run sim -- send-events --url ${target.url}`,
				`      delivers the queued ESS events, signed, to workflow ${number(example)}` +
					(example.file.startsWith('01-') ? ': "submitted" appears in the chat below' : ` (${example.name})`),
			);
		else if (target?.kind === 'callout')
			commands.push(
				`  npm run sim -- send-callout --url ${target.url}`,
				`      delivers the queued callouts (Basic Auth) to workflow ${number(example)}, the External Validation check:`,
				`      missing receipts → sent back (A_RESU); otherwise approved (an exception if over the limit) → A_PEND`,
			);
	}
	commands.push(
		`  npm run sim -- change <reportId> approve       the manager approves (A_PEND → A_APPR; workflows act only at A_EXTV)`,
		`  npm run sim -- change <reportId> pay           paid (P_PAID)`,
		`  (a delivery takes the queued items off the queue; send-events --all re-sends every event)`,
		`  npm run sim -- tokens --expire-all             expire every token: n8n refreshes it and Concur rotates the refresh token`,
		`  npm run sim -- fault --status 429 --count 2    throttle the next two API calls (not token requests): submit and`,
		`                                                 deliver another report, the workflow rides them out (Retry-After)`,
	);

	console.log(`
${bold('n8n-nodes-concur playground is running')}   (ready in ${took})

  Editor      ${bold(n8n.baseUrl)}
  Login       ${n8n.email} / ${n8n.password}
  Simulator   ${simUrl}   (a fake Concur tenant; no account, no internet)
  Chat sink   ${chatUrl}  (what the workflows post appears below)

${bold('Workflows')}
${examples
	.map((example) => {
		const mark = example.active ? '●' : '○';
		let line = `  ${number(example)}. ${mark} ${example.name}   ${n8n.baseUrl}/workflow/${example.id}`;
		if (example.activationError) line += `\n      not active: ${example.activationError}`;
		if (example.inactiveReason) line += `\n      not active: it ${example.inactiveReason}`;
		return line;
	})
	.join('\n')}

${bold('Make things happen')} (in another terminal, in this folder)
  export CONCUR_SIM_URL=${simUrl}
${commands.join('\n')}
${inactive
	.map((example) => {
		const target = triggerUrl(example);
		const handler = examples.find((candidate) => candidate.active && handlesExternalValidation(candidate.workflow));
		const other = handler ? `workflow ${number(handler)}` : 'the other handler';
		return `
To try workflow ${number(example)} instead of ${other}: in the editor deactivate ${other} (n8n 2.x: Unpublish) and
activate workflow ${number(example)} (Publish), then submit a report and deliver its events to workflow ${number(example)}:
  npm run sim -- send-events --url ${target?.url ?? '<its webhook URL>'}`;
	})
	.join('\n')}
Executions: ${n8n.baseUrl}/home/executions      n8n log: .dev/n8n.log
Press Ctrl-C to stop everything.
`);
}

main().catch(async (error) => {
	console.error(error instanceof Error ? error.message : error);
	await stopAll(1);
});
