import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { nextPageUrl, requestsOfPage } from '../helpers/concurLists';
import type { ChangeRow, ListWindow } from '../helpers/cursor';
import { daysToMs, toRequestDate } from '../helpers/dates';
import { concurApiRequest, type ConcurRequestOptions } from '../transport';
import { TRAVEL_REQUESTS_V4_PATH } from '../transport/paths';
import { MAX_PAGES_PER_POLL, pollChanges, type ChangePage } from './changes';
import { newestBy } from './manualMode';
import { isWanted, sampleEvent } from './reportItems';
import { travelRequestSettings, type TravelRequestSettings } from './settings';

/*
 * Travel requests (Request v4 list), read by `lastModified` with the same cursor as expense
 * reports: the list documents `modifiedAfter` / `modifiedBefore` in whole seconds and its default
 * order is by start date, neither of which the cursor relies on (helpers/cursor.ts).
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

function listRequest(settings: TravelRequestSettings, window: ListWindow): ConcurRequestOptions {
	const qs: IDataObject = { ...settings.qs, modifiedAfter: toRequestDate(window.after) };
	// The filter takes whole seconds: the next second up keeps every row of the range's last second in.
	if (window.before !== undefined) qs.modifiedBefore = toRequestDate(Math.ceil(window.before / 1_000) * 1_000);
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
				.map(({ row, event }) => ({ json: { ...((row as RequestRow).request ?? {}), event } }));
		},
	});
}

/** The newest match is looked for in growing windows (days), so the usual case stays cheap. */
const MANUAL_WINDOWS_DAYS = [1, 7, 30, 365];

/** "Fetch test event": the newest matching request, without reading or touching the cursor. */
export async function newestTravelRequest(this: IPollFunctions): Promise<INodeExecutionData[][]> {
	const settings = travelRequestSettings.call(this);
	const now = Date.now();
	for (const days of MANUAL_WINDOWS_DAYS) {
		let newest: IDataObject | undefined;
		let request: ConcurRequestOptions = {
			method: 'GET',
			url: TRAVEL_REQUESTS_V4_PATH,
			qs: { ...settings.qs, limit: 100, modifiedAfter: toRequestDate(now - daysToMs(days)) },
		};
		for (let page = 1; page <= MAX_PAGES_PER_POLL; page++) {
			const { items, nextPage } = requestPageOf(await concurApiRequest.call(this, request));
			const matching = items.filter((row) => isWanted(sampleEvent(row), settings.event));
			newest = newestBy(newest === undefined ? matching : [newest, ...matching], 'LastModifiedDate');
			if (!nextPage) break;
			request = { method: 'GET', url: nextPage };
		}
		if (newest) return [[{ json: { ...((newest as RequestRow).request ?? {}), event: sampleEvent(newest) } }]];
	}
	throw new NodeOperationError(
		this.getNode(),
		`No travel request matching the filters changed in the last ${MANUAL_WINDOWS_DAYS[MANUAL_WINDOWS_DAYS.length - 1]} days`,
	);
}
