/**
 * List Item Bulk v4: request parts and per-part results (pure). `POST …/lists/{listId}/bulk`
 * creates items (`{shortCode, value, parentCode}`), `PATCH …/lists/{listId}/bulk` updates or
 * deletes them by long code (`{code, value}` / `{code, deleted: true}`); at most 250 parts per
 * request, run in order, each on its own. The answer is `{status, recordsSucceeded, recordsFailed,
 * errors: [{message, listItem}]}` where `listItem` echoes the refused part (201/200 SUCCESS, 206
 * PARTIAL_SUCCESS, 400 FAILURE).
 *
 * The reference's URI template for the create reads `/list/v4/items/{listId}/bulk`, while its
 * examples, its error `path` and the update's template use `/list/v4/lists/{listId}/bulk`: the
 * latter is used for both.
 */
import type { IDataObject } from 'n8n-workflow';

import { isObject } from '../../helpers/values';
import { LISTS_PATH } from '../list/pages';
import type { PlannedChange } from './syncPlan';
import { longCodeOf } from './syncPlan';

/** "up to 250 list items can be modified per bulk request". */
export const BULK_MAX_PARTS = 250;

export const bulkPath = (listId: string): string => `${LISTS_PATH}/${encodeURIComponent(listId)}/bulk`;

/** Splits a list into batches of at most `size`. */
export function batchesOf<T>(items: T[], size: number = BULK_MAX_PARTS): T[][] {
	const batches: T[][] = [];
	for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
	return batches;
}

/** A create part: the item's own code as shortCode, its parent by long code. */
export function createPart(change: PlannedChange): IDataObject {
	return change.parentCode === ''
		? { shortCode: change.code, value: change.name }
		: { shortCode: change.code, value: change.name, parentCode: change.parentCode };
}

/** An update part (a new name) or a delete part, by long code. */
export function patchPart(change: PlannedChange): IDataObject {
	return change.action === 'deleted' ? { code: change.longCode, deleted: true } : { code: change.longCode, value: change.name };
}

/** The long code a refused part names: `code` for updates and deletes, parent and short code for creates. */
export function longCodeOfPart(part: unknown): string | undefined {
	if (!isObject(part)) return undefined;
	if (typeof part.code === 'string' && part.code !== '') return part.code;
	if (typeof part.shortCode === 'string' && part.shortCode !== '') {
		return longCodeOf(typeof part.parentCode === 'string' ? part.parentCode : '', part.shortCode);
	}
	return undefined;
}

export interface BulkOutcome {
	/** Concur's message per refused long code. */
	refused: Map<string, string>;
	/** Messages Concur gave without a part this batch sent (shown in the summary). */
	unmatched: string[];
}

/** Reads a bulk answer: which parts of the batch Concur refused, and why. */
export function readBulkResponse(response: unknown, sentLongCodes: Set<string>): BulkOutcome {
	const refused = new Map<string, string>();
	const unmatched: string[] = [];
	const errors = isObject(response) && Array.isArray(response.errors) ? response.errors : [];
	for (const error of errors) {
		const message =
			isObject(error) && typeof error.message === 'string' && error.message.trim() !== ''
				? error.message.trim()
				: isObject(error) && typeof error.msg === 'string'
					? error.msg
					: 'Refused by Concur';
		const longCode = isObject(error) ? longCodeOfPart(error.listItem) : undefined;
		if (longCode !== undefined && sentLongCodes.has(longCode) && !refused.has(longCode)) refused.set(longCode, message);
		else unmatched.push(longCode ? `${longCode}: ${message}` : message);
	}
	return { refused, unmatched };
}
