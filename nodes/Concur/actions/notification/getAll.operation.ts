import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { notificationsOf } from '../../helpers/concurLists';
import { concurApiRequest } from '../../transport';
import { applyReturnAllOrLimit, returnAllOrLimit } from '../common.descriptions';
import { scopeToOperation } from '../displayOptions';
import { NOTIFICATIONS_PATH } from '../../transport/paths';

const displayOptions = { show: { resource: ['notification'], operation: ['getAll'] } };

export const description = scopeToOperation(displayOptions, returnAllOrLimit);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	// Concur lists notifications by status and only supports FAILED; the list is not paged.
	const response = await concurApiRequest.call(this, {
		method: 'GET',
		url: NOTIFICATIONS_PATH,
		qs: { status: 'FAILED' },
		format: 'json',
	});
	return applyReturnAllOrLimit.call(this, itemIndex, notificationsOf(response));
}
