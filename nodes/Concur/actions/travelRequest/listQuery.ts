/** The Travel Request v4 list: its query string and how its pages link to each other. */
import type { IDataObject } from 'n8n-workflow';
import { DateTime } from 'luxon';

import { isObject } from '../../helpers/values';

/** Requests v4 refuses pages larger than this (400). */
export const REQUESTS_MAX_PAGE_SIZE = 100;

/** The date-time form the list filters document: `yyyy-MM-dd'T'HH:mm:ss'Z'`, UTC. */
const REQUEST_DATE_FORMAT = "yyyy-MM-dd'T'HH:mm:ss'Z'";

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
	return date.toUTC().toFormat(REQUEST_DATE_FORMAT);
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

/** The requests of one list page (`data`). */
export function requestsOfPage(page: unknown): IDataObject[] {
	return isObject(page) && Array.isArray(page.data) ? page.data.filter(isObject) : [];
}

/** The `next` link of a list page (an absolute URL with its query), or undefined on the last page. */
export function nextPageUrl(page: unknown): string | undefined {
	if (!isObject(page) || !Array.isArray(page.operations)) return undefined;
	const next = page.operations.find((operation) => isObject(operation) && operation.rel === 'next') as IDataObject | undefined;
	return typeof next?.href === 'string' && next.href.trim() !== '' ? next.href.trim() : undefined;
}
