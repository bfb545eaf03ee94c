import type { INodeProperties } from 'n8n-workflow';

import type { ConcurOperation } from '../node.type';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const operations: Record<string, ConcurOperation> = { get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['list'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get a list by ID: its name, number of levels, category and whether it is managed',
				action: 'Get a list',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get many of the company\'s lists (e.g. cost centers, projects), filtered by name, category or levels',
				action: 'Get many lists',
			},
		],
		default: 'getAll',
	},
	...get.description,
	...getAll.description,
];
