import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { scopeToOperation } from '../displayOptions';
import { readSubscriptionId, SUBSCRIPTIONS_PATH, subscriptionIdProperty } from './utils';

const properties: INodeProperties[] = [subscriptionIdProperty('The ID of the subscription')];

const displayOptions = { show: { resource: ['eventSubscription'], operation: ['get'] } };

export const description = scopeToOperation(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = readSubscriptionId.call(this, itemIndex);

	const response = await concurApiRequest.call(this, {
		method: 'GET',
		url: `${SUBSCRIPTIONS_PATH}/${encodeURIComponent(id)}`,
		format: 'json',
	});
	// Concur answers with an array holding the one subscription.
	const subscription = Array.isArray(response) ? (response[0] as IDataObject | undefined) : (response as IDataObject);
	if (!subscription || typeof subscription !== 'object' || Object.keys(subscription).length === 0) {
		throw new NodeOperationError(this.getNode(), `The subscription "${id}" was not found`, { itemIndex });
	}
	return subscription;
}
