import { createHash, randomUUID } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

import { BoundedMap } from './boundedMap';

/**
 * Duplicate suppression for ESS events (at least once, up to 24 at a time, retried for 72 h):
 * an in-process LRU with a synchronous check-and-set, so of concurrent deliveries of one id
 * exactly one is accepted, and a compact record of accepted keys in static data, so restarts
 * don't re-run redeliveries. Why it is shaped this way: docs/ARCHITECTURE.md, "State the triggers keep".
 */

export const DEFAULT_DEDUPE_WINDOW_HOURS = 72;
/** Accepted event keys kept in static data per trigger node unless the node says otherwise. */
export const DEFAULT_PERSISTED_EVENTS = 10_000;
/** In-process keys remembered per trigger node at least (oldest forgotten first). */
export const MAX_REMEMBERED_EVENTS = 50_000;
/** Trigger nodes with an in-process store (least recently used dropped first). */
const MAX_STORES = 64;
/** Characters of one key: 8 bytes of SHA-256 in base64url. A false match needs a 64-bit collision. */
export const EVENT_KEY_LENGTH = 11;
/** Persisted expiries are rounded up to this, so one bucket collects the keys of ten minutes. */
const BUCKET_SECONDS = 600;
export const STATIC_DATA_KEY = 'concurRecentEvents';

/** [expiry in epoch seconds, keys concatenated], sorted by expiry. */
type Bucket = [number, string];

export interface PersistedRecord {
	v: 2;
	/** The store that wrote the record; a copy from another writer holds keys this store lacks. */
	writer: string;
	buckets: Bucket[];
}

export function eventKey(id: string): string {
	return createHash('sha256').update(id).digest('base64url').slice(0, EVENT_KEY_LENGTH);
}

export class SeenEvents {
	/** key → expiry (epoch ms), in order of first sight, which is also (nearly) expiry order. */
	private readonly expiries = new Map<string, number>();

	/**
	 * The keys this node persists: this store's own record, which is what goes into static data,
	 * not the copy n8n hands each request. n8n loads static data when a request starts and saves
	 * the whole object after it, so concurrent requests that each added their key to their own
	 * copy would overwrite each other's keys. Every request stores this one object instead, so
	 * each save carries every key accepted up to that moment. Updated in place.
	 */
	readonly record: PersistedRecord = { v: 2, writer: randomUUID(), buckets: [] };
	private persistedCount = 0;
	/** Per other writer, the shape of its copy last taken in: an unchanged copy is not read again. */
	private readonly mergedCopies = new BoundedMap<string, string>(MAX_STORES);

	constructor(private readonly maxEntries: number = MAX_REMEMBERED_EVENTS) {}

	get size(): number {
		return this.expiries.size;
	}

	get persistedSize(): number {
		return this.persistedCount;
	}

	/**
	 * Records `key` and says whether it is new. Returns false for a repeat seen less than
	 * `windowMs` ago. Synchronous on purpose: check and set cannot be split by another request.
	 */
	remember(key: string, now: number, windowMs: number, capacity = this.maxEntries): boolean {
		this.pruneExpired(now);
		const expiry = this.expiries.get(key);
		if (expiry !== undefined && expiry > now) return false;
		this.expiries.delete(key);
		this.expiries.set(key, now + windowMs);
		while (this.expiries.size > capacity) {
			const oldest = this.expiries.keys().next().value;
			if (oldest === undefined) break;
			this.expiries.delete(oldest);
		}
		return true;
	}

	has(key: string, now: number): boolean {
		const expiry = this.expiries.get(key);
		return expiry !== undefined && expiry > now;
	}

	/** Adds `key` to the persisted record, then drops expired keys and the oldest beyond `limit`. */
	persist(key: string, expirySeconds: number, nowSeconds: number, limit: number): void {
		this.addToRecord(key, expirySeconds);
		this.trimRecord(nowSeconds, limit);
	}

	/**
	 * Takes in the keys of a record another writer saved (a process before a restart, another
	 * webhook process in queue mode, or this node's evicted store): each unexpired key unknown here
	 * is remembered and kept in this store's record. O(keys in the copy).
	 */
	merge(copy: PersistedRecord, now: number, limit: number): void {
		const shape = copyShape(copy);
		if (this.mergedCopies.get(copy.writer) === shape) return;
		this.mergedCopies.set(copy.writer, shape);
		const nowSeconds = Math.floor(now / 1000);
		for (const bucket of copy.buckets) {
			if (!Array.isArray(bucket)) continue;
			const [expirySeconds, keys] = bucket;
			if (typeof expirySeconds !== 'number' || typeof keys !== 'string' || expirySeconds <= nowSeconds) continue;
			for (let at = 0; at + EVENT_KEY_LENGTH <= keys.length; at += EVENT_KEY_LENGTH) {
				const key = keys.slice(at, at + EVENT_KEY_LENGTH);
				if (this.has(key, now)) continue;
				this.remember(key, now, expirySeconds * 1000 - now, Math.max(this.maxEntries, limit));
				this.addToRecord(key, expirySeconds);
			}
		}
		this.trimRecord(nowSeconds, limit);
	}

	private addToRecord(key: string, expirySeconds: number): void {
		const bucketExpiry = Math.ceil(expirySeconds / BUCKET_SECONDS) * BUCKET_SECONDS;
		const buckets = this.record.buckets;
		// Almost always the newest bucket; a shorter window or a merged copy may need an earlier one.
		let index = buckets.length - 1;
		while (index >= 0 && buckets[index][0] > bucketExpiry) index--;
		if (index >= 0 && buckets[index][0] === bucketExpiry) {
			buckets[index][1] += key;
		} else {
			buckets.splice(index + 1, 0, [bucketExpiry, key]);
		}
		this.persistedCount++;
	}

	private trimRecord(nowSeconds: number, limit: number): void {
		const buckets = this.record.buckets;
		while (buckets.length > 0 && buckets[0][0] <= nowSeconds) {
			this.persistedCount -= buckets[0][1].length / EVENT_KEY_LENGTH;
			buckets.shift();
		}
		while (this.persistedCount > Math.max(limit, 0) && buckets.length > 0) {
			const oldest = buckets[0];
			const inBucket = oldest[1].length / EVENT_KEY_LENGTH;
			const drop = Math.min(this.persistedCount - limit, inBucket);
			if (drop === inBucket) {
				buckets.shift();
			} else {
				oldest[1] = oldest[1].slice(drop * EVENT_KEY_LENGTH);
			}
			this.persistedCount -= drop;
		}
	}

	private pruneExpired(now: number): void {
		// Expiries are (nearly) increasing in insertion order, so only the front can be stale.
		for (const [key, expiry] of this.expiries) {
			if (expiry > now) break;
			this.expiries.delete(key);
		}
	}
}

/**
 * A cheap fingerprint of a record: writers append keys (almost always to the newest bucket) and drop
 * the oldest, so a copy with the same size, newest bucket and last key holds nothing new.
 */
function copyShape(copy: PersistedRecord): string {
	let chars = 0;
	for (const bucket of copy.buckets) chars += typeof bucket?.[1] === 'string' ? bucket[1].length : 0;
	const newest = copy.buckets[copy.buckets.length - 1];
	const last = Array.isArray(newest) && typeof newest[1] === 'string' ? `${newest[0]}:${newest[1].slice(-EVENT_KEY_LENGTH)}` : '';
	return `${copy.buckets.length}:${chars}:${last}`;
}

const stores = new BoundedMap<string, SeenEvents>(MAX_STORES);

/** The in-process store of one trigger node (key: workflow id + node id), most recently used kept. */
export function seenEventsFor(storeKey: string): SeenEvents {
	const store = stores.get(storeKey) ?? new SeenEvents();
	stores.set(storeKey, store);
	return store;
}

/** For tests. */
export function forgetAllSeenEvents(): void {
	stores.clear();
}

function persistedRecordIn(staticData: IDataObject): PersistedRecord | undefined {
	const value = staticData[STATIC_DATA_KEY] as Partial<PersistedRecord> | undefined;
	return value !== null &&
		typeof value === 'object' &&
		value.v === 2 &&
		typeof value.writer === 'string' &&
		Array.isArray(value.buckets)
		? (value as PersistedRecord)
		: undefined;
}

export interface AcceptOptions {
	/** Whether an accepted key goes into static data (Remember Across Restarts). */
	persist?: boolean;
	/** How many of the newest accepted keys static data keeps. */
	persistLimit?: number;
}

/**
 * Atomic check-and-set for one delivery. First takes in the request's copy of the static data
 * when another writer saved it (the process before a restart, another webhook process in queue
 * mode), so every key accepted there counts as seen; then remembers the event's key. When the
 * event is new and `persist` is on, the static data gets the node's record; on a repeat, or with
 * `persist` off, it is left untouched so n8n has nothing to write.
 */
export function acceptOnce(
	storeKey: string,
	staticData: IDataObject,
	id: string,
	windowMs: number,
	now: number,
	{ persist = true, persistLimit: requestedLimit = DEFAULT_PERSISTED_EVENTS }: AcceptOptions = {},
): boolean {
	const persistLimit =
		Number.isFinite(requestedLimit) && requestedLimit >= 1 ? Math.floor(requestedLimit) : DEFAULT_PERSISTED_EVENTS;
	const store = seenEventsFor(storeKey);
	const capacity = Math.max(MAX_REMEMBERED_EVENTS, persistLimit);
	const copy = persistedRecordIn(staticData);
	if (copy !== undefined && copy !== store.record && copy.writer !== store.record.writer) {
		store.merge(copy, now, persistLimit);
	}
	const key = eventKey(id);
	if (!store.remember(key, now, windowMs, capacity)) return false;
	if (persist) {
		store.persist(key, Math.ceil((now + windowMs) / 1000), Math.floor(now / 1000), persistLimit);
		staticData[STATIC_DATA_KEY] = store.record;
	}
	return true;
}
