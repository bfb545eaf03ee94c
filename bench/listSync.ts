/**
 * List Item > Sync benchmark: a 10,000-item list synced through n8n-core's engine (the harness)
 * against the Concur simulator in this process. Four runs on one list:
 *
 *   create     an empty list, 10,000 input items: every item created (bulk POST, 250 a call)
 *   rename     the same input with 1% renamed: the list read (100 items a page), one bulk PATCH
 *   unchanged  the same input again: the list read, nothing written
 *   prune      half the input with Delete Items Not in Input: 5,000 deletes (bulk PATCH)
 *
 * For each: API calls by endpoint (from the simulator's counts), wall time, and the heap (peak
 * sampled every 20 ms, and kept after a collection when run with --expose-gc). Section 4 of
 * `npm run bench` (RESULTS.md); alone:
 *
 *   NODE_OPTIONS=--expose-gc npm run bench -- --only listSync
 *   BENCH_LIST_ITEMS=50000 npx tsx bench/listSync.ts
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { runNode } from '../test/harness/engine';
import { BULK_MAX, LIST_PAGE_SIZE, listsOf, startSimulator } from '../test/simulator';
import { concurCredentials } from '../test/harness/concurCredentials';

export interface ListSyncRow {
	run: 'create' | 'rename' | 'unchanged' | 'prune';
	items: number;
	summary: IDataObject;
	readCalls: number;
	writeCalls: number;
	/** What Concur's documented limits need: pages of 100 to read, batches of 250 to write. */
	readPagesNeeded: number;
	writeBatchesNeeded: number;
	wallMs: number;
	peakHeapMiB: number;
	heapAfterGcMiB?: number;
}

const MiB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;

export async function runListSyncBench({ items = 10_000, log = (_line: string) => undefined }: { items?: number; log?: (line: string) => void } = {}): Promise<ListSyncRow[]> {
	const sim = await startSimulator({ port: 0, reports: 2 });
	try {
		const lists = listsOf(sim);
		const listId = lists.createList('Bench').id;
		const credential: ICredentialDataDecryptedObject = concurCredentials(sim);
		const input = Array.from({ length: items }, (_, i) => ({ code: `E${String(i).padStart(6, '0')}`, name: `Employee group ${i}` }));
		const renamed = input.map((row, i) => (i % 100 === 0 ? { ...row, name: `${row.name} (renamed)` } : row));
		const runs: Array<[ListSyncRow['run'], IDataObject[], boolean, (planned: IDataObject) => number]> = [
			['create', input, true, (s) => Number(s.created)],
			['rename', renamed, true, (s) => Number(s.updated)],
			['unchanged', renamed, true, () => 0],
			['prune', renamed.slice(0, Math.ceil(items / 2)), true, (s) => Number(s.deleted)],
		];
		const rows: ListSyncRow[] = [];
		for (const [run, rowsIn, deleteMissing, changed] of runs) {
			const existing = lists.itemsOf(listId).length;
			lists.resetCalls();
			gc?.();
			let peak = process.memoryUsage().heapUsed;
			const sampler = setInterval(() => {
				peak = Math.max(peak, process.memoryUsage().heapUsed);
			}, 20);
			const started = performance.now();
			const result = await runNode({
				type: 'n8n-nodes-concur.concur',
				name: 'Concur',
				parameters: {
					resource: 'listItem',
					operation: 'sync',
					listId,
					code: '={{ $json.code }}',
					name: '={{ $json.name }}',
					parentCode: '',
					deleteMissing,
					options: { output: 'summary' },
				},
				items: rowsIn,
				credentials: { concurOAuth2Api: credential },
			});
			const wallMs = performance.now() - started;
			clearInterval(sampler);
			peak = Math.max(peak, process.memoryUsage().heapUsed);
			if (result.nodeError) throw result.nodeError;
			gc?.();
			const summary = result.output[0].summary as IDataObject;
			const row: ListSyncRow = {
				run,
				items: rowsIn.length,
				summary,
				readCalls: lists.callCount('GET'),
				writeCalls: lists.callCount('POST') + lists.callCount('PATCH'),
				readPagesNeeded: Math.max(1, Math.ceil(existing / LIST_PAGE_SIZE)),
				writeBatchesNeeded: Math.ceil(changed(summary) / BULK_MAX),
				wallMs: Math.round(wallMs),
				peakHeapMiB: Math.round((peak / MiB) * 10) / 10,
				heapAfterGcMiB: gc ? Math.round((process.memoryUsage().heapUsed / MiB) * 10) / 10 : undefined,
			};
			rows.push(row);
			log(
				`[listSync] ${run.padEnd(9)} ${String(row.items).padStart(6)} input items: ${row.readCalls} reads (pages needed ${row.readPagesNeeded}), ` +
					`${row.writeCalls} bulk writes (batches needed ${row.writeBatchesNeeded}), ${row.wallMs} ms, peak heap ${row.peakHeapMiB} MiB` +
					(row.heapAfterGcMiB !== undefined ? `, after GC ${row.heapAfterGcMiB} MiB` : '') +
					` — ${JSON.stringify({ created: summary.created, updated: summary.updated, deleted: summary.deleted, unchanged: summary.unchanged, failed: summary.failed })}`,
			);
		}
		return rows;
	} finally {
		await sim.close();
	}
}

if (require.main === module) {
	const items = Number(process.env.BENCH_LIST_ITEMS ?? 10_000);
	runListSyncBench({ items, log: (line) => console.log(line) })
		.then((rows) => console.log(JSON.stringify(rows, null, 2)))
		.catch((error: unknown) => {
			console.error(error);
			process.exitCode = 1;
		});
}
