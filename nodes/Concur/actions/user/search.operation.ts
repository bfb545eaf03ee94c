import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { returnAllOrLimit } from '../common.descriptions';
import { scopeToOperation } from '../displayOptions';
import { simplifyProperty } from './descriptions';
import { searchUsers } from './requests';
import type { UserSearchBy } from './scim';
import { buildUserFilter } from './scim';
import { simplifyUser } from './simplify';

const properties: INodeProperties[] = [
	{
		displayName: 'Search By',
		name: 'searchBy',
		type: 'options',
		options: [
			{ name: 'Email', value: 'email', description: 'An email address of the user (any type: work, home…)' },
			{ name: 'Employee Number', value: 'employeeNumber', description: 'The employee number the company gave the user' },
			{ name: 'SCIM Filter', value: 'filter', description: 'A SCIM filter you write, e.g. name.familyName sw "Do" and active eq true' },
			{ name: 'User Name', value: 'userName', description: 'The login name, e.g. jdoe@example.com' },
		],
		default: 'userName',
		description: 'What to find the user by. Every search is an exact match except with SCIM Filter.',
	},
	{
		displayName: 'Value',
		name: 'value',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. jdoe@example.com',
		description:
			'The exact user name, employee number or email to look for, as plain text: quotes and backslashes are escaped for you',
		displayOptions: { show: { searchBy: ['email', 'employeeNumber', 'userName'] } },
	},
	{
		displayName: 'SCIM Filter',
		name: 'filter',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. emails[type eq "work" and value ew "@example.com"]',
		description:
			'A SCIM filter as Concur\'s Identity v4.1 Search takes it: attribute, operator (eq, ne, co, sw, ew, pr, gt, ge, lt, le), value in double quotes, joined with and / or / not( ). Searchable attributes include userName, displayName, active, emails, name.givenName, name.familyName, externalId and urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber.',
		displayOptions: { show: { searchBy: ['filter'] } },
	},
	...returnAllOrLimit,
	simplifyProperty,
];

const displayOptions = { show: { resource: ['user'], operation: ['search'] } };

export const description = scopeToOperation(displayOptions, properties);

/** Identity v4.1 Search with a filter built from the parameters (or the user's own SCIM filter). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const by = this.getNodeParameter('searchBy', itemIndex, 'userName') as UserSearchBy;
	const raw = this.getNodeParameter(by === 'filter' ? 'filter' : 'value', itemIndex, '') as string;
	let filter: string;
	try {
		filter = buildUserFilter(by, String(raw ?? ''));
	} catch (error) {
		throw new NodeOperationError(this.getNode(), (error as Error).message, { itemIndex });
	}
	const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex) as number);
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
	const users = await searchUsers.call(this, itemIndex, filter, limit);
	return simplify ? users.map(simplifyUser) : users;
}
