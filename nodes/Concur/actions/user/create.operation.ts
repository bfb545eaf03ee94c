import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { scopeToOperation } from '../displayOptions';
import { waitProperties } from './descriptions';
import { provisionUsers } from './requests';
import { createUserBulkBody } from './scim';

const properties: INodeProperties[] = [
	{
		displayName: 'User Name',
		name: 'userName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. jdoe@example.com',
		description: 'The login name of the new user, in user@domain form, unique across all of SAP Concur',
	},
	{
		displayName: 'Given Name',
		name: 'givenName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. John',
		description: 'The first name of the user',
	},
	{
		displayName: 'Family Name',
		name: 'familyName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Doe',
		description: 'The last name of the user',
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. jdoe@example.com',
		description: 'The work email address of the user',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Active',
				name: 'active',
				type: 'boolean',
				default: true,
				description: 'Whether the user is active (can sign in) once created',
			},
			{
				displayName: 'Company ID',
				name: 'companyId',
				type: 'string',
				default: '',
				placeholder: 'e.g. aa076ada-80a9-4f57-8e98-9300b1c3171d',
				description:
					'The company\'s Concur ID (a UUID): companyId of an existing user (User > Get with Simplify). Leave empty to use the Company UUID of a Company Request Token credential.',
			},
			{
				displayName: 'Employee Number',
				name: 'employeeNumber',
				type: 'string',
				default: '',
				placeholder: 'e.g. 12345',
				description: 'The employee number, unique within the company',
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
				displayName: 'Manager ID',
				name: 'managerId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 3df11695-e8bb-40ff-8e98-c85913ab2789',
				description: 'The Concur user ID (UUID) of the user\'s line manager (not an approver: Concur does not sync it to approvals)',
			},
			{
				displayName: 'Title',
				name: 'title',
				type: 'string',
				default: '',
				placeholder: 'e.g. Sales Manager',
				description: 'The job title of the user',
			},
		],
	},
	...waitProperties,
];

const displayOptions = { show: { resource: ['user'], operation: ['create'] } };

export const description = scopeToOperation(displayOptions, properties);

/** The Company UUID of a Company Request Token credential, or '' (read apart from any request). */
async function credentialCompanyId(this: IExecuteFunctions): Promise<string> {
	const credential = await this.getCredentials('concurOAuth2Api');
	return credential.grantType === 'companyRequestToken' && typeof credential.companyUuid === 'string'
		? credential.companyUuid.trim()
		: '';
}

/** `POST /profile/v4/Bulk` with one POST /Users operation; Concur answers with a provisioning request. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const read = (name: string) => String(this.getNodeParameter(name, itemIndex, '') ?? '').trim();
	const additional = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const required: Array<[string, string]> = [
		['userName', 'User Name'],
		['givenName', 'Given Name'],
		['familyName', 'Family Name'],
		['email', 'Email'],
	];
	for (const [name, label] of required) {
		if (read(name) === '') throw new NodeOperationError(this.getNode(), `Enter the ${label} of the user to create`, { itemIndex });
	}
	let companyId = typeof additional.companyId === 'string' ? additional.companyId.trim() : '';
	if (companyId === '') companyId = await credentialCompanyId.call(this);
	if (companyId === '') {
		throw new NodeOperationError(this.getNode(), 'Enter the Company ID of the user to create', {
			itemIndex,
			description: 'Concur requires the company\'s ID (companyId of an existing user, from User > Get) unless the credential uses the Company Request Token grant',
		});
	}
	const userName = read('userName');
	const body = createUserBulkBody(
		{
			userName,
			givenName: read('givenName'),
			familyName: read('familyName'),
			email: read('email'),
			companyId,
			active: typeof additional.active === 'boolean' ? additional.active : true,
			employeeNumber: additional.employeeNumber as string | undefined,
			externalId: additional.externalId as string | undefined,
			managerId: additional.managerId as string | undefined,
			title: additional.title as string | undefined,
		},
		'n8n-create-user',
	);
	return await provisionUsers.call(this, itemIndex, 'POST', body, `create the user ${userName}`);
}
