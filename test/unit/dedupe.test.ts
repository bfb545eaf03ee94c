import type { IDataObject } from 'n8n-workflow';

import {
	acceptOnce,
	forgetAllSeenEvents,
	MAX_PERSISTED_EVENTS,
	SeenEvents,
	seenEventsFor,
} from '../../nodes/Concur/helpers/dedupe';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

describe('SeenEvents', () => {
	it('accepts an id once inside the window and again after it', () => {
		const seen = new SeenEvents();
		expect(seen.remember('a', T0, 72 * HOUR)).toBe(true);
		expect(seen.remember('a', T0 + 71 * HOUR, 72 * HOUR)).toBe(false);
		expect(seen.remember('a', T0 + 72 * HOUR + 1, 72 * HOUR)).toBe(true);
	});

	it('stays within its size bound, forgetting the oldest ids first', () => {
		const seen = new SeenEvents(100);
		for (let i = 0; i < 1000; i++) seen.remember(`id-${i}`, T0, HOUR);
		expect(seen.size).toBe(100);
		expect(seen.has('id-999', T0)).toBe(true);
		expect(seen.has('id-0', T0)).toBe(false);
	});

	it('drops expired ids as time moves on', () => {
		const seen = new SeenEvents();
		for (let i = 0; i < 50; i++) seen.remember(`old-${i}`, T0, HOUR);
		seen.remember('new', T0 + 2 * HOUR, HOUR);
		expect(seen.size).toBe(1);
	});

	it('loads persisted ids (epoch seconds) and skips expired ones', () => {
		const seen = new SeenEvents();
		seen.load({ fresh: T0 / 1000 + 60, stale: T0 / 1000 - 60 }, T0);
		expect(seen.hydrated).toBe(true);
		expect(seen.has('fresh', T0)).toBe(true);
		expect(seen.has('stale', T0)).toBe(false);
	});
});

describe('acceptOnce', () => {
	beforeEach(() => forgetAllSeenEvents());

	it('of many concurrent deliveries of one id accepts exactly one', async () => {
		const staticData: IDataObject = {};
		const results = await Promise.all(
			Array.from({ length: 24 }, async () => {
				await Promise.resolve();
				return acceptOnce('wf:node', staticData, 'event-1', 72 * HOUR, T0);
			}),
		);
		expect(results.filter(Boolean)).toHaveLength(1);
	});

	it('writes static data only when an event is accepted', () => {
		const staticData: IDataObject = {};
		expect(acceptOnce('wf:node', staticData, 'event-1', HOUR, T0)).toBe(true);
		const afterAccept = JSON.stringify(staticData);
		expect(staticData.concurSeenEvents).toEqual({ 'event-1': Math.ceil((T0 + HOUR) / 1000) });
		expect(acceptOnce('wf:node', staticData, 'event-1', HOUR, T0 + 1000)).toBe(false);
		expect(JSON.stringify(staticData)).toBe(afterAccept);
	});

	it('remembers across a restart through static data', () => {
		const staticData: IDataObject = {};
		acceptOnce('wf:node', staticData, 'event-1', 72 * HOUR, T0);
		forgetAllSeenEvents(); // a new n8n process: the in-memory store is gone
		expect(acceptOnce('wf:node', JSON.parse(JSON.stringify(staticData)), 'event-1', 72 * HOUR, T0 + HOUR)).toBe(false);
	});

	it('keeps separate trigger nodes apart', () => {
		expect(acceptOnce('wf:node-a', {}, 'event-1', HOUR, T0)).toBe(true);
		expect(acceptOnce('wf:node-b', {}, 'event-1', HOUR, T0)).toBe(true);
	});

	it('bounds the persisted list and drops expired entries from it', () => {
		const staticData: IDataObject = { concurSeenEvents: { expired: T0 / 1000 - 1 } };
		for (let i = 0; i < MAX_PERSISTED_EVENTS + 50; i++) {
			acceptOnce('wf:node', staticData, `event-${i}`, HOUR, T0 + i);
		}
		const persisted = staticData.concurSeenEvents as Record<string, number>;
		expect(Object.keys(persisted)).toHaveLength(MAX_PERSISTED_EVENTS);
		expect(persisted.expired).toBeUndefined();
		expect(persisted[`event-${MAX_PERSISTED_EVENTS + 49}`]).toBeDefined();
	});

	it('keeps the newest ids persisted through restarts, expiries and re-accepted ids', () => {
		// A restart after every 100 events: each process sees static data only as JSON from the database.
		let staticData: IDataObject = {};
		const window = 10 * 60_000;
		for (let i = 0; i < 3000; i++) {
			if (i % 100 === 0) {
				forgetAllSeenEvents();
				staticData = JSON.parse(JSON.stringify(staticData)) as IDataObject;
			}
			const now = T0 + i * 1000;
			// Every 7th event repeats an id whose window passed long ago: accepted again, persisted once.
			const id = i % 7 === 0 && i >= 1400 ? `event-${i - 1400}` : `event-${i}`;
			expect(acceptOnce('wf:node', staticData, id, window, now)).toBe(true);
			const persisted = staticData.concurSeenEvents as Record<string, number>;
			const entries = Object.entries(persisted);
			expect(entries.length).toBeLessThanOrEqual(MAX_PERSISTED_EVENTS);
			// Nothing expired is kept, and the id just accepted is there with its new expiry.
			expect(entries.every(([, expiry]) => expiry > Math.floor(now / 1000))).toBe(true);
			expect(persisted[id]).toBe(Math.ceil((now + window) / 1000));
		}
		// With a 10-minute window and one event a second, exactly the last 600 seconds' ids are live,
		// capped at the newest MAX_PERSISTED_EVENTS.
		const persisted = staticData.concurSeenEvents as Record<string, number>;
		expect(Object.keys(persisted)).toHaveLength(MAX_PERSISTED_EVENTS);
	});

	it("concurrent requests each save a complete record, whatever order n8n saves their copies in", () => {
		// n8n hands each request its own copy of the static data from the database and saves it after.
		const database: { staticData: IDataObject } = { staticData: {} };
		const copy = () => JSON.parse(JSON.stringify(database.staticData)) as IDataObject;
		const first = copy();
		const second = copy();
		expect(acceptOnce('wf:node', first, 'event-1', HOUR, T0)).toBe(true);
		expect(acceptOnce('wf:node', second, 'event-2', HOUR, T0 + 1)).toBe(true);
		database.staticData = second; // the later request's save lands last
		expect(Object.keys(database.staticData.concurSeenEvents as IDataObject).sort()).toEqual(['event-1', 'event-2']);
		database.staticData = first; // or the earlier one lands last: the next accepted event repairs it
		const third = copy();
		expect(acceptOnce('wf:node', third, 'event-3', HOUR, T0 + 2)).toBe(true);
		expect(Object.keys(third.concurSeenEvents as IDataObject).sort()).toEqual(['event-1', 'event-2', 'event-3']);
	});

	it('drops an id another process accepted after this one loaded (queue mode webhook processors)', () => {
		const database: { staticData: IDataObject } = { staticData: {} };
		const copy = () => JSON.parse(JSON.stringify(database.staticData)) as IDataObject;
		// Process B has already seen the node (its store is seeded), then process A accepts event-1.
		const b1 = copy();
		expect(acceptOnce('wf:node@B', b1, 'event-0', HOUR, T0)).toBe(true);
		database.staticData = b1;
		const a1 = copy();
		expect(acceptOnce('wf:node@A', a1, 'event-1', HOUR, T0 + 1)).toBe(true);
		database.staticData = a1;
		// The redelivery reaches B: its store never saw event-1, the database copy did.
		expect(acceptOnce('wf:node@B', copy(), 'event-1', HOUR, T0 + 2)).toBe(false);
		// And B's next save keeps A's ids.
		const b2 = copy();
		expect(acceptOnce('wf:node@B', b2, 'event-2', HOUR, T0 + 3)).toBe(true);
		expect(Object.keys(b2.concurSeenEvents as IDataObject).sort()).toEqual(['event-0', 'event-1', 'event-2']);
	});

	it('keeps a bounded number of node stores', () => {
		for (let i = 0; i < 200; i++) seenEventsFor(`wf:${i}`).remember('x', T0, HOUR);
		// The first node's store was evicted, so a fresh store (not hydrated) comes back.
		expect(seenEventsFor('wf:0').size).toBe(0);
		expect(seenEventsFor('wf:199').size).toBe(1);
	});
});
