import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { scopeToOperation } from '../displayOptions';
import { readUserId, userIdProperty, waitProperties } from './descriptions';
import { provisionUsers } from './requests';
import type { UserChanges } from './scim';
import { patchUserBulkBody, userPatchOperations } from './scim';

const properties: INodeProperties[] = [
	userIdProperty,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Email',
				name: 'email',
				type: 'string',
				default: '',
				placeholder: 'e.g. jdoe@example.com',
				description: 'The new work email address',
			},
			{
				displayName: 'Employee Number',
				name: 'employeeNumber',
				type: 'string',
				default: '',
				placeholder: 'e.g. 12345',
				description: 'The new employee number, unique within the company',
			},
			{
				displayName: 'External ID',
				name: 'externalId',
				type: 'string',
				default: '',
				placeholder: 'e.g. HR-0042',
				description: 'The ID of the user in your own system (needs the identity.user.externalID.writeonly scope)',
			},
			{
				displayName: 'Family Name',
				name: 'familyName',
				type: 'string',
				default: '',
				placeholder: 'e.g. Doe',
				description: 'The new last name',
			},
			{
				displayName: 'Given Name',
				name: 'givenName',
				type: 'string',
				default: '',
				placeholder: 'e.g. John',
				description: 'The new first name',
			},
			{
				displayName: 'Manager ID',
				name: 'managerId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 3df11695-e8bb-40ff-8e98-c85913ab2789',
				description: 'The Concur user ID (UUID) of the new line manager',
			},
			{
				displayName: 'Title',
				name: 'title',
				type: 'string',
				default: '',
				placeholder: 'e.g. Sales Manager',
				description: 'The new job title',
			},
			{
				displayName: 'User Name',
				name: 'userName',
				type: 'string',
				default: '',
				placeholder: 'e.g. john.doe@example.com',
				description: 'The new login name (user@domain), unique across all of SAP Concur',
			},
		],
	},
	...waitProperties,
];

const displayOptions = { show: { resource: ['user'], operation: ['update'] } };

export const description = scopeToOperation(displayOptions, properties);

/** `PATCH /profile/v4/Bulk` replacing the fields that are set; Concur answers with a provisioning request. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const userId = readUserId.call(this, itemIndex);
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const changes: UserChanges = {};
	for (const key of ['email', 'employeeNumber', 'externalId', 'familyName', 'givenName', 'managerId', 'title', 'userName'] as const) {
		const value = fields[key];
		if (typeof value === 'string' || typeof value === 'number') changes[key] = String(value);
	}
	const operations = userPatchOperations(changes);
	if (operations.length === 0) {
		throw new NodeOperationError(this.getNode(), `Nothing to update for user ${userId}`, {
			itemIndex,
			description: 'Add at least one field under Update Fields',
		});
	}
	return await provisionUsers.call(this, itemIndex, 'PATCH', patchUserBulkBody(userId, operations), `update the user ${userId}`, userId);
}
