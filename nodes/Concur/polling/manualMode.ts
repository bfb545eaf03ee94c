import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { reportPageOf } from '../helpers/concurLists';
import { daysToMs, parseConcurDate, toConcurDate } from '../helpers/dates';
import { concurApiRequest, type ConcurRequestOptions } from '../transport';
import type { AcceptedRow } from '../helpers/cursor';
import { MAX_PAGES_PER_POLL, type ChangePage } from './changes';
import { listFailedNotifications } from './failedNotifications';
import { isWanted, sampleEvent, toReportItems } from './reportItems';
import { reportSettings, type ReportEvent } from './settings';
import { REPORTS_V3_PATH } from '../transport/paths';

/*
 * "Fetch test event": the newest matching item, without reading or touching the cursor.
 */

/** The newest match is looked for in growing windows (days), so the usual case stays cheap. */
const MANUAL_WINDOWS_DAYS = [1, 7, 30, 365];

/** The row whose `field` holds the newest date; on a tie, or without dates, the later row. */
export function newestBy<T extends IDataObject>(rows: T[], field: string): T | undefined {
	let newest: T | undefined;
	let newestTime = -Infinity;
	for (const row of rows) {
		const time = parseConcurDate(row[field]) ?? -Infinity;
		if (newest === undefined || time >= newestTime) {
			newest = row;
			newestTime = time;
		}
	}
	return newest;
}

/**
 * The newest row of a list read by modification date whose sampled event the Event parameter
 * wants, looked for in growing windows. `firstRequest(afterMs)` asks from that instant; `pageOf`
 * reads an answer (rows with ID, LastModifiedDate, CreateDate) and its next page.
 */
export async function newestChange(
	this: IPollFunctions,
	what: string,
	wanted: ReportEvent,
	firstRequest: (afterMs: number) => ConcurRequestOptions,
	pageOf: (body: unknown) => ChangePage,
): Promise<AcceptedRow<IDataObject>> {
	const now = Date.now();
	for (const days of MANUAL_WINDOWS_DAYS) {
		let newest: IDataObject | undefined;
		let request = firstRequest(now - daysToMs(days));
		for (let page = 1; page <= MAX_PAGES_PER_POLL; page++) {
			const { items, nextPage } = pageOf(await concurApiRequest.call(this, request));
			const matching = items.filter((row) => isWanted(sampleEvent(row), wanted));
			newest = newestBy(newest === undefined ? matching : [newest, ...matching], 'LastModifiedDate');
			if (!nextPage) break;
			request = { method: 'GET', url: nextPage };
		}
		if (newest) return { row: newest, event: sampleEvent(newest) };
	}
	throw new NodeOperationError(
		this.getNode(),
		`No ${what} matching the filters changed in the last ${MANUAL_WINDOWS_DAYS[MANUAL_WINDOWS_DAYS.length - 1]} days`,
	);
}

export async function newestExpenseReport(this: IPollFunctions): Promise<INodeExecutionData[][]> {
	const settings = reportSettings.call(this);
	const newest = await newestChange.call(
		this,
		'expense report',
		settings.event,
		(afterMs) => ({ method: 'GET', url: REPORTS_V3_PATH, qs: { ...settings.qs, limit: 100, modifiedDateAfter: toConcurDate(afterMs) } }),
		reportPageOf,
	);
	return [await toReportItems.call(this, [newest], settings)];
}

export async function newestFailedNotification(this: IPollFunctions): Promise<INodeExecutionData[][]> {
	const newest = newestBy(await listFailedNotifications.call(this), 'EventDateTime');
	if (!newest) throw new NodeOperationError(this.getNode(), 'Concur lists no failed notifications right now');
	return [[{ json: newest }]];
}
