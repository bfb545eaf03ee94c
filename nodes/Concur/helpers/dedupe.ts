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
	 * The ids this node persists (id → expiry in epoch seconds), oldest first: this process's own
	 * record, which is what goes into static data, not the copy n8n hands each request. n8n loads
	 * static data when a request starts and saves the whole object after it, so concurrent requests
	 * that each added their id to their own copy would overwrite each other's ids. Every request
	 * stores this one object instead, so each save carries every id accepted up to that moment.
	 */
	readonly persisted: Record<string, number> = {};
	/** The same ids in first-accepted order, so the oldest is found without enumerating the record. */
	readonly persistedOrder = new Map<string, number>();

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
		const entries = Object.entries(persisted)
			.filter(([, expirySeconds]) => typeof expirySeconds === 'number' && expirySeconds * 1000 > now)
			.sort((a, b) => a[1] - b[1]);
		for (const [id, expirySeconds] of entries) {
			if (!this.expiries.has(id)) this.expiries.set(id, expirySeconds * 1000);
			if (!this.persistedOrder.has(id)) {
				this.persisted[id] = expirySeconds;
				this.persistedOrder.set(id, expirySeconds);
			}
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
 * Records `id` in the node's persisted ids and returns the record to store in static data: the
 * newest MAX_PERSISTED_EVENTS ids, expired ones dropped, plus ids the request's copy holds that
 * this process has not seen (another webhook process in queue mode, or a process before a
 * restart). Updated in place: O(1) per accepted event, plus a scan of the request's copy when n8n
 * hands over one this process did not write.
 */
function persistedRecord(
	store: SeenEvents,
	loaded: Record<string, number>,
	id: string,
	expirySeconds: number,
	nowSeconds: number,
): Record<string, number> {
	const record = store.persisted;
	const order = store.persistedOrder;
	if (loaded !== record) {
		for (const otherId in loaded) {
			const expiry = loaded[otherId];
			if (typeof expiry === 'number' && expiry > nowSeconds && !order.has(otherId)) {
				record[otherId] = expiry;
				order.set(otherId, expiry);
			}
		}
	}
	order.delete(id);
	record[id] = expirySeconds;
	order.set(id, expirySeconds);
	for (const [oldestId, expiry] of order) {
		if (order.size <= MAX_PERSISTED_EVENTS && expiry > nowSeconds) break;
		order.delete(oldestId);
		delete record[oldestId];
	}
	return record;
}

/**
 * Atomic check-and-set for one delivery. Seeds the node's store from static data the first time
 * this process sees the node; treats an id in the request's copy of the static data as seen (it
 * was accepted by another process, or by this one before a restart, since the store was seeded);
 * then remembers the id. When the id is new and `persist` is on, the static data gets the node's
 * persisted record; on a repeat, or with `persist` off, it is left untouched so n8n
 * has nothing to write.
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
	const loaded = persistedIds(staticData);
	if (!store.hydrated) store.load(loaded, now);
	const nowSeconds = Math.floor(now / 1000);
	const persistedExpiry = loaded[id];
	if (typeof persistedExpiry === 'number' && persistedExpiry > nowSeconds) {
		store.remember(id, now, Math.max(persistedExpiry * 1000 - now, 0));
		return false;
	}
	if (!store.remember(id, now, windowMs)) return false;
	if (persist) {
		staticData[STATIC_DATA_KEY] = persistedRecord(
			store,
			loaded,
			id,
			Math.ceil((now + windowMs) / 1000),
			nowSeconds,
		);
	}
	return true;
}
