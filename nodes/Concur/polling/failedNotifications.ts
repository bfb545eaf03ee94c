import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { notificationsOf } from '../helpers/concurLists';
import { createNotificationCursor, DEFAULT_MAX_KEYS, isNotificationCursorState, selectNotifications } from '../helpers/cursor';
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

/** Emits the failed notifications not emitted before. */
export async function pollFailedNotifications(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const listed = await listFailedNotifications.call(this);
	const staticData = this.getWorkflowStaticData('node');
	const stored = staticData.failedNotificationCursor;
	const firstPoll = !isNotificationCursorState(stored);
	const state = isNotificationCursorState(stored) ? stored : createNotificationCursor(firstRunFloor.call(this, Date.now(), 0));
	const { fresh, next } = selectNotifications(state, listed, DEFAULT_MAX_KEYS);
	staticData.failedNotificationCursor = next as unknown as IDataObject;
	// "Start From Now": what is listed at activation is remembered, not emitted.
	if ((firstPoll && startsFromNow.call(this)) || fresh.length === 0) return null;
	return handOff.call(
		this,
		staticData,
		fresh.map((notification) => ({ json: notification })),
	);
}
