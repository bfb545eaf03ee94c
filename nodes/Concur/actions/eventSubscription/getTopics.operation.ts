import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { scopeToOperation } from '../displayOptions';
import { topicsToItems } from './utils';

const properties: INodeProperties[] = [];

const displayOptions = { show: { resource: ['eventSubscription'], operation: ['getTopics'] } };

export const description = scopeToOperation(displayOptions, properties);

export async function execute(this: IExecuteFunctions): Promise<IDataObject[]> {
	const response = await concurApiRequest.call(this, { method: 'GET', url: '/events/v4/topics', format: 'json' });
	return topicsToItems(response);
}
