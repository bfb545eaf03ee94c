/**
 * The simulation of issue 4: the Concur Polling Trigger, run through n8n-core's real PollContext
 * against the Concur simulator as it is (oldest first, exact filters) for 500 polls, while a
 * stream of report changes flows (issue 12's adversarial list: pollingTrigger.adversarial.test.ts):
 *
 * - bursts of new reports sharing one LastModifiedDate, larger than a page, so they straddle page
 *   boundaries;
 * - late changes: reports that show up with a LastModifiedDate in the past, inside the look-back;
 * - changes to reports already emitted, some of them between two list requests of one poll (the
 *   v3 list pages by offset, so such a change shifts the rows under a reader that follows pages;
 *   the trigger follows NextPage only within one instant, README "Nothing missed, nothing twice");
 * - polls hitting injected 429s (absorbed by retries, or beyond them), 500s, 503s and time-outs;
 * - poll-budget cut-offs at page boundaries.
 *
 * Every version of every report (ID + LastModifiedDate) is counted: it must be emitted exactly
 * once. Misses and repeats are both asserted to be zero.
 *
 * Shared and late timestamps are made with the simulator's `reports.setLastModified`.
 */
import type { IDataObject } from 'n8n-workflow';

import { parseConcurDate } from '../../nodes/Concur/helpers/dates';
import { concurRetryPolicy } from '../../nodes/Concur/transport';
import { concurCredentials } from '../harness/concurCredentials';
import { PollHarness } from '../harness/poll';
import type { ConcurSimulator } from '../simulator';
import { startSimulator } from '../simulator';
import { rng } from '../simulator/listModel';

const POLLS = 500;
const PAGE_SIZE = 5;
const LOOK_BACK_MS = 250;

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

/** Gives reports one chosen LastModifiedDate (the simulator's list re-sorts on its version). */
it('over 500 polls every report change is emitted exactly once: 0 missed, 0 repeated', async () => {
	const random = rng(20261122);
	const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];

	const versions = new Set<string>(); // every ID|LastModifiedDate that existed after activation
	const emitted = new Map<string, number>();
	const ready = new Set<string>(); // reports whose current version was emitted (or predates activation)
	const stats = { bursts: 0, burstRows: 0, late: 0, changes: 0, midChain: 0, failed: 0, cutOffs: 0, emptyPolls: 0 };
	const failures: Record<string, number> = {};

	const record = (id: string) => {
		const report = sim.reports.get(id)!;
		versions.add(`${id}|${report.lastModified}`);
		ready.delete(id);
	};
	const changeReady = () => {
		if (ready.size === 0) return;
		const id = pick([...ready]);
		const action = pick(['touch', 'touch', 'submit', 'approve', 'sendBack', 'recall', 'pay'] as const);
		try {
			sim.reports[action](id);
		} catch {
			sim.reports.touch(id); // the workflow did not allow that step right now
		}
		record(id);
		stats.changes++;
	};

	let listCalls = 0;
	// A change while the poll reads: before some list requests after its first.
	let chainChanges = true;
	const originalPush = sim.requests.push.bind(sim.requests);
	sim.requests.push = (...entries) => {
		for (const entry of entries) {
			if (entry.path === '/api/v3.0/expense/reports') listCalls++;
			if (chainChanges && entry.path === '/api/v3.0/expense/reports' && !entry.query.offset && random() < 0.2) {
				changeReady();
				stats.midChain++;
			}
		}
		sim.requests.length = 0; // keep the log from growing over thousands of requests
		return originalPush(...entries);
	};

	for (const report of sim.reports.list()) ready.add(report.id);

	const poller = new PollHarness({
		parameters: {
			resource: 'expenseReport',
			event: 'createdOrUpdated',
			options: { pageSize: PAGE_SIZE, lookBackMinutes: LOOK_BACK_MS / 60_000 },
		},
		credentials: { concurOAuth2Api: concurCredentials(sim) },
	});
	const first = await poller.poll(); // start from now: remember, emit nothing
	expect(first.error).toBeUndefined();
	expect(first.items).toBeNull();
	// Injected time-outs hang a request until the client gives up: keep that short (after the warm-up).
	concurRetryPolicy.timeoutMs = 150;

	const consume = (items: IDataObject[] | null) => {
		for (const item of items ?? []) {
			const id = item.ID as string;
			const at = parseConcurDate(item.LastModifiedDate);
			const key = `${id}|${at}`;
			emitted.set(key, (emitted.get(key) ?? 0) + 1);
			if (sim.reports.get(id)?.lastModified === at) ready.add(id);
		}
	};

	const t0 = Date.now();
	for (let poll = 0; poll < POLLS; poll++) {
		if (process.env.POLL_SIM_DEBUG && poll % 100 === 0) process.stderr.write(`poll ${poll} t=${Date.now() - t0} lists=${listCalls} versions=${versions.size} state=${JSON.stringify(poller.nodeState()).length}\n`);
		// The stream of changes between two polls.
		const kind = random();
		if (kind < 0.25) {
			// A burst sharing one LastModifiedDate, up to almost three pages long.
			const size = 2 + Math.floor(random() * (PAGE_SIZE * 2 + 3));
			const made = Array.from({ length: size }, () => sim.reports.create({ ownerLoginId: pick(['alice@acme-sim.example', 'bob@acme-sim.example', 'carol@acme-sim.example']) }).id);
			sim.reports.setLastModified(made, sim.reports.get(made[made.length - 1])!.lastModified);
			made.forEach(record);
			stats.bursts++;
			stats.burstRows += size;
		} else if (kind < 0.55) {
			changeReady();
		} else if (kind < 0.7) {
			// A late change: listed only now, dated up to half the look-back window before now.
			const late = sim.reports.create().id;
			sim.reports.setLastModified([late], Date.now() - Math.floor(random() * (LOOK_BACK_MS / 2)));
			record(late);
			stats.late++;
		}

		// Faults for this poll.
		const fault = random();
		if (fault < 0.04) sim.faults.inject({ status: 429, count: 1 + Math.floor(random() * 2), pathPrefix: '/api/v3.0', retryAfter: 0 });
		else if (fault < 0.08) sim.faults.inject({ status: 429, count: 10, pathPrefix: '/api/v3.0', retryAfter: 0 });
		else if (fault < 0.12) sim.faults.inject({ status: 500, count: 1, pathPrefix: '/api/v3.0' });
		else if (fault < 0.14) sim.faults.inject({ status: 503, count: 1, pathPrefix: '/api/v3.0' });
		else if (fault < 0.16) sim.faults.timeout(1, '/api/v3.0');
		const cut = random() < 0.3;
		poller.budgetMs = cut ? 0 : 60_000;

		const { items, error } = await poller.poll();
		sim.faults.clear();
		if (error) {
			stats.failed++;
			const kindOf = /429/.test(error.message) ? '429' : /time|answer within/i.test(error.message) ? 'timeout' : /maintenance|503/i.test(error.message) ? '503' : '5xx';
			failures[kindOf] = (failures[kindOf] ?? 0) + 1;
			expect(items).toBeNull();
			continue;
		}
		if (!items) stats.emptyPolls++;
		if (cut) stats.cutOffs++;
		consume(items);
	}

	// Drain: no more changes or faults; poll until two polls in a row bring nothing.
	chainChanges = false;
	poller.budgetMs = 60_000;
	for (let quiet = 0, guard = 0; quiet < 2 && guard < 50; guard++) {
		const { items, error } = await poller.poll();
		expect(error).toBeUndefined();
		quiet = items ? 0 : quiet + 1;
		consume(items);
	}

	const missed = [...versions].filter((v) => !emitted.has(v));
	const repeated = [...emitted].filter(([, count]) => count > 1);
	const unexpected = [...emitted.keys()].filter((v) => !versions.has(v));
	// The figures behind the assertion, visible in the test output.
	process.stdout.write(
		`polling simulation: ${POLLS} polls, ${versions.size} versions, ${emitted.size} emitted, ` +
			`missed ${missed.length}, repeated ${repeated.length}; ${JSON.stringify(stats)} failures ${JSON.stringify(failures)}\n`,
	);

	expect(stats.bursts).toBeGreaterThan(50);
	expect(stats.late).toBeGreaterThan(25);
	expect(stats.midChain).toBeGreaterThan(20);
	expect(failures['429']).toBeGreaterThan(5);
	expect(failures['5xx']).toBeGreaterThan(5);
	expect(failures['503']).toBeGreaterThan(2);
	expect(failures.timeout).toBeGreaterThan(2);
	expect(stats.cutOffs).toBeGreaterThan(50);
	expect(versions.size).toBeGreaterThan(500);
	expect(missed).toEqual([]);
	expect(repeated).toEqual([]);
	expect(unexpected).toEqual([]);
}, 120_000);
