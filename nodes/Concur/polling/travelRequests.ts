import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { nextPageUrl, requestsOfPage } from '../helpers/concurLists';
import type { ChangeRow, ListWindow } from '../helpers/cursor';
import { toRequestDate } from '../helpers/dates';
import type { ConcurRequestOptions } from '../transport';
import { TRAVEL_REQUESTS_V4_PATH } from '../transport/paths';
import { pollChanges, type ChangePage } from './changes';
import { newestChange } from './manualMode';
import { isWanted } from './reportItems';
import { travelRequestSettings, type TravelRequestSettings } from './settings';

/*
 * Travel requests (Request v4 list), read by `lastModified` with the same cursor as expense
 * reports: the list documents `modifiedAfter` / `modifiedBefore` (to the millisecond) but not how
 * they cut, and its default order is by start date; the cursor relies on neither
 * (helpers/cursor.ts).
 */

/** A request as the cursor reads it: its ID and dates under the v3 names, the request itself kept. */
type RequestRow = IDataObject & ChangeRow & { request: IDataObject };

function requestPageOf(body: unknown): ChangePage {
	const items: RequestRow[] = requestsOfPage(body).map((request) => ({
		ID: request.id,
		LastModifiedDate: request.lastModified,
		CreateDate: request.creationDate,
		request,
	}));
	return { items, nextPage: nextPageUrl(body) };
}

/** The output item: the request as Concur listed it, with the event. */
function requestItem(row: IDataObject, event: 'created' | 'updated'): INodeExecutionData {
	return { json: { ...((row as RequestRow).request ?? {}), event } };
}

function listRequest(settings: TravelRequestSettings, window: ListWindow): ConcurRequestOptions {
	const qs: IDataObject = { ...settings.qs, modifiedAfter: toRequestDate(window.after) };
	if (window.before !== undefined) qs.modifiedBefore = toRequestDate(window.before);
	return { method: 'GET', url: TRAVEL_REQUESTS_V4_PATH, qs };
}

/** Emits the travel requests changed since the cursor, each with `event: "created" | "updated"`. */
export async function pollTravelRequests(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = travelRequestSettings.call(this);
	return await pollChanges.call(this, {
		stateKey: 'travelRequestCursor',
		lookBackMs: settings.lookBackMs,
		pageSize: settings.pageSize,
		maxItemsPerPoll: settings.maxItemsPerPoll,
		listRequest: (window) => listRequest(settings, window),
		pageOf: requestPageOf,
		async toItems(rows) {
			return rows
				.filter(({ event }) => isWanted(event, settings.event))
				.map(({ row, event }) => requestItem(row, event));
		},
	});
}

/** "Fetch test event": the newest matching request, without reading or touching the cursor. */
export async function newestTravelRequest(this: IPollFunctions): Promise<INodeExecutionData[][]> {
	const settings = travelRequestSettings.call(this);
	const newest = await newestChange.call(
		this,
		'travel request',
		settings.event,
		(afterMs) => ({ method: 'GET', url: TRAVEL_REQUESTS_V4_PATH, qs: { ...settings.qs, limit: 100, modifiedAfter: toRequestDate(afterMs) } }),
		requestPageOf,
	);
	return [[requestItem(newest.row, newest.event)]];
}
