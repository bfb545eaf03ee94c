/**
 * Issue 12, "Polling without hidden assumptions": one test per way the review found to miss a
 * change or emit it twice. Each drives the Concur Polling Trigger through n8n-core's PollContext
 * (test/harness/poll.ts) against the simulator, most with its v3 list in adversarial mode
 * (test/simulator/adversarial.ts): another order, filters that round, a clock that is off,
 * reports that change, leave the filter or are deleted between two pages of one poll. Each of
 * these tests fails on the cursor before issue 12 (the watermark design) and passes now.
 */
import type { IDataObject } from 'n8n-workflow';

import { parseConcurDate, toConcurDate } from '../../nodes/Concur/helpers/dates';
import { concurRetryPolicy } from '../../nodes/Concur/transport';
import { pinClock, unpinClock } from '../harness/clock';
import { concurCredentials } from '../harness/concurCredentials';
import { PollHarness, type PollHarnessOptions } from '../harness/poll';
import type { ConcurSimulator } from '../simulator';
import { startSimulator } from '../simulator';
import { deleteReport, makeAdversarial } from '../simulator/adversarial';

const MIN = 60_000;
const HOUR = 60 * MIN;
let sim: ConcurSimulator;
const originalPolicy = { ...concurRetryPolicy };

beforeAll(() => {
	concurRetryPolicy.retryAfterFloorMs = 5;
	concurRetryPolicy.timeoutMs = 2_000;
});
afterAll(() => {
	Object.assign(concurRetryPolicy, originalPolicy);
});
beforeEach(async () => {
	pinClock('2026-11-22T12:00:00Z');
	sim = await startSimulator({ port: 0 });
});
afterEach(async () => {
	unpinClock();
	await sim.close();
});

function trigger(parameters: IDataObject, options: Partial<PollHarnessOptions> = {}): PollHarness {
	return new PollHarness({ parameters, credentials: { concurOAuth2Api: concurCredentials(sim) }, ...options });
}

const ids = (items: IDataObject[] | null) => (items ?? []).map((item) => item.ID as string);
const key = (item: IDataObject) => `${String(item.ID)}|${parseConcurDate(item.LastModifiedDate)}`;

/** Polls until two polls in a row bring nothing; every item emitted, in order. */
async function drain(poller: PollHarness, maxPolls = 200): Promise<IDataObject[]> {
	const all: IDataObject[] = [];
	for (let polls = 0, quiet = 0; quiet < 2 && polls < maxPolls; polls++) {
		const { items, error } = await poller.poll();
		if (error) throw error;
		quiet = items ? 0 : quiet + 1;
		all.push(...(items ?? []));
	}
	return all;
}

/** How often each of `wanted` was emitted (its current version), plus anything emitted twice. */
function tally(items: IDataObject[], wanted: string[]) {
	const counts = new Map<string, number>();
	for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
	const current = wanted.map((id) => `${id}|${sim.reports.get(id)!.lastModified}`);
	return {
		missed: current.filter((k) => !counts.has(k)),
		twice: [...counts].filter(([, count]) => count > 1).map(([k]) => k),
	};
}

/** Reports waiting for external validation, spread `spacingMs` apart from `start`. */
function waitingReports(count: number, start: number, spacingMs: number): string[] {
	return Array.from({ length: count }, (_, i) => {
		const id = sim.reports.create({ ownerLoginId: 'alice@acme-sim.example' }).id;
		sim.reports.submit(id);
		sim.reports.setLastModified([id], start + i * spacingMs);
		return id;
	});
}

describe('1. rows shift while paging', () => {
	const catchUp = (extra: IDataObject = {}) =>
		trigger({
			resource: 'expenseReport',
			approvalStatus: 'A_EXTV',
			firstRun: 'date',
			startDate: toConcurDate(Date.now() - 3 * HOUR),
			options: { pageSize: 5, lookBackMinutes: 1, ...extra },
		});

	it('a report already read leaves the status filter between two pages: the report after it is still emitted', async () => {
		const waiting = waitingReports(20, Date.now() - 2 * HOUR, 6 * MIN);
		let lists = 0;
		makeAdversarial(sim).beforeList = () => {
			if (++lists === 2) sim.reports.approve(waiting[1]); // A_EXTV → A_PEND: gone from this list
		};
		const result = tally(await drain(catchUp()), waiting.filter((id) => id !== waiting[1]));
		expect(result).toEqual({ missed: [], twice: [] });
	});

	it('a report already read is deleted between two pages: the report after it is still emitted', async () => {
		const waiting = waitingReports(20, Date.now() - 2 * HOUR, 6 * MIN);
		let lists = 0;
		makeAdversarial(sim).beforeList = () => {
			if (++lists === 2) deleteReport(sim, waiting[1]);
		};
		const result = tally(await drain(catchUp()), waiting.filter((id) => id !== waiting[1]));
		expect(result).toEqual({ missed: [], twice: [] });
	});

	it('Max Items per Poll stops a poll after a report read earlier was updated (the simulator as it is): nothing lost', async () => {
		// An hour of changes, read with a one-minute window: the chain spans more than the window.
		const waiting = waitingReports(12, Date.now() - 60 * MIN, 5 * MIN);
		let lists = 0;
		makeAdversarial(sim).beforeList = () => {
			if (++lists === 2) sim.reports.touch(waiting[0]); // read on page 1; it moves to the end
		};
		const poller = trigger({
			resource: 'expenseReport',
			firstRun: 'date',
			startDate: toConcurDate(Date.now() - 61 * MIN),
			options: { pageSize: 3, lookBackMinutes: 1, maxItemsPerPoll: 4 },
		});
		const result = tally(await drain(poller), waiting);
		expect(result).toEqual({ missed: [], twice: [] });
	});
});

describe('2. the list order is not documented', () => {
	it.each(['descending', 'id'] as const)('%s order with stops between pages: every change once', async (order) => {
		makeAdversarial(sim, { order });
		const changed = Array.from({ length: 30 }, (_, i) => {
			const id = sim.reports.create().id;
			sim.reports.setLastModified([id], Date.now() - 60 * MIN + i * 2 * MIN);
			return id;
		});
		// A catch-up over an hour of changes, a report per page, a page per poll.
		const poller = trigger({
			resource: 'expenseReport',
			firstRun: 'date',
			startDate: toConcurDate(Date.now() - 61 * MIN),
			options: { pageSize: 1, lookBackMinutes: 1, maxItemsPerPoll: 1 },
		});
		const result = tally(await drain(poller), changed);
		expect(result).toEqual({ missed: [], twice: [] });
	});
});

describe('3. a future-dated LastModifiedDate', () => {
	it('does not hold back the normal changes after it', async () => {
		const poller = trigger({ resource: 'expenseReport' });
		expect((await poller.poll()).items).toBeNull();
		const future = sim.reports.create().id;
		sim.reports.setLastModified([future], Date.now() + 24 * HOUR);
		expect(ids((await poller.poll()).items)).toEqual([future]);
		const normal = sim.reports.create().id;
		expect(ids((await poller.poll()).items)).toEqual([normal]);
		sim.reports.touch(normal);
		expect(ids((await poller.poll()).items)).toEqual([normal]);
		expect((await poller.poll()).items).toBeNull();
	});
});

describe('4. a large catch-up (more than 5,000 changes) while a report moves', () => {
	it('the row skipped by the move is still emitted', async () => {
		const since = Date.now() - 1000;
		jest.setSystemTime(Date.now() + 1000);
		const backlog = sim.reports.bulk(6_000);
		let lists = 0;
		makeAdversarial(sim).beforeList = () => {
			if (++lists === 10) sim.reports.touch(backlog[50]);
		};
		const poller = trigger({ resource: 'expenseReport', firstRun: 'date', startDate: toConcurDate(since) });
		const result = tally(await drain(poller), backlog);
		expect(result).toEqual({ missed: [], twice: [] });
	}, 120_000);
});

describe('5. the look-back window changed on a running trigger', () => {
	it('widening it re-emits nothing', async () => {
		const parameters = { resource: 'expenseReport', options: { lookBackMinutes: 10 } };
		const poller = trigger(parameters);
		expect((await poller.poll()).items).toBeNull();
		const early = sim.reports.create().id;
		expect(ids((await poller.poll()).items)).toEqual([early]);
		jest.setSystemTime(Date.now() + 30 * MIN);
		const later = sim.reports.create().id;
		expect(ids((await poller.poll()).items)).toEqual([later]);
		poller.setParameters({ ...parameters, options: { lookBackMinutes: 60 } });
		expect((await poller.poll()).items).toBeNull();
		expect((await poller.poll()).items).toBeNull();
	});
});

describe('6. failed notifications: a transient empty or partial list', () => {
	it('re-emits nothing when the notifications are listed again', async () => {
		const add = (id: string) =>
			sim.tenant.notifications.push({
				id,
				context: null,
				eventDateTime: '2026-11-22T10:00:00',
				eventType: 'Report Entered Expense Report Workflow Step - EXTERNAL VALIDATION - SUBMIT',
				objectType: 'EXPRPT',
				objectUri: `https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/${id}`,
			});
		add('a');
		add('b');
		const poller = trigger({ resource: 'failedNotification', firstRun: 'backfill' });
		expect((await poller.poll()).items).toHaveLength(2);
		const all = [...sim.tenant.notifications];
		sim.tenant.notifications.length = 0; // a transient empty answer
		expect((await poller.poll()).items).toBeNull();
		sim.tenant.notifications.push(all[0]); // then a partial one
		expect((await poller.poll()).items).toBeNull();
		sim.tenant.notifications.push(all[1]);
		expect((await poller.poll()).items).toBeNull();
	});
});

describe('7. look-back 0 with a modifiedDateAfter that rounds', () => {
	it.each(['sqlDatetime', 'secondsCeil'] as const)('%s: reports sharing one timestamp, read a page per poll, all emitted', async (afterCut) => {
		makeAdversarial(sim, { afterCut });
		const poller = trigger({ resource: 'expenseReport', options: { pageSize: 3, lookBackMinutes: 0 } });
		expect((await poller.poll()).items).toBeNull();
		jest.setSystemTime(Math.ceil((Date.now() + 2_000) / 1000) * 1000 + 5_000);
		const tie = Array.from({ length: 7 }, () => sim.reports.create().id);
		sim.reports.setLastModified(tie, Math.floor(Date.now() / 1000) * 1000 - 3_000); // a whole second
		poller.budgetMs = 0;
		const result = tally(await drain(poller), tie);
		expect(result).toEqual({ missed: [], twice: [] });
	});
});

describe('8. Event "Report Created"', () => {
	it('emits a report edited between its creation and the next poll, once, as created', async () => {
		const poller = trigger({ resource: 'expenseReport', event: 'created' });
		expect((await poller.poll()).items).toBeNull();
		const report = sim.reports.create().id;
		jest.setSystemTime(Date.now() + MIN);
		sim.reports.touch(report);
		const items = (await poller.poll()).items ?? [];
		expect(ids(items)).toEqual([report]);
		expect(items[0].event).toBe('created');
		sim.reports.touch(report);
		expect((await poller.poll()).items).toBeNull();
	});
});

describe('9. Emit Full Report: a listed report whose detail answers 404', () => {
	it('is emitted from its list row with the error noted, and every other change still flows', async () => {
		const poller = trigger({ resource: 'expenseReport', options: { fullDetails: true } });
		expect((await poller.poll()).items).toBeNull();
		const gone = sim.reports.create().id;
		const other = sim.reports.create().id;
		sim.faults.inject({ status: 404, count: Infinity, pathPrefix: `/api/v3.0/expense/reports/${gone}` });
		const outcome = await poller.poll();
		expect(outcome.error).toBeUndefined();
		expect(ids(outcome.items).sort()).toEqual([gone, other].sort());
		const item = (outcome.items ?? []).find((i) => i.ID === gone)!;
		expect(item.fullReportError).toMatchObject({ httpCode: 404 });
		const next = sim.reports.create().id;
		expect(ids((await poller.poll()).items)).toEqual([next]);
	});

	it('other detail failures (a 403 for the whole credential) still fail the poll visibly, the cursor untouched', async () => {
		const poller = trigger({ resource: 'expenseReport', options: { fullDetails: true } });
		expect((await poller.poll()).items).toBeNull();
		const before = JSON.stringify(poller.nodeState());
		const report = sim.reports.create().id;
		sim.faults.inject({ status: 403, count: Infinity, pathPrefix: `/api/v3.0/expense/reports/${report}` });
		const failed = await poller.poll();
		expect(failed.error?.message).toMatch(/403|forbidden/i);
		expect(failed.items).toBeNull();
		expect(JSON.stringify(poller.nodeState())).toBe(before);
		sim.faults.clear();
		expect(ids((await poller.poll()).items)).toEqual([report]);
	});
});

describe("10. Start Date in the workflow's time zone", () => {
	it('reads 10:00 in Europe/Berlin as 09:00 UTC', async () => {
		const before = sim.reports.create().id;
		const after = sim.reports.create().id;
		sim.reports.setLastModified([before], Date.parse('2026-11-22T08:30:00Z'));
		sim.reports.setLastModified([after], Date.parse('2026-11-22T09:30:00Z'));
		const poller = trigger(
			{ resource: 'expenseReport', firstRun: 'date', startDate: '2026-11-22T10:00:00' },
			{ timezone: 'Europe/Berlin' },
		);
		const emitted = ids((await poller.poll()).items);
		expect(emitted).toContain(after);
		expect(emitted).not.toContain(before);
	});
});
