/**
 * Polling drain benchmark: a catch-up after downtime. 1,000, 10,000 and 100,000 reports that
 * existed before the trigger's Start Date changed during two days of downtime (their
 * LastModifiedDates spread evenly over it); the Concur Polling Trigger's poll() drains them through
 * n8n-core's PollContext (test/harness/poll.ts). The simulator runs in this process; each drain
 * runs in its own child process (bench/pollingWorker.ts) so its peak memory is its own. API calls
 * are counted from the simulator's request log and compared with the pages the backlog needs.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';

import { startSimulator } from '../test/simulator';

/** Runs the worker; `onPoll` is called after each poll (the worker waits until it returns). */
async function runWorker(env: NodeJS.ProcessEnv, onPoll: (emitted: number) => void): Promise<WorkerOutput> {
	// --expose-gc: the worker measures the heap that stays after a collection, poll after poll.
	const child = spawn(process.execPath, ['--expose-gc', ...process.execArgv, path.join(__dirname, 'pollingWorker.ts')], {
		env: { ...process.env, ...env },
		stdio: ['pipe', 'pipe', 'inherit'],
	});
	let result: WorkerOutput | undefined;
	for await (const line of readline.createInterface({ input: child.stdout })) {
		if (line.startsWith('POLL ')) {
			onPoll(Number(line.slice(5)));
			child.stdin.write('next\n');
		} else if (line.startsWith('RESULT ')) {
			result = JSON.parse(line.slice(7)) as WorkerOutput;
		}
	}
	const code = child.exitCode ?? (await new Promise<number | null>((resolve) => child.once('exit', resolve)));
	if (!result || code !== 0) throw new Error(`polling worker failed (exit ${code})`);
	return result;
}

export const PAGE_SIZE = 100;
/** How long the trigger was down: the backlog's changes are spread over it. */
export const DOWNTIME_MS = 2 * 86_400_000;
/** A poll budget like n8n 2.41+ gives (the trigger stops at a page boundary near it). */
export const BUDGET_MS = 500;
const LIST_PATH = '/api/v3.0/expense/reports';

export interface PollingRow {
	backlog: number;
	/** Poll budget given to the trigger (ms), or null: n8n 2.40.7 has none, one poll reads all. */
	budgetMs: number | null;
	polls: number;
	emitted: number;
	apiCalls: number;
	listCalls: number;
	tokenCalls: number;
	/** List calls of the last poll, which found nothing new (it re-reads the look-back window). */
	confirmCalls: number;
	/** ceil(backlog / page size): what a reader that trusted every NextPage link would need. */
	pagesNeeded: number;
	/** Bytes of the trigger's static data after the drain (its cursor). */
	stateBytes?: number;
	wallMs: number;
	peakHeapMiB: number;
	peakRssMiB: number;
	/** Heap in use right after a forced collection, the largest over the polls (what the drain keeps). */
	retainedHeapMiB?: number;
	/** The same before the first poll: the worker with the backlog's IDs it checks loaded. */
	baselineHeapMiB?: number;
	duplicates: number;
	missing: number;
	/** False when the drain stopped before the backlog was emitted (bounded poll count). */
	finished?: boolean;
}

export interface PollingResult {
	pageSize: number;
	rows: PollingRow[];
	notes?: string[];
}

export interface WorkerOutput {
	polls: number;
	stateBytes?: number;
	/** False when the drain hit the worker's bounds (500 polls or 3 minutes) before a poll came back empty. */
	finished: boolean;
	emitted: number;
	duplicates: number;
	missing: number;
	wallMs: number;
	peakHeapMiB: number;
	peakRssMiB: number;
	retainedHeapMiB?: number;
	baselineHeapMiB?: number;
}

export async function runPollingBench({
	quick = false,
	log = (_line: string) => undefined,
}: { quick?: boolean; log?: (line: string) => void } = {}): Promise<PollingResult> {
	const sizes = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
	const rows: PollingRow[] = [];
	const modes: Array<number | null> = [null, BUDGET_MS];
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'concur-bench-poll-'));
	for (const budgetMs of modes)
	for (const backlog of sizes) {
		if (budgetMs !== null && backlog > 100_000) continue;
		const sim = await startSimulator({ port: 0 });
		try {
			// The trigger's Start Date; the backlog's reports existed before it (created the day
			// before) and each changed once during the downtime after it.
			const sinceMs = Date.now() - DOWNTIME_MS - 60_000;
			const since = new Date(sinceMs).toISOString();
			const ids = sim.reports.bulk(backlog, 'submit');
			ids.forEach((id, i) => {
				sim.reports.get(id)!.createDate = sinceMs - 86_400_000 + i;
				sim.reports.setLastModified([id], sinceMs + Math.floor(((i + 1) * DOWNTIME_MS) / backlog));
			});
			const requestsBefore = sim.requests.length;
			log(`[polling] ${backlog} reports changed during the downtime, ${budgetMs === null ? 'no poll budget' : `poll budget ${budgetMs} ms`}: draining`);
			const idsFile = path.join(tmp, `ids-${backlog}.json`);
			fs.writeFileSync(idsFile, JSON.stringify(ids));
			// Requests up to the end of the last poll that emitted something: the drain itself.
			// The final poll that finds nothing new is counted apart (it re-reads the look-back window).
			let drainEnd = requestsBefore;
			const output = await runWorker(
				{
					BENCH_SIM_URL: sim.baseUrl,
					BENCH_SIM_SEED: JSON.stringify(sim.seed),
					BENCH_SINCE: since,
					BENCH_PAGE_SIZE: String(PAGE_SIZE),
					BENCH_EXPECTED_IDS_FILE: idsFile,
					BENCH_BUDGET_MS: budgetMs === null ? '' : String(budgetMs),
				},
				(emitted) => {
					if (emitted > 0) drainEnd = sim.requests.length;
				},
			);
			const isList = (r: { path: string }) => r.path.split('?')[0] === LIST_PATH;
			const requests = sim.requests.slice(requestsBefore, drainEnd);
			const listCalls = requests.filter(isList).length;
			const tokenCalls = requests.filter((r) => r.path.startsWith('/oauth2/')).length;
			const confirmCalls = sim.requests.slice(drainEnd).filter(isList).length;
			const row: PollingRow = {
				backlog,
				budgetMs,
				...output,
				apiCalls: requests.length,
				listCalls,
				tokenCalls,
				confirmCalls,
				pagesNeeded: Math.ceil(backlog / PAGE_SIZE),
			};
			log(`[polling] ${JSON.stringify(row)}`);
			rows.push(row);
		} finally {
			await sim.close();
		}
	}
	fs.rmSync(tmp, { recursive: true, force: true });
	return { pageSize: PAGE_SIZE, rows };
}
