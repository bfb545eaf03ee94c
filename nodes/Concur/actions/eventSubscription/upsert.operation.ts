import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { scopeToOperation } from '../displayOptions';
import {
	buildSubscription,
	isEndpointUrl,
	readSubscriptionId,
	SUBSCRIPTIONS_PATH,
	subscriptionIdProperty,
} from './utils';

const properties: INodeProperties[] = [
	subscriptionIdProperty(
		'A name for the subscription: lowercase letters, numbers, "." and "-", unique across Concur. An existing subscription of your app with this ID is updated.',
	),
	{
		displayName: 'Topic',
		name: 'topic',
		type: 'string',
		required: true,
		default: 'public.concur.expense.report',
		placeholder: 'e.g. public.concur.expense.report',
		description: 'The event topic to receive; Get Topics lists the topics your app may use',
	},
	{
		displayName: 'Filter',
		name: 'filter',
		type: 'string',
		required: true,
		default: '.*',
		placeholder: 'e.g. statusChanged',
		description: 'A regular expression on the event type; .* receives every event of the topic',
	},
	{
		displayName: 'Endpoint URL',
		name: 'endpoint',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://n8n.example.com/webhook/concur/events',
		description:
			'Where Concur posts the events, e.g. the production URL of a Concur Trigger. Concur requires a public HTTPS endpoint.',
	},
];

const displayOptions = { show: { resource: ['eventSubscription'], operation: ['upsert'] } };

export const description = scopeToOperation(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = readSubscriptionId.call(this, itemIndex);
	const topic = (this.getNodeParameter('topic', itemIndex) as string).trim();
	const filter = this.getNodeParameter('filter', itemIndex, '.*') as string;
	const endpoint = (this.getNodeParameter('endpoint', itemIndex) as string).trim();

	if (topic === '') throw new NodeOperationError(this.getNode(), 'The topic is empty', { itemIndex });
	if (filter === '') {
		throw new NodeOperationError(this.getNode(), 'The filter is empty', {
			itemIndex,
			description: 'Use .* to receive every event of the topic',
		});
	}
	if (!isEndpointUrl(endpoint)) {
		throw new NodeOperationError(this.getNode(), `The endpoint URL is not valid: ${endpoint}`, {
			itemIndex,
			description: 'Use an absolute https:// URL that Concur can reach',
		});
	}

	const subscription = buildSubscription(id, topic, filter, endpoint);
	const response = (await concurApiRequest.call(this, {
		method: 'PUT',
		url: `${SUBSCRIPTIONS_PATH}/webhook`,
		body: subscription,
		format: 'json',
	})) as IDataObject;
	return { ...subscription, message: response?.message };
}
