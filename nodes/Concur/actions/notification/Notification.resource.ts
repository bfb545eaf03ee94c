import type { INodeProperties } from 'n8n-workflow';

import type { ConcurOperation } from '../node.type';
import * as deleteNotification from './delete.operation';
import * as getAll from './getAll.operation';

export const operations: Record<string, ConcurOperation> = { delete: deleteNotification, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['notification'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a failed callout notification',
				action: 'Delete a notification',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get the callout notifications Concur could not deliver',
				action: 'Get many notifications',
			},
		],
		default: 'getAll',
	},
	...deleteNotification.description,
	...getAll.description,
];
