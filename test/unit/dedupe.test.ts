import { createHash } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

import {
	acceptOnce,
	DEFAULT_PERSISTED_EVENTS,
	EVENT_KEY_LENGTH,
	eventKey,
	forgetAllSeenEvents,
	type PersistedRecord,
	SeenEvents,
	seenEventsFor,
	STATIC_DATA_KEY,
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

	it('takes in a persisted record, skipping expired buckets', () => {
		const seen = new SeenEvents();
		const fresh = eventKey('fresh');
		const stale = eventKey('stale');
		seen.merge({ v: 2, writer: 'other', buckets: [[T0 / 1000 - 60, stale], [T0 / 1000 + 600, fresh]] }, T0, 100);
		expect(seen.has(fresh, T0)).toBe(true);
		expect(seen.has(stale, T0)).toBe(false);
		expect(seen.persistedSize).toBe(1);
	});
});

/** The record as n8n would hand it to the next request: JSON from the database. */
function reloaded(staticData: IDataObject): IDataObject {
	return JSON.parse(JSON.stringify(staticData)) as IDataObject;
}

function persistedKeys(staticData: IDataObject): string[] {
	const record = staticData[STATIC_DATA_KEY] as PersistedRecord;
	const keys: string[] = [];
	for (const [, chunk] of record.buckets) {
		for (let at = 0; at < chunk.length; at += EVENT_KEY_LENGTH) keys.push(chunk.slice(at, at + EVENT_KEY_LENGTH));
	}
	return keys;
}

function persistedIds(staticData: IDataObject, candidates: string[]): string[] {
	const keys = new Set(persistedKeys(staticData));
	return candidates.filter((id) => keys.has(eventKey(id))).sort();
}

describe('eventKey', () => {
	it('is a fixed-width, url-safe digest that tells ids apart', () => {
		const keys = new Set(Array.from({ length: 10_000 }, (_, i) => eventKey(`event-${i}`)));
		expect(keys.size).toBe(10_000);
		for (const key of keys) expect(key).toMatch(new RegExp(`^[A-Za-z0-9_-]{${EVENT_KEY_LENGTH}}$`));
		expect(eventKey('event-1')).toBe(eventKey('event-1'));
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
		expect(persistedKeys(staticData)).toEqual([eventKey('event-1')]);
		// The bucket's expiry is the event's, rounded up to the next ten minutes.
		const [[expiry]] = (staticData[STATIC_DATA_KEY] as PersistedRecord).buckets;
		expect(expiry).toBeGreaterThanOrEqual(Math.ceil((T0 + HOUR) / 1000));
		expect(expiry - (T0 + HOUR) / 1000).toBeLessThan(600);
		expect(acceptOnce('wf:node', staticData, 'event-1', HOUR, T0 + 1000)).toBe(false);
		expect(JSON.stringify(staticData)).toBe(afterAccept);
	});

	it('stores about 11 bytes per accepted event', () => {
		const staticData: IDataObject = {};
		for (let i = 0; i < DEFAULT_PERSISTED_EVENTS; i++) acceptOnce('wf:node', staticData, randomUuid(i), 72 * HOUR, T0 + i);
		const bytes = JSON.stringify(staticData).length;
		expect(bytes).toBeGreaterThanOrEqual(DEFAULT_PERSISTED_EVENTS * EVENT_KEY_LENGTH);
		expect(bytes).toBeLessThan(DEFAULT_PERSISTED_EVENTS * (EVENT_KEY_LENGTH + 1));
	});

	it('remembers across a restart through static data', () => {
		const staticData: IDataObject = {};
		acceptOnce('wf:node', staticData, 'event-1', 72 * HOUR, T0);
		forgetAllSeenEvents(); // a new n8n process: the in-memory store is gone
		expect(acceptOnce('wf:node', reloaded(staticData), 'event-1', 72 * HOUR, T0 + HOUR)).toBe(false);
		expect(acceptOnce('wf:node', reloaded(staticData), 'event-2', 72 * HOUR, T0 + HOUR)).toBe(true);
	});

	it('remembers every one of 10,000 events across a restart (the default limit)', () => {
		let staticData: IDataObject = {};
		const ids = Array.from({ length: DEFAULT_PERSISTED_EVENTS }, (_, i) => randomUuid(i));
		ids.forEach((id, i) => expect(acceptOnce('wf:node', staticData, id, 72 * HOUR, T0 + i * 10)).toBe(true));
		forgetAllSeenEvents();
		staticData = reloaded(staticData);
		const later = T0 + 48 * HOUR;
		expect(ids.filter((id) => acceptOnce('wf:node', reloaded(staticData), id, 72 * HOUR, later))).toEqual([]);
	});

	it('keeps separate trigger nodes apart', () => {
		expect(acceptOnce('wf:node-a', {}, 'event-1', HOUR, T0)).toBe(true);
		expect(acceptOnce('wf:node-b', {}, 'event-1', HOUR, T0)).toBe(true);
	});

	it('bounds the persisted record to the newest ids and drops expired ones', () => {
		const staticData: IDataObject = {};
		const limit = 500;
		acceptOnce('wf:node', staticData, 'short-lived', 60_000, T0, { persistLimit: limit });
		for (let i = 0; i < limit + 50; i++) {
			acceptOnce('wf:node', staticData, `event-${i}`, HOUR, T0 + 15 * 60_000 + i, { persistLimit: limit });
		}
		const keys = persistedKeys(staticData);
		expect(keys).toHaveLength(limit);
		expect(keys).not.toContain(eventKey('short-lived'));
		expect(keys).toContain(eventKey(`event-${limit + 49}`));
		expect(keys).not.toContain(eventKey('event-49'));
		expect(keys).toContain(eventKey('event-50'));
	});

	it('treats a limit that is not a positive number as the default', () => {
		const staticData: IDataObject = {};
		expect(acceptOnce('wf:node', staticData, 'event-1', HOUR, T0, { persistLimit: Number.NaN })).toBe(true);
		expect(acceptOnce('wf:node', staticData, 'event-2', HOUR, T0, { persistLimit: 0 })).toBe(true);
		expect(persistedKeys(staticData)).toHaveLength(2);
	});

	it('keeps the newest ids persisted through restarts, expiries and re-accepted ids', () => {
		// A restart after every 100 events: each process sees static data only as JSON from the database.
		let staticData: IDataObject = {};
		const window = 10 * 60_000;
		const limit = 500;
		for (let i = 0; i < 3000; i++) {
			if (i % 100 === 0) {
				forgetAllSeenEvents();
				staticData = reloaded(staticData);
			}
			const now = T0 + i * 1000;
			// Every 7th event repeats an id whose window passed long ago: accepted again.
			const id = i % 7 === 0 && i >= 1400 ? `event-${i - 1400}` : `event-${i}`;
			expect(acceptOnce('wf:node', staticData, id, window, now, { persistLimit: limit })).toBe(true);
			const record = staticData[STATIC_DATA_KEY] as PersistedRecord;
			expect(persistedKeys(staticData).length).toBeLessThanOrEqual(limit);
			// Nothing expired is kept, and the id just accepted is there.
			expect(record.buckets.every(([expiry]) => expiry > Math.floor(now / 1000))).toBe(true);
			expect(persistedKeys(staticData)).toContain(eventKey(id));
		}
		// One event a second for a 10-minute window (rounded up to ten-minute buckets): over the limit.
		expect(persistedKeys(staticData)).toHaveLength(limit);
	});

	it('concurrent requests each save a complete record, whatever order n8n saves their copies in', () => {
		// n8n hands each request its own copy of the static data from the database and saves it after.
		const database: { staticData: IDataObject } = { staticData: {} };
		const copy = () => reloaded(database.staticData);
		const first = copy();
		const second = copy();
		expect(acceptOnce('wf:node', first, 'event-1', HOUR, T0)).toBe(true);
		expect(acceptOnce('wf:node', second, 'event-2', HOUR, T0 + 1)).toBe(true);
		database.staticData = reloaded(second); // the later request's save lands last
		expect(persistedIds(database.staticData, ['event-1', 'event-2', 'event-3'])).toEqual(['event-1', 'event-2']);
		database.staticData = reloaded(first); // or the earlier one lands last: the next accepted event repairs it
		const third = copy();
		expect(acceptOnce('wf:node', third, 'event-3', HOUR, T0 + 2)).toBe(true);
		expect(persistedIds(third, ['event-1', 'event-2', 'event-3'])).toEqual(['event-1', 'event-2', 'event-3']);
	});

	it('drops an id another process accepted after this one loaded (queue mode webhook processors)', () => {
		const database: { staticData: IDataObject } = { staticData: {} };
		const copy = () => reloaded(database.staticData);
		// Process B has already seen the node (its store is seeded), then process A accepts event-1.
		const b1 = copy();
		expect(acceptOnce('wf:node@B', b1, 'event-0', HOUR, T0)).toBe(true);
		database.staticData = reloaded(b1);
		const a1 = copy();
		expect(acceptOnce('wf:node@A', a1, 'event-1', HOUR, T0 + 1)).toBe(true);
		database.staticData = reloaded(a1);
		// The redelivery reaches B: its store never saw event-1, the database copy did.
		expect(acceptOnce('wf:node@B', copy(), 'event-1', HOUR, T0 + 2)).toBe(false);
		// And B's next save keeps A's ids.
		const b2 = copy();
		expect(acceptOnce('wf:node@B', b2, 'event-2', HOUR, T0 + 3)).toBe(true);
		expect(persistedIds(b2, ['event-0', 'event-1', 'event-2'])).toEqual(['event-0', 'event-1', 'event-2']);
		// A, handed B's copy, learns B's ids too, also after it already read an earlier copy of B's.
		database.staticData = reloaded(b2);
		expect(acceptOnce('wf:node@A', copy(), 'event-2', HOUR, T0 + 4)).toBe(false);
		const b3 = copy();
		expect(acceptOnce('wf:node@B', b3, 'event-3', HOUR, T0 + 5)).toBe(true);
		database.staticData = reloaded(b3);
		expect(acceptOnce('wf:node@A', copy(), 'event-3', HOUR, T0 + 6)).toBe(false);
	});

	it('ignores a damaged record instead of failing', () => {
		const staticData: IDataObject = {
			[STATIC_DATA_KEY]: { v: 2, writer: 'x', buckets: [null, [1, 2], ['a', 'b'], [T0 / 1000 + 60, 'short']] },
		};
		expect(acceptOnce('wf:node', staticData, 'event-1', HOUR, T0)).toBe(true);
		forgetAllSeenEvents();
		expect(acceptOnce('wf:node', { [STATIC_DATA_KEY]: 'garbage' }, 'event-1', HOUR, T0)).toBe(true);
	});

	it('keeps a bounded number of node stores', () => {
		for (let i = 0; i < 200; i++) seenEventsFor(`wf:${i}`).remember('x', T0, HOUR);
		// The first node's store was evicted, so a fresh store comes back.
		expect(seenEventsFor('wf:0').size).toBe(0);
		expect(seenEventsFor('wf:199').size).toBe(1);
	});
});

/** Deterministic UUID-shaped ids like Concur's. */
function randomUuid(i: number): string {
	const hex = createHash('sha1').update(String(i)).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
