import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { scopeToOperation } from '../displayOptions';
import { LIST_ITEMS_PATH } from '../list/pages';
import { itemIdProperty, readItemId } from './descriptions';

const properties: INodeProperties[] = [itemIdProperty];

const displayOptions = { show: { resource: ['listItem'], operation: ['get'] } };

export const description = scopeToOperation(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const itemId = readItemId.call(this, itemIndex);
	return (await concurApiRequest.call(this, {
		method: 'GET',
		url: `${LIST_ITEMS_PATH}/${encodeURIComponent(itemId)}`,
		format: 'json',
	})) as IDataObject;
}
