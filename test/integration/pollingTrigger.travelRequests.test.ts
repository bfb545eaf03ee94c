/**
 * Concur Polling Trigger, resource Travel Request: the Request v4 list read with the same cursor
 * as expense reports (helpers/cursor.ts), through n8n-core's PollContext (test/harness/poll.ts)
 * against the simulator's Request v4 endpoints. The list filters by whole seconds and is sorted by
 * start date, not by modification; the last test is an adversarial simulation like the report
 * one (test/integration/pollingTrigger.adversarial.test.ts).
 */
import type { IDataObject } from 'n8n-workflow';

import { parseConcurDate } from '../../nodes/Concur/helpers/dates';
import { concurRetryPolicy } from '../../nodes/Concur/transport';
import { concurCredentials } from '../harness/concurCredentials';
import { PollHarness } from '../harness/poll';
import type { ConcurSimulator } from '../simulator';
import { startSimulator, travelRequestsOf } from '../simulator';
import { rng } from '../simulator/listModel';
import type { RequestAction, SimTravelRequest, TravelRequestStore } from '../simulator/travelRequests';

let sim: ConcurSimulator;
let store: TravelRequestStore;
const originalPolicy = { ...concurRetryPolicy };

beforeAll(() => {
	Object.assign(concurRetryPolicy, { retryAfterFloorMs: 1, maxRetries: 2, timeoutMs: 2_000 });
});
afterAll(() => {
	Object.assign(concurRetryPolicy, originalPolicy);
});
beforeEach(async () => {
	sim = await startSimulator({ port: 0 });
	store = travelRequestsOf(sim);
});
afterEach(async () => {
	await sim.close();
});

function trigger(parameters: IDataObject): PollHarness {
	return new PollHarness({ parameters: { resource: 'travelRequest', ...parameters }, credentials: { concurOAuth2Api: concurCredentials(sim) } });
}

const manager = () => sim.tenant.userByLogin('manager@acme-sim.example');
const version = (item: IDataObject) => `${String(item.id)}|${parseConcurDate(item.lastModified)}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Travel Request resource', () => {
	it('starts from now, then emits each change once, with created for a new request and the request as Concur lists it', async () => {
		const poller = trigger({});
		expect((await poller.poll()).items).toBeNull();
		const request = store.create({ name: 'Customer visit Lyon' });
		const first = (await poller.poll()).items;
		expect(first).toEqual([expect.objectContaining({ id: request.id, name: 'Customer visit Lyon', event: 'created', approvalStatus: { code: 'NOT_SUBMITTED', name: expect.any(String) } })]);
		expect((await poller.poll()).items).toBeNull();
		store.act(request.id, 'submit', undefined);
		expect((await poller.poll()).items).toEqual([expect.objectContaining({ id: request.id, event: 'updated', approvalStatus: expect.objectContaining({ code: 'SUBMITTED' }) })]);
		expect((await poller.poll()).items).toBeNull();
		expect(poller.nodeState()).toHaveProperty('travelRequestCursor.version', 2);
	});

	it('Request Created: a request edited before the first poll that sees it is emitted once, as created; its later edits are not', async () => {
		const poller = trigger({ event: 'created' });
		expect((await poller.poll()).items).toBeNull();
		const request = store.create();
		store.act(request.id, 'submit', undefined);
		expect((await poller.poll()).items?.map((item) => [item.id, item.event])).toEqual([[request.id, 'created']]);
		store.act(request.id, 'approve', manager());
		expect((await poller.poll()).items).toBeNull();
	});

	it('sends View and User ID as the list filters (only that view is emitted)', async () => {
		const alice = sim.tenant.userByLogin('alice@acme-sim.example')!;
		const poller = trigger({ view: 'PENDING', userId: alice.uuid });
		expect((await poller.poll()).items).toBeNull();
		const pending = store.create({ ownerLoginId: 'alice@acme-sim.example' });
		store.act(pending.id, 'submit', undefined);
		store.create({ ownerLoginId: 'alice@acme-sim.example' }); // not submitted: not in the view
		const bobs = store.create({ ownerLoginId: 'bob@acme-sim.example' });
		store.act(bobs.id, 'submit', undefined); // another traveler
		expect((await poller.poll()).items?.map((item) => item.id)).toEqual([pending.id]);
	});

	it('Fetch Test Event returns the newest request and leaves the cursor alone', async () => {
		const poller = trigger({});
		const request = store.create({ name: 'Newest' });
		const { items } = await poller.poll('manual');
		expect(items).toEqual([expect.objectContaining({ id: request.id, name: 'Newest' })]);
		expect(poller.nodeState()).not.toHaveProperty('travelRequestCursor');
	});

	it('Max Items per Poll: a backlog comes in portions, each request once', async () => {
		// A backfill of 23 requests changed a second apart in the last hour (the list filters by
		// whole seconds: a portion ends between two seconds).
		const made = Array.from({ length: 23 }, (_, i) => {
			const request = store.create({ name: `Trip ${i}` });
			request.lastModified = Date.now() - 3_600_000 + i * 1_000;
			return request.id;
		});
		const poller = trigger({ firstRun: 'backfill', backfillDays: 1, options: { pageSize: 5, maxItemsPerPoll: 5 } });
		const seen: string[] = [];
		let polls = 0;
		for (let quiet = 0; quiet < 2 && polls < 30; polls++) {
			const { items, error } = await poller.poll();
			expect(error).toBeUndefined();
			quiet = items ? 0 : quiet + 1;
			if (items) expect(items.length).toBeLessThanOrEqual(5 + 5);
			seen.push(...(items ?? []).map((item) => String(item.id)));
		}
		expect(seen.filter((id) => made.includes(id)).sort()).toEqual([...made].sort());
		expect(new Set(seen).size).toBe(seen.length);
		expect(polls).toBeGreaterThan(4);
	});
});

/** A stable order that is neither by date nor by ID (a hash of the ID), as Concur could answer. */
function hashOrder(requests: SimTravelRequest[]): SimTravelRequest[] {
	const hash = (id: string) => [...id].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7);
	return [...requests].sort((a, b) => hash(a.id) - hash(b.id));
}

it('adversarial simulation: 300 polls while requests change, vanish and come late between the requests of a poll: nothing missed, nothing twice', async () => {
	const LOOK_BACK_MS = 400;
	const random = rng(Number(process.env.POLL_SIM_SEED ?? 20261202));
	const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
	const owed = new Map<string, boolean>();
	const current = new Map<string, string>();
	const emitted = new Map<string, number>();
	const createdEvents = new Map<string, number>();
	const firstEvent = new Map<string, string>();
	const createdAfterStart = new Set<string>();
	const vanishedUnseen = new Set<string>();
	const stats = { changes: 0, midPoll: 0, removed: 0, late: 0, future: 0, failed: 0, cutOffs: 0, windowChanges: 0 };
	for (const request of store.requests) current.set(request.id, `${request.id}|${request.lastModified}`);

	const note = (request: SimTravelRequest, removed = false) => {
		const previous = current.get(request.id);
		if (previous !== undefined && owed.get(previous) === true && !emitted.has(previous)) owed.set(previous, false);
		if (removed) {
			current.delete(request.id);
			if (!firstEvent.has(request.id)) vanishedUnseen.add(request.id);
			return;
		}
		const key = `${request.id}|${request.lastModified}`;
		current.set(request.id, key);
		owed.set(key, true);
	};
	const change = () => {
		const kind = random();
		if (kind < 0.35 && store.requests.length > 0) {
			const request = pick(store.requests);
			const action = pick<RequestAction>(['submit', 'approve', 'sendback', 'recall']);
			try {
				store.act(request.id, action, action === 'approve' || action === 'sendback' ? manager() : undefined);
			} catch {
				request.lastModified = Date.now(); // that step is not allowed now: an edit instead
			}
			note(request);
			stats.changes++;
		} else if (kind < 0.65) {
			const request = store.create({ ownerLoginId: pick(['alice@acme-sim.example', 'bob@acme-sim.example', 'carol@acme-sim.example']) });
			createdAfterStart.add(request.id);
			note(request);
		} else if (kind < 0.75 && store.requests.length > 0) {
			const request = pick(store.requests);
			store.remove(request.id);
			note(request, true);
			stats.removed++;
		} else if (kind < 0.95) {
			// Listed late: dated up to half the window before now, inside ranges already read.
			const request = store.create();
			createdAfterStart.add(request.id);
			request.lastModified = Date.now() - Math.floor(random() * (LOOK_BACK_MS / 2));
			note(request);
			stats.late++;
		} else {
			const request = store.create();
			createdAfterStart.add(request.id);
			request.lastModified = Date.now() + 86_400_000;
			note(request);
			stats.future++;
		}
	};

	let midPollBudget = 0;
	store.beforeList = (query) => {
		// Between the requests of a poll, never between the pages of one request (README).
		if (query.get('start') === null && midPollBudget > 0 && random() < 0.4) {
			midPollBudget--;
			change();
			stats.midPoll++;
		}
	};
	store.listOrder = hashOrder;

	const options = { pageSize: 10, lookBackMinutes: LOOK_BACK_MS / 60_000 };
	const poller = trigger({ options });
	expect((await poller.poll()).items).toBeNull();
	const consume = (items: IDataObject[] | null) => {
		for (const item of items ?? []) {
			const key = version(item);
			emitted.set(key, (emitted.get(key) ?? 0) + 1);
			const id = String(item.id);
			if (!firstEvent.has(id)) firstEvent.set(id, String(item.event));
			if (item.event === 'created') createdEvents.set(id, (createdEvents.get(id) ?? 0) + 1);
		}
	};
	concurRetryPolicy.timeoutMs = 150;
	for (let round = 0; round < 300; round++) {
		for (let i = Math.floor(random() * 3); i > 0; i--) change();
		if (random() < 0.05) {
			poller.setParameters({ resource: 'travelRequest', options: { ...options, lookBackMinutes: pick([LOOK_BACK_MS, LOOK_BACK_MS * 2]) / 60_000 } });
			stats.windowChanges++;
		}
		const fault = random();
		if (fault < 0.04) sim.faults.inject({ status: 429, count: 10, pathPrefix: '/travelrequest', retryAfter: 0 });
		else if (fault < 0.08) sim.faults.inject({ status: 500, count: 1, pathPrefix: '/travelrequest' });
		else if (fault < 0.09) sim.faults.timeout(1, '/travelrequest');
		const cut = random() < 0.3;
		poller.budgetMs = cut ? 0 : 60_000;
		midPollBudget = 2;
		const { items, error } = await poller.poll();
		sim.faults.clear();
		if (error) {
			stats.failed++;
			expect(items).toBeNull();
			continue;
		}
		// A poll stopped by its budget with the pass unfinished: the next one resumes it.
		if (cut && (poller.nodeState().travelRequestCursor as IDataObject | undefined)?.pass !== undefined) stats.cutOffs++;
		consume(items);
	}
	store.beforeList = undefined;
	concurRetryPolicy.timeoutMs = 2_000;
	poller.budgetMs = 60_000;
	for (let quiet = 0, guard = 0; quiet < 2 && guard < 50; guard++) {
		await sleep(LOOK_BACK_MS * 2);
		const { items, error } = await poller.poll();
		expect(error).toBeUndefined();
		quiet = items ? 0 : quiet + 1;
		consume(items);
	}

	const missed = [...owed].filter(([key, isOwed]) => isOwed && !emitted.has(key)).map(([key]) => key);
	const repeated = [...emitted].filter(([, count]) => count > 1).map(([key]) => key);
	const unexpected = [...emitted.keys()].filter((key) => !owed.has(key));
	const createdWrong = [...createdAfterStart].filter((id) => !vanishedUnseen.has(id) && firstEvent.get(id) !== 'created');
	const createdTwice = [...createdEvents].filter(([, count]) => count > 1).map(([id]) => id);
	process.stdout.write(`travel request polling simulation: 300 polls; ${owed.size} versions, ${emitted.size} emitted; ${JSON.stringify(stats)}\n`);
	expect(stats.midPoll).toBeGreaterThan(100);
	expect(stats.removed).toBeGreaterThan(10);
	expect(stats.late).toBeGreaterThan(30);
	expect(stats.cutOffs).toBeGreaterThan(20);
	expect(owed.size).toBeGreaterThan(250);
	expect({ missed, repeated, unexpected, createdWrong, createdTwice }).toEqual({ missed: [], repeated: [], unexpected: [], createdWrong: [], createdTwice: [] });
}, 300_000);
