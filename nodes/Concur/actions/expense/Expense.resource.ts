import type { INodeProperties } from 'n8n-workflow';

import type { ConcurOperation } from '../node.type';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getAttendees from './getAttendees.operation';
import * as getItemizations from './getItemizations.operation';

export const operations: Record<string, ConcurOperation> = { get, getAll, getAttendees, getItemizations };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['expense'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get one expense of a report with its type, amounts, receipt status and exceptions',
				action: 'Get an expense',
			},
			{
				name: 'Get Attendees',
				value: 'getAttendees',
				description: 'Get the attendees of an expense (e.g. a business meal)',
				action: 'Get the attendees of an expense',
			},
			{
				name: 'Get Itemizations',
				value: 'getItemizations',
				description: 'Get the itemizations of an expense (e.g. the nights and taxes of a hotel bill)',
				action: 'Get the itemizations of an expense',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get the expenses of a report: type, amounts, date, vendor, receipt status and exceptions',
				action: 'Get many expenses',
			},
		],
		default: 'getAll',
	},
	...get.description,
	...getAll.description,
	...getAttendees.description,
	...getItemizations.description,
];
