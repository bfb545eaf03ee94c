import type { IDataObject } from 'n8n-workflow';

import { mayStillBeStoringHandOff } from '../compat/n8n';
import { BoundedMap } from './boundedMap';

/*
 * In memory, per polling trigger node: the poll running now, and the number given to the cursor
 * of the last poll that emitted items. With them a poll skips what another poll of the node emits
 * or has just emitted (when it waits: compat/n8n.ts). A restart forgets both; the stored cursor rules.
 */

const SEQUENCE_KEY = 'handOffSequence';
const MAX_TRACKED_NODES = 64;

interface PendingHandOff {
	sequence: number;
	waitedOnce: boolean;
}

const pending = new BoundedMap<string, PendingHandOff>(MAX_TRACKED_NODES);
/** nodeKey → start (epoch ms) of the poll running now. */
const running = new BoundedMap<string, number>(MAX_TRACKED_NODES);

/**
 * Claims the node for one poll; false when another poll of the node started less than
 * `abandonedAfterMs` ago and has not ended. Pair a true answer with `endPoll(nodeKey, now)`.
 */
export function beginPoll(nodeKey: string, now: number, abandonedAfterMs: number): boolean {
	const started = running.get(nodeKey);
	if (started !== undefined && now - started < abandonedAfterMs) return false;
	running.set(nodeKey, now);
	return true;
}

/** Releases the node, unless a newer poll claimed it after this one was abandoned. */
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
	if (mayStillBeStoringHandOff(handOff.sequence, storedSequence(staticData), handOff.waitedOnce)) {
		handOff.waitedOnce = true;
		return true;
	}
	pending.delete(nodeKey);
	return false;
}

/** Numbers the cursor of a poll that emits items and remembers the number in memory. */
export function recordHandOff(nodeKey: string, staticData: IDataObject): void {
	const sequence = storedSequence(staticData) + 1;
	staticData[SEQUENCE_KEY] = sequence;
	pending.set(nodeKey, { sequence, waitedOnce: false });
}
