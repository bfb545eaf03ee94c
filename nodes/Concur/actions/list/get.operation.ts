import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { scopeToOperation } from '../displayOptions';
import { listIdProperty, readListId } from './descriptions';
import { LISTS_PATH } from './pages';

const properties: INodeProperties[] = [
	listIdProperty('The ID of the list (a UUID), from List > Get Many'),
];

const displayOptions = { show: { resource: ['list'], operation: ['get'] } };

export const description = scopeToOperation(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const listId = readListId.call(this, itemIndex);
	return (await concurApiRequest.call(this, {
		method: 'GET',
		url: `${LISTS_PATH}/${encodeURIComponent(listId)}`,
		format: 'json',
	})) as IDataObject;
}
