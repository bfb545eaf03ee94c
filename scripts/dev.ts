/**
 * `npm run dev`: a local playground with no Concur account and no internet.
 *
 * Builds and packs this package, starts the Concur simulator and a real n8n on 127.0.0.1 with the
 * package installed the way n8n installs community packages, creates the Concur credentials
 * (pointed at the simulator), imports and activates the example workflows, and prints what to do
 * next. Ctrl-C stops everything and removes the temporary n8n data.
 *
 * Environment: N8N_PORT (default 5678), CONCUR_SIM_PORT (default 8787), N8N_VERSION (default
 * 2.40.7), N8N_HOST_DIR (where n8n is installed, default ~/.cache/n8n-nodes-concur).
 * Every run starts from scratch: the simulator keeps its state in memory (and makes a new ESS
 * signing key), so n8n's data folder (.dev/n8n) is recreated too.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

import { startSimulator } from '../test/simulator';
import { buildAndPack, ensureN8nHost, findN8nHost, freePort, N8N_V2, REPO_ROOT, startN8n, type N8nInstance } from './lib/n8n';
import { createSimulatorCredentials, importExamples, webhookUrl, type ImportedExample } from './lib/playground';

const DEV_DIR = path.join(REPO_ROOT, '.dev');

/** Cleanup of whatever was started so far; run on Ctrl-C, SIGTERM and on a failed start. */
const cleanups: Array<() => Promise<unknown>> = [];
let stopping = false;
async function stopAll(code: number): Promise<never> {
	if (!stopping) {
		stopping = true;
		if (cleanups.length) console.log('\nstopping n8n, the simulator and the chat sink…');
		for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
	}
	process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

function step(message: string): void {
	console.log(`\x1b[36m▸\x1b[0m ${message}`);
}

async function portOr(preferred: number): Promise<number> {
	return await new Promise((resolve) => {
		const probe = http.createServer();
		probe.once('error', () => resolve(freePort()));
		probe.listen(preferred, '127.0.0.1', () => probe.close(() => resolve(preferred)));
	});
}

/** A stand-in for a Slack/Mattermost incoming webhook: prints what the workflows post. */
async function startChatSink(): Promise<{ url: string; close: () => Promise<void> }> {
	const server = http.createServer((req, res) => {
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
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

async function main(): Promise<void> {
	fs.mkdirSync(DEV_DIR, { recursive: true });
	const version = process.env.N8N_VERSION ?? N8N_V2;

	step(
		findN8nHost(version)
			? `using the installed n8n ${version}`
			: `installing n8n ${version} outside the repository (first run only, a few minutes)`,
	);
	const hostPromise = ensureN8nHost(version);
	step('building and packing n8n-nodes-concur');
	const tarball = await buildAndPack(path.join(DEV_DIR, 'pack'));
	const host = await hostPromise;

	const sim = await startSimulator({ port: await portOr(Number(process.env.CONCUR_SIM_PORT ?? 8787)) });
	cleanups.push(() => sim.close());
	const chat = await startChatSink();
	cleanups.push(() => chat.close());
	step(`Concur simulator on ${sim.baseUrl}`);

	const userFolder = path.join(DEV_DIR, 'n8n');
	fs.rmSync(userFolder, { recursive: true, force: true });
	const password = process.env.N8N_DEV_PASSWORD ?? 'Concur-Playground-1';
	step('starting n8n (about a minute the first time: database migrations)');
	cleanups.push(async () => fs.rmSync(userFolder, { recursive: true, force: true }));
	const n8n = await startN8n({
		host,
		tarball,
		userFolder,
		port: await portOr(Number(process.env.N8N_PORT ?? 5678)),
		email: 'owner@example.com',
		password,
		logFile: path.join(DEV_DIR, 'n8n.log'),
	});
	cleanups.push(() => n8n.stop());

	step('creating Concur credentials (simulator) and importing the examples');
	const credentials = await createSimulatorCredentials(n8n, sim);
	const examples = await importExamples(n8n, credentials, { chatWebhookUrl: chat.url });

	printWelcome(n8n, sim.baseUrl, examples, chat.url);
	fs.writeFileSync(
		path.join(DEV_DIR, 'playground.json'),
		JSON.stringify(
			{
				editor: n8n.baseUrl,
				simulator: sim.baseUrl,
				login: { email: n8n.email, password },
				callout: { user: sim.seed.calloutUser, password: sim.seed.calloutPassword },
				workflows: examples.map(({ file, id, name, active }) => ({ file, id, name, active })),
			},
			null,
			2,
		),
	);
}

function printWelcome(
	n8n: N8nInstance,
	simUrl: string,
	examples: ImportedExample[],
	chatUrl: string,
): void {
	const bold = (s: string) => `\x1b[1m${s}\x1b[0m`;
	// One delivery command per Concur Trigger in the examples (ESS events or legacy callouts).
	const deliveries = examples.flatMap((example, index) =>
		example.workflow.nodes
			.filter((node) => node.type === 'n8n-nodes-concur.concurTrigger' && node.webhookId && !node.disabled)
			.map((node) =>
				node.parameters?.source === 'callout'
					? `  npm run sim -- send-callout --url ${webhookUrl(n8n, example.workflow, node.name as string, 'webhook/concur/v1.0/notify')}\n` +
						`      delivers the queued legacy callouts with Basic Auth to workflow ${index + 1}\n`
					: `  npm run sim -- send-events --url ${webhookUrl(n8n, example.workflow, node.name as string)}\n` +
						`      delivers the queued ESS events, signed, to workflow ${index + 1}\n`,
			),
	);

	console.log(`
${bold('n8n-nodes-concur playground is running')}

  Editor      ${bold(n8n.baseUrl)}
  Login       ${n8n.email} / ${n8n.password}
  Simulator   ${simUrl}   (a fake Concur tenant; no account, no internet)
  Chat sink   ${chatUrl}  (what the workflows post appears below)

${bold('Workflows')}
${examples
	.map((e, index) => `  ${index + 1}. ${e.active ? '●' : '○'} ${e.name}   ${n8n.baseUrl}/workflow/${e.id}${e.activationError ? `\n      not active: ${e.activationError}` : ''}`)
	.join('\n')}

${bold('Make things happen')} (in another terminal, in this folder)
  export CONCUR_SIM_URL=${simUrl}
  npm run sim -- reports                        list reports (IDs, approval statuses)
  npm run sim -- change <reportId> submit       submit a report (A_NOTF/A_RESU): queues an ESS event and a callout
${deliveries.join('')}      (a delivery takes the queued items off the queue; send-events --all re-sends every event)
  npm run sim -- tokens --expire-all            expire every token: n8n refreshes it and Concur rotates the refresh token
  npm run sim -- fault --status 429 --count 2   throttle the next two API calls

Executions: ${n8n.baseUrl}/home/executions      n8n log: .dev/n8n.log
Press Ctrl-C to stop everything.
`);
}

main().catch(async (error) => {
	console.error(error instanceof Error ? error.message : error);
	await stopAll(1);
});
