/**
 * Polling drain benchmark: backlogs of 1,000, 10,000 and 100,000 changed reports in the Concur
 * simulator, drained by the Concur Polling Trigger's poll() through n8n-core's PollContext
 * (test/harness/poll.ts). The simulator runs in this process; each drain runs in its own child
 * process (bench/pollingWorker.ts) so its peak memory is its own. API calls are counted from the
 * simulator's request log: list calls should equal the pages the backlog needs.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

import { startSimulator } from '../test/simulator';

const execFileAsync = promisify(execFile);

export const PAGE_SIZE = 100;
const LIST_PATH = '/api/v3.0/expense/reports';

export interface PollingRow {
	backlog: number;
	polls: number;
	emitted: number;
	apiCalls: number;
	listCalls: number;
	tokenCalls: number;
	pagesNeeded: number;
	wallMs: number;
	peakHeapMiB: number;
	peakRssMiB: number;
	duplicates: number;
	missing: number;
}

export interface PollingResult {
	pageSize: number;
	rows: PollingRow[];
	notes?: string[];
}

export interface WorkerOutput {
	polls: number;
	emitted: number;
	duplicates: number;
	missing: number;
	wallMs: number;
	peakHeapMiB: number;
	peakRssMiB: number;
}

export async function runPollingBench({
	quick = false,
	log = (_line: string) => undefined,
}: { quick?: boolean; log?: (line: string) => void } = {}): Promise<PollingResult> {
	const sizes = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
	const rows: PollingRow[] = [];
	for (const backlog of sizes) {
		const sim = await startSimulator({ port: 0 });
		try {
			// Everything before this instant is "old"; the backlog is what changed after it.
			const since = new Date(Date.now() - 1000).toISOString();
			await new Promise((resolve) => setTimeout(resolve, 1100));
			const ids = sim.reports.bulk(backlog, 'submit');
			const requestsBefore = sim.requests.length;
			log(`[polling] ${backlog} changed reports: draining`);
			const { stdout } = await execFileAsync(
				process.execPath,
				[...process.execArgv, path.join(__dirname, 'pollingWorker.ts')],
				{
					env: {
						...process.env,
						BENCH_SIM_URL: sim.baseUrl,
						BENCH_SIM_SEED: JSON.stringify(sim.seed),
						BENCH_SINCE: since,
						BENCH_PAGE_SIZE: String(PAGE_SIZE),
						BENCH_EXPECTED_IDS: JSON.stringify(ids),
					},
					maxBuffer: 1 << 26,
				},
			);
			const output = JSON.parse(stdout.trim().split('\n').pop() as string) as WorkerOutput;
			const requests = sim.requests.slice(requestsBefore);
			const listCalls = requests.filter((r) => r.path.split('?')[0] === LIST_PATH).length;
			const tokenCalls = requests.filter((r) => r.path.startsWith('/oauth2/')).length;
			const row: PollingRow = {
				backlog,
				...output,
				apiCalls: requests.length,
				listCalls,
				tokenCalls,
				pagesNeeded: Math.ceil(backlog / PAGE_SIZE),
			};
			log(`[polling] ${JSON.stringify(row)}`);
			rows.push(row);
		} finally {
			await sim.close();
		}
	}
	return { pageSize: PAGE_SIZE, rows };
}
