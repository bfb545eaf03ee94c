import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { notificationsOf } from '../helpers/concurLists';
import { createNotificationCursor, readNotificationCursor, selectNotifications } from '../helpers/cursor';
import { concurApiRequest } from '../transport';
import { handOff } from './oneAtATime';
import { firstRunFloor, startsFromNow } from './settings';
import { NOTIFICATIONS_PATH } from '../transport/paths';


/** Every notification Concur could not deliver; the list is not paged. */
export async function listFailedNotifications(this: IPollFunctions): Promise<IDataObject[]> {
	const response = await concurApiRequest.call(this, {
		method: 'GET',
		url: NOTIFICATIONS_PATH,
		qs: { status: 'FAILED' },
	});
	return notificationsOf(response);
}

/**
 * Emits the failed notifications not emitted before. Each one emitted is remembered until it has
 * not been listed for a week, so an empty or partial answer in between repeats nothing.
 */
export async function pollFailedNotifications(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const listed = await listFailedNotifications.call(this);
	const staticData = this.getWorkflowStaticData('node');
	const now = Date.now();
	const stored = readNotificationCursor(staticData.failedNotificationCursor, now);
	const firstPoll = stored === undefined;
	const state = stored ?? createNotificationCursor(firstRunFloor.call(this, now, 0));
	const { fresh, next } = selectNotifications(state, listed, now);
	staticData.failedNotificationCursor = next as unknown as IDataObject;
	// "Start From Now": what is listed at activation is remembered, not emitted.
	if ((firstPoll && startsFromNow.call(this)) || fresh.length === 0) return null;
	return handOff.call(
		this,
		staticData,
		fresh.map((notification) => ({ json: notification })),
	);
}
