/**
 * Model check of the cursor (pure, no n8n, no HTTP): a list paged by offset and ordered by
 * LastModifiedDate then ID, as Concur's v3 list is served by the simulator, with bursts of changes
 * sharing one timestamp, late rows inside the look-back window, reports changing *between the pages
 * of one chain* (which shifts offsets), failed polls and budget cut-offs. Every version must be
 * emitted exactly once.
 */
import {
	commitRun,
	createReportCursor,
	mayStopEarly,
	startRun,
	takeNewRows,
	type ReportCursorState,
} from '../../nodes/Concur/helpers/cursor';
import { parseConcurDate, toConcurDate } from '../../nodes/Concur/helpers/dates';

interface Row {
	ID: string;
	LastModifiedDate: string;
}

function rng(seed: number) {
	let s = seed >>> 0;
	return () => {
		s = (s * 1664525 + 1013904223) >>> 0;
		return s / 2 ** 32;
	};
}

function runModel(seed: number, polls: number) {
	const random = rng(seed);
	const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
	const lookBackMs = 60_000;
	const limits = { lookBackMs, maxKeys: 100_000 };
	const pageSize = 5;
	let now = Date.UTC(2026, 10, 22, 12);
	const start = now;
	const current = new Map<string, number>(); // report → LastModifiedDate ms
	const versions = new Set<string>();
	const emitted = new Map<string, number>();
	let nextId = 0;
	let state: ReportCursorState = createReportCursor(now);
	let watermarkSeen = now;

	// The list as the server keeps it: sorted by LastModifiedDate, then ID.
	const order: Array<[number, string]> = [];
	const compare = (a: [number, string], b: [number, string]) =>
		a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
	const position = (entry: [number, string]) => {
		let lo = 0;
		let hi = order.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (compare(order[mid], entry) < 0) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	};
	const emittedReady = new Set<string>(); // reports whose current version was emitted
	const change = (id: string, at: number) => {
		const old = current.get(id);
		if (old !== undefined) order.splice(position([old, id]), 1);
		order.splice(position([at, id]), 0, [at, id]);
		current.set(id, at);
		versions.add(`${id}|${at}`);
		emittedReady.delete(id);
	};
	const emittedCurrent = () => [...emittedReady];
	/** One page of `modifiedDateAfter=after`, by offset: what Concur's NextPage chain serves. */
	const pageAt = (after: number, offset: number) => {
		const start = position([after + 1, '']) + offset;
		const rows: Row[] = order
			.slice(start, start + pageSize)
			.map(([at, ID]) => ({ ID, LastModifiedDate: toConcurDate(at) }));
		return { rows, hasNext: start + pageSize < order.length };
	};
	const record = (r: Row) => {
		const at = parseConcurDate(r.LastModifiedDate) as number;
		const key = `${r.ID}|${at}`;
		emitted.set(key, (emitted.get(key) ?? 0) + 1);
		if (current.get(r.ID) === at) emittedReady.add(r.ID);
	};

	let failures = 0;
	let cutOffs = 0;
	let midChainMoves = 0;
	for (let poll = 0; poll < polls; poll++) {
		// Changes between polls: bursts sharing one millisecond, single changes, late rows.
		now += Math.floor(random() * 5_000);
		const kind = random();
		if (kind < 0.3) {
			const burst = 1 + Math.floor(random() * 12);
			for (let i = 0; i < burst; i++) change(`R${String(nextId++).padStart(5, '0')}`, now);
		} else if (kind < 0.55) {
			// Only a report whose current version was already emitted changes (ground truth stays exact).
			const ready = emittedCurrent();
			if (ready.length) change(pick(ready), now);
		} else if (kind < 0.7) {
			const late = now - Math.floor(random() * (lookBackMs / 2));
			if (late >= start && late > watermarkSeen - lookBackMs / 2) change(`L${String(nextId++).padStart(5, '0')}`, late);
		}

		const fail = random() < 0.1 ? 1 + Math.floor(random() * 3) : 0; // fail on page n
		const budgetCut = random() < 0.3;
		const run = startRun(state, lookBackMs);
		const out: Row[] = [];
		let offset = 0;
		let pageNo = 0;
		let failed = false;
		const after = run.lowerBound - 1;
		while (true) {
			pageNo++;
			if (pageNo === fail) {
				failed = true;
				break;
			}
			const { rows, hasNext } = pageAt(after, offset);
			offset += pageSize;
			out.push(...takeNewRows(run, state, rows));
			// A report already emitted changes while the chain is read: offsets shift under us.
			if (hasNext && random() < 0.05) {
				const ready = emittedCurrent();
				if (ready.length) {
					now += 1;
					change(pick(ready), now);
					midChainMoves++;
				}
			}
			if (!hasNext) break;
			if (budgetCut && mayStopEarly(run)) {
				cutOffs++;
				break;
			}
		}
		if (failed) {
			failures++;
			continue; // nothing emitted, state untouched
		}
		for (const r of out) record(r);
		state = commitRun(state, run, limits);
		if (state.watermark !== undefined) watermarkSeen = state.watermark;
	}
	// Drain: quiet polls with no budget limit until nothing new comes.
	for (let i = 0; i < 50; i++) {
		const run = startRun(state, lookBackMs);
		for (let o = 0; ; o += pageSize) {
			const { rows, hasNext } = pageAt(run.lowerBound - 1, o);
			for (const r of takeNewRows(run, state, rows)) record(r);
			if (!hasNext) break;
		}
		state = commitRun(state, run, limits);
	}
	const missed = [...versions].filter((v) => !emitted.has(v));
	const repeated = [...emitted].filter(([, count]) => count > 1);
	return { versions: versions.size, missed, repeated, failures, cutOffs, midChainMoves };
}

describe('cursor model: offset pages, shared timestamps, late rows, mid-chain moves', () => {
	for (const seed of [1]) {
		it(`seed ${seed}: 1,000 polls, nothing missed, nothing twice`, () => {
			const result = runModel(seed, 1000);
			expect(result.versions).toBeGreaterThan(1000);
			expect(result.failures).toBeGreaterThan(50);
			expect(result.cutOffs).toBeGreaterThan(50);
			expect(result.midChainMoves).toBeGreaterThan(20);
			expect(result.missed).toEqual([]);
			expect(result.repeated).toEqual([]);
		});
	}
});

/**
 * A backlog read in one long chain (no budget): reports change while the chain is read, so offset
 * pages shift and a row can be skipped at a page boundary far behind the end of the chain. The
 * watermark must not jump past it.
 */
function runBacklog(seed: number) {
	const random = rng(seed);
	const lookBackMs = 60_000;
	const pageSize = 4;
	const start = Date.UTC(2026, 10, 22, 0);
	let now = start + 8 * 3_600_000;
	const current = new Map<string, number>();
	for (let i = 0; i < 400; i++) current.set(`R${String(i).padStart(4, '0')}`, start + i * 60_000);
	const page = (after: number, offset: number) => {
		const all = [...current].filter(([, at]) => at > after).sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
		return {
			rows: all.slice(offset, offset + pageSize).map(([ID, at]) => ({ ID, LastModifiedDate: toConcurDate(at) })),
			hasNext: offset + pageSize < all.length,
		};
	};
	const emitted = new Map<string, number>();
	let state = createReportCursor(start);
	let moves = 0;
	for (let poll = 0; poll < 6; poll++) {
		const run = startRun(state, lookBackMs);
		for (let offset = 0; ; offset += pageSize) {
			const { rows, hasNext } = page(run.lowerBound - 1, offset);
			for (const r of takeNewRows(run, state, rows)) {
				const key = `${r.ID}|${parseConcurDate(r.LastModifiedDate)}`;
				emitted.set(key, (emitted.get(key) ?? 0) + 1);
			}
			if (!hasNext) break;
			if (poll === 0 && random() < 0.1) {
				// A report already read on an earlier page changes: it leaves its old position.
				const read = [...current].filter(([, at]) => at <= (run.frontier ?? 0));
				const [id] = read[Math.floor(random() * read.length)];
				current.set(id, ++now);
				moves++;
			}
		}
		state = commitRun(state, run, { lookBackMs, maxKeys: 100_000 });
	}
	const missed = [...current].filter(([id, at]) => !emitted.has(`${id}|${at}`));
	const repeated = [...emitted].filter(([, count]) => count > 1);
	return { moves, missed, repeated };
}

describe('cursor model: a long chain over a backlog while reports change', () => {
	for (const seed of [3, 5]) {
		it(`seed ${seed}: every current version is emitted once`, () => {
			const result = runBacklog(seed);
			expect(result.moves).toBeGreaterThan(2);
			expect(result.missed).toEqual([]);
			expect(result.repeated).toEqual([]);
		});
	}
});
