import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { returnAllOrLimit } from '../common.descriptions';
import { scopeToOperation } from '../displayOptions';
import { simplifyProperty } from './descriptions';
import { searchUsers } from './requests';
import { simplifyUser } from './simplify';

const properties: INodeProperties[] = [
	...returnAllOrLimit,
	{
		displayName: 'Active Only',
		name: 'activeOnly',
		type: 'boolean',
		default: false,
		description: 'Whether to list only active users (SCIM filter active eq true) instead of every user of the company',
	},
	simplifyProperty,
];

const displayOptions = { show: { resource: ['user'], operation: ['getAll'] } };

export const description = scopeToOperation(displayOptions, properties);

/** Every user of the company (Identity v4.1 Search without a filter), page by page. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex) as number);
	const activeOnly = this.getNodeParameter('activeOnly', itemIndex, false) as boolean;
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
	const users = await searchUsers.call(this, itemIndex, activeOnly ? 'active eq true' : undefined, limit);
	return simplify ? users.map(simplifyUser) : users;
}
