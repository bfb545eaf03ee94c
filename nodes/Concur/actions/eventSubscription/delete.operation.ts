import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { scopeToOperation } from '../displayOptions';
import { SUBSCRIPTIONS_PATH, subscriptionIdProblem } from './utils';

const properties: INodeProperties[] = [
	{
		displayName: 'Subscription ID',
		name: 'subscriptionId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. n8n-expense-reports',
		description: 'The ID of the subscription to delete',
	},
];

const displayOptions = { show: { resource: ['eventSubscription'], operation: ['delete'] } };

export const description = scopeToOperation(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = (this.getNodeParameter('subscriptionId', itemIndex) as string).trim();
	const idProblem = subscriptionIdProblem(id);
	if (idProblem) throw new NodeOperationError(this.getNode(), idProblem, { itemIndex });

	await concurApiRequest.call(this, {
		method: 'DELETE',
		url: `${SUBSCRIPTIONS_PATH}/${encodeURIComponent(id)}`,
		format: 'json',
	});
	return { deleted: true };
}
