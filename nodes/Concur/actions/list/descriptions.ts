import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readIdParameter } from '../expense/descriptions';

/** The List ID parameter, worded for the operation that shows it. */
export function listIdProperty(description: string): INodeProperties {
	return {
		displayName: 'List ID',
		name: 'listId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 80edb3fa-c15e-a34a-b97f-f2ec291ab44f',
		description,
	};
}

/** Reads and checks the List ID parameter (a UUID from List > Get Many). */
export function readListId(this: IExecuteFunctions, itemIndex: number): string {
	return readIdParameter.call(this, itemIndex, 'listId', 'list ID');
}

export interface ListFilters {
	name?: string;
	categoryType?: string;
	levelCount?: string;
	isDeleted?: boolean;
}

export interface ListSort {
	sortBy?: string;
	sortDirection?: string;
}

/**
 * The query of Get All Lists: filters use Concur's `field=<op>:<value>` syntax (the operator is
 * optional and defaults to `eq`), so they are passed as typed.
 */
export function buildListQuery(filters: ListFilters, sort: ListSort): IDataObject {
	const qs: IDataObject = {};
	const name = (filters.name ?? '').trim();
	if (name !== '') qs.value = name;
	const categoryType = (filters.categoryType ?? '').trim();
	if (categoryType !== '') qs['category.type'] = categoryType;
	const levelCount = String(filters.levelCount ?? '').trim();
	if (levelCount !== '') qs.levelCount = levelCount;
	if (filters.isDeleted !== undefined) qs.isDeleted = filters.isDeleted;
	if (sort.sortBy) qs.sortBy = sort.sortBy;
	if (sort.sortDirection) qs.sortDirection = sort.sortDirection;
	return qs;
}
