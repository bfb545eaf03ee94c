import type { IDataObject } from 'n8n-workflow';

/**
 * Keeps a poll from repeating what another poll of the same node handed off or is about to.
 *
 * One poll at a time: n8n may start a poll while the previous one still runs (a slow poll riding
 * out 429s, n8n's catch-up after failed polls, cron on n8n 1.x). Both would read the same cursor
 * and emit the same changes, so a poll that finds another poll of its node running in this process
 * emits nothing and leaves the cursor alone; the running poll covers the same changes. A poll
 * running longer than n8n lets it (then n8n has abandoned it) no longer holds the others back.
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
/** nodeKey → start (epoch ms) of the poll running now. */
const running = new Map<string, number>();

function bounded<V>(map: Map<string, V>): void {
	if (map.size > MAX_TRACKED_NODES) {
		const oldest = map.keys().next().value;
		if (oldest !== undefined) map.delete(oldest);
	}
}

/**
 * Claims the node for one poll; false when another poll of the node started less than
 * `abandonedAfterMs` ago and has not ended. Pair a true answer with `endPoll(nodeKey, now)`.
 */
export function beginPoll(nodeKey: string, now: number, abandonedAfterMs: number): boolean {
	const started = running.get(nodeKey);
	if (started !== undefined && now - started < abandonedAfterMs) return false;
	running.delete(nodeKey);
	running.set(nodeKey, now);
	bounded(running);
	return true;
}

export function endPoll(nodeKey: string, startedAt: number): void {
	if (running.get(nodeKey) === startedAt) running.delete(nodeKey);
}

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
	bounded(pending);
}

/** For tests: a new process. */
export function forgetHandOffs(): void {
	pending.clear();
	running.clear();
}
