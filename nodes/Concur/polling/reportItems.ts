import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { AcceptedRow } from '../helpers/cursor';
import { parseConcurDate } from '../helpers/dates';
import { concurApiRequest } from '../transport';
import type { ReportEvent, ReportSettings } from './settings';
import { REPORTS_V3_PATH } from '../transport/paths';

/** The v3 report list, and each report by ID under it. */

/** Whether the Event parameter asks for changes of this kind. */
export function isWanted(event: 'created' | 'updated', wanted: ReportEvent): boolean {
	return wanted === 'createdOrUpdated' || wanted === event;
}

/**
 * "Fetch test event" has no cursor to tell a report's first sighting: a row whose last change is
 * within a few seconds of its creation shows as created. Without usable dates it is updated.
 */
export function sampleEvent(row: { CreateDate?: unknown; LastModifiedDate?: unknown }): 'created' | 'updated' {
	const created = parseConcurDate(row.CreateDate);
	const modified = parseConcurDate(row.LastModifiedDate);
	if (created === undefined || modified === undefined) return 'updated';
	return Math.abs(modified - created) <= 5_000 ? 'created' : 'updated';
}

/**
 * Turns the new rows of a range into output items: the Event filter, then the optional full
 * fetch. A report deleted (or no longer visible) since it was listed answers 404: it is emitted
 * from its list row with `fullReportError` set, so one vanished report never blocks the others.
 * Any other failure (a 403 for the whole credential, a 500) fails the poll.
 */
export async function toReportItems(
	this: IPollFunctions,
	rows: Array<AcceptedRow<IDataObject>>,
	settings: ReportSettings,
): Promise<INodeExecutionData[]> {
	const items: INodeExecutionData[] = [];
	for (const { row, event } of rows) {
		if (!isWanted(event, settings.event)) continue;
		items.push({ json: settings.fullDetails ? await fullReport.call(this, row, event) : { ...row, event } });
	}
	return items;
}

/** One report fetched by ID (v3 refuses user=ALL here; the owner's login ID works for admins and owners). */
export async function fullReport(this: IPollFunctions, row: IDataObject, event: string): Promise<IDataObject> {
	if (typeof row.ID !== 'string') return { ...row, event };
	const qs: IDataObject = typeof row.OwnerLoginID === 'string' ? { user: row.OwnerLoginID } : {};
	let failure: unknown;
	try {
		const report = (await concurApiRequest.call(this, {
			method: 'GET',
			url: `${REPORTS_V3_PATH}/${encodeURIComponent(row.ID)}`,
			qs,
		})) as IDataObject;
		return { ...report, event };
	} catch (error) {
		failure = error;
	}
	if (failure instanceof NodeApiError && String(failure.httpCode) === '404') {
		return {
			...row,
			event,
			fullReportError: {
				httpCode: 404,
				message: `Concur answered 404 for report ${row.ID}: it was deleted or is no longer visible to this credential; this item is its list row`,
			},
		};
	}
	throw failure;
}
