import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readIdParameter } from '../expense/descriptions';
import { scopeToOperation } from '../displayOptions';
import { describeProvision } from './provisioning';
import { readProvisionStatus } from './requests';

const properties: INodeProperties[] = [
	{
		displayName: 'Provisioning Request ID',
		name: 'provisionId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 2b41c0c1-15f7-41cc-99bb-a82b5da128a2',
		description: 'The provisionId that User > Create, Update or Deactivate returned',
	},
	{
		displayName: 'Include Operations',
		name: 'includeOperations',
		type: 'boolean',
		default: true,
		description:
			'Whether to include the status of each operation, with the ID of the user it created or changed and Concur\'s error messages',
	},
];

const displayOptions = { show: { resource: ['user'], operation: ['getProvisioningStatus'] } };

export const description = scopeToOperation(displayOptions, properties);

/** `GET /profile/v4/provisions/{id}/status` (with `attributes=operations` for the details). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const provisionId = readIdParameter.call(this, itemIndex, 'provisionId', 'provisioning request ID');
	const operations = this.getNodeParameter('includeOperations', itemIndex, true) as boolean;
	return describeProvision(await readProvisionStatus.call(this, itemIndex, provisionId, operations));
}
