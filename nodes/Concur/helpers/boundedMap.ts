/**
 * A Map that keeps at most `limit` entries: setting a key makes it the newest, and the oldest
 * entries go once the limit is passed. The in-process caches (parsed keys, shared token grants,
 * seen events) use it, so memory stays bounded however many workflows and credentials an
 * instance has.
 */
export class BoundedMap<K, V> extends Map<K, V> {
	private readonly limit: number;

	constructor(limit: number) {
		super();
		this.limit = Math.max(1, limit);
	}

	set(key: K, value: V): this {
		// Deleting first moves the key to the end of the insertion order: it is now the newest.
		super.delete(key);
		super.set(key, value);
		while (this.size > this.limit) {
			const oldest = this.keys().next();
			if (oldest.done === true) break;
			super.delete(oldest.value);
		}
		return this;
	}
}
