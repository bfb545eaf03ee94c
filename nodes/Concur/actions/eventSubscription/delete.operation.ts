import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { scopeToOperation } from '../displayOptions';
import { readSubscriptionId, SUBSCRIPTIONS_PATH, subscriptionIdProperty } from './utils';

const properties: INodeProperties[] = [subscriptionIdProperty('The ID of the subscription to delete')];

const displayOptions = { show: { resource: ['eventSubscription'], operation: ['delete'] } };

export const description = scopeToOperation(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = readSubscriptionId.call(this, itemIndex);

	await concurApiRequest.call(this, {
		method: 'DELETE',
		url: `${SUBSCRIPTIONS_PATH}/${encodeURIComponent(id)}`,
		format: 'json',
	});
	return { deleted: true };
}
