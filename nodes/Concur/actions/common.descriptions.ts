import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/** The Return All / Limit pair every Get Many operation shows (n8n's wording). */
export const returnAllOrLimit: INodeProperties[] = [
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

/** Applies Return All / Limit to a list Concur answers in one piece (not paged). */
export function applyReturnAllOrLimit(
	this: IExecuteFunctions,
	itemIndex: number,
	items: IDataObject[],
): IDataObject[] {
	if (this.getNodeParameter('returnAll', itemIndex) as boolean) return items;
	return items.slice(0, this.getNodeParameter('limit', itemIndex) as number);
}

/** The `sortDirection` option of the List v4 and List Item v4 lists (Concur's default: ascending). */
export const sortDirectionOption: INodeProperties = {
	displayName: 'Sort Direction',
	name: 'sortDirection',
	type: 'options',
	options: [
		{ name: 'Ascending', value: 'asc' },
		{ name: 'Descending', value: 'desc' },
	],
	default: 'asc',
	description: 'Whether Concur sorts ascending (A to Z) or descending',
};
