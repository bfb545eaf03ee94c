/** The v3 report list: its path, page size and query string built from the node's filters. */
import type { IDataObject } from 'n8n-workflow';
import { DateTime } from 'luxon';

import { CONCUR_DATE_FORMAT } from '../../helpers/dates';


/** v3 refuses pages larger than this. */
export const V3_MAX_PAGE_SIZE = 100;

export interface ReportListFilters {
	approvalStatusCode?: string;
	paymentStatusCode?: string;
	createdAfter?: unknown;
	createdBefore?: unknown;
	modifiedAfter?: unknown;
	modifiedBefore?: unknown;
	submittedAfter?: unknown;
	submittedBefore?: unknown;
}

const DATE_FILTER_PARAMETERS: Array<[keyof ReportListFilters, string]> = [
	['createdAfter', 'createDateAfter'],
	['createdBefore', 'createDateBefore'],
	['modifiedAfter', 'modifiedDateAfter'],
	['modifiedBefore', 'modifiedDateBefore'],
	['submittedAfter', 'submitDateAfter'],
	['submittedBefore', 'submitDateBefore'],
];

/**
 * A date as v3 wants it: UTC, `yyyy-MM-ddTHH:mm:ss.SSS`. Values without an offset are read in
 * `zone` (the workflow's time zone), the way n8n's date pickers mean them.
 * Returns undefined for a value that is not a date.
 */
export function toConcurDateTime(value: unknown, zone: string): string | undefined {
	let date: DateTime | undefined;
	if (DateTime.isDateTime(value)) date = value;
	else if (value instanceof Date) date = DateTime.fromJSDate(value);
	else if (typeof value === 'string' && value.trim() !== '') {
		date = DateTime.fromISO(value.trim(), { zone, setZone: false });
	}
	if (!date || !date.isValid) return undefined;
	return date.toUTC().toFormat(CONCUR_DATE_FORMAT);
}

/**
 * Query string of the v3 report list. Throws a plain Error naming the filter when a date cannot
 * be read; the operation turns it into a NodeOperationError with the item index.
 */
export function buildReportListQuery(user: string, filters: ReportListFilters, zone: string): IDataObject {
	const qs: IDataObject = {};
	if (user.trim() !== '') qs.user = user.trim();
	if (filters.approvalStatusCode) qs.approvalStatusCode = filters.approvalStatusCode;
	if (filters.paymentStatusCode) qs.paymentStatusCode = filters.paymentStatusCode;
	for (const [filter, parameter] of DATE_FILTER_PARAMETERS) {
		const raw = filters[filter];
		if (raw === undefined || raw === null || raw === '') continue;
		const formatted = toConcurDateTime(raw, zone);
		if (formatted === undefined) {
			throw new Error(`The filter "${filter}" is not a valid date: ${String(raw)}`);
		}
		qs[parameter] = formatted;
	}
	return qs;
}
