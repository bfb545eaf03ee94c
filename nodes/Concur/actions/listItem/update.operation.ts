import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { scopeToOperation } from '../displayOptions';
import { LIST_ITEMS_PATH } from '../list/pages';
import { checkShortCode, itemIdProperty, readItemId } from './descriptions';

const properties: INodeProperties[] = [
	itemIdProperty,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Code',
				name: 'shortCode',
				type: 'string',
				default: '',
				placeholder: 'e.g. CC1000',
				description: 'The new code of the item (Concur\'s shortCode), without hyphens',
			},
			{
				displayName: 'Name',
				name: 'value',
				type: 'string',
				default: '',
				placeholder: 'e.g. Marketing',
				description: 'The new name of the item (Concur\'s value)',
			},
		],
	},
];

const displayOptions = { show: { resource: ['listItem'], operation: ['update'] } };

export const description = scopeToOperation(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const itemId = readItemId.call(this, itemIndex);
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as { shortCode?: string; value?: string };
	let shortCode = (fields.shortCode ?? '').trim();
	let value = (fields.value ?? '').trim();
	if (shortCode === '' && value === '') {
		throw new NodeOperationError(this.getNode(), 'Nothing to update', {
			itemIndex,
			description: 'Add a new Code or Name under Update Fields',
		});
	}
	if (shortCode !== '') shortCode = checkShortCode.call(this, itemIndex, shortCode);
	const url = `${LIST_ITEMS_PATH}/${encodeURIComponent(itemId)}`;
	if (shortCode === '' || value === '') {
		// Concur's update takes both: the one not given is kept as Concur has it.
		const current = (await concurApiRequest.call(this, { method: 'GET', url, format: 'json' })) as IDataObject;
		if (shortCode === '') shortCode = typeof current.shortCode === 'string' ? current.shortCode : '';
		if (value === '') value = typeof current.value === 'string' ? current.value : '';
	}
	return (await concurApiRequest.call(this, { method: 'PUT', url, body: { shortCode, value }, format: 'json' })) as IDataObject;
}
