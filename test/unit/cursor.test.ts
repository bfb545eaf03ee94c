/**
 * The polling cursor (helpers/cursor.ts), pure: dates, the remembered changes, one pass answer by
 * answer, and the failed-notification cursor. The model check against an adversarial list is in
 * cursor.model.test.ts; through n8n-core in test/integration/pollingTrigger*.test.ts.
 */
import {
	budgetNearlySpent,
	createNotificationCursor,
	createReportCursor,
	FILTER_TOLERANCE_MS,
	isNotificationCursorState,
	isReportCursorState,
	NOTIFICATION_MEMORY_MS,
	readNotificationCursor,
	readReportCursor,
	ReportPass,
	selectNotifications,
	VersionSet,
	type ListWindow,
	type ReportCursorState,
} from '../../nodes/Concur/helpers/cursor';
import { parseConcurDate, parseDateInZone, toConcurDate } from '../../nodes/Concur/helpers/dates';

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0, 0);
const MIN = 60_000;
const settings = { lookBackMs: 10 * MIN, pageSize: 5 };
const row = (id: string, ms: number, created = ms) => ({ ID: id, LastModifiedDate: toConcurDate(ms), CreateDate: toConcurDate(created) });
type Row = ReturnType<typeof row>;

/** Answers like Concur for a fixed set of rows: filters at the millisecond, oldest first. */
function answer(rows: Row[], window: ListWindow, pageSize = settings.pageSize) {
	const matching = rows
		.filter((r) => {
			const at = parseConcurDate(r.LastModifiedDate)!;
			return at >= window.after && (window.before === undefined || at < window.before);
		})
		.sort((a, b) => parseConcurDate(a.LastModifiedDate)! - parseConcurDate(b.LastModifiedDate)!);
	return { rows: matching.slice(0, pageSize), all: matching, hasNextPage: matching.length > pageSize };
}

/** Runs one poll to its end against `rows`; returns the new rows, events and the state to store. */
function poll(state: ReportCursorState, rows: Row[], now: number, options: { pageSize?: number; lookBackMs?: number } = {}) {
	const pass = new ReportPass<Row>(state, { ...settings, ...options }, now);
	const out: Array<{ id: string; event: string }> = [];
	const windows: ListWindow[] = [];
	for (let guard = 0; guard < 500; guard++) {
		const window = pass.nextRequest(now);
		if (window === undefined) break;
		windows.push(window);
		const page = answer(rows, window, options.pageSize ?? settings.pageSize);
		let step = pass.takeAnswer(window, page.rows, page.hasNextPage, now);
		if (step.kind === 'followNextPage') step = pass.takeChain(window, page.all, now);
		if (step.kind === 'range' && !pass.isPriming) out.push(...step.rows.map(({ row: r, event }) => ({ id: r.ID, event })));
	}
	return { out, windows, state: JSON.parse(JSON.stringify(pass.commit())) as ReportCursorState };
}

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

	it("reads a date without a zone in the given zone (n8n's date fields: the workflow's time zone)", () => {
		expect(parseDateInZone('2026-11-22T10:00:00', 'Europe/Berlin')).toBe(Date.UTC(2026, 10, 22, 9));
		expect(parseDateInZone('2026-07-01T10:00:00', 'Europe/Berlin')).toBe(Date.UTC(2026, 6, 1, 8));
		expect(parseDateInZone('2026-11-22T10:00:00', 'America/New_York')).toBe(Date.UTC(2026, 10, 22, 15));
		// An explicit offset or zone wins.
		expect(parseDateInZone('2026-11-22T10:00:00Z', 'Europe/Berlin')).toBe(Date.UTC(2026, 10, 22, 10));
		expect(parseDateInZone('2026-11-22T10:00:00+05:00', 'Europe/Berlin')).toBe(Date.UTC(2026, 10, 22, 5));
		expect(parseDateInZone('soon', 'Europe/Berlin')).toBeUndefined();
	});
});

describe('VersionSet: the changes handled inside the window', () => {
	it('answers membership by report and LastModifiedDate, prunes by time, round-trips as JSON', () => {
		const set = new VersionSet();
		set.add(T0, 'A');
		set.add(T0, 'B');
		set.add(T0 + 5, 'A');
		expect(set.has(T0, 'A')).toBe(true);
		expect(set.has(T0 + 1, 'A')).toBe(false);
		expect(set.size).toBe(3);
		const again = VersionSet.decode(JSON.parse(JSON.stringify(set.encode())) as Record<string, string[]>);
		expect(again.has(T0 + 5, 'A')).toBe(true);
		again.pruneBelow(T0 + 1);
		expect(again.size).toBe(1);
	});
});

describe('report cursor: a pass', () => {
	it('steady state: one request from a second before the floor, no upper bound; done', () => {
		const state = createReportCursor(T0);
		const { windows, out, state: next } = poll(state, [row('A', T0 + 1_000), row('B', T0 + 2_000)], T0 + 5 * MIN);
		expect(windows).toEqual([{ after: T0 - 1 - FILTER_TOLERANCE_MS }]);
		expect(out.map((o) => o.id)).toEqual(['A', 'B']);
		expect(next.pass).toBeUndefined();
		// The next pass starts at the clock then minus the look-back window, never later than... the floor rule.
		expect(next.from).toBe(T0);
	});

	it('the next pass starts where no change can still be listed late: the clock at the answer minus the window', () => {
		const state = createReportCursor(T0);
		const now = T0 + 60 * MIN;
		const { state: next } = poll(state, [row('A', T0 + MIN)], now);
		expect(next.from).toBe(now - settings.lookBackMs);
		// A change older than the new floor is not remembered; one inside it is.
		const inside = poll(next, [row('A', T0 + MIN), row('B', now - MIN)], now + MIN);
		expect(inside.out.map((o) => o.id)).toEqual(['B']);
		expect(Object.values(inside.state.seen).flat()).toEqual(['B']);
	});

	it('each ID|LastModifiedDate once: a report seen again unchanged is dropped, its next change emitted', () => {
		let state = createReportCursor(T0);
		const rows = [row('A', T0 + 1_000), row('B', T0 + 2_000)];
		state = poll(state, rows, T0 + 3_000).state;
		const again = poll(state, rows, T0 + 4_000);
		expect(again.out).toEqual([]);
		rows[0] = row('A', T0 + 3_500, T0 + 1_000);
		expect(poll(again.state, rows, T0 + 5_000).out).toEqual([{ id: 'A', event: 'updated' }]);
	});

	it('more than a page: bounded ranges, each proved by one complete answer, oldest first', () => {
		const rows = Array.from({ length: 23 }, (_, i) => row(`R${String(i).padStart(2, '0')}`, T0 + 1_000 * (i + 1)));
		const { out, windows } = poll(createReportCursor(T0), rows, T0 + 10 * MIN);
		expect(out.map((o) => o.id)).toEqual(rows.map((r) => r.ID));
		// The first answer overflowed; every later one fitted in a page and was bounded.
		expect(windows[0].before).toBeUndefined();
		expect(windows.slice(1, -1).every((w) => w.before !== undefined)).toBe(true);
		expect(windows.length).toBeLessThan(12);
	});

	it('a stopped pass continues where it stopped, without reading again what it proved', () => {
		const rows = Array.from({ length: 23 }, (_, i) => row(`R${i}`, T0 + 1_000 * (i + 1)));
		let state = createReportCursor(T0);
		const emitted: string[] = [];
		for (let polls = 0; polls < 30 && (polls === 0 || state.pass); polls++) {
			const pass = new ReportPass<Row>(state, settings, T0 + 10 * MIN);
			for (;;) {
				const window = pass.nextRequest(T0 + 10 * MIN)!;
				const page = answer(rows, window);
				const step = pass.takeAnswer(window, page.rows, page.hasNextPage, T0 + 10 * MIN);
				if (step.kind === 'range') {
					emitted.push(...step.rows.map((r) => r.row.ID));
					break; // a budget of one range per poll
				}
			}
			state = JSON.parse(JSON.stringify(pass.commit())) as ReportCursorState;
			if (state.pass) expect(state.pass.doneThrough).toBeGreaterThan(T0);
		}
		expect(emitted).toEqual(rows.map((r) => r.ID));
	});

	it('more than a page sharing one instant is read through its NextPage chain', () => {
		const tie = Array.from({ length: 12 }, (_, i) => row(`T${String(i).padStart(2, '0')}`, T0 + 5_000));
		const rows = [row('A', T0 + 1_000), ...tie, row('Z', T0 + 9_000)];
		const { out } = poll(createReportCursor(T0), rows, T0 + 10 * MIN);
		expect(out.map((o) => o.id).sort()).toEqual(rows.map((r) => r.ID).sort());
	});

	it('a row dated in the future is emitted once and never moves the floor past the clock', () => {
		const now = T0 + 30 * MIN;
		const { state } = poll(createReportCursor(T0), [row('F', now + 86_400_000)], now);
		expect(state.from).toBeLessThanOrEqual(now);
		expect(Object.values(state.seen).flat()).toEqual(['F']);
		const later = poll(state, [row('F', now + 86_400_000), row('N', now + MIN)], now + 2 * MIN);
		expect(later.out.map((o) => o.id)).toEqual(['N']);
	});

	it('a changed look-back window never moves the floor back: nothing is read twice', () => {
		const now = T0 + 60 * MIN;
		const first = poll(createReportCursor(T0), [row('A', T0 + 30 * MIN), row('B', now - MIN)], now);
		const wider = poll(first.state, [row('A', T0 + 30 * MIN), row('B', now - MIN)], now + MIN, { lookBackMs: 60 * MIN });
		expect(wider.out).toEqual([]);
		expect(wider.state.from).toBeGreaterThanOrEqual(first.state.from);
	});

	it('created: the first time a report created since the trigger\'s position is seen, whatever edits followed', () => {
		let state = createReportCursor(T0, true);
		state = poll(state, [row('OLD', T0 + 1_000, T0 - 86_400_000)], T0 + 2_000).state; // priming: remembers, emits nothing
		const rows = [row('OLD', T0 + 3_000, T0 - 86_400_000), row('NEW', T0 + 9 * MIN, T0 + 4_000)];
		const { out, state: next } = poll(state, rows, T0 + 10 * MIN);
		expect(out).toEqual([
			{ id: 'OLD', event: 'updated' },
			{ id: 'NEW', event: 'created' },
		]);
		rows[1] = row('NEW', T0 + 11 * MIN, T0 + 4_000);
		expect(poll(next, rows, T0 + 12 * MIN).out).toEqual([{ id: 'NEW', event: 'updated' }]);
	});

	it('an answer that does not show a row at the edge proves nothing until asked from a whole second below', () => {
		// The previous range ended at E; the row at E is gone (deleted), and the filter rounds up.
		const state: ReportCursorState = { ...createReportCursor(T0), pass: { startedAt: T0, keyFloor: T0, doneThrough: T0 + 2_500 } };
		const pass = new ReportPass<Row>(state, settings, T0 + 5_000);
		const first = pass.nextRequest(T0 + 5_000)!;
		expect(first.after).toBe(T0 + 2_499);
		expect(pass.takeAnswer(first, [row('C', T0 + 3_000)], false, T0 + 5_000)).toEqual({ kind: 'retry' });
		const second = pass.nextRequest(T0 + 5_000)!;
		expect(second.after).toBe(T0 + 2_000); // the whole second at or below the edge
		expect(pass.takeAnswer(second, [row('C', T0 + 3_000)], false, T0 + 5_000)).toEqual({ kind: 'retry' });
		const third = pass.nextRequest(T0 + 5_000)!;
		expect(third.after).toBe(T0 + 2_500 - FILTER_TOLERANCE_MS);
		const step = pass.takeAnswer(third, [row('C', T0 + 3_000)], false, T0 + 5_000);
		expect(step).toMatchObject({ kind: 'range', passDone: true });
	});

	it('recognises its own state shape only', () => {
		expect(isReportCursorState(createReportCursor(1))).toBe(true);
		expect(isReportCursorState({ version: 1, floor: 1, keys: {} })).toBe(false);
		expect(isReportCursorState({ ...createReportCursor(1), from: '1' })).toBe(false);
		expect(isReportCursorState(null)).toBe(false);
		expect(isNotificationCursorState(createNotificationCursor(0))).toBe(true);
		expect(isNotificationCursorState({ version: 1, floor: 0, keys: {} })).toBe(false);
	});

	it('carries a version 1 report cursor over: the upgrade repeats none of its keys and skips nothing after its window', () => {
		const watermark = T0 + 30 * MIN;
		const v1 = { version: 1, floor: T0, watermark, keys: { [`A|${watermark - MIN}`]: watermark - MIN, [`B|${watermark}`]: watermark, [`OLD|${T0}`]: T0 } };
		const state = readReportCursor(v1, 10 * MIN)!;
		expect(state).toMatchObject({ version: 2, from: watermark - 10 * MIN, createdSince: watermark - 10 * MIN });
		// OLD is below the new start: it is never read again, so it needs no key.
		expect(state.seen).toEqual({ [String(watermark - MIN)]: ['A'], [String(watermark)]: ['B'] });
		const rows = [row('A', watermark - MIN), row('B', watermark), row('LATE', watermark - 2 * MIN), row('C', watermark + MIN)];
		expect(poll(state, rows, watermark + 2 * MIN).out.map((r) => r.id).sort()).toEqual(['C', 'LATE']);
		// Without a watermark (nothing seen yet) the floor is the start.
		expect(readReportCursor({ version: 1, floor: T0, keys: {} }, 10 * MIN)).toMatchObject({ from: T0, seen: {} });
		expect(readReportCursor(createReportCursor(5), 10 * MIN)).toEqual(createReportCursor(5));
		for (const bad of [undefined, null, 'x', { version: 1, floor: 'x', keys: {} }, { version: 3, from: 1 }]) {
			expect(readReportCursor(bad, 10 * MIN)).toBeUndefined();
		}
	});

	it('carries a version 1 notification cursor over: nothing it emitted is emitted again', () => {
		const v1 = { version: 1, floor: T0, keys: { 'https://x/a': T0 + 1, 'https://x/b': T0 + 2 } };
		const state = readNotificationCursor(v1, T0 + MIN)!;
		expect(state).toEqual({ version: 2, floor: T0, keys: { 'https://x/a': [T0 + 1, T0 + MIN], 'https://x/b': [T0 + 2, T0 + MIN] } });
		const listed = [
			{ NotificationURI: 'https://x/a', EventDateTime: toConcurDate(T0 + 1) },
			{ NotificationURI: 'https://x/c', EventDateTime: toConcurDate(T0 + 3) },
		];
		expect(selectNotifications(state, listed, T0 + 2 * MIN).fresh.map((n) => n.NotificationURI)).toEqual(['https://x/c']);
		expect(readNotificationCursor(createNotificationCursor(0), T0)).toEqual(createNotificationCursor(0));
		expect(readNotificationCursor({ version: 1, floor: 0 }, T0)).toBeUndefined();
	});

	it('budget: stops when two more requests as slow as the slowest would pass 80 % of it', () => {
		expect(budgetNearlySpent(0, 0, 0)).toBe(true);
		expect(budgetNearlySpent(1000, 100, 10_000)).toBe(false);
		expect(budgetNearlySpent(7000, 500, 10_000)).toBe(true);
		expect(budgetNearlySpent(7500, 0, 10_000)).toBe(false);
	});
});

describe('failed notification cursor', () => {
	const n = (id: string, when = '2026-11-22T10:00:00') => ({
		NotificationURI: `https://www.concursolutions.com/api/platform/notifications/v1.0/notification/${id}`,
		EventDateTime: when,
	});
	const uris = (list: Array<{ NotificationURI?: unknown; EventDateTime?: unknown }>) => list.map((x) => x.NotificationURI);

	it('emits each listed notification once', () => {
		let pick = selectNotifications(createNotificationCursor(0), [n('a'), n('b')], T0);
		expect(pick.fresh).toHaveLength(2);
		pick = selectNotifications(pick.next, [n('a'), n('b'), n('c')], T0 + MIN);
		expect(uris(pick.fresh)).toEqual([n('c').NotificationURI]);
	});

	it('an empty or partial answer repeats nothing: a notification is forgotten a week after it was last listed', () => {
		let state = selectNotifications(createNotificationCursor(0), [n('a'), n('b')], T0).next;
		state = selectNotifications(state, [], T0 + MIN).next;
		state = selectNotifications(state, [n('a')], T0 + 2 * MIN).next;
		const back = selectNotifications(state, [n('a'), n('b')], T0 + 3 * MIN);
		expect(back.fresh).toEqual([]);
		// b deleted in Concur: remembered for a week from the last time it was listed, then forgotten.
		const weekLater = selectNotifications(back.next, [n('a')], T0 + 3 * MIN + NOTIFICATION_MEMORY_MS + 1);
		expect(Object.keys(weekLater.next.keys)).toEqual([n('a').NotificationURI]);
	});

	it('ignores notifications before the floor and entries without a URI', () => {
		const state = createNotificationCursor(Date.UTC(2026, 10, 22, 11));
		const pick = selectNotifications(state, [n('old'), n('new', '2026-11-22T12:00:00'), { EventDateTime: 'x' }], T0);
		expect(uris(pick.fresh)).toEqual([n('new').NotificationURI]);
	});

	it('past the cap emits only the newest and raises the floor', () => {
		const listed = [n('a', '2026-11-22T10:00:01'), n('b', '2026-11-22T10:00:02'), n('c', '2026-11-22T10:00:03')];
		const pick = selectNotifications(createNotificationCursor(0), listed, T0, 2);
		expect(uris(pick.fresh)).toEqual([n('b').NotificationURI, n('c').NotificationURI]);
		expect(selectNotifications(pick.next, listed, T0 + MIN, 2).fresh).toEqual([]);
	});
});
