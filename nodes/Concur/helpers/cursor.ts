import { parseConcurDate, toConcurDate } from './dates';

/*
 * The polling cursor, as pure functions over plain JSON kept in the node's static data: a poll
 * starts a run from the stored state, takes the rows not handled before page by page, and commits
 * the run only after the whole page chain succeeded. Why this neither misses nor repeats a change:
 * docs/ARCHITECTURE.md, "The polling cursor".
 */

export interface ReportCursorState {
	version: 1;
	/** Epoch ms below which nothing is asked for: the first-run start, raised if the key cap forces it. */
	floor: number;
	/** Epoch ms of the newest LastModifiedDate seen by a committed poll. */
	watermark?: number;
	/** Handled changes inside the window: `ID|LastModifiedDate(ms)` → LastModifiedDate (ms). */
	keys: Record<string, number>;
}

export interface CursorLimits {
	/** How far behind the watermark every poll looks again, for changes Concur indexes late. */
	lookBackMs: number;
	/** Upper bound on remembered keys; when exceeded the oldest go and the floor rises past them. */
	maxKeys: number;
}

/** About 40 bytes of static data per key: the state stays within a few hundred kilobytes. */
export const DEFAULT_MAX_KEYS = 5_000;

export function createReportCursor(floor: number): ReportCursorState {
	return { version: 1, floor, keys: {} };
}

export function isReportCursorState(value: unknown): value is ReportCursorState {
	if (typeof value !== 'object' || value === null) return false;
	const state = value as Partial<ReportCursorState>;
	return (
		state.version === 1 &&
		typeof state.floor === 'number' &&
		(state.watermark === undefined || typeof state.watermark === 'number') &&
		typeof state.keys === 'object' &&
		state.keys !== null
	);
}

/** The oldest LastModifiedDate (epoch ms, inclusive) the next poll must read. */
export function queryLowerBound(state: ReportCursorState, lookBackMs: number): number {
	if (state.watermark === undefined) return state.floor;
	return Math.max(state.floor, state.watermark - lookBackMs);
}

/**
 * The `modifiedDateAfter` value for a poll. One millisecond before the bound, so the bound itself
 * is included whether Concur treats "after" as strict or not (duplicates are dropped by key).
 */
export function modifiedDateAfter(state: ReportCursorState, lookBackMs: number): string {
	return toConcurDate(queryLowerBound(state, lookBackMs) - 1);
}

export interface PollRun {
	lowerBound: number;
	startWatermark?: number;
	/** Newest LastModifiedDate seen in this run. */
	frontier?: number;
	/** LastModifiedDate of the previous row, in the order Concur returned them. */
	previous?: number;
	/** Whether every row so far came in ascending LastModifiedDate order. */
	ascending: boolean;
	/** Oldest earlier timestamp of a report seen twice in this run with different timestamps. */
	movedFrom?: number;
	/** Report ID → LastModifiedDate it was first seen with in this run. */
	seen: Record<string, number>;
	/** Keys first handled by this run. */
	newKeys: Record<string, number>;
}

export function startRun(state: ReportCursorState, lookBackMs: number): PollRun {
	return {
		lowerBound: queryLowerBound(state, lookBackMs),
		startWatermark: state.watermark,
		ascending: true,
		seen: {},
		newKeys: {},
	};
}

export interface ChangeRow {
	ID?: unknown;
	LastModifiedDate?: unknown;
}

export function changeKey(id: string, lastModifiedMs: number): string {
	return `${id}|${lastModifiedMs}`;
}

function rowId(row: ChangeRow): string {
	return typeof row.ID === 'string' || typeof row.ID === 'number' ? String(row.ID) : '';
}

/**
 * Feeds one page (in the order Concur returned it) into the run and returns the rows not handled
 * before, neither by an earlier poll nor earlier in this run. Mutates `run` only.
 */
export function takeNewRows<T extends ChangeRow>(run: PollRun, state: ReportCursorState, rows: T[]): T[] {
	const fresh: T[] = [];
	for (const row of rows) {
		const id = rowId(row);
		const modified = parseConcurDate(row.LastModifiedDate);
		let key: string;
		let keyTime: number;
		if (modified === undefined) {
			// No usable timestamp: remember the row by its raw value for as long as the window lasts.
			key = `${id}|${String(row.LastModifiedDate)}`;
			keyTime = run.lowerBound;
		} else {
			key = changeKey(id, modified);
			keyTime = modified;
			if (run.previous !== undefined && modified < run.previous) run.ascending = false;
			run.previous = modified;
			if (run.frontier === undefined || modified > run.frontier) run.frontier = modified;
			const earlier = run.seen[id];
			if (earlier === undefined) {
				run.seen[id] = modified;
			} else if (earlier !== modified) {
				const older = Math.min(earlier, modified);
				run.movedFrom = run.movedFrom === undefined ? older : Math.min(run.movedFrom, older);
			}
		}
		// Older than the window: handled by a poll whose keys were since pruned, or before the first
		// run's start. Concur may round the filter, so this is checked here as well.
		if (keyTime < run.lowerBound) continue;
		if (key in state.keys || key in run.newKeys) continue;
		run.newKeys[key] = keyTime;
		fresh.push(row);
	}
	return fresh;
}

/**
 * Whether the run may stop at the current page boundary and leave the rest to the next poll. Only
 * when the rows came in ascending order (otherwise older unseen rows could follow) and the run
 * made progress (a new key or a newer timestamp), so a short budget can never stall the cursor.
 */
export function mayStopEarly(run: PollRun): boolean {
	if (!run.ascending) return false;
	if (Object.keys(run.newKeys).length > 0) return true;
	return run.frontier !== undefined && (run.startWatermark === undefined || run.frontier > run.startWatermark);
}

/**
 * Whether the poll should stop fetching: the time left would not cover two more pages as slow as
 * the slowest so far, with a fifth of the budget kept for emitting and saving.
 */
export function budgetNearlySpent(elapsedMs: number, slowestPageMs: number, budgetMs: number): boolean {
	return elapsedMs + 2 * slowestPageMs >= budgetMs * 0.8;
}

/** Returns the state after a successful run; the input state is not modified. */
export function commitRun(state: ReportCursorState, run: PollRun, limits: CursorLimits): ReportCursorState {
	let watermark = state.watermark;
	if (run.frontier !== undefined) {
		let target: number | undefined = run.frontier;
		if (run.movedFrom !== undefined) {
			// A report changed mid-chain and shifted the offset pages: a row after its old position
			// may have been skipped, so the watermark goes no further (and stays put out of order).
			target = run.ascending ? Math.min(run.frontier, run.movedFrom) : undefined;
		}
		if (target !== undefined) watermark = watermark === undefined ? target : Math.max(watermark, target);
	}
	const next: ReportCursorState = { version: 1, floor: state.floor, keys: {} };
	if (watermark !== undefined) next.watermark = watermark;
	const lowerBound = queryLowerBound(next, limits.lookBackMs);
	for (const [key, time] of Object.entries({ ...state.keys, ...run.newKeys })) {
		if (time >= lowerBound) next.keys[key] = time;
	}
	return enforceKeyCap(next, limits.maxKeys);
}

/**
 * Keeps at most `maxKeys` keys (plus ties with the oldest kept). Dropped keys would let their
 * rows be emitted again, so the floor rises to the oldest kept timestamp: past the cap the
 * look-back shrinks rather than anything being emitted twice.
 */
export function enforceKeyCap<S extends { floor: number; keys: Record<string, number> }>(state: S, maxKeys: number): S {
	const times = Object.values(state.keys);
	if (times.length <= maxKeys) return state;
	times.sort((a, b) => b - a);
	const oldestKept = times[Math.max(0, maxKeys - 1)];
	const keys: Record<string, number> = {};
	for (const [key, time] of Object.entries(state.keys)) if (time >= oldestKept) keys[key] = time;
	return { ...state, floor: Math.max(state.floor, oldestKept), keys };
}

// ------------------------------------------------------------------------------------------------
// Failed notifications: Concur lists each one until it is deleted, so the state is the set of
// NotificationURIs emitted that are still listed (a deleted notification never comes back).

export interface NotificationCursorState {
	version: 1;
	/** Epoch ms: notifications whose EventDateTime is older are ignored (first-run start, key cap). */
	floor: number;
	/** NotificationURI → EventDateTime (ms, or the floor when absent). */
	keys: Record<string, number>;
}

export function createNotificationCursor(floor: number): NotificationCursorState {
	return { version: 1, floor, keys: {} };
}

export function isNotificationCursorState(value: unknown): value is NotificationCursorState {
	if (typeof value !== 'object' || value === null) return false;
	const state = value as Partial<NotificationCursorState>;
	return state.version === 1 && typeof state.floor === 'number' && typeof state.keys === 'object' && state.keys !== null;
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
	maxKeys: number,
): NotificationSelection<T> {
	const fresh: T[] = [];
	const keys: Record<string, number> = {};
	for (const notification of listed) {
		const uri = typeof notification.NotificationURI === 'string' ? notification.NotificationURI : '';
		if (uri === '') continue;
		const time = parseConcurDate(notification.EventDateTime) ?? state.floor;
		if (time < state.floor) continue;
		if (!(uri in state.keys) && !(uri in keys)) fresh.push(notification);
		keys[uri] = time;
	}
	const next = enforceKeyCap({ version: 1 as const, floor: state.floor, keys }, maxKeys);
	// Past the cap only the newest are remembered and emitted; the rest waits behind the floor.
	return { fresh: fresh.filter((n) => String(n.NotificationURI) in next.keys), next };
}
