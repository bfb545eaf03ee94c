import type { INodeProperties } from 'n8n-workflow';

import type { ConcurOperation } from '../node.type';
import * as approve from './approve.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as recall from './recall.operation';
import * as sendBack from './sendBack.operation';

export const operations: Record<string, ConcurOperation> = { approve, get, getAll, recall, sendBack };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['travelRequest'] } },
		options: [
			{
				name: 'Approve',
				value: 'approve',
				description: 'Approve a travel request: it moves to the next approval step',
				action: 'Approve a travel request',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a travel request by ID or by the URL a request event carries',
				action: 'Get a travel request',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get many travel requests of a view (e.g. To Approve), filtered by dates',
				action: 'Get many travel requests',
			},
			{
				name: 'Recall',
				value: 'recall',
				description: 'Call a submitted travel request back to its owner',
				action: 'Recall a travel request',
			},
			{
				name: 'Send Back',
				value: 'sendBack',
				description: 'Send a travel request back to the traveler',
				action: 'Send back a travel request',
			},
		],
		default: 'get',
	},
	...approve.description,
	...get.description,
	...getAll.description,
	...recall.description,
	...sendBack.description,
];
