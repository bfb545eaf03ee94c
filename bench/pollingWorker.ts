/**
 * Child process of the polling benchmark (bench/polling.ts): drains the simulator's backlog with
 * the Concur Polling Trigger's poll() through n8n-core's PollContext (test/harness/poll.ts), poll
 * after poll until a poll finds nothing, and prints one JSON line: polls, items emitted,
 * duplicates and missing ids, wall time, peak heap and peak RSS of this process.
 */
import * as fs from 'node:fs';
import * as readline from 'node:readline';

import { PollHarness } from '../test/harness/poll';
import { concurCredentials } from '../test/harness/concurCredentials';

const MAX_POLLS = 500;
const MAX_WALL_MS = 180_000;

async function main(): Promise<void> {
	const seed = JSON.parse(process.env.BENCH_SIM_SEED as string);
	// The backlog's IDs, each with a flag: fixed-size bookkeeping, loaded before the baseline heap.
	const expectedIds = JSON.parse(fs.readFileSync(process.env.BENCH_EXPECTED_IDS_FILE as string, 'utf8')) as string[];
	const indexOf = new Map(expectedIds.map((id, index) => [id, index]));
	const emittedFlags = new Uint8Array(expectedIds.length);
	const others = new Map<string, number>(); // reports outside the backlog (the simulator's seed)
	const budget = process.env.BENCH_BUDGET_MS;
	const trigger = new PollHarness({
		parameters: {
			resource: 'expenseReport',
			event: 'createdOrUpdated',
			firstRun: 'date',
			startDate: process.env.BENCH_SINCE,
			options: { pageSize: Number(process.env.BENCH_PAGE_SIZE ?? 100) },
		},
		credentials: { concurOAuth2Api: concurCredentials({ baseUrl: process.env.BENCH_SIM_URL as string, seed }) },
	});
	// n8n 2.40.7 has no poll budget (the whole chain is read in one poll); with a budget the
	// trigger stops at a page boundary and the next poll resumes.
	trigger.budgetMs = budget ? Number(budget) : undefined;
	// The parent counts the simulator's requests per poll: tell it when a poll is done and wait
	// for its answer, so no request of the next poll can slip into this poll's count.
	const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
	const pollDone = async (count: number) => {
		process.stdout.write(`POLL ${count}\n`);
		await lines.next();
	};

	// What stays after a collection (the drain's real footprint), before the first poll and after each.
	const collect = (globalThis as { gc?: () => void }).gc;
	const retained = () => {
		collect?.();
		return process.memoryUsage().heapUsed;
	};
	const baselineHeap = retained();
	let retainedHeap = baselineHeap;
	let peakHeap = process.memoryUsage().heapUsed;
	const sample = () => {
		peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
	};
	const sampler = setInterval(sample, 10);
	let emitted = 0;
	let duplicates = 0;
	let polls = 0;
	let finished = true;
	const started = process.hrtime.bigint();
	for (;;) {
		polls++;
		const outcome = await trigger.poll();
		sample();
		if (outcome.error) throw outcome.error;
		const count = outcome.items?.length ?? 0;
		for (const item of outcome.items ?? []) {
			const id = String(item.ID ?? item.id);
			const index = indexOf.get(id);
			if (index === undefined) {
				const key = `${id}|${String(item.LastModifiedDate ?? item.lastModifiedDate)}`;
				if (others.has(key)) duplicates++;
				others.set(key, 1);
			} else {
				if (emittedFlags[index]) duplicates++; // each backlog report changed once
				emittedFlags[index] = 1;
			}
			emitted++;
		}
		outcome.items = null; // what stays after the poll's items were handed on
		retainedHeap = Math.max(retainedHeap, retained());
		await pollDone(count);
		if (count === 0) break;
		// Bounded: a drain that does not converge is reported as unfinished, not looped forever.
		if (polls >= MAX_POLLS || Number(process.hrtime.bigint() - started) / 1e6 > MAX_WALL_MS) {
			finished = false;
			break;
		}
	}
	const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
	const stateBytes = JSON.stringify(trigger.nodeState()).length;
	clearInterval(sampler);
	process.stdin.destroy();
	process.stdout.write(
		'RESULT ' +
		JSON.stringify({
			polls,
			stateBytes,
			finished,
			emitted,
			duplicates,
			missing: emittedFlags.length - emittedFlags.reduce((sum, flag) => sum + flag, 0),
			wallMs,
			peakHeapMiB: peakHeap / 2 ** 20,
			retainedHeapMiB: retainedHeap / 2 ** 20,
			baselineHeapMiB: baselineHeap / 2 ** 20,
			peakRssMiB: process.resourceUsage().maxRSS / 1024,
		}) + '\n',
	);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
