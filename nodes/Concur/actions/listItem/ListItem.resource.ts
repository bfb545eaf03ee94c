import type { INodeProperties } from 'n8n-workflow';

import type { ConcurOperation } from '../node.type';
import * as create from './create.operation';
import * as deleteItem from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as sync from './sync.operation';
import * as update from './update.operation';

export const operations: Record<string, ConcurOperation> = { create, delete: deleteItem, get, getAll, sync, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['listItem'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Create an item in a list, at the first level or under a parent item',
				action: 'Create a list item',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a list item and its children',
				action: 'Delete a list item',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a list item by ID',
				action: 'Get a list item',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get many items of a list, or the children of an item',
				action: 'Get many list items',
			},
			{
				name: 'Sync',
				value: 'sync',
				description:
					'Make a list hold exactly the input items: create what is missing, rename what changed, optionally delete the rest',
				action: 'Sync list items',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Change the code or name of a list item',
				action: 'Update a list item',
			},
		],
		default: 'getAll',
	},
	...create.description,
	...deleteItem.description,
	...get.description,
	...getAll.description,
	...sync.description,
	...update.description,
];
