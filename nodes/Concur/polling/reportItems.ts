import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { parseConcurDate } from '../helpers/dates';
import { concurApiRequest } from '../transport';
import type { ReportSettings } from './settings';
import { REPORTS_V3_PATH } from '../transport/paths';

/** The v3 report list, and each report by ID under it. */

/**
 * Created or updated, as Cloud Elements' poller decides it: a report whose last modification is
 * within `toleranceMs` of its creation is new. Without usable dates it counts as updated.
 */
export function classifyReportChange(
	row: { CreateDate?: unknown; LastModifiedDate?: unknown },
	toleranceMs: number,
): 'created' | 'updated' {
	const created = parseConcurDate(row.CreateDate);
	const modified = parseConcurDate(row.LastModifiedDate);
	if (created === undefined || modified === undefined) return 'updated';
	return Math.abs(modified - created) <= toleranceMs ? 'created' : 'updated';
}

/** The row's event when the Event parameter asks for it, else undefined. */
export function wantedEvent(row: IDataObject, settings: ReportSettings): 'created' | 'updated' | undefined {
	const event = classifyReportChange(row, settings.toleranceMs);
	return settings.event === 'createdOrUpdated' || settings.event === event ? event : undefined;
}

/** Turns list rows into output items: the event filter, then the optional full fetch. */
export async function toReportItems(
	this: IPollFunctions,
	rows: IDataObject[],
	settings: ReportSettings,
): Promise<INodeExecutionData[]> {
	const items: INodeExecutionData[] = [];
	for (const row of rows) {
		const event = wantedEvent(row, settings);
		if (event === undefined) continue;
		let report: IDataObject = row;
		if (settings.fullDetails && typeof row.ID === 'string') {
			// v3 refuses user=ALL on a single report; the owner's login ID works for admins and owners.
			const qs: IDataObject = typeof row.OwnerLoginID === 'string' ? { user: row.OwnerLoginID } : {};
			report = (await concurApiRequest.call(this, {
				method: 'GET',
				url: `${REPORTS_V3_PATH}/${encodeURIComponent(row.ID)}`,
				qs,
			})) as IDataObject;
		}
		items.push({ json: { ...report, event } });
	}
	return items;
}
