/**
 * Reading a whole list, every level: List Item v4 has no flat listing, so the first level comes
 * from `GET /list/v4/lists/{listId}/children` and each item that has children in this list from
 * `GET /list/v4/lists/{listId}/items/{itemId}/children`, all paged (100 rows a page).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { isObject } from '../../helpers/values';
import { LISTS_PATH, readListPages } from '../list/pages';
import type { CurrentListItem } from './syncPlan';
import { MAX_LIST_LEVELS } from './syncPlan';

/** Children read at once: a few, so a big list is read faster without hammering Concur. */
const CHILD_READS_AT_ONCE = 4;

/**
 * Whether an item has children in this list (`lists[].hasChildren`); an answer that does not say
 * counts as yes, so no child is ever missed.
 */
export function hasChildrenIn(item: IDataObject, listId: string): boolean {
	const lists = Array.isArray(item.lists) ? item.lists.filter(isObject) : undefined;
	const membership = lists?.find((list) => list.id === listId);
	if (membership && typeof membership.hasChildren === 'boolean') return membership.hasChildren;
	if (typeof item.hasChildren === 'boolean') return item.hasChildren;
	return true;
}

/** A row of Concur's answer as the sync plans with it (rows without an ID or code are skipped). */
export function toCurrentItem(row: IDataObject): CurrentListItem | undefined {
	if (typeof row.id !== 'string' || typeof row.code !== 'string' || row.code === '') return undefined;
	return {
		id: row.id,
		code: row.code,
		shortCode: typeof row.shortCode === 'string' ? row.shortCode : '',
		value: typeof row.value === 'string' ? row.value : '',
	};
}

/** Runs `work` over `items`, at most `limit` at a time, results in the order of `items`. */
async function mapAtMost<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
	const results: R[] = new Array<R>(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await work(items[index]);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	return results;
}

/**
 * Every (not deleted) item of a list, level by level, as Concur answers them (parents before
 * their children).
 */
export async function readListTree(this: IExecuteFunctions, listId: string, qs: IDataObject = {}): Promise<IDataObject[]> {
	const list = `${LISTS_PATH}/${encodeURIComponent(listId)}`;
	const rows: IDataObject[] = [];
	let level = await readListPages.call(this, `${list}/children`, qs);
	for (let depth = 1; level.length > 0 && depth <= MAX_LIST_LEVELS; depth++) {
		rows.push(...level);
		if (depth === MAX_LIST_LEVELS) break;
		const parents = level.filter((row) => typeof row.id === 'string' && hasChildrenIn(row, listId));
		const children = await mapAtMost(parents, CHILD_READS_AT_ONCE, async (parent) =>
			readListPages.call(this, `${list}/items/${encodeURIComponent(parent.id as string)}/children`, qs),
		);
		level = children.flat();
	}
	return rows;
}
