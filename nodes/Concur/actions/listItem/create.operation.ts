import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { scopeToOperation } from '../displayOptions';
import { listIdProperty, readListId } from '../list/descriptions';
import { LIST_ITEMS_PATH } from '../list/pages';
import { checkId, checkShortCode } from './descriptions';

const properties: INodeProperties[] = [
	listIdProperty('The ID of the list (a UUID) to add the item to'),
	{
		displayName: 'Code',
		name: 'shortCode',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. CC1000',
		description:
			'The item\'s own code (Concur\'s shortCode), without hyphens: Concur joins the codes of the levels with hyphens into the long code, e.g. PRJ1-TASK2',
	},
	{
		displayName: 'Name',
		name: 'value',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Marketing',
		description: 'The name users see (Concur\'s value). Concur advises against hyphens in names too.',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Parent Code',
				name: 'parentCode',
				type: 'string',
				default: '',
				placeholder: 'e.g. PRJ1',
				description: 'The long code of the parent item, for an item below the first level (connected lists)',
			},
			{
				displayName: 'Parent ID',
				name: 'parentId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 7c6d0435-c4d1-8b48-8492-7e7b625e148d',
				description: 'The ID of the parent item, instead of its code',
			},
		],
	},
];

const displayOptions = { show: { resource: ['listItem'], operation: ['create'] } };

export const description = scopeToOperation(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const listId = readListId.call(this, itemIndex);
	const shortCode = checkShortCode.call(this, itemIndex, this.getNodeParameter('shortCode', itemIndex) as string);
	const value = (this.getNodeParameter('value', itemIndex) as string).trim();
	const additional = this.getNodeParameter('additionalFields', itemIndex, {}) as { parentCode?: string; parentId?: string };
	const body: IDataObject = { listId, shortCode, value };
	const parentCode = (additional.parentCode ?? '').trim();
	if (parentCode !== '') body.parentCode = parentCode;
	const parentId = (additional.parentId ?? '').trim();
	if (parentId !== '') body.parentId = checkId.call(this, itemIndex, parentId, 'parent ID');
	return (await concurApiRequest.call(this, { method: 'POST', url: LIST_ITEMS_PATH, body, format: 'json' })) as IDataObject;
}
