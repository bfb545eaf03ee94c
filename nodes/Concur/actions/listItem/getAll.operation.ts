import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { returnAllOrLimit, sortDirectionOption } from '../common.descriptions';
import { scopeToOperation } from '../displayOptions';
import { readIdParameter } from '../expense/descriptions';
import { listIdProperty } from '../list/descriptions';
import { LIST_ITEMS_PATH, LISTS_PATH, readListPages } from '../list/pages';
import { itemFiltersProperty, itemIdProperty } from './descriptions';
import { readListTree } from './tree';

const properties: INodeProperties[] = [
	{
		displayName: 'Of',
		name: 'of',
		type: 'options',
		options: [
			{ name: 'Item', value: 'item', description: 'The direct children of a list item' },
			{ name: 'List', value: 'list', description: 'The first-level items of a list (or every level)' },
		],
		default: 'list',
		description: 'Whose items to get',
	},
	{
		...listIdProperty('The ID of the list (a UUID), from List > Get Many'),
		displayOptions: { show: { of: ['list'] } },
	},
	{ ...itemIdProperty, description: 'The ID of the parent item (a UUID) whose direct children to get', displayOptions: { show: { of: ['item'] } } },
	{
		...listIdProperty(
			'The list to read the children in, for an item shared between lists. Leave empty to read them across lists.',
		),
		required: false,
		displayOptions: { show: { of: ['item'] } },
	},
	...returnAllOrLimit,
	itemFiltersProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'All Levels',
				name: 'allLevels',
				type: 'boolean',
				default: false,
				displayOptions: { show: { '/of': ['list'] } },
				description:
					'Whether to get the items of every level (parents before their children), not only the first level. Takes one more call per item that has children.',
			},
			{
				displayName: 'Sort By',
				name: 'sortBy',
				type: 'options',
				options: [
					{ name: 'Code', value: 'shortCode' },
					{ name: 'Name', value: 'value' },
				],
				default: 'value',
				description: 'The field Concur sorts by (its default: name)',
			},
			sortDirectionOption,
		],
	},
];

const displayOptions = { show: { resource: ['listItem'], operation: ['getAll'] } };

export const description = scopeToOperation(displayOptions, properties);

export interface ItemFilters {
	code?: string;
	codeOrName?: string;
	name?: string;
	includeDeleted?: boolean;
	onlyWithChildren?: boolean;
}

/** The query of Concur's item listings: filters as typed (Concur's `<op>:<value>` syntax), sort. */
export function buildItemQuery(filters: ItemFilters, options: { sortBy?: string; sortDirection?: string }): IDataObject {
	const qs: IDataObject = {};
	const text: Array<[keyof ItemFilters, string]> = [
		['code', 'shortCode'],
		['codeOrName', 'shortCodeOrValue'],
		['name', 'value'],
	];
	for (const [filter, parameter] of text) {
		const value = String(filters[filter] ?? '').trim();
		if (value !== '') qs[parameter] = value;
	}
	if (filters.includeDeleted) qs.isDeleted = true;
	if (filters.onlyWithChildren) qs.hasChildren = true;
	if (options.sortBy) qs.sortBy = options.sortBy;
	if (options.sortDirection) qs.sortDirection = options.sortDirection;
	return qs;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const of = this.getNodeParameter('of', itemIndex, 'list') as string;
	const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex) as number);
	const options = this.getNodeParameter('options', itemIndex, {}) as { allLevels?: boolean; sortBy?: string; sortDirection?: string };
	const qs = buildItemQuery(this.getNodeParameter('filters', itemIndex, {}) as ItemFilters, options);

	if (of === 'item') {
		const itemId = encodeURIComponent(readIdParameter.call(this, itemIndex, 'itemId', 'item ID'));
		const listId = (this.getNodeParameter('listId', itemIndex, '') as string).trim();
		const url =
			listId === ''
				? `${LIST_ITEMS_PATH}/${itemId}/children`
				: `${LISTS_PATH}/${encodeURIComponent(readIdParameter.call(this, itemIndex, 'listId', 'list ID'))}/items/${itemId}/children`;
		return await readListPages.call(this, url, qs, limit);
	}
	const listId = readIdParameter.call(this, itemIndex, 'listId', 'list ID');
	if (options.allLevels) {
		const rows = await readListTree.call(this, listId, qs);
		return limit === undefined ? rows : rows.slice(0, limit);
	}
	return await readListPages.call(this, `${LISTS_PATH}/${encodeURIComponent(listId)}/children`, qs, limit);
}
