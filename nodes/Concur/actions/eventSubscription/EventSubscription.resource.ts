import type { INodeProperties } from 'n8n-workflow';

import type { ConcurOperation } from '../node.type';
import * as deleteSubscription from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getTopics from './getTopics.operation';
import * as upsert from './upsert.operation';

export const operations: Record<string, ConcurOperation> = {
	delete: deleteSubscription,
	get,
	getAll,
	getTopics,
	upsert,
};

export const description: INodeProperties[] = [
	{
		displayName:
			'Managing event subscriptions needs a Concur OAuth2 credential with the Client Credentials grant: an app token whose app has the events.topic.read scope and the scope of each topic',
		name: 'eventSubscriptionNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['eventSubscription'] } },
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['eventSubscription'] } },
		options: [
			{
				name: 'Create or Update',
				value: 'upsert',
				description: 'Create a new record, or update the current one if it already exists (upsert)',
				action: 'Create or update an event subscription',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete an event subscription',
				action: 'Delete an event subscription',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get an event subscription',
				action: 'Get an event subscription',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get many of the app\'s event subscriptions',
				action: 'Get many event subscriptions',
			},
			{
				name: 'Get Topics',
				value: 'getTopics',
				description: 'Get the event topics the app may subscribe to',
				action: 'Get event topics',
			},
		],
		default: 'getAll',
	},
	...deleteSubscription.description,
	...get.description,
	...getAll.description,
	...getTopics.description,
	...upsert.description,
];
