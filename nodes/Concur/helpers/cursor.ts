import { parseConcurDate } from './dates';

/*
 * The polling cursor, pure: plain JSON kept in the node's static data, and one poll's work on it
 * (ReportPass). Nothing here calls Concur: the poll asks `nextRequest()` what to list, hands each
 * answer back, and stores `commit()`. Why it neither misses nor repeats a change whatever order,
 * paging or clock Concur's list has: docs/ARCHITECTURE.md, "State the triggers keep".
 *
 * In short: a pass reads every report changed since `from` as a sequence of LMD ranges, each
 * proved by ONE complete answer (no NextPage), so neither the order of the list nor offsets that
 * shift between pages matter. Adjacent ranges share evidence (a row at the edge), so a filter that
 * rounds cannot open a gap. The next pass starts where no change can still be listed late.
 */

/** Concur's modified-date filters cut within this much of the value sent (rounding, strict or not). */
export const FILTER_TOLERANCE_MS = 1_000;

/** Requests in a row that prove nothing before the poll gives up (a list that cannot be narrowed). */
export const MAX_FRUITLESS_REQUESTS = 200;

/** How long a row without a usable LastModifiedDate (Concur always sends one) is remembered. */
const UNDATED_MEMORY_MS = 86_400_000;

// ------------------------------------------------------------------------------------------------
// Report cursor state

export interface ReportCursorState {
	version: 2;
	/** Epoch ms: every change with an older LastModifiedDate is handled (never decreases). */
	from: number;
	/** Handled changes with LastModifiedDate ≥ `from`: LastModifiedDate (ms, decimal) → report IDs. */
	seen: Record<string, string[]>;
	/** Epoch ms: a report first seen with a CreateDate at or after this is "created". */
	createdSince: number;
	/** Reports seen whose CreateDate is at or after `createdSince`: ID → CreateDate (ms). */
	created: Record<string, number>;
	/** The first pass only remembers what it reads (First Run "Start From Now"). */
	priming?: boolean;
	/** Width (ms) of a range that held about a page last time (a hint for the next pass). */
	widthMs?: number;
	/** A pass that a poll stopped (time budget, Max Items per Poll); the next poll continues it. */
	pass?: PassState;
}

export interface PassState {
	/** n8n's clock (epoch ms) when the pass began. */
	startedAt: number;
	/** Changes read with a LastModifiedDate at or after this are remembered in `seen`. */
	keyFloor: number;
	/** Every change with a LastModifiedDate up to this (inclusive) has been read by the pass. */
	doneThrough?: number;
	/** Lowest LastModifiedDate a change could still be listed late with, over the ranges read. */
	settledFrom?: number;
	/** Width (ms) of a range expected to fit in one page, learned from the ranges read. */
	widthMs?: number;
	priming?: boolean;
}

export function createReportCursor(from: number, priming = false): ReportCursorState {
	const state: ReportCursorState = { version: 2, from, seen: {}, createdSince: from, created: {} };
	if (priming) state.priming = true;
	return state;
}

export function isReportCursorState(value: unknown): value is ReportCursorState {
	if (typeof value !== 'object' || value === null) return false;
	const state = value as Partial<ReportCursorState>;
	return (
		state.version === 2 &&
		typeof state.from === 'number' &&
		typeof state.createdSince === 'number' &&
		typeof state.seen === 'object' &&
		state.seen !== null &&
		typeof state.created === 'object' &&
		state.created !== null &&
		(state.pass === undefined || (typeof state.pass === 'object' && state.pass !== null && typeof state.pass.startedAt === 'number'))
	);
}

/**
 * The stored report cursor, or undefined when there is none. A version 1 cursor (a watermark from
 * Concur's dates plus `ID|LastModifiedDate` keys) is carried over so an upgrade neither repeats nor
 * skips: its next poll would have read from max(floor, watermark − look-back) and dropped those
 * keys, and the version 2 pass does exactly that.
 */
export function readReportCursor(value: unknown, lookBackMs: number): ReportCursorState | undefined {
	if (isReportCursorState(value)) return value;
	if (typeof value !== 'object' || value === null) return undefined;
	const old = value as { version?: unknown; floor?: unknown; watermark?: unknown; keys?: unknown };
	if (old.version !== 1 || typeof old.floor !== 'number' || typeof old.keys !== 'object' || old.keys === null) return undefined;
	const from = typeof old.watermark === 'number' ? Math.max(old.floor, old.watermark - lookBackMs) : old.floor;
	const seen = new VersionSet();
	for (const [key, time] of Object.entries(old.keys as Record<string, unknown>)) {
		const cut = key.lastIndexOf('|');
		if (cut <= 0 || typeof time !== 'number' || time < from) continue;
		seen.add(time, key.slice(0, cut));
	}
	return { version: 2, from, seen: seen.encode(), createdSince: from, created: {} };
}

/**
 * Handled changes (report ID + LastModifiedDate), indexed by LastModifiedDate. A row without a
 * usable LastModifiedDate is kept as `ID|raw value` under the time it is to be forgotten.
 */
export class VersionSet {
	private readonly byTime = new Map<number, Set<string>>();
	private readonly undated = new Map<string, number>();

	static decode(stored: Record<string, string[]>): VersionSet {
		const set = new VersionSet();
		for (const [time, ids] of Object.entries(stored)) {
			const ms = Number(time);
			if (!Number.isFinite(ms) || !Array.isArray(ids)) continue;
			for (const id of ids) if (typeof id === 'string') set.add(ms, id);
		}
		return set;
	}

	has(time: number, id: string): boolean {
		return this.byTime.get(time)?.has(id) ?? false;
	}

	hasUndated(key: string): boolean {
		return this.undated.has(key);
	}

	add(time: number, id: string): void {
		let ids = this.byTime.get(time);
		if (!ids) this.byTime.set(time, (ids = new Set()));
		ids.add(id);
		if (id.includes('|')) this.undated.set(id, time);
	}

	/** Forgets every change older than `time`. */
	pruneBelow(time: number): void {
		for (const key of [...this.byTime.keys()]) if (key < time) this.byTime.delete(key);
		for (const [key, at] of [...this.undated]) if (at < time) this.undated.delete(key);
	}

	get size(): number {
		let size = 0;
		for (const ids of this.byTime.values()) size += ids.size;
		return size;
	}

	encode(): Record<string, string[]> {
		const out: Record<string, string[]> = {};
		for (const time of [...this.byTime.keys()].sort((a, b) => a - b)) out[String(time)] = [...this.byTime.get(time)!];
		return out;
	}
}

// ------------------------------------------------------------------------------------------------
// One poll's work on a pass

export interface PassSettings {
	/** How late Concur may list a change, on n8n's clock (the Look-Back Window option). */
	lookBackMs: number;
	/** Rows per answer (`limit`). */
	pageSize: number;
}

/** One list request: `modifiedDateAfter` and, for a bounded range, `modifiedDateBefore` (epoch ms). */
export interface ListWindow {
	after: number;
	before?: number;
}

export interface ChangeRow {
	ID?: unknown;
	LastModifiedDate?: unknown;
	CreateDate?: unknown;
}

export interface AcceptedRow<T> {
	row: T;
	/** Created: the first time the trigger sees a report created since its position. */
	event: 'created' | 'updated';
}

export type PassStep<T> =
	/** Nothing proved yet: ask `nextRequest()` again. */
	| { kind: 'retry' }
	/** More than a page shares one instant: read this answer's NextPage chain, then `takeChain`. */
	| { kind: 'followNextPage' }
	/** A range is proved: these rows are new (in answer order); `passDone` when nothing is left. */
	| { kind: 'range'; rows: Array<AcceptedRow<T>>; passDone: boolean };

function rowId(row: ChangeRow): string {
	return typeof row.ID === 'string' || typeof row.ID === 'number' ? String(row.ID) : '';
}

/**
 * One poll's work on the cursor. Ranges of LastModifiedDate are read in increasing order, each
 * proved by one complete answer:
 *
 * - complete: the answer has no NextPage, so it holds every listed report its filter matches, at
 *   one instant, whatever the list's order;
 * - lower edge: the answer holds a row at or before the edge (so the filter cut below it), or the
 *   request asked from a full FILTER_TOLERANCE_MS before the edge;
 * - the range ends at the newest row of the answer (the filter cut above it).
 *
 * An answer with a NextPage proves nothing: the range is narrowed (from the rows' spread, or by
 * halving) until it fits. Only more than a page of reports sharing one instant (one millisecond,
 * or the filter's rounding) is read through Concur's NextPage chain.
 */
export class ReportPass<T extends ChangeRow> {
	private readonly seen: VersionSet;
	private readonly created: Map<string, number>;
	private readonly pass: PassState;
	private readonly priming: boolean;
	private done = false;
	private progressed = false;
	/** How far below the edge the next request asks from (ms). */
	private margin: number;
	/** Width of the next bounded range; undefined: ask without an upper bound. */
	private width: number | undefined;
	/** Largest width known to hold no row past the edge, smallest known to overflow. */
	private lo = 0;
	private hi: number | undefined;
	/** An unbounded request overflowed: stay bounded until a range is proved. */
	private bounded = false;
	/** Coarsest cut seen from the filter (ms): below it a range cannot be narrowed. */
	private grain = 1;
	private fruitless = 0;
	/** Share of a page the next range aims at; lowered when estimates overflow. */
	private fill = 0.9;
	/** Whether the current width came from the previous range's density (not from narrowing). */
	private fromEstimate = false;
	/** Oldest row past the edge seen in an overflowing answer of the current range. */
	private knownAbove: number | undefined;
	/** A narrow margin already failed to show a row at the edge in the current range. */
	private narrowMarginFailed = false;
	/** The filter needed whole seconds to show the edge: start ranges from there. */
	private wholeSeconds = false;
	/** Newest LastModifiedDate in any answer this poll (rows dated ahead of the clock). */
	private newestSeen = -Infinity;
	/** An unbounded request overflowed and the ranges read since came back full. */
	private denseAhead = false;

	constructor(
		private readonly state: ReportCursorState,
		private readonly settings: PassSettings,
		now: number,
	) {
		this.seen = VersionSet.decode(state.seen);
		this.created = new Map(Object.entries(state.created).filter(([, ms]) => typeof ms === 'number'));
		if (state.pass) {
			this.pass = { ...state.pass };
		} else {
			this.pass = { startedAt: now, keyFloor: Math.max(state.from, now - settings.lookBackMs) };
			if (state.priming) this.pass.priming = true;
		}
		this.priming = this.pass.priming === true;
		this.width = this.pass.widthMs ?? state.widthMs;
		this.fromEstimate = this.width !== undefined;
		// A pass resumed with a measured width aims at full pages straight away.
		if (this.pass.widthMs !== undefined) this.fill = 1;
		// The previous range ended at a row that is normally still listed: ask from just below it.
		this.margin = this.pass.doneThrough === undefined ? FILTER_TOLERANCE_MS : 1;
	}

	/** Whether this pass only remembers what it reads (emits nothing). */
	get isPriming(): boolean {
		return this.priming;
	}

	/** Whether the pass has read everything up to now. */
	get isDone(): boolean {
		return this.done;
	}

	/** Whether this poll proved at least one range (a stop is then never a stall). */
	get hasProgressed(): boolean {
		return this.progressed;
	}

	/** Whether the list could not be narrowed into provable answers (the poll should fail). */
	get isStuck(): boolean {
		return this.fruitless >= MAX_FRUITLESS_REQUESTS;
	}

	/** Changes remembered now (for tests and diagnostics). */
	get rememberedChanges(): number {
		return this.seen.size;
	}

	/** Rows with a LastModifiedDate above this are what the current range reads. */
	private edge(): number {
		return this.pass.doneThrough ?? this.state.from - 1;
	}

	/** What to list next, or undefined when the pass is complete. */
	nextRequest(now: number): ListWindow | undefined {
		if (this.done) return undefined;
		const edge = this.edge();
		const after = edge - this.margin;
		if (this.width === undefined) return { after };
		// Unbounded once the range would reach the present and every row seen so far (unless an
		// unbounded request already overflowed and the ranges since have stayed full).
		const reachesPresent = edge + 1 + this.width >= Math.max(now, this.newestSeen);
		if (!this.bounded && !this.denseAhead && reachesPresent) return { after };
		return { after, before: edge + 1 + this.width };
	}

	/**
	 * One answer to `window`, in the order Concur returned it. `sentAt`: n8n's clock just before the
	 * request was sent.
	 */
	takeAnswer(window: ListWindow, rows: T[], hasNextPage: boolean, sentAt: number): PassStep<T> {
		const edge = this.edge();
		const times = rows.map((row) => parseConcurDate(row.LastModifiedDate));
		for (const time of times) if (time !== undefined && time > this.newestSeen) this.newestSeen = time;
		this.learnGrain(window, times);
		const proven = this.edgeProven(times, edge);
		if (!hasNextPage) {
			if (!proven) return this.widenMargin();
			return this.prove(window, rows, times, sentAt);
		}
		return this.narrow(window, rows, times, proven, sentAt);
	}

	/** The whole NextPage chain of a request answered with `followNextPage`, page 1 included. */
	takeChain(window: ListWindow, rows: T[], sentAt: number): PassStep<T> {
		const edge = this.edge();
		const times = rows.map((row) => parseConcurDate(row.LastModifiedDate));
		if (!this.edgeProven(times, edge)) return this.widenMargin();
		return this.prove(window, rows, times, sentAt);
	}

	/** The state to store: the pass's progress, or the next pass's start once this one is done. */
	commit(): ReportCursorState {
		const { lookBackMs } = this.settings;
		if (this.done) {
			const from = Math.max(this.state.from, this.pass.keyFloor, this.pass.settledFrom ?? this.pass.keyFloor);
			this.seen.pruneBelow(from);
			const createdSince = Math.max(this.state.createdSince, from - lookBackMs);
			const next: ReportCursorState = {
				version: 2,
				from,
				seen: this.seen.encode(),
				createdSince,
				created: this.encodeCreated(createdSince),
			};
			if (this.width !== undefined) next.widthMs = this.width;
			return next;
		}
		// Below the pass's key floor only what the pass has not reached yet can be read again.
		this.seen.pruneBelow(Math.min(this.pass.keyFloor, this.edge() + 1));
		const pass: PassState = { ...this.pass };
		if (this.width === undefined) delete pass.widthMs;
		else pass.widthMs = this.width;
		const next: ReportCursorState = {
			version: 2,
			from: this.state.from,
			seen: this.seen.encode(),
			createdSince: this.state.createdSince,
			created: this.encodeCreated(this.state.createdSince),
			pass,
		};
		if (this.state.priming) next.priming = true;
		return next;
	}

	// ---------------------------------------------------------------------------------------------

	private encodeCreated(since: number): Record<string, number> {
		const out: Record<string, number> = {};
		for (const [id, ms] of this.created) if (ms >= since) out[id] = ms;
		return out;
	}

	/** The filter cut at or below the edge: a row at or before it came back, or the margin is wide. */
	private edgeProven(times: Array<number | undefined>, edge: number): boolean {
		if (this.margin >= FILTER_TOLERANCE_MS) return true;
		return times.some((time) => time !== undefined && time <= edge + 1);
	}

	/** A filter that returns rows past `before` rounds: ranges finer than that cannot be told apart. */
	private learnGrain(window: ListWindow, times: Array<number | undefined>): void {
		if (window.before === undefined) return;
		for (const time of times) {
			if (time !== undefined && time >= window.before) {
				this.grain = Math.max(this.grain, time - window.before < 10 ? 10 : FILTER_TOLERANCE_MS);
			}
		}
	}

	private widenMargin(): PassStep<T> {
		this.fruitless++;
		this.narrowMarginFailed = true;
		const edge = this.edge();
		// Next, from the whole second at or below the edge (a value a filter that rounds to
		// seconds keeps as it is), then from a full second below: proved whatever the rounding.
		const toSecond = edge - Math.floor(edge / 1_000) * 1_000;
		if (this.margin < toSecond) {
			this.margin = toSecond;
			this.wholeSeconds = true;
		} else {
			this.margin = FILTER_TOLERANCE_MS;
		}
		return { kind: 'retry' };
	}

	/** The margin a new range starts with: just below the edge, or its whole second once that was needed. */
	private firstMargin(): number {
		const edge = this.edge();
		const toSecond = edge - Math.floor(edge / 1_000) * 1_000;
		return this.wholeSeconds && toSecond > 0 ? toSecond : 1;
	}

	private narrow(window: ListWindow, rows: T[], times: Array<number | undefined>, proven: boolean, sentAt: number): PassStep<T> {
		this.fruitless++;
		const edge = this.edge();
		const above: number[] = [];
		let newestBelow: number | undefined;
		for (const time of times) {
			if (time === undefined) continue;
			if (time > edge) above.push(time);
			else if (newestBelow === undefined || time > newestBelow) newestBelow = time;
		}
		above.sort((a, b) => a - b);
		this.bounded = true;
		if (above.length === 0) {
			// The page is all rows at or below the edge (many sharing the edge's instant): ask from
			// just below the newest of them, or read them through.
			if (newestBelow !== undefined && this.margin > edge - newestBelow + 1 && !this.narrowMarginFailed) {
				this.margin = Math.max(1, edge - newestBelow + 1);
				return { kind: 'retry' };
			}
			return this.chainOrWiden(proven);
		}
		if (window.before === undefined) this.denseAhead = true;
		const width = window.before === undefined ? Math.max(sentAt, above[above.length - 1]) - edge : window.before - edge - 1;
		this.hi = Math.min(this.hi ?? Infinity, Math.max(1, width));
		const first = above[0];
		this.knownAbove = Math.min(this.knownAbove ?? Infinity, first);
		if (first === above[above.length - 1]) {
			// Everything past the edge shares one instant: read just up to it, then its chain.
			if (window.before !== undefined && window.before <= first + this.grain) return this.chainOrWiden(proven);
			this.width = Math.max(1, first - edge + this.grain - 1);
			return { kind: 'retry' };
		}
		if (this.hi - this.lo <= this.grain) return this.chainOrWiden(proven);
		if (window.before !== undefined && this.fromEstimate) this.fill = Math.max(0.3, this.fill * 0.85);
		this.fromEstimate = false;
		// Up to the oldest row returned: never empty, and in a random order about a page's worth.
		let candidate = Math.min(Math.floor((this.lo + this.hi) / 2), first - edge);
		if (isAscending(times)) {
			// Rows came oldest first: the answer holds the range's oldest rows, so keep most of them.
			candidate = above[Math.floor((above.length - 1) * 0.85)] - edge;
		}
		this.width = Math.min(this.hi - 1, Math.max(this.lo + 1, candidate));
		return { kind: 'retry' };
	}

	/** Follow the NextPage chain of this request, once its lower edge is proved. */
	private chainOrWiden(proven: boolean): PassStep<T> {
		if (!proven) return this.widenMargin();
		return { kind: 'followNextPage' };
	}

	private prove(window: ListWindow, rows: T[], times: Array<number | undefined>, sentAt: number): PassStep<T> {
		const edge = this.edge();
		const above = times.filter((time): time is number => time !== undefined && time > edge).sort((a, b) => a - b);
		if (window.before !== undefined && above.length === 0) {
			// Nothing past the edge up to the bound: the range must be wider to make progress.
			this.fruitless++;
			if (this.knownAbove !== undefined && this.knownAbove < window.before) {
				// A row seen below the bound did not come back: the filter cuts coarser than that.
				// (a few ms: SQL Server datetime steps; more: whole seconds)
				this.grain = Math.max(this.grain, window.before - this.knownAbove < 10 ? 10 : FILTER_TOLERANCE_MS);
			}
			const width = this.width ?? 1;
			this.lo = Math.max(this.lo, width);
			// An overflow seen earlier no longer holds (its rows changed or went): search upwards.
			if (this.hi !== undefined && this.hi <= this.lo) this.hi = undefined;
			if (this.hi === undefined) {
				// No overflow known above: ask for everything up to the present (narrowed again if it overflows).
				this.bounded = false;
				this.width = undefined;
			} else {
				this.width = this.hi - this.lo <= this.grain ? this.hi : Math.floor((this.lo + this.hi) / 2);
			}
			return { kind: 'retry' };
		}
		const end = window.before === undefined ? Infinity : above[above.length - 1];
		const accepted = this.accept(rows, times, edge, end, sentAt);
		// A change not listed when this answer was asked for has a LastModifiedDate no older than
		// the clock then minus the look-back window: the next pass must read from there.
		const lateFrom = sentAt - this.settings.lookBackMs;
		if (lateFrom <= end) {
			const settled = Math.max(edge + 1, lateFrom);
			this.pass.settledFrom = Math.min(this.pass.settledFrom ?? Infinity, settled);
		}
		if (window.before === undefined) {
			this.done = true;
		} else {
			this.pass.doneThrough = end;
			// About a page (minus the edge row) next time, scaled from what this range held.
			const span = window.before - edge - 1;
			this.fill = Math.min(1, this.fill * 1.05);
			// A page less the edge row, less one for ranges a little denser than the last.
			const target = Math.max(1, Math.floor((this.settings.pageSize - 1) * this.fill) - 1);
			if (above.length * 2 < target) this.denseAhead = false;
			this.width = Math.max(this.grain, Math.floor((span * target) / above.length));
			this.fromEstimate = true;
		}
		this.progressed = true;
		this.fruitless = 0;
		this.knownAbove = undefined;
		this.narrowMarginFailed = false;
		this.margin = this.firstMargin();
		this.lo = 0;
		this.hi = undefined;
		this.bounded = false;
		return { kind: 'range', rows: accepted, passDone: this.done };
	}

	/** The rows past the edge not handled before, each with its event. */
	private accept(rows: T[], times: Array<number | undefined>, edge: number, end: number, sentAt: number): Array<AcceptedRow<T>> {
		const accepted: Array<AcceptedRow<T>> = [];
		const here = new Set<string>();
		rows.forEach((row, index) => {
			const id = rowId(row);
			const time = times[index];
			let key: string;
			if (time === undefined) {
				// No usable timestamp: remembered by its raw value for a day.
				key = `${id}|${String(row.LastModifiedDate)}`;
				if (this.seen.hasUndated(key) || here.has(key)) return;
				this.seen.add(sentAt + UNDATED_MEMORY_MS, key);
			} else {
				if (time <= edge || time > end || time < this.state.from) return;
				key = `${id}|${time}`;
				if (here.has(key) || this.seen.has(time, id)) return;
				if (time >= this.pass.keyFloor) this.seen.add(time, id);
			}
			here.add(key);
			accepted.push({ row, event: this.classify(row, id) });
		});
		return accepted;
	}

	/** Created: a report first seen with a CreateDate since the trigger's position, whatever edits followed. */
	private classify(row: ChangeRow, id: string): 'created' | 'updated' {
		if (this.created.has(id)) return 'updated';
		const createdAt = parseConcurDate(row.CreateDate);
		if (createdAt === undefined || createdAt < this.state.createdSince || id === '') return 'updated';
		this.created.set(id, createdAt);
		return 'created';
	}
}

/** Whether the dated rows came in non-decreasing LastModifiedDate order. */
function isAscending(times: Array<number | undefined>): boolean {
	let previous = -Infinity;
	for (const time of times) {
		if (time === undefined) continue;
		if (time < previous) return false;
		previous = time;
	}
	return true;
}

/**
 * Whether the poll should stop fetching: the time left would not cover two more requests as slow
 * as the slowest so far, with a fifth of the budget kept for emitting and saving.
 */
export function budgetNearlySpent(elapsedMs: number, slowestRequestMs: number, budgetMs: number): boolean {
	return elapsedMs + 2 * slowestRequestMs >= budgetMs * 0.8;
}

// ------------------------------------------------------------------------------------------------
// Failed notifications: Concur lists each one until it is deleted. Each NotificationURI emitted is
// remembered with the last time it was listed, and forgotten only after it has not been listed for
// NOTIFICATION_MEMORY_MS: an empty or partial answer in between repeats nothing.

/** How long a notification no longer listed is remembered (a deleted one never comes back). */
export const NOTIFICATION_MEMORY_MS = 7 * 86_400_000;

/** About 150 bytes of static data per notification. */
export const MAX_NOTIFICATION_KEYS = 5_000;

export interface NotificationCursorState {
	version: 2;
	/** Epoch ms: notifications whose EventDateTime is older are ignored (first-run start, key cap). */
	floor: number;
	/** NotificationURI → [EventDateTime (ms, or the floor when absent), last listed (n8n ms)]. */
	keys: Record<string, [number, number]>;
}

export function createNotificationCursor(floor: number): NotificationCursorState {
	return { version: 2, floor, keys: {} };
}

export function isNotificationCursorState(value: unknown): value is NotificationCursorState {
	if (typeof value !== 'object' || value === null) return false;
	const state = value as Partial<NotificationCursorState>;
	return state.version === 2 && typeof state.floor === 'number' && typeof state.keys === 'object' && state.keys !== null;
}

/**
 * The stored notification cursor, or undefined when there is none. A version 1 cursor (URI →
 * EventDateTime) is carried over with every URI counted as listed `now`.
 */
export function readNotificationCursor(value: unknown, now: number): NotificationCursorState | undefined {
	if (isNotificationCursorState(value)) return value;
	if (typeof value !== 'object' || value === null) return undefined;
	const old = value as { version?: unknown; floor?: unknown; keys?: unknown };
	if (old.version !== 1 || typeof old.floor !== 'number' || typeof old.keys !== 'object' || old.keys === null) return undefined;
	const keys: Record<string, [number, number]> = {};
	for (const [uri, time] of Object.entries(old.keys as Record<string, unknown>)) {
		if (typeof time === 'number') keys[uri] = [time, now];
	}
	return { version: 2, floor: old.floor, keys };
}

export interface NotificationRow {
	NotificationURI?: unknown;
	EventDateTime?: unknown;
}

export interface NotificationSelection<T> {
	fresh: T[];
	/** What the state becomes once the fresh notifications were emitted. */
	next: NotificationCursorState;
}

/** Picks the notifications not emitted before and computes the next state (pure). */
export function selectNotifications<T extends NotificationRow>(
	state: NotificationCursorState,
	listed: T[],
	now: number,
	maxKeys = MAX_NOTIFICATION_KEYS,
): NotificationSelection<T> {
	const keys: Record<string, [number, number]> = {};
	for (const [uri, entry] of Object.entries(state.keys)) {
		if (Array.isArray(entry) && typeof entry[0] === 'number' && typeof entry[1] === 'number') keys[uri] = [entry[0], entry[1]];
	}
	const fresh: T[] = [];
	for (const notification of listed) {
		const uri = typeof notification.NotificationURI === 'string' ? notification.NotificationURI : '';
		if (uri === '') continue;
		const time = parseConcurDate(notification.EventDateTime) ?? state.floor;
		if (time < state.floor) continue;
		if (!(uri in keys)) fresh.push(notification);
		keys[uri] = [time, now];
	}
	// Forgotten only once Concur has not listed it for a week (a deleted one never comes back).
	for (const [uri, [, lastListed]] of Object.entries(keys)) if (lastListed < now - NOTIFICATION_MEMORY_MS) delete keys[uri];
	let floor = state.floor;
	const uris = Object.keys(keys);
	if (uris.length > maxKeys) {
		// Past the cap only the newest are remembered (and emitted); the rest waits behind the floor.
		const times = uris.map((uri) => keys[uri][0]).sort((a, b) => b - a);
		floor = Math.max(floor, times[maxKeys - 1]);
		for (const uri of uris) if (keys[uri][0] < floor) delete keys[uri];
	}
	return {
		fresh: fresh.filter((n) => String(n.NotificationURI) in keys),
		next: { version: 2, floor, keys },
	};
}
