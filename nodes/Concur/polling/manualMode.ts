import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { reportPageOf } from '../helpers/concurLists';
import { daysToMs, parseConcurDate, toConcurDate } from '../helpers/dates';
import { concurApiRequest, type ConcurRequestOptions } from '../transport';
import { MAX_PAGES_PER_POLL } from './changes';
import { listFailedNotifications } from './failedNotifications';
import { isWanted, sampleEvent, toReportItems } from './reportItems';
import { reportSettings } from './settings';
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

export async function newestExpenseReport(this: IPollFunctions): Promise<INodeExecutionData[][]> {
	const settings = reportSettings.call(this);
	const now = Date.now();
	for (const days of MANUAL_WINDOWS_DAYS) {
		let newest: IDataObject | undefined;
		let request: ConcurRequestOptions = {
			method: 'GET',
			url: REPORTS_V3_PATH,
			qs: { ...settings.qs, limit: 100, modifiedDateAfter: toConcurDate(now - daysToMs(days)) },
		};
		for (let page = 1; page <= MAX_PAGES_PER_POLL; page++) {
			const { items, nextPage } = reportPageOf(await concurApiRequest.call(this, request));
			const matching = items.filter((row) => isWanted(sampleEvent(row), settings.event));
			newest = newestBy(newest === undefined ? matching : [newest, ...matching], 'LastModifiedDate');
			if (!nextPage) break;
			request = { method: 'GET', url: nextPage };
		}
		if (newest) return [await toReportItems.call(this, [{ row: newest, event: sampleEvent(newest) }], settings)];
	}
	throw new NodeOperationError(
		this.getNode(),
		`No expense report matching the filters changed in the last ${MANUAL_WINDOWS_DAYS[MANUAL_WINDOWS_DAYS.length - 1]} days`,
	);
}

export async function newestFailedNotification(this: IPollFunctions): Promise<INodeExecutionData[][]> {
	const newest = newestBy(await listFailedNotifications.call(this), 'EventDateTime');
	if (!newest) throw new NodeOperationError(this.getNode(), 'Concur lists no failed notifications right now');
	return [[{ json: newest }]];
}
