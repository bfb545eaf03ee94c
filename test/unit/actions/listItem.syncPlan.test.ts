/**
 * List Item > Sync, the plan (nodes/Concur/actions/listItem/syncPlan.ts): pure, no n8n, no HTTP.
 * Examples first, then a model check: random current lists and random inputs (several levels,
 * renames, moves, repeats, bad rows, blanks), the plan applied to an in-memory list the way
 * Concur's bulk API applies it (parts in order, a deleted parent takes its children), then
 * planned again: nothing may be left to do, and no rule about deletes may be broken.
 */
import type { CurrentListItem, DesiredSet, InputRow, SyncPlan, SyncPlanOptions } from '../../../nodes/Concur/actions/listItem/syncPlan';
import {
	ancestorsOf,
	levelOf,
	longCodeOf,
	parentOfLongCode,
	planIsEmpty,
	planListSync,
	readDesiredSet,
} from '../../../nodes/Concur/actions/listItem/syncPlan';

const ON: SyncPlanOptions = { deleteMissing: true, allowEmptyInputToDeleteAll: false };
const OFF: SyncPlanOptions = { deleteMissing: false, allowEmptyInputToDeleteAll: false };

let nextId = 0;
const item = (code: string, value: string): CurrentListItem => ({
	id: `id-${++nextId}`,
	code,
	shortCode: code.slice(code.lastIndexOf('-') + 1),
	value,
});
const row = (code: unknown, name: unknown, parentCode: unknown = ''): InputRow => ({ code, name, parentCode });
const codes = (changes: Array<{ longCode: string }>) => changes.map((change) => change.longCode);

describe('long codes', () => {
	it('joins and splits the levels with hyphens', () => {
		expect(longCodeOf('', 'PRJ1')).toBe('PRJ1');
		expect(longCodeOf('PRJ1', 'DESIGN')).toBe('PRJ1-DESIGN');
		expect(levelOf('PRJ1-DESIGN-UI')).toBe(3);
		expect(parentOfLongCode('PRJ1-DESIGN-UI')).toBe('PRJ1-DESIGN');
		expect(parentOfLongCode('PRJ1')).toBe('');
		expect(ancestorsOf('A-B-C')).toEqual(['A-B', 'A']);
	});
});

describe('readDesiredSet', () => {
	it('trims, keeps input order, merges exact repeats and skips blank rows', () => {
		const set = readDesiredSet([row(' CC1 ', 'Sales '), row('', '', ''), row(1001, 'Numbers'), row('CC1', 'Sales'), row(undefined, null)]);
		expect(set.items).toEqual([
			{ code: 'CC1', name: 'Sales', parentCode: '', inputItems: [0, 3] },
			{ code: '1001', name: 'Numbers', parentCode: '', inputItems: [2] },
		]);
		expect(set.blankInputItems).toEqual([1, 4]);
		expect(set.problems).toEqual([]);
	});

	it('refuses hyphens, missing codes or names, objects, bad parent codes, level 11 and contradicting repeats', () => {
		const deep = Array.from({ length: 10 }, (_, i) => `L${i}`).join('-');
		const set = readDesiredSet([
			row('A-B', 'Hyphen'),
			row('', 'No code'),
			row('X', ''),
			row({ code: 1 }, 'Object'),
			row('C', 'Bad parent', 'P--Q'),
			row('TOO', 'Deep', deep),
			row('D', 'One'),
			row('D', 'Two'),
			row('D', 'One'),
		]);
		expect(set.items).toEqual([]);
		expect(set.problems.map((problem) => [problem.inputItems, problem.longCode, problem.message])).toEqual([
			[[0], 'A-B', expect.stringMatching(/hyphen/)],
			[[1], '', 'The code is empty'],
			[[2], 'X', 'The name of "X" is empty'],
			[[3], '', expect.stringMatching(/not text/)],
			[[4], '', expect.stringMatching(/not a long code/)],
			[[5], `${deep}-TOO`, expect.stringMatching(/level 11/)],
			[[6, 7, 8], 'D', expect.stringMatching(/more than once .* different names/)],
		]);
	});
});

describe('planListSync', () => {
	const current = [item('CC1', 'Sales'), item('CC2', 'Marketing'), item('PRJ1', 'Apollo'), item('PRJ1-DESIGN', 'Design'), item('OLD', 'Old')];

	it('creates, renames, keeps and (with deletes on) deletes, parents first and children first', () => {
		const desired = readDesiredSet([
			row('CC1', 'Sales'),
			row('CC2', 'Marketing & PR'),
			row('PRJ1', 'Apollo'),
			row('BUILD', 'Build', 'PRJ1'),
			row('UI', 'UI', 'PRJ2-DESIGN'),
			row('DESIGN', 'Design', 'PRJ2'),
			row('PRJ2', 'Borealis'),
		]);
		const plan = planListSync(current, desired, ON);
		expect(codes(plan.creates)).toEqual(['PRJ2', 'PRJ1-BUILD', 'PRJ2-DESIGN', 'PRJ2-DESIGN-UI']);
		expect(plan.creates.every((change) => change.id === null && change.action === 'created')).toBe(true);
		expect(plan.updates).toEqual([expect.objectContaining({ longCode: 'CC2', name: 'Marketing & PR', previousName: 'Marketing', inputItems: [1] })]);
		expect(codes(plan.unchanged)).toEqual(['CC1', 'PRJ1']);
		expect(codes(plan.deletes).sort()).toEqual(['OLD', 'PRJ1-DESIGN']);
		expect(codes(plan.deletes)[0]).toBe('PRJ1-DESIGN');
		expect(plan.deletes[0]).toEqual(expect.objectContaining({ code: 'DESIGN', parentCode: 'PRJ1', name: 'Design', inputItems: [] }));
	});

	it('leaves items not in the input alone while deletes are off', () => {
		const plan = planListSync(current, readDesiredSet([row('CC1', 'Sales')]), OFF);
		expect(plan.deletes).toEqual([]);
		expect(plan.keptNotInInput).toBe(4);
		expect(plan.deletesHeldBack).toBeUndefined();
	});

	it('never deletes on an empty input unless empty input is explicitly allowed to', () => {
		for (const rows of [[], [row('', '')], [row(null, undefined, '')]]) {
			const held = planListSync(current, readDesiredSet(rows), ON);
			expect(held.deletes).toEqual([]);
			expect(held.keptNotInInput).toBe(5);
			expect(held.deletesHeldBack).toMatch(/Allow Empty Input to Delete All/);
			expect(planListSync(current, readDesiredSet(rows), { ...OFF, allowEmptyInputToDeleteAll: true }).deletes).toEqual([]);
			expect(codes(planListSync(current, readDesiredSet(rows), { deleteMissing: true, allowEmptyInputToDeleteAll: true }).deletes)).toHaveLength(5);
		}
	});

	it('deletes nothing when an input row has no usable code, and never an item a refused row names', () => {
		const noCode = planListSync(current, readDesiredSet([row('CC1', 'Sales'), row('', 'Lost code')]), ON);
		expect(noCode.deletes).toEqual([]);
		expect(noCode.deletesHeldBack).toMatch(/no usable code/);
		const contested = planListSync(current, readDesiredSet([row('CC1', 'Sales'), row('CC2', 'A'), row('CC2', 'B'), row('OLD', '')]), ON);
		expect(codes(contested.deletes).sort()).toEqual(['PRJ1', 'PRJ1-DESIGN']);
		expect(contested.updates).toEqual([]);
	});

	it('keeps the parents of input items and refuses a child whose parent exists nowhere', () => {
		const plan = planListSync(current, readDesiredSet([row('DESIGN', 'Design', 'PRJ1'), row('X', 'Orphan', 'NOPE')]), ON);
		expect(codes(plan.unchanged)).toEqual(['PRJ1-DESIGN']);
		expect(codes(plan.deletes).sort()).toEqual(['CC1', 'CC2', 'OLD']);
		expect(plan.problems).toEqual([expect.objectContaining({ longCode: 'NOPE-X', inputItems: [1], message: expect.stringMatching(/parent "NOPE"/) })]);
		expect(plan.creates).toEqual([]);
	});

	it('treats an item moved to another parent as a new item', () => {
		const plan = planListSync(current, readDesiredSet([row('PRJ1', 'Apollo'), row('CC1', 'Sales'), row('DESIGN', 'Design', 'CC1')]), ON);
		expect(codes(plan.creates)).toEqual(['CC1-DESIGN']);
		expect(codes(plan.deletes).sort()).toEqual(['CC2', 'OLD', 'PRJ1-DESIGN']);
	});

	it('plans nothing when the list already matches', () => {
		const plan = planListSync(current, readDesiredSet(current.map((entry) => row(entry.shortCode, entry.value, parentOfLongCode(entry.code)))), ON);
		expect(planIsEmpty(plan)).toBe(true);
		expect(plan.unchanged).toHaveLength(5);
	});
});

// ------------------------------------------------------------------------------------------ model

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** A Concur list in memory, changed the way the bulk API changes it. */
class ListModel {
	readonly items = new Map<string, CurrentListItem>();
	private ids = 0;
	constructor(initial: CurrentListItem[]) {
		for (const entry of initial) this.items.set(entry.code, entry);
	}
	current(): CurrentListItem[] {
		return [...this.items.values()];
	}
	apply(plan: SyncPlan): void {
		for (const change of plan.creates) {
			if (change.parentCode !== '' && !this.items.has(change.parentCode)) throw new Error(`parent missing for ${change.longCode}`);
			if (this.items.has(change.longCode)) throw new Error(`duplicate ${change.longCode}`);
			this.items.set(change.longCode, { id: `new-${++this.ids}`, code: change.longCode, shortCode: change.code, value: change.name });
		}
		for (const change of plan.updates) {
			const existing = this.items.get(change.longCode);
			if (!existing) throw new Error(`update of missing ${change.longCode}`);
			existing.value = change.name;
		}
		for (const change of plan.deletes) {
			if (!this.items.has(change.longCode)) throw new Error(`delete of missing ${change.longCode} (deleted with its parent?)`);
			for (const code of [...this.items.keys()]) if (code === change.longCode || code.startsWith(`${change.longCode}-`)) this.items.delete(code);
		}
	}
}

const pick = <T>(rand: () => number, values: T[]): T => values[Math.floor(rand() * values.length)];

/** A random tree of up to `size` items, up to `depth` levels, codes from a small alphabet (collisions wanted). */
function randomTree(rand: () => number, size: number, depth: number): CurrentListItem[] {
	const tree: CurrentListItem[] = [];
	const seen = new Set<string>();
	for (let i = 0; i < size; i++) {
		const parents = tree.filter((entry) => levelOf(entry.code) < depth);
		const parent = parents.length && rand() < 0.6 ? pick(rand, parents).code : '';
		const code = longCodeOf(parent, `C${Math.floor(rand() * 12)}`);
		if (seen.has(code)) continue;
		seen.add(code);
		tree.push(item(code, pick(rand, ['Alpha', 'Beta', 'Gamma', 'Delta'])));
	}
	return tree;
}

/** Input rows: a random mix of current items (some renamed), new items, moves, repeats, bad and blank rows. */
function randomInput(rand: () => number, current: CurrentListItem[], bad: boolean): InputRow[] {
	const rows: InputRow[] = [];
	for (const entry of current) {
		if (rand() < 0.3) continue;
		const name = rand() < 0.2 ? pick(rand, ['Alpha', 'Beta', 'Renamed']) : entry.value;
		rows.push(row(entry.shortCode, name, parentOfLongCode(entry.code)));
	}
	for (const entry of randomTree(rand, Math.floor(rand() * 15), 3)) rows.push(row(entry.shortCode, entry.value, parentOfLongCode(entry.code)));
	if (rows.length && rand() < 0.3) rows.push({ ...pick(rand, rows) });
	if (bad && rand() < 0.5) rows.push(row(pick(rand, ['', 'A-B']), 'Bad', ''));
	if (bad && rand() < 0.3) rows.push(row(pick(rand, current.map((entry) => entry.shortCode).concat('Z')), 'Other name'));
	if (rand() < 0.2) rows.push(row('', '', ''));
	// Shuffle: children may come before their parents.
	for (let i = rows.length - 1; i > 0; i--) {
		const j = Math.floor(rand() * (i + 1));
		[rows[i], rows[j]] = [rows[j], rows[i]];
	}
	return rows;
}

function checkDeleteRules(plan: SyncPlan, desired: DesiredSet, current: CurrentListItem[], options: SyncPlanOptions): void {
	if (!options.deleteMissing) expect(plan.deletes).toEqual([]);
	if (desired.items.length === 0 && desired.problems.length === 0 && !options.allowEmptyInputToDeleteAll) expect(plan.deletes).toEqual([]);
	if (desired.problems.some((problem) => problem.longCode === '')) expect(plan.deletes).toEqual([]);
	const kept = new Set<string>();
	for (const wanted of desired.items) {
		const longCode = longCodeOf(wanted.parentCode, wanted.code);
		kept.add(longCode);
		for (const ancestor of ancestorsOf(longCode)) kept.add(ancestor);
	}
	for (const problem of desired.problems) kept.add(problem.longCode);
	for (const change of plan.deletes) {
		expect(kept.has(change.longCode)).toBe(false);
		expect(current.some((entry) => entry.code === change.longCode)).toBe(true);
	}
	const levels = plan.creates.map((change) => levelOf(change.longCode));
	expect(levels).toEqual([...levels].sort((a, b) => a - b));
	const deleteLevels = plan.deletes.map((change) => levelOf(change.longCode));
	expect(deleteLevels).toEqual([...deleteLevels].sort((a, b) => b - a));
}

describe('model: apply the plan, plan again', () => {
	const optionSets: SyncPlanOptions[] = [OFF, ON, { deleteMissing: true, allowEmptyInputToDeleteAll: true }];

	it.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %i: 250 random lists and inputs converge in one run and stay put', (seed) => {
		const rand = rng(seed * 7919);
		let runs = 0;
		const seen = { creates: 0, updates: 0, deletes: 0, problems: 0, heldBack: 0 };
		for (let round = 0; round < 250; round++) {
			const current = randomTree(rand, Math.floor(rand() * 25), 1 + Math.floor(rand() * 3));
			const rows = rand() < 0.08 ? pick(rand, [[], [row('', '')]]) : randomInput(rand, current, rand() < 0.4);
			const options = pick(rand, optionSets);
			const desired = readDesiredSet(rows);
			const model = new ListModel(current.map((entry) => ({ ...entry })));
			const plan = planListSync(model.current(), desired, options);
			checkDeleteRules(plan, desired, current, options);
			seen.creates += plan.creates.length;
			seen.updates += plan.updates.length;
			seen.deletes += plan.deletes.length;
			seen.problems += plan.problems.length;
			seen.heldBack += plan.deletesHeldBack ? 1 : 0;
			model.apply(plan);
			const again = planListSync(model.current(), readDesiredSet(rows), options);
			expect({ creates: again.creates, updates: again.updates, deletes: again.deletes }).toEqual({ creates: [], updates: [], deletes: [] });
			// Every item of the input is now in the list with its name, and reported unchanged.
			for (const wanted of desired.items) {
				const longCode = longCodeOf(wanted.parentCode, wanted.code);
				const problem = plan.problems.find((candidate) => candidate.longCode === longCode);
				if (problem) continue;
				expect(model.items.get(longCode)?.value).toBe(wanted.name);
			}
			expect(again.unchanged.length).toBe(plan.unchanged.length + plan.creates.length + plan.updates.length);
			runs++;
		}
		expect(runs).toBe(250);
		// The random cases reach every kind of change (the check above is not vacuous).
		for (const count of Object.values(seen)) expect(count).toBeGreaterThan(0);
	});

	it('empty input against a random list never deletes without the explicit option', () => {
		const rand = rng(42);
		for (let round = 0; round < 200; round++) {
			const current = randomTree(rand, 1 + Math.floor(rand() * 30), 3);
			const rows = pick(rand, [[], [row('', '')], [row(undefined, undefined, undefined), row('  ', ' ')]]);
			const plan = planListSync(current, readDesiredSet(rows), ON);
			expect(plan.deletes).toEqual([]);
			expect(plan.keptNotInInput).toBe(current.length);
		}
	});
});
