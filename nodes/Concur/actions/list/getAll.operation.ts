import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { returnAllOrLimit, sortDirectionOption } from '../common.descriptions';
import { scopeToOperation } from '../displayOptions';
import type { ListFilters, ListSort } from './descriptions';
import { buildListQuery } from './descriptions';
import { LISTS_PATH, readListPages } from './pages';

const properties: INodeProperties[] = [
	...returnAllOrLimit,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Category Type',
				name: 'categoryType',
				type: 'string',
				default: '',
				placeholder: 'e.g. Vendor',
				description:
					'Only lists of this category type (e.g. Normal, Vendor, Configuration). Prefix not: to exclude it, e.g. not:Configuration.',
			},
			{
				displayName: 'Include Deleted Lists Only',
				name: 'isDeleted',
				type: 'boolean',
				default: false,
				description: 'Whether to list deleted lists instead of active ones',
			},
			{
				displayName: 'Level Count',
				name: 'levelCount',
				type: 'string',
				default: '',
				placeholder: 'e.g. gt:1',
				description:
					'Only lists with this number of levels: a number, or an operator and a number (eq:, gt:, gte:, lt:, lte:), e.g. gt:1 for connected lists',
			},
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				placeholder: 'e.g. sw:Cost',
				description:
					'Only lists whose name matches: the exact name, or an operator and a text (eq:, not:, sw: starts with, ew: ends with, cp: contains), e.g. cp:Project',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Sort By',
				name: 'sortBy',
				type: 'options',
				options: [
					{ name: 'Category', value: 'listcategory' },
					{ name: 'Level Count', value: 'levelcount' },
					{ name: 'Name', value: 'name' },
				],
				default: 'name',
				description: 'The field Concur sorts by (its default: name)',
			},
			sortDirectionOption,
		],
	},
];

const displayOptions = { show: { resource: ['list'], operation: ['getAll'] } };

export const description = scopeToOperation(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex) as number);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as ListFilters;
	const sort = this.getNodeParameter('options', itemIndex, {}) as ListSort;
	// "Include Deleted Lists Only" off means Concur's default (active lists): the filter is not sent.
	const qs = buildListQuery({ ...filters, isDeleted: filters.isDeleted ? true : undefined }, sort);
	return await readListPages.call(this, LISTS_PATH, qs, limit);
}
