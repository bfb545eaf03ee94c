/**
 * List Item > Sync, the planning half: pure functions, no n8n context, no I/O.
 *
 * Identity. Concur names a list item by its long code: the long code of its parent, a hyphen,
 * and its own (short) code; a first-level item's long code is its short code (List Item v4
 * reference: `code` "ITEM-SECOND LEVEL ITEM" under "ITEM"). Hyphens are not supported inside a
 * code, so the long code is unambiguous, and it is what the bulk update addresses (`code`) and
 * what the bulk create takes as `parentCode`. The input gives each item its code, its name and
 * its parent's long code; an item that moves to another parent is therefore another item (created
 * under the new parent; the old one is deleted only when deletes are on).
 *
 * Invariants (test/unit/actions/listItem.syncPlan.test.ts checks them on random sets):
 * - applying a plan and planning again with the same input plans no change;
 * - nothing is deleted unless deletes are on, the input holds at least one item (or empty input
 *   is explicitly allowed to delete all), and every input item could be read;
 * - an item in the input, an ancestor of one, or an item named by a refused input row is never
 *   deleted;
 * - creates come parents first, deletes children first (Concur runs bulk parts in order, and
 *   deleting a parent deletes its children).
 */

/** Concur refuses items below the tenth level (List Item Bulk v4, error messages). */
export const MAX_LIST_LEVELS = 10;

/** Between the codes of a parent and its child in a long code. */
export const LONG_CODE_SEPARATOR = '-';

/** An item of the Concur list as read before the sync (not deleted). */
export interface CurrentListItem {
	id: string;
	/** The long code (Concur's `code`). */
	code: string;
	shortCode: string;
	/** The name (Concur's `value`). */
	value: string;
}

/** One input row as read from the node's parameters (any type: expressions give anything). */
export interface InputRow {
	code: unknown;
	name: unknown;
	parentCode: unknown;
}

/** An item the input wants in the list. */
export interface DesiredListItem {
	/** The item's own (short) code. */
	code: string;
	name: string;
	/** The parent's long code; '' for a first-level item. */
	parentCode: string;
	/** The input items (indexes) that asked for it: more than one when rows repeat it exactly. */
	inputItems: number[];
}

/** An input row (or set of rows) that cannot be synced, and why. */
export interface SyncProblem {
	/** The long code concerned, when known ('' for a row without a usable code). */
	longCode: string;
	code: string;
	parentCode: string;
	name: string;
	message: string;
	inputItems: number[];
}

export type SyncAction = 'created' | 'updated' | 'deleted' | 'unchanged';

/** One planned action on one item. */
export interface PlannedChange {
	action: SyncAction;
	longCode: string;
	code: string;
	parentCode: string;
	name: string;
	/** Concur's ID of the item; null for an item still to be created. */
	id: string | null;
	/** The name Concur has now, for updates. */
	previousName?: string;
	/** The input items it comes from; empty for deletes (the item is not in the input). */
	inputItems: number[];
}

export interface SyncPlanOptions {
	/** "Delete Items Not in Input". */
	deleteMissing: boolean;
	/** "Allow Empty Input to Delete All": lets an input without items delete every item. */
	allowEmptyInputToDeleteAll: boolean;
}

export interface SyncPlan {
	creates: PlannedChange[];
	/** Name changes, addressed by long code. */
	updates: PlannedChange[];
	deletes: PlannedChange[];
	unchanged: PlannedChange[];
	problems: SyncProblem[];
	/** Items of the list that are not in the input and are left alone (deletes off or held back). */
	keptNotInInput: number;
	/** Why items not in the input were not deleted although deletes are on. */
	deletesHeldBack?: string;
}

export interface DesiredSet {
	items: DesiredListItem[];
	problems: SyncProblem[];
	/** Input items without a code (and without a name): nothing to sync, not an error. */
	blankInputItems: number[];
}

/** The long code of an item from its parent's long code and its own code. */
export function longCodeOf(parentCode: string, code: string): string {
	return parentCode === '' ? code : `${parentCode}${LONG_CODE_SEPARATOR}${code}`;
}

/** The level of a long code: 1 for a first-level item. */
export function levelOf(longCode: string): number {
	return longCode.split(LONG_CODE_SEPARATOR).length;
}

/** The parent's long code of a long code ('' at the first level). */
export function parentOfLongCode(longCode: string): string {
	const at = longCode.lastIndexOf(LONG_CODE_SEPARATOR);
	return at < 0 ? '' : longCode.slice(0, at);
}

/** The long codes of every ancestor of a long code, nearest first. */
export function ancestorsOf(longCode: string): string[] {
	const ancestors: string[] = [];
	for (let parent = parentOfLongCode(longCode); parent !== ''; parent = parentOfLongCode(parent)) ancestors.push(parent);
	return ancestors;
}

const text = (value: unknown): string => {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value).trim();
	return '';
};

/** Why a value cannot be a code or parent code, or undefined when it can. */
function valueProblem(label: string, value: unknown): string | undefined {
	if (value !== undefined && value !== null && typeof value === 'object') return `The ${label} is not text (it is an ${Array.isArray(value) ? 'array' : 'object'})`;
	return undefined;
}

/**
 * Reads the input rows into the set of items the list should hold. Rows without a code and a name
 * are blank (skipped). A code with a hyphen, a missing name, a parent code that is not a long code,
 * a level beyond the tenth, and one code asked for with different names or parents are problems:
 * those rows are not synced, and their items are never deleted.
 */
export function readDesiredSet(rows: InputRow[]): DesiredSet {
	const problems: SyncProblem[] = [];
	const blankInputItems: number[] = [];
	const byLongCode = new Map<string, DesiredListItem>();
	const contested = new Map<string, SyncProblem>();

	for (let index = 0; index < rows.length; index++) {
		const row = readRow(rows[index]);
		if (row.kind === 'blank') {
			blankInputItems.push(index);
			continue;
		}
		const { code, name, parentCode, longCode } = row;
		if (row.kind === 'problem') {
			problems.push({ longCode, code, parentCode, name, message: row.message, inputItems: [index] });
			continue;
		}
		const seenProblem = contested.get(longCode);
		const seen = byLongCode.get(longCode);
		if (seenProblem) {
			seenProblem.inputItems.push(index);
		} else if (!seen) {
			byLongCode.set(longCode, { code, name, parentCode, inputItems: [index] });
		} else if (seen.name === name) {
			seen.inputItems.push(index);
		} else {
			// One item, two different names: which one is meant is unknown, so neither is applied.
			byLongCode.delete(longCode);
			const problem: SyncProblem = {
				longCode,
				code,
				parentCode,
				name,
				message: `"${longCode}" appears more than once in the input with different names ("${seen.name}", "${name}")`,
				inputItems: [...seen.inputItems, index],
			};
			contested.set(longCode, problem);
			problems.push(problem);
		}
	}

	return { items: [...byLongCode.values()], problems, blankInputItems };
}

type ReadRow =
	| { kind: 'blank' }
	| { kind: 'problem' | 'item'; code: string; name: string; parentCode: string; longCode: string; message: string };

/** One input row, normalised and checked. */
function readRow(row: InputRow): ReadRow {
	const code = text(row.code);
	const name = text(row.name);
	const parentCode = text(row.parentCode);
	const problem = (message: string, longCode = ''): ReadRow => ({ kind: 'problem', code, name, parentCode, longCode, message });
	const typeProblem = valueProblem('code', row.code) ?? valueProblem('name', row.name) ?? valueProblem('parent code', row.parentCode);
	if (typeProblem) return problem(typeProblem);
	if (code === '' && name === '' && parentCode === '') return { kind: 'blank' };
	if (code === '') return problem('The code is empty');
	if (parentCode !== '' && parentCode.split(LONG_CODE_SEPARATOR).some((segment) => segment === '')) {
		return problem(`The parent code "${parentCode}" is not a long code (empty part between hyphens)`);
	}
	const longCode = longCodeOf(parentCode, code);
	if (code.includes(LONG_CODE_SEPARATOR)) {
		// Still protected from deletion under the long code it would have.
		return problem(`The code "${code}" contains a hyphen, which Concur does not support in list item codes`, longCode);
	}
	if (name === '') return problem(`The name of "${longCode}" is empty`, longCode);
	if (levelOf(longCode) > MAX_LIST_LEVELS) {
		return problem(`"${longCode}" would be at level ${levelOf(longCode)}; Concur lists have at most ${MAX_LIST_LEVELS} levels`, longCode);
	}
	return { kind: 'item', code, name, parentCode, longCode, message: '' };
}

const byLevel = (direction: 1 | -1) => (a: PlannedChange, b: PlannedChange) =>
	direction * (levelOf(a.longCode) - levelOf(b.longCode));

/**
 * Plans the changes that make the list hold exactly `desired.items` (and, with deletes on, nothing
 * else): creates, updates (name changes), deletes and unchanged items, plus rows that cannot be
 * synced. Current items are matched by long code.
 */
export function planListSync(current: CurrentListItem[], desired: DesiredSet, options: SyncPlanOptions): SyncPlan {
	const currentByCode = new Map<string, CurrentListItem>();
	for (const item of current) if (!currentByCode.has(item.code)) currentByCode.set(item.code, item);
	const desiredCodes = new Set(desired.items.map((item) => longCodeOf(item.parentCode, item.code)));

	const plan: SyncPlan = {
		creates: [],
		updates: [],
		deletes: [],
		unchanged: [],
		problems: [...desired.problems],
		keptNotInInput: 0,
	};
	// Items that must stay: those in the input, their ancestors, and those of refused rows.
	const protectedCodes = new Set<string>();
	for (const problem of desired.problems) if (problem.longCode !== '') protectedCodes.add(problem.longCode);

	for (const item of desired.items) {
		const longCode = longCodeOf(item.parentCode, item.code);
		protectedCodes.add(longCode);
		for (const ancestor of ancestorsOf(longCode)) protectedCodes.add(ancestor);
		const existing = currentByCode.get(longCode);
		const change: PlannedChange = {
			action: 'unchanged',
			longCode,
			code: item.code,
			parentCode: item.parentCode,
			name: item.name,
			id: existing?.id ?? null,
			inputItems: item.inputItems,
		};
		if (existing) {
			if (existing.value.trim() === item.name) plan.unchanged.push(change);
			else plan.updates.push({ ...change, action: 'updated', previousName: existing.value });
			continue;
		}
		if (item.parentCode !== '' && !desiredCodes.has(item.parentCode) && !currentByCode.has(item.parentCode)) {
			plan.problems.push({
				longCode,
				code: item.code,
				parentCode: item.parentCode,
				name: item.name,
				message: `The parent "${item.parentCode}" of "${longCode}" is neither in the input nor in the list`,
				inputItems: item.inputItems,
			});
			continue;
		}
		plan.creates.push({ ...change, action: 'created' });
	}

	const notInInput = [...currentByCode.values()].filter((item) => !protectedCodes.has(item.code));
	const holdBack = (reason: string) => {
		plan.keptNotInInput = notInInput.length;
		if (notInInput.length) plan.deletesHeldBack = reason;
	};
	if (!options.deleteMissing) {
		plan.keptNotInInput = notInInput.length;
	} else if (desired.items.length === 0 && desired.problems.length === 0 && !options.allowEmptyInputToDeleteAll) {
		holdBack('The input holds no item, so nothing was deleted: turn on "Allow Empty Input to Delete All" to empty the list');
	} else if (desired.problems.some((problem) => problem.longCode === '')) {
		// A row without a usable code may be any item of the list: deleting could remove it.
		holdBack('Some input items have no usable code, so nothing was deleted: fix them and run again');
	} else {
		for (const item of notInInput) {
			const parentCode = parentOfLongCode(item.code);
			plan.deletes.push({
				action: 'deleted',
				longCode: item.code,
				code: item.shortCode || item.code.slice(parentCode === '' ? 0 : parentCode.length + 1),
				parentCode,
				name: item.value,
				id: item.id,
				inputItems: [],
			});
		}
	}

	plan.creates.sort(byLevel(1));
	plan.deletes.sort(byLevel(-1));
	return plan;
}

/** Whether a plan writes nothing. */
export function planIsEmpty(plan: SyncPlan): boolean {
	return plan.creates.length === 0 && plan.updates.length === 0 && plan.deletes.length === 0;
}
