/**
 * Polling chaos end to end: a real n8n 2.40.7 polls the Concur simulator every 5 seconds with the
 * Concur Polling Trigger while report changes stream in (new reports submitted, existing ones
 * touched, approved), the simulator answers some polls with 429 (Retry-After: 0) and 500, and
 * n8n is restarted in the middle. Afterwards every emitted item is read back from n8n's
 * executions. Bar: 0 missed (the latest version of every changed report was emitted) and 0
 * repeated (no report version emitted twice). A poll only sees a report's current version, so an
 * intermediate version overwritten between two polls is not "missed".
 */
import { randomUUID } from 'node:crypto';

import { executionsWithData } from '../../bench/lib/executions';
import { type N8nExecution, type WorkflowJson } from '../../scripts/lib/n8n';
import { createSimulatorCredentials } from '../../scripts/lib/playground';
import { startSimulator, type ConcurSimulator } from '../simulator';
import { prng } from '../simulator/state';
import { RestartableN8n } from './lib/n8n';

const CHAOS_SECONDS = Number(process.env.POLL_CHAOS_SECONDS ?? 90);
const LIST_PATH = '/api/v3.0/expense/reports';

function pollingWorkflow(credential: { id: string; name: string }): WorkflowJson {
	// n8n accepts several once-a-minute cron entries: 12 of them poll every 5 seconds.
	const pollTimes = {
		item: Array.from({ length: 12 }, (_, i) => ({ mode: 'custom', cronExpression: `${i * 5} * * * * *` })),
	};
	return {
		name: 'polling chaos',
		nodes: [
			{
				id: randomUUID(),
				name: 'Concur Polling Trigger',
				type: 'n8n-nodes-concur.concurPollingTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: { pollTimes, resource: 'expenseReport', event: 'createdOrUpdated', firstRun: 'now' },
				credentials: { concurOAuth2Api: credential },
			},
		],
		connections: {},
	};
}

/** Report id and LastModifiedDate (epoch ms) of an emitted item, whatever the output shape. */
function versionOf(item: Record<string, any>): { id: string; modified: number } {
	const id = String(item.ID ?? item.id ?? item.reportId);
	const raw = String(item.LastModifiedDate ?? item.lastModifiedDate);
	const modified = Date.parse(/Z$|[+-]\d\d:?\d\d$/.test(raw) ? raw : `${raw}Z`);
	return { id, modified };
}

function emittedItems(execution: N8nExecution): Array<Record<string, any>> {
	const runs = execution.data?.resultData.runData['Concur Polling Trigger'] ?? [];
	return runs.flatMap((run) => (run.data?.main ?? []).flatMap((items) => (items ?? []).map((item) => item.json)));
}

describe(`polling chaos: ${CHAOS_SECONDS} s of report changes, 429s, 500s and an n8n restart`, () => {
	let sim: ConcurSimulator;
	let n8n: RestartableN8n;
	let workflowId: string;
	const changed = new Set<string>();
	const faultsInjected = { 429: 0, 500: 0 };
	let emitted: Array<{ id: string; modified: number }> = [];
	let executions: N8nExecution[] = [];
	const restartWindow = { from: '', to: '' };

	const listCalls = () => sim.requests.filter((r) => r.path.split('?')[0] === LIST_PATH).length;
	const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

	beforeAll(async () => {
		sim = await startSimulator({ port: 0 });
		n8n = await RestartableN8n.start({ N8N_EXPRESSION_ENGINE: 'legacy' });
		const credentials = await createSimulatorCredentials(n8n.instance, sim);
		const { id } = await n8n.instance.createWorkflow(pollingWorkflow(credentials.concurOAuth2Api));
		workflowId = id;
		await n8n.instance.activateWorkflow(id);

		// The trigger starts from "now": wait for its first poll before changing anything.
		const firstPollBy = Date.now() + 60_000;
		while (listCalls() === 0 && Date.now() < firstPollBy) await sleep(250);

		const rand = prng(4242);
		const ids = [...sim.seed.reportIds];
		const started = Date.now();
		let restarted: Promise<void> | undefined;
		while (Date.now() - started < CHAOS_SECONDS * 1000) {
			const roll = rand();
			if (roll < 0.5) {
				const report = sim.reports.create({ amount: Math.round(rand() * 500), receipts: rand() < 0.5 });
				sim.reports.submit(report.id);
				ids.push(report.id);
				changed.add(report.id);
			} else {
				const id = ids[Math.floor(rand() * ids.length)];
				sim.reports.touch(id);
				changed.add(id);
			}
			if (rand() < 0.03) {
				sim.faults.inject({ status: 429, count: 1 + Math.floor(rand() * 3), pathPrefix: LIST_PATH, retryAfter: 0 });
				faultsInjected[429]++;
			}
			if (rand() < 0.02) {
				sim.faults.inject({ status: 500, count: 1, pathPrefix: LIST_PATH });
				faultsInjected[500]++;
			}
			if (!restarted && Date.now() - started > (CHAOS_SECONDS * 1000) / 2) {
				restartWindow.from = new Date().toISOString();
				restarted = n8n.restart().then(() => {
					restartWindow.to = new Date().toISOString();
				});
			}
			await sleep(150 + rand() * 200);
		}
		await restarted;
		sim.faults.clear();
		// Let at least three clean polls pass after the last change, then read everything back.
		const callsAtEnd = listCalls();
		const settleBy = Date.now() + 120_000;
		while (listCalls() < callsAtEnd + 3 && Date.now() < settleBy) await sleep(500);
		await sleep(5000);
		executions = await executionsWithData(n8n.instance, workflowId);
		emitted = executions.flatMap(emittedItems).map(versionOf);
		// Diagnostics for a failure: each execution, and in which executions repeats showed up.
		const firstSeenIn = new Map<string, string>();
		const repeats: Record<string, number> = {};
		for (const execution of executions) {
			for (const v of emittedItems(execution).map(versionOf)) {
				const key = `${v.id}|${v.modified}`;
				const first = firstSeenIn.get(key);
				if (first === undefined) firstSeenIn.set(key, execution.id);
				else repeats[`${first}→${execution.id}`] = (repeats[`${first}→${execution.id}`] ?? 0) + 1;
			}
		}
		console.log(
			`[poll-chaos] executions ${JSON.stringify(
				executions.map((e) => ({
					id: e.id,
					status: e.status,
					startedAt: (e as { startedAt?: string }).startedAt,
					items: emittedItems(e).length,
				})),
			)} restart ${JSON.stringify(restartWindow)} repeats ${JSON.stringify(repeats)}`,
		);
		console.log(
			`[poll-chaos] ${JSON.stringify({
				changedReports: changed.size,
				executions: executions.length,
				emitted: emitted.length,
				listCalls: listCalls(),
				faultsInjected,
				faultsServed: sim.faults.served,
				restarts: n8n.restarts,
				executionStatuses: executions.reduce<Record<string, number>>((acc, e) => ({ ...acc, [e.status ?? '?']: (acc[e.status ?? '?'] ?? 0) + 1 }), {}),
			})}`,
		);
	}, (CHAOS_SECONDS + 600) * 1000);

	afterAll(async () => {
		await n8n?.stop();
		await sim?.close();
	});

	it('really met faults and a restart while changes streamed in', () => {
		expect(n8n.restarts).toBe(1);
		expect(sim.faults.served.status).toBeGreaterThan(0);
		expect(changed.size).toBeGreaterThan(50);
	});

	it('missed nothing: the latest version of every changed report was emitted', () => {
		const seen = new Set(emitted.map((v) => `${v.id}|${v.modified}`));
		const missed = [...changed].filter((id) => !seen.has(`${id}|${sim.reports.get(id)!.lastModified}`));
		expect(missed).toEqual([]);
	});

	it('repeated nothing: no report version was emitted twice', () => {
		const counts = new Map<string, number>();
		for (const v of emitted) counts.set(`${v.id}|${v.modified}`, (counts.get(`${v.id}|${v.modified}`) ?? 0) + 1);
		expect([...counts].filter(([, count]) => count > 1)).toEqual([]);
	});

	it('emitted only reports that really changed', () => {
		// (Polls that met a fault may show up as failed executions: by design they fail visibly
		// and leave the cursor where it was.)
		expect(emitted.filter((v) => !changed.has(v.id))).toEqual([]);
	});
});
