import {
	budgetNearlySpent,
	changeKey,
	commitRun,
	createNotificationCursor,
	createReportCursor,
	enforceKeyCap,
	isNotificationCursorState,
	isReportCursorState,
	mayStopEarly,
	modifiedDateAfter,
	queryLowerBound,
	selectNotifications,
	startRun,
	takeNewRows,
	type ReportCursorState,
} from '../../nodes/Concur/helpers/cursor';
import { parseConcurDate, toConcurDate } from '../../nodes/Concur/helpers/dates';

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0, 0);
const MIN = 60_000;
const limits = { lookBackMs: 10 * MIN, maxKeys: 1000 };
const at = (ms: number) => toConcurDate(ms);
const row = (id: string, ms: number) => ({ ID: id, LastModifiedDate: at(ms) });

describe('dates', () => {
	it('formats epoch ms in Concur format, UTC, with millis', () => {
		expect(toConcurDate(Date.UTC(2026, 0, 2, 3, 4, 5, 6))).toBe('2026-01-02T03:04:05.006');
	});

	it('parses Concur timestamps as UTC with or without millis and zone', () => {
		const expected = Date.UTC(2012, 10, 14, 19, 45, 25, 0);
		expect(parseConcurDate('2012-11-14T19:45:25')).toBe(expected);
		expect(parseConcurDate('2012-11-14T19:45:25.000')).toBe(expected);
		expect(parseConcurDate('2012-11-14T19:45:25Z')).toBe(expected);
		expect(parseConcurDate('2012-11-14T21:45:25+02:00')).toBe(expected);
		expect(parseConcurDate('2012-11-14:19:45:25')).toBe(expected);
		expect(parseConcurDate('2012-11-14T19:45:25.123')).toBe(expected + 123);
		expect(parseConcurDate('2012-05-01')).toBe(Date.UTC(2012, 4, 1));
	});

	it('returns undefined for values that are not dates', () => {
		for (const bad of ['', 'yesterday', '2012-13-45T00:00:00', undefined, null, 42, {}]) {
			expect(parseConcurDate(bad)).toBeUndefined();
		}
	});
});

describe('report cursor: window and keys', () => {
	it('queries from the floor until a watermark exists, then from watermark minus look-back', () => {
		const state = createReportCursor(T0);
		expect(queryLowerBound(state, limits.lookBackMs)).toBe(T0);
		state.watermark = T0 + 60 * MIN;
		expect(queryLowerBound(state, limits.lookBackMs)).toBe(T0 + 50 * MIN);
		// The floor still wins while the window reaches below it.
		state.watermark = T0 + 5 * MIN;
		expect(queryLowerBound(state, limits.lookBackMs)).toBe(T0);
	});

	it('asks one millisecond before the bound so the bound itself is included', () => {
		const state: ReportCursorState = { version: 1, floor: 0, watermark: T0 + 10 * MIN, keys: {} };
		expect(modifiedDateAfter(state, limits.lookBackMs)).toBe('2026-11-22T11:59:59.999');
	});

	it('emits each ID|LastModifiedDate once, within a run and across runs', () => {
		let state = createReportCursor(T0);
		let run = startRun(state, limits.lookBackMs);
		expect(takeNewRows(run, state, [row('A', T0 + 1), row('B', T0 + 2)])).toHaveLength(2);
		expect(takeNewRows(run, state, [row('B', T0 + 2), row('C', T0 + 3)]).map((r) => r.ID)).toEqual(['C']);
		state = commitRun(state, run, limits);
		expect(state.watermark).toBe(T0 + 3);
		run = startRun(state, limits.lookBackMs);
		// A is seen again unchanged (dropped), B changed (a new change, emitted).
		const again = takeNewRows(run, state, [row('A', T0 + 1), row('C', T0 + 3), row('B', T0 + 9)]);
		expect(again.map((r) => `${r.ID}`)).toEqual(['B']);
	});

	it('never moves the watermark from the clock: no rows, no change', () => {
		const state: ReportCursorState = { version: 1, floor: 0, watermark: T0, keys: { [changeKey('A', T0)]: T0 } };
		const run = startRun(state, limits.lookBackMs);
		takeNewRows(run, state, []);
		expect(commitRun(state, run, limits)).toEqual(state);
	});

	it('prunes keys that fell out of the window and ignores rows older than the window', () => {
		let state = createReportCursor(0);
		let run = startRun(state, limits.lookBackMs);
		takeNewRows(run, state, [row('OLD', T0), row('NEW', T0 + 30 * MIN)]);
		state = commitRun(state, run, limits);
		expect(Object.keys(state.keys)).toEqual([changeKey('NEW', T0 + 30 * MIN)]);
		// Concur returning a row from before the bound (e.g. filter rounding) does not re-emit it.
		run = startRun(state, limits.lookBackMs);
		expect(takeNewRows(run, state, [row('OLD', T0)])).toEqual([]);
	});

	it('remembers rows with an unusable timestamp by their raw value', () => {
		const state = createReportCursor(T0);
		const run = startRun(state, limits.lookBackMs);
		const odd = { ID: 'X', LastModifiedDate: 'not a date' };
		expect(takeNewRows(run, state, [odd, odd])).toHaveLength(1);
		const next = commitRun(state, run, limits);
		expect(next.watermark).toBeUndefined();
		expect(takeNewRows(startRun(next, limits.lookBackMs), next, [odd])).toEqual([]);
	});

	it('does not modify the state it commits from', () => {
		const state = createReportCursor(T0);
		const snapshot = JSON.stringify(state);
		const run = startRun(state, limits.lookBackMs);
		takeNewRows(run, state, [row('A', T0 + 5)]);
		commitRun(state, run, limits);
		expect(JSON.stringify(state)).toBe(snapshot);
	});

	it('recognises its own state shape only', () => {
		expect(isReportCursorState(createReportCursor(1))).toBe(true);
		expect(isReportCursorState({ version: 2, floor: 1, keys: {} })).toBe(false);
		expect(isReportCursorState({ version: 1, floor: '1', keys: {} })).toBe(false);
		expect(isReportCursorState(null)).toBe(false);
		expect(isNotificationCursorState(createNotificationCursor(0))).toBe(true);
		expect(isNotificationCursorState({})).toBe(false);
	});
});

describe('report cursor: early stop, order and moves', () => {
	it('may stop early only with ascending rows and progress', () => {
		const state: ReportCursorState = { version: 1, floor: 0, watermark: T0, keys: { [changeKey('A', T0)]: T0 } };
		let run = startRun(state, limits.lookBackMs);
		takeNewRows(run, state, [row('A', T0)]);
		expect(mayStopEarly(run)).toBe(false); // nothing new yet: stopping now would stall
		takeNewRows(run, state, [row('B', T0 + 1)]);
		expect(mayStopEarly(run)).toBe(true);

		run = startRun(state, limits.lookBackMs);
		takeNewRows(run, state, [row('C', T0 + 5), row('D', T0 + 2)]);
		expect(run.ascending).toBe(false);
		expect(mayStopEarly(run)).toBe(false);
	});

	it('holds the watermark at the old position of a report that changed during the chain', () => {
		const state: ReportCursorState = { version: 1, floor: 0, watermark: T0, keys: {} };
		const run = startRun(state, limits.lookBackMs);
		takeNewRows(run, state, [row('A', T0 + MIN), row('B', T0 + 2 * MIN)]);
		takeNewRows(run, state, [row('C', T0 + 40 * MIN), row('A', T0 + 60 * MIN)]);
		const next = commitRun(state, run, limits);
		expect(next.watermark).toBe(T0 + MIN);
		// The keys of everything emitted stay inside the new window, so nothing repeats next poll.
		expect(Object.keys(next.keys)).toHaveLength(4);
	});

	it('does not advance at all when a report moved and the order was not ascending', () => {
		const state: ReportCursorState = { version: 1, floor: 0, watermark: T0, keys: {} };
		const run = startRun(state, limits.lookBackMs);
		takeNewRows(run, state, [row('B', T0 + 2 * MIN), row('A', T0 + MIN), row('A', T0 + 50 * MIN)]);
		expect(commitRun(state, run, limits).watermark).toBe(T0);
	});

	it('budget: stops when two more pages as slow as the slowest would pass 80 % of it', () => {
		expect(budgetNearlySpent(0, 0, 0)).toBe(true);
		expect(budgetNearlySpent(1000, 100, 10_000)).toBe(false);
		expect(budgetNearlySpent(7000, 500, 10_000)).toBe(true);
		expect(budgetNearlySpent(7500, 0, 10_000)).toBe(false);
	});
});

describe('key cap', () => {
	it('keeps the newest keys and raises the floor so dropped rows are not emitted again', () => {
		const keys: Record<string, number> = {};
		for (let i = 0; i < 10; i++) keys[`k${i}`] = T0 + i;
		const capped = enforceKeyCap({ version: 1 as const, floor: 0, keys }, 4);
		expect(Object.keys(capped.keys).sort()).toEqual(['k6', 'k7', 'k8', 'k9']);
		expect(capped.floor).toBe(T0 + 6);
		const state: ReportCursorState = { ...capped, watermark: T0 + 9 };
		const run = startRun(state, limits.lookBackMs);
		expect(takeNewRows(run, state, [{ ID: 'k2', LastModifiedDate: at(T0 + 2) }])).toEqual([]);
	});

	it('keeps ties with the oldest kept key', () => {
		const capped = enforceKeyCap({ floor: 0, keys: { a: 5, b: 5, c: 5, d: 1 } }, 2);
		expect(Object.keys(capped.keys).sort()).toEqual(['a', 'b', 'c']);
	});
});

describe('failed notification cursor', () => {
	const n = (id: string, when = '2026-11-22T10:00:00') => ({
		NotificationURI: `https://www.concursolutions.com/api/platform/notifications/v1.0/notification/${id}`,
		EventDateTime: when,
	});

	it('emits each listed notification once and forgets deleted ones', () => {
		let state = createNotificationCursor(0);
		let pick = selectNotifications(state, [n('a'), n('b')], 100);
		expect(pick.fresh).toHaveLength(2);
		state = pick.next;
		pick = selectNotifications(state, [n('a'), n('b'), n('c')], 100);
		expect(pick.fresh.map((x) => x.NotificationURI)).toEqual([n('c').NotificationURI]);
		state = pick.next;
		pick = selectNotifications(state, [n('c')], 100); // a and b deleted in Concur
		expect(pick.fresh).toEqual([]);
		expect(Object.keys(pick.next.keys)).toEqual([n('c').NotificationURI]);
	});

	it('ignores notifications before the floor and entries without a URI', () => {
		const state = createNotificationCursor(Date.UTC(2026, 10, 22, 11));
		const pick = selectNotifications(state, [n('old'), n('new', '2026-11-22T12:00:00'), { EventDateTime: 'x' }], 100);
		expect(pick.fresh.map((x) => (x as { NotificationURI?: string }).NotificationURI)).toEqual([n('new').NotificationURI]);
	});

	it('past the cap emits only the newest and raises the floor', () => {
		const listed = [n('a', '2026-11-22T10:00:01'), n('b', '2026-11-22T10:00:02'), n('c', '2026-11-22T10:00:03')];
		const pick = selectNotifications(createNotificationCursor(0), listed, 2);
		expect(pick.fresh.map((x) => x.NotificationURI)).toEqual([n('b').NotificationURI, n('c').NotificationURI]);
		expect(selectNotifications(pick.next, listed, 2).fresh).toEqual([]);
	});
});
