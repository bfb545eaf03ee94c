/**
 * Issue 12's adversarial simulation: four Concur Polling Triggers run through n8n-core's real
 * PollContext against the simulator with its v3 list in adversarial mode
 * (test/simulator/adversarial.ts), 1,200 polls in all, while a stream of changes flows and the
 * list changes how it behaves every 100 polls:
 *
 * - order: oldest first, newest first, a fixed random order, ID order, creation order;
 * - `modifiedDateAfter` / `Before` kept to the millisecond, rounded to whole seconds (up, down,
 *   to nearest) or to SQL Server datetime steps;
 * - between any two list requests of a poll: reports updated, deleted, leaving the A_EXTV filter,
 *   listed late (dated inside the look-back window), dated in the future;
 * - Concur's clock ahead of or behind n8n's, within what the look-back window covers;
 * - the look-back window changed on the running trigger; poll budgets of 0, Max Items per Poll;
 * - 429s, 500s, 503s and time-outs; detail fetches answering 404 (Emit Full Report);
 * - a failed-notification list that is transiently empty or partial.
 *
 * The one thing the adversary leaves alone is the assumption the README states: it does not change
 * reports between the NextPage pages of one request (the trigger follows NextPage only for more
 * than a page of reports sharing one instant), and it lists nothing later than the look-back window.
 *
 * Every version (ID + LastModifiedDate) that stays listed until a trigger emits it is owed to that
 * trigger exactly once; "Report Created" is owed once per report created after activation.
 */
import type { IDataObject } from 'n8n-workflow';

import { parseConcurDate } from '../../nodes/Concur/helpers/dates';
import { concurRetryPolicy } from '../../nodes/Concur/transport';
import { concurCredentials } from '../harness/concurCredentials';
import { PollHarness } from '../harness/poll';
import type { ConcurSimulator } from '../simulator';
import { startSimulator } from '../simulator';
import { deleteReport, makeAdversarial, type AdversarialOrder, type DateCut } from '../simulator/adversarial';
import { rng } from '../simulator/listModel';
import type { SimReport } from '../simulator/state';

const ROUNDS = 300; // each round polls all four triggers: 1,200 polls
const PAGE_SIZE = 10;
const LOOK_BACK_MS = 400;
const SKEW_MS = 100; // Concur's clock within ±100 ms of n8n's: skew + late listing stays inside the window

let sim: ConcurSimulator;
const originalPolicy = { ...concurRetryPolicy };

beforeAll(async () => {
	sim = await startSimulator({ port: 0 });
	Object.assign(concurRetryPolicy, { retryAfterFloorMs: 1, maxRetries: 2, timeoutMs: 2_000 });
});
afterAll(async () => {
	Object.assign(concurRetryPolicy, originalPolicy);
	await sim.close();
});

/** What one trigger is owed: versions listed under its filter until it emitted them. */
class Ledger {
	readonly owed = new Map<string, boolean>();
	readonly emitted = new Map<string, number>();
	readonly current = new Map<string, string>();
	readonly createdItems = new Map<string, number>();
	readonly firstSeen = new Map<string, string>();
	readonly unlistedBeforeSeen = new Set<string>();

	constructor(readonly listed: (report: SimReport) => boolean) {}

	note(report: SimReport, deleted: boolean): void {
		const previous = this.current.get(report.id);
		if (previous !== undefined && this.owed.get(previous) === true && !this.emitted.has(previous)) this.owed.set(previous, false);
		if (deleted) {
			this.current.delete(report.id);
			if (!this.firstSeen.has(report.id)) this.unlistedBeforeSeen.add(report.id);
			return;
		}
		const key = `${report.id}|${report.lastModified}`;
		this.current.set(report.id, key);
		if (this.listed(report)) this.owed.set(key, true);
		else if (!this.firstSeen.has(report.id)) this.unlistedBeforeSeen.add(report.id);
	}

	consume(items: IDataObject[] | null): void {
		for (const item of items ?? []) {
			const key = `${String(item.ID)}|${parseConcurDate(item.LastModifiedDate)}`;
			this.emitted.set(key, (this.emitted.get(key) ?? 0) + 1);
			if (!this.firstSeen.has(String(item.ID))) this.firstSeen.set(String(item.ID), String(item.event));
			if (item.event === 'created') this.createdItems.set(String(item.ID), (this.createdItems.get(String(item.ID)) ?? 0) + 1);
		}
	}

	result() {
		return {
			missed: [...this.owed].filter(([key, owed]) => owed && !this.emitted.has(key)).map(([key]) => key),
			repeated: [...this.emitted].filter(([, count]) => count > 1).map(([key]) => key),
			unexpected: [...this.emitted.keys()].filter((key) => !this.owed.has(key)),
			createdTwice: [...this.createdItems].filter(([, count]) => count > 1).map(([id]) => id),
		};
	}
}

it('1,200 polls against an adversarial list: nothing missed, nothing twice', async () => {
	const random = rng(Number(process.env.POLL_SIM_SEED ?? 20261212));
	const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
	const adversary = makeAdversarial(sim, { seed: 12 });
	const deleted = new Set<string>();
	let skew = 0;
	const stats = { changes: 0, midPoll: 0, deletes: 0, filterExits: 0, late: 0, future: 0, bursts: 0, failed: 0, cutOffs: 0, detail404: 0, windowChanges: 0, flakyLists: 0 };

	const all = new Ledger(() => true);
	const extv = new Ledger((r) => r.approvalStatusCode === 'A_EXTV');
	const created = new Ledger(() => true);
	const ledgers = [all, extv, created];
	const activation = Date.now();
	const history = new Map<string, string[]>();
	let roundNow = 0;
	const note = (id: string) => {
		const report = sim.reports.get(id)!;
		if (process.env.POLL_SIM_DEBUG) {
			const h = history.get(id) ?? [];
			h.push(`r${roundNow} t=${Date.now()} lmd=${report.lastModified} ${report.approvalStatusCode}${deleted.has(id) ? ' deleted' : ''} skew=${skew} ${adversary.order}/${adversary.afterCut}/${adversary.beforeCut}`);
			history.set(id, h);
		}
		for (const ledger of ledgers) ledger.note(report, deleted.has(id));
	};
	/** A change stamped by Concur's clock (skew) as Concur would write it. */
	const stamped = (id: string) => {
		const report = sim.reports.get(id)!;
		if (skew !== 0) sim.reports.setLastModified([id], report.lastModified + skew);
		note(id);
	};
	// What exists at activation is not owed ("Start From Now"); its later versions are.
	for (const report of sim.reports.list()) for (const ledger of ledgers) ledger.current.set(report.id, `${report.id}|${report.lastModified}`);

	const live = () => sim.reports.list().filter((r) => !deleted.has(r.id));
	let recentlyCreated: string[] = [];
	const change = () => {
		const kind = random();
		const reports = live();
		if (kind < 0.3) {
			const report = pick(reports);
			const action = pick(['touch', 'touch', 'submit', 'approve', 'sendBack', 'recall', 'pay'] as const);
			const status = report.approvalStatusCode;
			try {
				if (action === 'sendBack') sim.reports.sendBack(report.id);
				else sim.reports[action](report.id);
				// Leaves the A_EXTV trigger's filter (its offsets shift under that trigger).
				if (status === 'A_EXTV' && sim.reports.get(report.id)!.approvalStatusCode !== 'A_EXTV') stats.filterExits++;
			} catch {
				sim.reports.touch(report.id); // that step is not allowed now
			}
			stamped(report.id);
			stats.changes++;
		} else if (kind < 0.55) {
			// New reports, some submitted straight away (into A_EXTV), some in one burst instant.
			const size = random() < 0.2 ? 2 + Math.floor(random() * PAGE_SIZE * 1.5) : 1;
			const made = Array.from({ length: size }, () => {
				const report = sim.reports.create({ ownerLoginId: pick(['alice@acme-sim.example', 'bob@acme-sim.example', 'carol@acme-sim.example']) });
				if (random() < 0.5) sim.reports.submit(report.id);
				return report.id;
			});
			if (size > 1) {
				sim.reports.setLastModified(made, sim.reports.get(made[made.length - 1])!.lastModified);
				stats.bursts++;
			}
			made.forEach(stamped);
			recentlyCreated.push(...made);
		} else if (kind < 0.65) {
			const report = pick(reports);
			deleteReport(sim, report.id);
			deleted.add(report.id);
			note(report.id);
			stats.deletes++;
		} else if (kind < 0.8) {
			// Listed late: stamped by Concur's clock (skew) up to half the window before now, so it
			// lands inside ranges already read, yet within what the window covers on any machine
			// speed (dating it from the newest row instead would leave the window on a slow run).
			const report = sim.reports.create();
			sim.reports.submit(report.id);
			sim.reports.setLastModified([report.id], Date.now() + skew - Math.floor(random() * (LOOK_BACK_MS / 2 - SKEW_MS)));
			note(report.id);
			stats.late++;
		} else if (kind < 0.805) {
			const report = sim.reports.create();
			sim.reports.setLastModified([report.id], Date.now() + 86_400_000 + Math.floor(random() * 86_400_000));
			note(report.id);
			stats.future++;
		}
	};
	let lists = 0;
	let midPollBudget = 0;
	adversary.beforeList = (query) => {
		lists++;
		// Between the requests of a poll, not between the NextPage pages of one request (README).
		if (query.get('offset') === null && midPollBudget > 0 && random() < 0.3) {
			midPollBudget--;
			change();
			stats.midPoll++;
		}
	};

	const options = { pageSize: PAGE_SIZE, lookBackMinutes: LOOK_BACK_MS / 60_000 };
	const credentials = { concurOAuth2Api: concurCredentials(sim) };
	const triggers = {
		all: new PollHarness({ parameters: { resource: 'expenseReport', options }, credentials }),
		extv: new PollHarness({ parameters: { resource: 'expenseReport', approvalStatus: 'A_EXTV', options }, credentials }),
		created: new PollHarness({ parameters: { resource: 'expenseReport', event: 'created', options: { ...options, fullDetails: true } }, credentials }),
		notifications: new PollHarness({ parameters: { resource: 'failedNotification' }, credentials }),
	};
	for (const poller of Object.values(triggers)) expect((await poller.poll()).items).toBeNull(); // start from now
	concurRetryPolicy.timeoutMs = 150;

	// Failed notifications: added over time, some deleted once emitted, the list now and then
	// answered empty or partial.
	const notificationsEmitted = new Map<string, number>();
	let notificationCount = 0;
	const addNotification = () =>
		sim.tenant.notifications.push({
			id: `n${++notificationCount}`,
			context: null,
			eventDateTime: new Date().toISOString().slice(0, 19),
			eventType: 'Report Entered Expense Report Workflow Step - EXTERNAL VALIDATION - SUBMIT',
			objectType: 'EXPRPT',
			objectUri: `https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/n${notificationCount}`,
		});

	const phases: Array<{ order: AdversarialOrder; afterCut: DateCut; beforeCut: DateCut }> = [
		{ order: 'ascending', afterCut: 'inclusive', beforeCut: 'inclusive' },
		{ order: 'descending', afterCut: 'strict', beforeCut: 'strict' },
		{ order: 'random', afterCut: 'sqlDatetime', beforeCut: 'sqlDatetime' },
		{ order: 'id', afterCut: 'secondsCeil', beforeCut: 'secondsFloor' },
		{ order: 'created', afterCut: 'secondsRound', beforeCut: 'secondsRound' },
		{ order: 'random', afterCut: 'inclusive', beforeCut: 'secondsCeil' },
	];

	let pageSize = PAGE_SIZE;
	const setPageSize = (size: number) => {
		pageSize = size;
		for (const [name, poller] of Object.entries(triggers)) {
			if (name === 'notifications') continue;
			const parameters = poller.node.parameters as IDataObject;
			poller.setParameters({ ...parameters, options: { ...(parameters.options as IDataObject), pageSize } });
		}
	};
	const t0 = Date.now();
	for (let round = 0; round < ROUNDS; round++) {
		roundNow = round;
		if (process.env.POLL_SIM_DEBUG && round % 10 === 0) process.stderr.write(`round ${round} t=${Date.now() - t0} lists=${lists} reports=${sim.reports.list().length} state=${JSON.stringify(triggers.all.nodeState()).length}\n`);
		if (round % 50 === 0) {
			const phase = phases[(round / 50) % phases.length];
			Object.assign(adversary, phase);
			// A filter cut to whole seconds needs ranges of a second at least: bigger pages there
			// keep this run short (the tenant changes hundreds of times a second here).
			setPageSize(/seconds/.test(phase.afterCut + phase.beforeCut) ? 30 : PAGE_SIZE);
			// A report dated a day ahead (a bad clock somewhere): the changes after it still flow.
			const ahead = sim.reports.create();
			sim.reports.setLastModified([ahead.id], Date.now() + 86_400_000 + Math.floor(random() * 86_400_000));
			note(ahead.id);
			stats.future++;
		}
		skew = Math.round((random() * 2 - 1) * SKEW_MS);
		for (let i = Math.floor(random() * 3); i > 0; i--) change();
		if (random() < 0.3) addNotification();
		if (random() < 0.05) {
			const lookBackMinutes = pick([LOOK_BACK_MS, LOOK_BACK_MS * 2]) / 60_000;
			triggers.all.setParameters({ resource: 'expenseReport', options: { ...options, pageSize, lookBackMinutes } });
			stats.windowChanges++;
		}
		for (const [name, poller] of Object.entries(triggers)) {
			// Faults for this poll.
			const fault = random();
			if (fault < 0.03) sim.faults.inject({ status: 429, count: 10, pathPrefix: '/api/v3.0', retryAfter: 0 });
			else if (fault < 0.06) sim.faults.inject({ status: 500, count: 1, pathPrefix: '/api/v3.0' });
			else if (fault < 0.07) sim.faults.inject({ status: 503, count: 1 });
			else if (fault < 0.08) sim.faults.timeout(1, '/api/v3.0');
			if (name === 'created' && recentlyCreated.length > 0 && random() < 0.5) {
				// A report deleted between the list and its detail fetch: the detail answers 404.
				sim.faults.inject({ status: 404, count: 1, pathPrefix: `/api/v3.0/expense/reports/${pick(recentlyCreated)}` });
			}
			if (name === 'created') recentlyCreated = [];
			const cut = random() < 0.3;
			poller.budgetMs = cut ? 0 : 60_000;
			midPollBudget = 2;
			let hidden: typeof sim.tenant.notifications = [];
			if (name === 'notifications' && random() < 0.3) {
				hidden = sim.tenant.notifications.filter(() => random() < 0.6);
				sim.tenant.notifications = sim.tenant.notifications.filter((n) => !hidden.includes(n));
				stats.flakyLists++;
			}
			const { items, error } = await poller.poll();
			sim.faults.clear();
			if (hidden.length) sim.tenant.notifications.push(...hidden);
			if (error) {
				stats.failed++;
				expect(items).toBeNull();
				continue;
			}
			if (cut && items) stats.cutOffs++;
			if (name === 'all') all.consume(items);
			else if (name === 'extv') extv.consume(items);
			else if (name === 'created') {
				created.consume(items);
				stats.detail404 += (items ?? []).filter((item) => item.fullReportError !== undefined).length;
			} else {
				for (const item of items ?? []) {
					const uri = String(item.NotificationURI);
					notificationsEmitted.set(uri, (notificationsEmitted.get(uri) ?? 0) + 1);
				}
				// Concur deletes some once they were handled.
				if (random() < 0.2 && sim.tenant.notifications.length > 0) sim.tenant.notifications.shift();
			}
		}
	}

	// Drain: no more changes or faults; poll until two polls in a row bring nothing.
	adversary.beforeList = undefined;
	for (const [name, poller] of Object.entries(triggers)) {
		poller.budgetMs = 60_000;
		for (let quiet = 0, guard = 0; quiet < 2 && guard < 50; guard++) {
			await new Promise((resolve) => setTimeout(resolve, LOOK_BACK_MS * 2));
			const { items, error } = await poller.poll();
			expect(error).toBeUndefined();
			quiet = items ? 0 : quiet + 1;
			if (name === 'all') all.consume(items);
			else if (name === 'extv') extv.consume(items);
			else if (name === 'created') created.consume(items);
			else for (const item of items ?? []) notificationsEmitted.set(String(item.NotificationURI), (notificationsEmitted.get(String(item.NotificationURI)) ?? 0) + 1);
		}
	}

	const results = { all: all.result(), extv: extv.result() };
	// "Report Created": once per report; every report created after activation and listed from
	// then on (not deleted before the trigger saw it) is emitted as created.
	const createdMissing = sim.reports
		.list()
		.filter((r) => r.createDate > activation + LOOK_BACK_MS && !created.firstSeen.has(r.id) && !created.unlistedBeforeSeen.has(r.id))
		.map((r) => r.id);
	const createdWrong = [...created.firstSeen].filter(([, event]) => event !== 'created').map(([id]) => id);
	const notificationsTwice = [...notificationsEmitted].filter(([, count]) => count > 1).map(([uri]) => uri);
	// Every notification still listed at the end was emitted (the URI ends with its id).
	const emittedIds = new Set([...notificationsEmitted.keys()].map((uri) => uri.replace(/.*\//, '')));
	const notificationsMissed = sim.tenant.notifications.filter((n) => !emittedIds.has(n.id)).map((n) => n.id);
	process.stdout.write(
		`adversarial polling simulation: ${ROUNDS * 4} polls; all: ${all.owed.size} versions, ${all.emitted.size} emitted; ` +
			`A_EXTV: ${extv.owed.size} versions, ${extv.emitted.size} emitted; created: ${created.createdItems.size}; ` +
			`notifications: ${notificationCount} added, ${notificationsEmitted.size} emitted; ${JSON.stringify(stats)}\n`,
	);

	if (process.env.POLL_SIM_DEBUG) {
		for (const [name, r] of Object.entries(results)) for (const k of r.missed) process.stderr.write(`MISSED ${name} ${k}\n  ${(history.get(k.split('|')[0]) ?? []).join('\n  ')}\n`);
	}
	expect(stats.midPoll).toBeGreaterThan(200);
	expect(stats.deletes).toBeGreaterThan(50);
	expect(stats.filterExits).toBeGreaterThan(20);
	expect(stats.late).toBeGreaterThan(50);
	expect(stats.future).toBeGreaterThan(3);
	expect(stats.cutOffs).toBeGreaterThan(60);
	expect(stats.detail404).toBeGreaterThan(5);
	expect(stats.flakyLists).toBeGreaterThan(30);
	expect(stats.windowChanges).toBeGreaterThan(5);
	expect(all.owed.size).toBeGreaterThan(600);
	expect(results).toEqual({
		all: { missed: [], repeated: [], unexpected: [], createdTwice: [] },
		extv: { missed: [], repeated: [], unexpected: [], createdTwice: [] },
	});
	expect({ createdTwice: created.result().createdTwice, createdMissing, createdWrong }).toEqual({ createdTwice: [], createdMissing: [], createdWrong: [] });
	expect({ notificationsTwice, notificationsMissed }).toEqual({ notificationsTwice: [], notificationsMissed: [] });
	expect(notificationsEmitted.size).toBeGreaterThan(50);
}, 300_000);
