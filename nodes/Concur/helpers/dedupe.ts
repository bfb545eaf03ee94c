import type { IDataObject } from 'n8n-workflow';

/**
 * Duplicate suppression for Concur ESS events, which are delivered at least once and by up to 24
 * threads at a time, so the same event `id` can arrive twice concurrently.
 *
 * Two layers:
 * - An in-process store per trigger node: a Map used as an LRU, bounded in size, with a
 *   synchronous check-and-set (`remember`). JavaScript runs it without interleaving, so of any
 *   number of concurrent deliveries of one id exactly one is accepted.
 * - A small, bounded list of recently accepted ids in the workflow's static data, which n8n saves
 *   after the webhook call, so a restart does not re-run events Concur redelivers. It is written
 *   only when an event is accepted (n8n writes static data to its database whenever it changed),
 *   and read once per process to seed the in-process store.
 */

export const DEFAULT_DEDUPE_WINDOW_HOURS = 72;
/** In-process ids remembered per trigger node (oldest forgotten first). */
export const MAX_REMEMBERED_EVENTS = 50_000;
/** Ids persisted in static data per trigger node: the recent ones a restart may see again. */
export const MAX_PERSISTED_EVENTS = 500;
/** Trigger nodes with an in-process store (least recently used dropped first). */
const MAX_STORES = 64;
const STATIC_DATA_KEY = 'concurSeenEvents';

export class SeenEvents {
	/** id → expiry (epoch ms), in order of first sight, which is also expiry order. */
	private readonly expiries = new Map<string, number>();

	hydrated = false;

	/**
	 * How many ids this node's static data holds, so adding one need not count them (that would
	 * be O(cap) per event). Another process writing the same static data (queue mode) can make it
	 * low; the list then holds at most one cap per process, still bounded, until ids expire.
	 */
	persistedCount = 0;

	/** The persisted ids with their expiry, oldest first, so the oldest is found without a scan. */
	private persistedOrder: Array<[string, number]> = [];
	private persistedHead = 0;

	notePersisted(id: string, expirySeconds: number): void {
		this.persistedOrder.push([id, expirySeconds]);
	}

	/** The oldest persisted entry, taken off the queue; undefined when none is left. */
	takeOldestPersisted(): [string, number] | undefined {
		if (this.persistedHead >= this.persistedOrder.length) return undefined;
		const oldest = this.persistedOrder[this.persistedHead++];
		if (this.persistedHead > 1024 && this.persistedHead * 2 > this.persistedOrder.length) {
			this.persistedOrder = this.persistedOrder.slice(this.persistedHead);
			this.persistedHead = 0;
		}
		return oldest;
	}

	peekOldestPersisted(): [string, number] | undefined {
		return this.persistedOrder[this.persistedHead];
	}

	resetPersisted(): void {
		this.persistedOrder = [];
		this.persistedHead = 0;
		this.persistedCount = 0;
	}

	constructor(private readonly maxEntries: number = MAX_REMEMBERED_EVENTS) {}

	get size(): number {
		return this.expiries.size;
	}

	/**
	 * Records `id` and says whether it is new. Returns false for a repeat seen less than
	 * `windowMs` ago. Synchronous on purpose: check and set cannot be split by another request.
	 */
	remember(id: string, now: number, windowMs: number): boolean {
		this.pruneExpired(now);
		const expiry = this.expiries.get(id);
		if (expiry !== undefined && expiry > now) return false;
		this.expiries.delete(id);
		this.expiries.set(id, now + windowMs);
		while (this.expiries.size > this.maxEntries) {
			const oldest = this.expiries.keys().next().value;
			if (oldest === undefined) break;
			this.expiries.delete(oldest);
		}
		return true;
	}

	has(id: string, now: number): boolean {
		const expiry = this.expiries.get(id);
		return expiry !== undefined && expiry > now;
	}

	/** Seeds the store from persisted ids (expiry in epoch seconds); expired ones are skipped. */
	load(persisted: Record<string, number>, now: number): void {
		const all = Object.entries(persisted)
			.filter(([, expirySeconds]) => typeof expirySeconds === 'number')
			.sort((a, b) => a[1] - b[1]);
		this.resetPersisted();
		for (const entry of all) this.notePersisted(entry[0], entry[1]);
		this.persistedCount = Object.keys(persisted).length;
		for (const [id, expirySeconds] of all) {
			if (expirySeconds * 1000 > now && !this.expiries.has(id)) this.expiries.set(id, expirySeconds * 1000);
		}
		this.hydrated = true;
	}

	private pruneExpired(now: number): void {
		// Expiries are (nearly) increasing in insertion order, so only the front can be stale.
		for (const [id, expiry] of this.expiries) {
			if (expiry > now) break;
			this.expiries.delete(id);
		}
	}
}

const stores = new Map<string, SeenEvents>();

/** The in-process store of one trigger node (key: workflow id + node id). */
export function seenEventsFor(key: string): SeenEvents {
	let store = stores.get(key);
	if (store !== undefined) {
		stores.delete(key);
	} else {
		store = new SeenEvents();
	}
	stores.set(key, store);
	if (stores.size > MAX_STORES) {
		const oldest = stores.keys().next().value;
		if (oldest !== undefined) stores.delete(oldest);
	}
	return store;
}

/** For tests. */
export function forgetAllSeenEvents(): void {
	stores.clear();
}

function persistedIds(staticData: IDataObject): Record<string, number> {
	const value = staticData[STATIC_DATA_KEY];
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, number>)
		: {};
}

/**
 * Adds `id` to the persisted ids in place, dropping expired ids and, past the cap, the oldest.
 * The store keeps the persisted ids in first-accepted order, so this costs O(1) per accepted
 * event plus what it drops: no rebuilding, sorting, counting or scanning of the static data
 * (it runs on every accepted event).
 */
function persistId(
	store: SeenEvents,
	staticData: IDataObject,
	id: string,
	expirySeconds: number,
	nowSeconds: number,
): void {
	let persisted = staticData[STATIC_DATA_KEY] as Record<string, number> | undefined;
	if (persisted === null || typeof persisted !== 'object' || Array.isArray(persisted)) {
		persisted = {};
		staticData[STATIC_DATA_KEY] = persisted;
		store.resetPersisted();
	}
	if (id in persisted) {
		// A re-accepted id (its window had passed): its old queue entry no longer matches.
		delete persisted[id];
		store.persistedCount--;
	}
	for (;;) {
		const oldest = store.peekOldestPersisted();
		if (oldest === undefined) break;
		if (store.persistedCount < MAX_PERSISTED_EVENTS && oldest[1] > nowSeconds) break;
		store.takeOldestPersisted();
		if (persisted[oldest[0]] === oldest[1]) {
			delete persisted[oldest[0]];
			store.persistedCount--;
		}
	}
	persisted[id] = expirySeconds;
	store.notePersisted(id, expirySeconds);
	store.persistedCount = Math.max(store.persistedCount, 0) + 1;
}

/**
 * Atomic check-and-set for one delivery: seeds the node's store from static data the first time
 * this process sees the node, then remembers the id. When the id is new and `persist` is on, it is
 * also added to the static data (bounded, expired ids dropped); on a repeat, or with `persist`
 * off, the static data is left untouched so n8n has nothing to write.
 */
export function acceptOnce(
	storeKey: string,
	staticData: IDataObject,
	id: string,
	windowMs: number,
	now: number,
	persist = true,
): boolean {
	const store = seenEventsFor(storeKey);
	if (!store.hydrated) store.load(persistedIds(staticData), now);
	if (!store.remember(id, now, windowMs)) return false;
	if (persist) persistId(store, staticData, id, Math.ceil((now + windowMs) / 1000), Math.floor(now / 1000));
	return true;
}
