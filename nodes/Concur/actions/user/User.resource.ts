import type { INodeProperties } from 'n8n-workflow';

import type { ConcurOperation } from '../node.type';
import * as create from './create.operation';
import * as deactivate from './deactivate.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getProvisioningStatus from './getProvisioningStatus.operation';
import * as search from './search.operation';
import * as update from './update.operation';

export const operations: Record<string, ConcurOperation> = { create, deactivate, get, getAll, getProvisioningStatus, search, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['user'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Create a user through User Provisioning; Concur finishes it asynchronously',
				action: 'Create a user',
			},
			{
				name: 'Deactivate',
				value: 'deactivate',
				description: 'Deactivate a user with a termination date through User Provisioning',
				action: 'Deactivate a user',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a user\'s identity profile by user ID (UUID)',
				action: 'Get a user',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get many users of the company, page by page',
				action: 'Get many users',
			},
			{
				name: 'Get Provisioning Status',
				value: 'getProvisioningStatus',
				description: 'Get the status of a Create, Update or Deactivate request by its provisioning request ID',
				action: 'Get the status of a user provisioning request',
			},
			{
				name: 'Search',
				value: 'search',
				description: 'Find users by user name, employee number, email or a SCIM filter',
				action: 'Search users',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Change a user\'s names, email, employee number, manager or title through User Provisioning',
				action: 'Update a user',
			},
		],
		default: 'get',
	},
	...create.description,
	...deactivate.description,
	...get.description,
	...getAll.description,
	...getProvisioningStatus.description,
	...search.description,
	...update.description,
];
