import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { scopeToOperation } from '../displayOptions';
import { SUBSCRIPTIONS_PATH } from './utils';

const properties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

const displayOptions = { show: { resource: ['eventSubscription'], operation: ['getAll'] } };

export const description = scopeToOperation(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const response = await concurApiRequest.call(this, { method: 'GET', url: SUBSCRIPTIONS_PATH, format: 'json' });
	const subscriptions = (Array.isArray(response) ? response : []) as IDataObject[];
	if (this.getNodeParameter('returnAll', itemIndex) as boolean) return subscriptions;
	return subscriptions.slice(0, this.getNodeParameter('limit', itemIndex) as number);
}
