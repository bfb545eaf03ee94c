import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readIdParameter } from '../expense/descriptions';
import { isPathSegment } from '../report/urls';
import { LONG_CODE_SEPARATOR } from './syncPlan';

export const itemIdProperty: INodeProperties = {
	displayName: 'Item ID',
	name: 'itemId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 7c6d0435-c4d1-8b48-8492-7e7b625e148d',
	description: 'The ID of the list item (a UUID), from List Item > Get Many or Sync',
};

/** Reads and checks the Item ID parameter. */
export function readItemId(this: IExecuteFunctions, itemIndex: number): string {
	return readIdParameter.call(this, itemIndex, 'itemId', 'item ID');
}

/** Checks an ID given inside a collection (a UUID Concur gave): one path segment. */
export function checkId(this: IExecuteFunctions, itemIndex: number, value: string, label: string): string {
	const trimmed = value.trim();
	if (!isPathSegment(trimmed)) {
		throw new NodeOperationError(this.getNode(), `The ${label} "${trimmed}" is not valid`, {
			itemIndex,
			description: `Enter the ${label} exactly as Concur gives it`,
		});
	}
	return trimmed;
}

/** Concur's naming rule for list item codes: no hyphen (it separates the levels of a long code). */
export function checkShortCode(this: IExecuteFunctions, itemIndex: number, code: string): string {
	const trimmed = code.trim();
	if (trimmed === '') throw new NodeOperationError(this.getNode(), 'The code is empty', { itemIndex });
	if (trimmed.includes(LONG_CODE_SEPARATOR)) {
		throw new NodeOperationError(this.getNode(), `The code "${trimmed}" contains a hyphen`, {
			itemIndex,
			description: 'Concur does not support hyphens in list item codes: a hyphen separates the levels of a long code',
		});
	}
	return trimmed;
}

/** The filters Concur documents for first-level items and item children. */
export const itemFiltersProperty: INodeProperties = {
	displayName: 'Filters',
	name: 'filters',
	type: 'collection',
	placeholder: 'Add Filter',
	default: {},
	options: [
		{
			displayName: 'Code',
			name: 'code',
			type: 'string',
			default: '',
			placeholder: 'e.g. sw:CC',
			description:
				'Only items whose code matches: the exact code, or an operator and a text (eq:, not:, sw: starts with, ew: ends with, cp: contains)',
		},
		{
			displayName: 'Code or Name',
			name: 'codeOrName',
			type: 'string',
			default: '',
			placeholder: 'e.g. cp:Marketing',
			description: 'Only items whose code or name matches, with the same operators as Code',
		},
		{
			displayName: 'Include Deleted Items',
			name: 'includeDeleted',
			type: 'boolean',
			default: false,
			description: 'Whether to list deleted items too (Concur\'s isDeleted=true)',
		},
		{
			displayName: 'Name',
			name: 'name',
			type: 'string',
			default: '',
			placeholder: 'e.g. sw:Sales',
			description: 'Only items whose name matches, with the same operators as Code',
		},
		{
			displayName: 'Only Items With Children',
			name: 'onlyWithChildren',
			type: 'boolean',
			default: false,
			description: 'Whether to list only items that have children (Concur\'s hasChildren=true)',
		},
	],
};
