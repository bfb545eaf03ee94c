/**
 * The Concur Polling Trigger through n8n-core's real PollContext (test/harness/poll.ts) against the
 * Concur simulator: every option, first-run modes, manual mode, failures and the poll budget.
 */
import type { IDataObject } from 'n8n-workflow';

import { parseConcurDate, toConcurDate } from '../../nodes/Concur/helpers/dates';
import { concurRetryPolicy } from '../../nodes/Concur/transport';
import { pinClock, unpinClock } from '../harness/clock';
import { concurCredentials } from '../harness/concurCredentials';
import { PollHarness } from '../harness/poll';
import type { ConcurSimulator } from '../simulator';
import { startSimulator } from '../simulator';

let sim: ConcurSimulator;
const originalPolicy = { ...concurRetryPolicy };

beforeAll(() => {
	concurRetryPolicy.retryAfterFloorMs = 5;
	concurRetryPolicy.timeoutMs = 1_000;
});
afterAll(() => {
	Object.assign(concurRetryPolicy, originalPolicy);
});

// Notifications below carry calendar dates (2026-11-20 to 22) and backfill windows count back
// from now: the clock stands the day after, before the simulator issues its request token.
beforeEach(async () => {
	pinClock('2026-11-23T12:00:00Z');
	sim = await startSimulator({ port: 0 });
});
afterEach(async () => {
	unpinClock();
	await sim.close();
});

function trigger(parameters: IDataObject): PollHarness {
	return new PollHarness({ parameters, credentials: { concurOAuth2Api: concurCredentials(sim) } });
}

const ids = (items: IDataObject[] | null) => (items ?? []).map((item) => item.ID as string);
const listRequests = () => sim.requests.filter((r) => r.path === '/api/v3.0/expense/reports');

describe('expense reports: first run', () => {
	it('start from now: remembers what exists, emits only later changes, each once', async () => {
		// Tolerance 0: the submit a few milliseconds after creation counts as an update.
		const poller = trigger({ resource: 'expenseReport', options: { createdToleranceSeconds: 0 } });
		const first = await poller.poll();
		expect(first.error).toBeUndefined();
		expect(first.items).toBeNull();
		expect(poller.nodeState().expenseReportCursor).toBeDefined();

		const created = sim.reports.create({ ownerLoginId: 'alice@acme-sim.example' });
		const second = await poller.poll();
		expect(ids(second.items)).toEqual([created.id]);
		expect(second.items?.[0].event).toBe('created');
		expect((await poller.poll()).items).toBeNull();

		sim.reports.submit(created.id);
		const third = await poller.poll();
		expect(ids(third.items)).toEqual([created.id]);
		expect(third.items?.[0].event).toBe('updated');
		expect(third.items?.[0].ApprovalStatusCode).toBe('A_EXTV');
	});

	it('the cursor remembers only what a later poll can read again: the changes inside the look-back window', async () => {
		const poller = trigger({ resource: 'expenseReport', firstRun: 'backfill', backfillDays: 2 });
		const polledAt = Date.now();
		expect((await poller.poll()).items?.length).toBeGreaterThan(5);
		const cursor = poller.nodeState().expenseReportCursor as IDataObject;
		// The next poll reads from the clock at this poll minus the window (10 minutes), no earlier.
		expect(cursor.from as number).toBeGreaterThanOrEqual(polledAt - 10 * 60_000);
		expect(cursor.from as number).toBeLessThanOrEqual(Date.now());
		expect(cursor.pass).toBeUndefined();
		// Every report here changed more than 10 minutes ago: nothing needs remembering.
		expect(cursor.seen).toEqual({});
	});

	it('backfill: emits what changed in the last N days, then nothing again', async () => {
		const poller = trigger({ resource: 'expenseReport', firstRun: 'backfill', backfillDays: 2 });
		const first = await poller.poll();
		const expected = sim.reports.list().filter((r) => r.lastModified >= Date.now() - 2 * 86_400_000);
		expect(new Set(ids(first.items))).toEqual(new Set(expected.map((r) => r.id)));
		expect(expected.length).toBeGreaterThan(5);
		expect((await poller.poll()).items).toBeNull();
	});

	it('from a date: emits changes from that moment on, inclusive', async () => {
		const ordered = sim.reports.list();
		const from = ordered[6];
		const poller = trigger({ resource: 'expenseReport', firstRun: 'date', startDate: toConcurDate(from.lastModified) });
		const first = await poller.poll();
		expect(ids(first.items)).toEqual(ordered.slice(6).map((r) => r.id));
	});

	it('rejects option values that are not usable numbers', async () => {
		const poller = trigger({ resource: 'expenseReport', options: { lookBackMinutes: 'ten' } });
		expect((await poller.poll()).error?.message).toMatch(/Look-Back Window \(Minutes\) must be a number of zero or more/);
		expect(poller.nodeState()).toEqual({});
	});

	it('rejects a start date that is not a date', async () => {
		const poller = trigger({ resource: 'expenseReport', firstRun: 'date', startDate: 'soon' });
		const outcome = await poller.poll();
		expect(outcome.error?.message).toMatch(/Start Date "soon" is not a valid date/);
	});
});

describe('expense reports: events and filters', () => {
	it('created / updated / both: a report is created the first time the trigger sees it, updated after', async () => {
		const pollers = {
			created: trigger({ resource: 'expenseReport', event: 'created' }),
			updated: trigger({ resource: 'expenseReport', event: 'updated' }),
			both: trigger({ resource: 'expenseReport' }),
		};
		for (const p of Object.values(pollers)) await p.poll();
		const fresh = sim.reports.create();
		const old = sim.reports.list()[0];
		sim.reports.touch(old.id);
		expect(ids((await pollers.created.poll()).items)).toEqual([fresh.id]);
		expect(ids((await pollers.updated.poll()).items)).toEqual([old.id]);
		expect(new Set(ids((await pollers.both.poll()).items))).toEqual(new Set([fresh.id, old.id]));
	});

	it('a report created and edited before a poll saw it is created, once; its later changes are updated', async () => {
		const created = trigger({ resource: 'expenseReport', event: 'created' });
		const updated = trigger({ resource: 'expenseReport', event: 'updated' });
		await created.poll();
		await updated.poll();
		const report = sim.reports.create();
		sim.reports.touch(report.id);
		sim.reports.submit(report.id);
		expect(ids((await created.poll()).items)).toEqual([report.id]);
		expect((await updated.poll()).items).toBeNull();
		sim.reports.touch(report.id);
		expect((await created.poll()).items).toBeNull();
		expect(ids((await updated.poll()).items)).toEqual([report.id]);
	});

	it('approval status and payment status are sent to Concur as query parameters', async () => {
		const extv = trigger({ resource: 'expenseReport', firstRun: 'backfill', backfillDays: 30, approvalStatus: 'A_EXTV' });
		const items = (await extv.poll()).items ?? [];
		expect(items.length).toBeGreaterThan(0);
		expect(items.every((item) => item.ApprovalStatusCode === 'A_EXTV')).toBe(true);
		expect(listRequests().every((r) => r.query.approvalStatusCode === 'A_EXTV')).toBe(true);

		sim.requests.length = 0;
		const paid = trigger({ resource: 'expenseReport', firstRun: 'backfill', backfillDays: 30, paymentStatus: 'P_PAID' });
		const paidItems = (await paid.poll()).items ?? [];
		expect(paidItems.length).toBeGreaterThan(0);
		expect(paidItems.every((item) => item.PaymentStatusCode === 'P_PAID')).toBe(true);
		expect(listRequests()[0].query).toMatchObject({ paymentStatusCode: 'P_PAID', user: 'ALL' });
		expect(parseConcurDate(listRequests()[0].query.modifiedDateAfter)).toBeDefined();
	});

	it('user: one login ID instead of ALL', async () => {
		const poller = trigger({ resource: 'expenseReport', firstRun: 'backfill', backfillDays: 30, user: 'alice@acme-sim.example' });
		const items = (await poller.poll()).items ?? [];
		expect(items.length).toBeGreaterThan(0);
		expect(items.every((item) => item.OwnerLoginID === 'alice@acme-sim.example')).toBe(true);
		expect(listRequests()[0].query.user).toBe('alice@acme-sim.example');
	});

	it('emit full report: each report fetched by ID with its owner', async () => {
		const poller = trigger({ resource: 'expenseReport', options: { fullDetails: true } });
		await poller.poll();
		const report = sim.reports.create({ ownerLoginId: 'bob@acme-sim.example' });
		sim.requests.length = 0;
		const items = (await poller.poll()).items ?? [];
		expect(ids(items)).toEqual([report.id]);
		const single = sim.requests.filter((r) => r.path === `/api/v3.0/expense/reports/${report.id}`);
		expect(single).toHaveLength(1);
		expect(single[0].query.user).toBe('bob@acme-sim.example');
	});

	it('page size is the v3 limit; each answer proves a range of modification dates, so every report is read once', async () => {
		const poller = trigger({ resource: 'expenseReport', firstRun: 'backfill', backfillDays: 30, options: { pageSize: 5 } });
		poller.budgetMs = undefined; // older n8n: the whole backlog in one poll
		const items = (await poller.poll()).items ?? [];
		expect(ids(items).sort()).toEqual(sim.reports.list().map((r) => r.id).sort());
		expect(listRequests().every((r) => r.query.limit === '5')).toBe(true);
		// Ranges are asked for with modifiedDateAfter (and modifiedDateBefore when bounded).
		expect(listRequests().every((r) => parseConcurDate(r.query.modifiedDateAfter) !== undefined)).toBe(true);
		expect(listRequests().some((r) => r.query.modifiedDateBefore !== undefined)).toBe(true);
		expect(listRequests().length).toBeLessThanOrEqual(12);
	});
});

describe('expense reports: look-back window and shared timestamps', () => {
	it('a change listed late is emitted when it falls inside the look-back window, not outside it', async () => {
		const wide = trigger({ resource: 'expenseReport', options: { lookBackMinutes: 10 } });
		const narrow = trigger({ resource: 'expenseReport', options: { lookBackMinutes: 1 } });
		await wide.poll();
		await narrow.poll();
		const anchor = sim.reports.create();
		expect(ids((await wide.poll()).items)).toEqual([anchor.id]);
		expect(ids((await narrow.poll()).items)).toEqual([anchor.id]);
		const late = sim.reports.create();
		sim.reports.setLastModified([late.id], anchor.lastModified - 5 * 60_000);
		expect(ids((await wide.poll()).items)).toEqual([late.id]);
		expect((await narrow.poll()).items).toBeNull();
		expect((await wide.poll()).items).toBeNull();
	});

	it('many reports sharing one LastModifiedDate across page boundaries, read one page per poll', async () => {
		const poller = trigger({ resource: 'expenseReport', options: { pageSize: 3 } });
		await poller.poll();
		const burst = Array.from({ length: 8 }, () => sim.reports.create().id);
		sim.reports.setLastModified(burst, sim.reports.get(burst[7])!.lastModified);
		poller.budgetMs = 0;
		const seen: string[] = [];
		for (let i = 0; i < 10; i++) seen.push(...ids((await poller.poll()).items));
		expect(seen.sort()).toEqual([...burst].sort());
	});
});

describe('expense reports: manual mode and failures', () => {
	it('manual mode returns the newest matching report and leaves the cursor alone', async () => {
		const poller = trigger({ resource: 'expenseReport' });
		await poller.poll();
		const before = JSON.stringify(poller.nodeState());
		const newest = sim.reports.list().slice(-1)[0];
		const manual = await poller.poll('manual');
		expect(ids(manual.items)).toEqual([newest.id]);
		expect(JSON.stringify(poller.nodeState())).toBe(before);

		const onlyPaid = trigger({ resource: 'expenseReport', paymentStatus: 'P_PAID' });
		const paid = sim.reports.list().filter((r) => r.paymentStatusCode === 'P_PAID').slice(-1)[0];
		expect(ids((await onlyPaid.poll('manual')).items)).toEqual([paid.id]);
		expect(onlyPaid.nodeState()).toEqual({});
	});

	it('manual mode with nothing matching says so', async () => {
		const poller = trigger({ resource: 'expenseReport', approvalStatus: 'A_TEXP' });
		const outcome = await poller.poll('manual');
		expect(outcome.error?.message).toMatch(/No expense report matching the filters/);
	});

	it.each([
		['500', () => sim.faults.inject({ status: 500, count: 1, pathPrefix: '/api/v3.0' })],
		['503', () => sim.faults.inject({ status: 503, count: 1, pathPrefix: '/api/v3.0' })],
		['429 beyond the retries', () => sim.faults.inject({ status: 429, count: 10, pathPrefix: '/api/v3.0', retryAfter: 0 })],
		['a time-out', () => sim.faults.timeout(1)],
	])('%s: the poll fails visibly, the cursor stays, the next poll covers the same ground', async (_name, inject) => {
		const poller = trigger({ resource: 'expenseReport', options: { pageSize: 2 } });
		await poller.poll();
		const state = JSON.stringify(poller.nodeState());
		const made = [sim.reports.create(), sim.reports.create(), sim.reports.create()];
		inject();
		const failed = await poller.poll();
		expect(failed.error).toBeDefined();
		expect(failed.error?.constructor.name).toMatch(/NodeApiError|NodeOperationError/);
		expect(failed.items).toBeNull();
		expect(JSON.stringify(poller.nodeState())).toBe(state);
		sim.faults.clear();
		expect(ids((await poller.poll()).items)).toEqual(made.map((r) => r.id));
	});

	it('a 429 within the retries is absorbed (Retry-After honoured by the transport)', async () => {
		const poller = trigger({ resource: 'expenseReport' });
		await poller.poll();
		const report = sim.reports.create();
		sim.faults.inject({ status: 429, count: 2, pathPrefix: '/api/v3.0', retryAfter: 0 });
		const outcome = await poller.poll();
		expect(outcome.error).toBeUndefined();
		expect(ids(outcome.items)).toEqual([report.id]);
	});
});

describe('expense reports: poll budget', () => {
	it('stops at a page boundary when the budget is spent and resumes with no gap and no repeat', async () => {
		const poller = trigger({ resource: 'expenseReport', firstRun: 'backfill', backfillDays: 30, options: { pageSize: 3 } });
		poller.budgetMs = 0;
		const seen: string[] = [];
		let polls = 0;
		for (; polls < 20; polls++) {
			const { items, error } = await poller.poll();
			expect(error).toBeUndefined();
			if (!items) break;
			expect(items.length).toBeLessThanOrEqual(3);
			seen.push(...ids(items));
		}
		expect(polls).toBeGreaterThanOrEqual(4);
		expect(seen).toEqual(sim.reports.list().map((r) => r.id));
	});

	it('Max Items per Poll stops after the page that reaches the cap, also without a budget, and resumes with no gap and no repeat', async () => {
		const poller = trigger({ resource: 'expenseReport', firstRun: 'backfill', backfillDays: 30, options: { pageSize: 3, maxItemsPerPoll: 5 } });
		poller.budgetMs = undefined; // an n8n that gives no poll budget
		const seen: string[] = [];
		const sizes: number[] = [];
		for (let polls = 0; polls < 20; polls++) {
			const { items, error } = await poller.poll();
			expect(error).toBeUndefined();
			if (!items) break;
			sizes.push(items.length);
			seen.push(...ids(items));
		}
		// A poll stops after the page that reaches 5 new items, so with pages of 3 it emits at most
		// 5 + 3 - 1 = 7; the 12 reports take more than one poll.
		expect(sizes.length).toBeGreaterThan(1);
		expect(Math.max(...sizes)).toBeLessThanOrEqual(7);
		expect(seen).toEqual(sim.reports.list().map((r) => r.id));
	});

	it('a generous budget reads the whole chain in one poll', async () => {
		const poller = trigger({ resource: 'expenseReport', firstRun: 'backfill', backfillDays: 30, options: { pageSize: 3 } });
		poller.budgetMs = 60_000;
		expect((await poller.poll()).items).toHaveLength(12);
		expect((await poller.poll()).items).toBeNull();
	});
});

describe('a poll that starts before n8n stored the previous hand-off (n8n 2.40 staged cursors)', () => {
	async function handedOff(): Promise<{ poller: PollHarness; before: IDataObject; after: IDataObject; emitted: string[] }> {
		const poller = trigger({ resource: 'expenseReport', options: { createdToleranceSeconds: 0 } });
		expect((await poller.poll()).items).toBeNull(); // start from now
		const before = poller.storedStaticData();
		const created = [sim.reports.create(), sim.reports.create()].map((report) => report.id);
		const second = await poller.poll();
		expect(ids(second.items).sort()).toEqual([...created].sort());
		return { poller, before, after: poller.storedStaticData(), emitted: ids(second.items) };
	}

	it('waits one poll instead of emitting the same changes again', async () => {
		const { poller, before, after } = await handedOff();
		poller.handNextPoll(before); // the execution and its cursor are not stored yet
		const callsBefore = listRequests().length;
		const early = await poller.poll();
		expect(early.error).toBeUndefined();
		expect(early.items).toBeNull();
		expect(listRequests().length).toBe(callsBefore);
		expect(poller.storedStaticData()).toEqual(before); // the early poll changed nothing

		poller.handNextPoll(after); // stored now
		const later = sim.reports.create().id;
		expect(ids((await poller.poll()).items)).toEqual([later]);
	});

	it('emits the changes again when that hand-off was never stored (its execution failed to start)', async () => {
		const { poller, before, emitted } = await handedOff();
		poller.handNextPoll(before);
		expect((await poller.poll()).items).toBeNull();
		poller.handNextPoll(before); // still the old cursor a poll later: never stored
		expect(ids((await poller.poll()).items).sort()).toEqual([...emitted].sort());
	});

	it('after a restart the stored cursor rules', async () => {
		const { poller, before, emitted } = await handedOff();
		poller.restartProcess(); // a new n8n process
		poller.handNextPoll(before);
		expect(ids((await poller.poll()).items).sort()).toEqual([...emitted].sort());
	});

	it('a poll that starts while another poll of the node runs emits nothing; the running one emits each change once', async () => {
		const poller = trigger({ resource: 'expenseReport', options: { createdToleranceSeconds: 0 } });
		expect((await poller.poll()).items).toBeNull();
		const created = [sim.reports.create(), sim.reports.create()].map((report) => report.id);
		const callsBefore = listRequests().length;
		const [first, second] = await Promise.all([poller.poll(), poller.poll()]);
		expect(first.error).toBeUndefined();
		expect(second.error).toBeUndefined();
		expect(ids(first.items).sort()).toEqual([...created].sort());
		expect(second.items).toBeNull();
		expect(listRequests().length - callsBefore).toBe(1); // only the running poll listed
		expect((await poller.poll()).items).toBeNull();
	});

	it('failed notifications: the same guard', async () => {
		const poller = trigger({ resource: 'failedNotification', firstRun: 'backfill' });
		sim.tenant.notifications.push({
			id: 'n1',
			context: null,
			eventDateTime: '2026-11-22T10:00:00',
			eventType: 'Report Entered Expense Report Workflow Step - EXTERNAL VALIDATION - SUBMIT',
			objectType: 'EXPRPT',
			objectUri: 'https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/n1',
		});
		const before = poller.storedStaticData();
		const first = await poller.poll();
		expect(first.items).toHaveLength(1);
		const after = poller.storedStaticData();
		poller.handNextPoll(before);
		expect((await poller.poll()).items).toBeNull();
		poller.handNextPoll(after);
		expect((await poller.poll()).items).toBeNull();
	});
});

describe('failed notifications', () => {
	const failed = (id: string, when = '2026-11-22T10:00:00') => {
		sim.tenant.notifications.push({
			id,
			context: null,
			eventDateTime: when,
			eventType: 'Report Entered Expense Report Workflow Step - EXTERNAL VALIDATION - SUBMIT',
			objectType: 'EXPRPT',
			objectUri: `https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/${id}`,
		});
	};

	it('start from now: existing ones are remembered; new ones emitted once; deleted ones forgotten a week later', async () => {
		failed('old1');
		const poller = trigger({ resource: 'failedNotification' });
		expect((await poller.poll()).items).toBeNull();
		failed('new1');
		const second = (await poller.poll()).items ?? [];
		expect(second).toHaveLength(1);
		expect(String(second[0].NotificationURI)).toMatch(/new1$/);
		expect((await poller.poll()).items).toBeNull();
		sim.tenant.notifications.splice(0, 1); // old1 deleted in Concur
		expect((await poller.poll()).items).toBeNull();
		const keys = () => Object.keys((poller.nodeState().failedNotificationCursor as IDataObject).keys as IDataObject);
		expect(keys()).toHaveLength(2); // an empty or partial answer must not make it new again
		jest.setSystemTime(Date.now() + 8 * 86_400_000);
		expect((await poller.poll()).items).toBeNull();
		expect(keys()).toHaveLength(1);
		expect(sim.requests.some((r) => r.query.status === 'FAILED')).toBe(true);
	});

	it('backfill emits what is listed; manual mode returns the newest without touching state', async () => {
		failed('a', '2026-11-20T10:00:00');
		failed('b', '2026-11-21T10:00:00');
		const manual = trigger({ resource: 'failedNotification' });
		const newest = (await manual.poll('manual')).items ?? [];
		expect(String(newest[0].NotificationURI)).toMatch(/\/b$/);
		expect(manual.nodeState()).toEqual({});

		const poller = trigger({ resource: 'failedNotification', firstRun: 'date', startDate: '2026-11-21T00:00:00' });
		const items = (await poller.poll()).items ?? [];
		expect(items.map((n) => String(n.NotificationURI).slice(-1))).toEqual(['b']);
	});

	it('a failing list call leaves the state alone', async () => {
		failed('x');
		const poller = trigger({ resource: 'failedNotification', firstRun: 'backfill', backfillDays: 3650 });
		sim.faults.inject({ status: 500, count: 1 });
		expect((await poller.poll()).error).toBeDefined();
		expect(poller.nodeState()).toEqual({});
		expect((await poller.poll()).items).toHaveLength(1);
	});
});
