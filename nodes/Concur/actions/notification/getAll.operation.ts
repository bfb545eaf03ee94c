import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { scopeToOperation } from '../displayOptions';
import { NOTIFICATIONS_PATH } from './utils';

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

const displayOptions = { show: { resource: ['notification'], operation: ['getAll'] } };

export const description = scopeToOperation(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
	// Concur lists notifications by status and only supports FAILED; the list is not paged.
	const response = await concurApiRequest.call(this, {
		method: 'GET',
		url: NOTIFICATIONS_PATH,
		qs: { status: 'FAILED' },
		format: 'json',
	});
	const notifications = (Array.isArray(response) ? response : []) as IDataObject[];
	if (returnAll) return notifications;
	const limit = this.getNodeParameter('limit', itemIndex) as number;
	return notifications.slice(0, limit);
}
