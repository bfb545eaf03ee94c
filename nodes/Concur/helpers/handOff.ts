import type { IDataObject } from 'n8n-workflow';

/**
 * Keeps a poll from repeating what the previous poll handed off while n8n is still storing it.
 *
 * n8n 2.40 stores a poll trigger's static data (the cursor) together with the execution the poll
 * starts, in one transaction, but after the poll has returned; a poll that starts before that
 * transaction ends (n8n schedules one right after failed polls, for instance) reads the previous
 * cursor and would emit the same changes again. Each poll that emits items numbers its cursor;
 * the node remembers, in memory, the number it handed off last. A poll that finds an older number
 * is early: it emits nothing and leaves the cursor alone, once. If the number is still old at the
 * next poll, n8n never stored that hand-off (its execution failed to start), so the poll goes ahead
 * from the stored cursor and emits those changes again: a delay, never a loss. After a restart
 * nothing is remembered and the stored cursor rules, as before.
 */

const SEQUENCE_KEY = 'handOffSequence';
const MAX_TRACKED_NODES = 64;

interface PendingHandOff {
	sequence: number;
	waitedOnce: boolean;
}

const pending = new Map<string, PendingHandOff>();

function storedSequence(staticData: IDataObject): number {
	const value = staticData[SEQUENCE_KEY];
	return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Whether this poll should wait a tick because n8n may still be storing the previous hand-off. */
export function previousHandOffUnstored(nodeKey: string, staticData: IDataObject): boolean {
	const handOff = pending.get(nodeKey);
	if (handOff === undefined) return false;
	if (storedSequence(staticData) >= handOff.sequence || handOff.waitedOnce) {
		pending.delete(nodeKey);
		return false;
	}
	handOff.waitedOnce = true;
	return true;
}

/** Numbers the cursor of a poll that emits items and remembers the number in memory. */
export function recordHandOff(nodeKey: string, staticData: IDataObject): void {
	const sequence = storedSequence(staticData) + 1;
	staticData[SEQUENCE_KEY] = sequence;
	pending.delete(nodeKey);
	pending.set(nodeKey, { sequence, waitedOnce: false });
	if (pending.size > MAX_TRACKED_NODES) {
		const oldest = pending.keys().next().value;
		if (oldest !== undefined) pending.delete(oldest);
	}
}

/** For tests: a new process. */
export function forgetHandOffs(): void {
	pending.clear();
}
