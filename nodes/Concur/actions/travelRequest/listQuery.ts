/** The Travel Request v4 list: its query string and how its pages link to each other. */
import type { IDataObject } from 'n8n-workflow';
import { DateTime } from 'luxon';

import { toRequestDate } from '../../helpers/dates';

/** Requests v4 refuses pages larger than this (400). */
export const REQUESTS_MAX_PAGE_SIZE = 100;


export interface TravelRequestFilters {
	approvedAfter?: unknown;
	approvedBefore?: unknown;
	modifiedAfter?: unknown;
	modifiedBefore?: unknown;
}

const DATE_FILTERS: Array<keyof TravelRequestFilters> = ['approvedAfter', 'approvedBefore', 'modifiedAfter', 'modifiedBefore'];

/** A date filter in Concur's form; values without an offset are read in `zone` (the workflow's). */
export function toRequestDateTime(value: unknown, zone: string): string | undefined {
	let date: DateTime | undefined;
	if (DateTime.isDateTime(value)) date = value;
	else if (value instanceof Date) date = DateTime.fromJSDate(value);
	else if (typeof value === 'string' && value.trim() !== '') date = DateTime.fromISO(value.trim(), { zone });
	if (!date || !date.isValid) return undefined;
	return toRequestDate(date.toMillis());
}

/**
 * The list query (view, userId, dates, sort). Throws a plain Error naming the filter when a date
 * cannot be read; the operation turns it into a NodeOperationError with the item index.
 */
export function buildTravelRequestQuery(
	view: string,
	userId: string,
	filters: TravelRequestFilters,
	sort: { sortField?: string; sortOrder?: string },
	zone: string,
): IDataObject {
	const qs: IDataObject = {};
	if (view) qs.view = view;
	if (userId.trim() !== '') qs.userId = userId.trim();
	for (const filter of DATE_FILTERS) {
		const raw = filters[filter];
		if (raw === undefined || raw === null || raw === '') continue;
		const formatted = toRequestDateTime(raw, zone);
		if (formatted === undefined) throw new Error(`The filter "${filter}" is not a valid date: ${String(raw)}`);
		qs[filter] = formatted;
	}
	if (sort.sortField) qs.sortField = sort.sortField;
	if (sort.sortOrder) qs.sortOrder = sort.sortOrder;
	return qs;
}
