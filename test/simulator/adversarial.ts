/**
 * Adversarial mode of the simulator's v3 report list (v3.ts asks here when it is on). Concur's
 * documentation leaves the list's order, how its date filters cut, whether pages stay put while
 * reports change, and its clock open; this mode answers each of them the awkward way, so the
 * polling trigger can be run through n8n-core against every one:
 *
 * - `order`: oldest first (the default simulator), newest first, creation order, ID order, a fixed
 *   random order, or a new random order for every request;
 * - `afterCut` / `beforeCut`: `modifiedDateAfter` / `modifiedDateBefore` kept to the millisecond
 *   (inclusive or strict), rounded to whole seconds (down, to nearest, up), or to SQL Server
 *   `datetime` steps (.000/.003/.007, .999 rounding up);
 * - `skewMs`: Concur's clock minus the process clock: LastModifiedDate and CreateDate are written
 *   that much ahead (or behind), and the filters read in the same frame;
 * - `deleteReport`: a report gone from every list, 404 by ID;
 * - `beforeList`: a hook run before every list answer (page 1 and NextPage pages), to change the
 *   tenant between two pages of one poll.
 *
 *   const adversary = makeAdversarial(sim, { order: 'random', afterCut: 'secondsCeil' });
 *   adversary.beforeList = () => sim.reports.touch(someId);
 *   deleteReport(sim, id);
 *   plainList(sim);   // back to the normal simulator
 */
import type { ConcurSimulator } from './index';
import { cutValue, type FilterCut } from './listModel';
import type { SimReport } from './state';

export type AdversarialOrder = 'ascending' | 'descending' | 'created' | 'id' | 'random' | 'shuffled';
/** How a date filter cuts (shared with the pure list model). */
export type DateCut = FilterCut;

export interface ListAdversary {
	order: AdversarialOrder;
	afterCut: DateCut;
	beforeCut: DateCut;
	skewMs: number;
	/** Reports deleted in Concur: in no list, 404 by ID. */
	readonly deleted: Set<string>;
	/** Runs before every list answer is computed. */
	beforeList?: (query: URLSearchParams) => void;
	/** Seed of the random orders. */
	seed: number;
}

const adversaries = new WeakMap<ConcurSimulator, ListAdversary>();

/** Turns adversarial mode on (or changes it) for this simulator; returns the live settings. */
export function makeAdversarial(sim: ConcurSimulator, options: Partial<Omit<ListAdversary, 'deleted'>> = {}): ListAdversary {
	let adversary = adversaries.get(sim);
	if (!adversary) {
		adversary = { order: 'ascending', afterCut: 'inclusive', beforeCut: 'strict', skewMs: 0, deleted: new Set(), seed: 1 };
		adversaries.set(sim, adversary);
	}
	Object.assign(adversary, options);
	return adversary;
}

/** The simulator's normal list again. */
export function plainList(sim: ConcurSimulator): void {
	adversaries.delete(sim);
}

export function adversaryOf(sim: ConcurSimulator): ListAdversary | undefined {
	return adversaries.get(sim);
}

/** Deletes a report as far as the v3 API is concerned (adversarial mode turns on if needed). */
export function deleteReport(sim: ConcurSimulator, id: string): void {
	makeAdversarial(sim).deleted.add(id);
}

/** A timestamp of the tenant (process clock) as Concur writes it. */
export function concurTime(adversary: ListAdversary | undefined, ms: number): number {
	return adversary ? ms + adversary.skewMs : ms;
}

/** Whether a report's LastModifiedDate (as Concur writes it) passes `modifiedDateAfter` / `Before` values. */
export function passesModifiedFilter(adversary: ListAdversary, report: SimReport, after?: number, before?: number): boolean {
	const lmd = concurTime(adversary, report.lastModified);
	if (after !== undefined) {
		const { at, strict } = cutValue(after, adversary.afterCut, 'after');
		if (strict ? lmd <= at : lmd < at) return false;
	}
	if (before !== undefined) {
		const { at, strict } = cutValue(before, adversary.beforeCut, 'before');
		if (strict ? lmd >= at : lmd > at) return false;
	}
	return true;
}

function hash(text: string, seed: number): number {
	let h = (2166136261 ^ seed) >>> 0;
	for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
	return h;
}

let shuffles = 0;

/** The matching reports in the adversary's order (a new array). */
export function adversarialOrder(adversary: ListAdversary, reports: SimReport[]): SimReport[] {
	const rows = [...reports];
	const byId = (a: SimReport, b: SimReport) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
	switch (adversary.order) {
		case 'ascending':
			return rows.sort((a, b) => a.lastModified - b.lastModified || byId(a, b));
		case 'descending':
			return rows.sort((a, b) => b.lastModified - a.lastModified || byId(a, b));
		case 'created':
			return rows.sort((a, b) => a.createDate - b.createDate || byId(a, b));
		case 'id':
			return rows.sort(byId);
		case 'random':
			return rows.sort((a, b) => hash(a.id, adversary.seed) - hash(b.id, adversary.seed) || byId(a, b));
		case 'shuffled': {
			const salt = adversary.seed * 7919 + ++shuffles;
			return rows.sort((a, b) => hash(a.id, salt) - hash(b.id, salt) || byId(a, b));
		}
	}
}
