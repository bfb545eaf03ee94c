import type { INodeProperties } from 'n8n-workflow';

import type { ConcurOperation } from '../node.type';
import * as addExceptions from './addExceptions.operation';
import * as approve from './approve.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as recall from './recall.operation';
import * as sendBack from './sendBack.operation';

export const operations: Record<string, ConcurOperation> = { addExceptions, approve, get, getAll, recall, sendBack };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['report'] } },
		options: [
			{
				name: 'Add Exceptions',
				value: 'addExceptions',
				description: 'Add exceptions to a report (v4 or legacy v1.1)',
				action: 'Add exceptions to a report',
			},
			{
				name: 'Approve',
				value: 'approve',
				description: 'Approve a report in its workflow step',
				action: 'Approve a report',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a report by ID or by a Concur URL from an event',
				action: 'Get a report',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get many reports, filtered by status and dates',
				action: 'Get many reports',
			},
			{
				name: 'Recall',
				value: 'recall',
				description: 'Call a submitted report back to its owner (v4), e.g. to add a missing receipt',
				action: 'Recall a report',
			},
			{
				name: 'Send Back',
				value: 'sendBack',
				description: 'Send a report back to the employee',
				action: 'Send back a report',
			},
		],
		default: 'get',
	},
	...addExceptions.description,
	...approve.description,
	...get.description,
	...getAll.description,
	...recall.description,
	...sendBack.description,
];
