import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { scopeToOperation } from '../displayOptions';
import { LIST_ITEMS_PATH, LISTS_PATH } from '../list/pages';
import { checkId, itemIdProperty, readItemId } from './descriptions';

const properties: INodeProperties[] = [
	{ ...itemIdProperty, description: 'The ID of the list item (a UUID) to delete. Its children are deleted with it.' },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Only From List ID',
				name: 'listId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 80edb3fa-c15e-a34a-b97f-f2ec291ab44f',
				description:
					'Delete the item from this list only, for an item shared between lists. Leave empty to delete it from every list.',
			},
		],
	},
];

const displayOptions = { show: { resource: ['listItem'], operation: ['delete'] } };

export const description = scopeToOperation(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const itemId = encodeURIComponent(readItemId.call(this, itemIndex));
	const options = this.getNodeParameter('options', itemIndex, {}) as { listId?: string };
	const url =
		(options.listId ?? '').trim() === ''
			? `${LIST_ITEMS_PATH}/${itemId}`
			: `${LISTS_PATH}/${encodeURIComponent(checkId.call(this, itemIndex, options.listId ?? '', 'list ID'))}/items/${itemId}`;
	await concurApiRequest.call(this, { method: 'DELETE', url, format: 'json' });
	return [{ deleted: true }];
}
