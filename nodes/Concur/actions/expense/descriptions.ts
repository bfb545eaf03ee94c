import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isPathSegment } from '../report/urls';
import type { ReportLocator } from './urls';

/** Who the expenses belong to and in which report: the parameters every Expense operation shares. */
export const reportLocatorProperties: INodeProperties[] = [
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. f2d07d5f-7a6f-44fa-98c7-c4b405bd6ca3',
		description:
			'The Concur user ID (a UUID, not the login) of the report owner: userId of an expense report event, ownerId of Report > Get by URL, or the users/{userId} part of a v4 report URL',
	},
	{
		displayName: 'Report ID',
		name: 'reportId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. CB899F7D9F73420A8D8B',
		description: 'The ID of the expense report: reportId of an event, or the ID Report > Get returns',
	},
	{
		displayName: 'Context',
		name: 'contextType',
		type: 'options',
		options: [
			{ name: 'Manager', value: 'MANAGER', description: 'As the approver of the report (Get only)' },
			{ name: 'Proxy', value: 'PROXY', description: 'As a delegate of the report owner' },
			{ name: 'Traveler', value: 'TRAVELER', description: 'As the report owner (works with a company token)' },
		],
		default: 'TRAVELER',
		description: 'The access level Concur reads the expenses with. Use Traveler unless told otherwise.',
	},
];

export const expenseIdProperty: INodeProperties = {
	displayName: 'Expense ID',
	name: 'expenseId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 84FCBB92BD4E5342B849DAC29FD163A1',
	description: 'The ID of the expense as Expense > Get Many returns it (32 characters)',
};

export const simplifyProperty: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description: 'Whether to return a simplified version of the response instead of the raw data',
};

const checkedSegment = (context: IExecuteFunctions, itemIndex: number, label: string, value: string): string => {
	const trimmed = value.trim();
	if (!isPathSegment(trimmed)) {
		throw new NodeOperationError(context.getNode(), `The ${label} "${trimmed}" is not valid`, {
			itemIndex,
			description: `Enter the ${label} exactly as Concur gives it`,
		});
	}
	return trimmed;
};

/** The report an Expense operation reads, from its parameters, each ID checked. */
export function readReportLocator(this: IExecuteFunctions, itemIndex: number): ReportLocator {
	return {
		userId: checkedSegment(this, itemIndex, 'user ID', this.getNodeParameter('userId', itemIndex) as string),
		reportId: checkedSegment(this, itemIndex, 'report ID', this.getNodeParameter('reportId', itemIndex) as string),
		contextType: this.getNodeParameter('contextType', itemIndex, 'TRAVELER') as string,
	};
}

export function readExpenseId(this: IExecuteFunctions, itemIndex: number): string {
	return checkedSegment(this, itemIndex, 'expense ID', this.getNodeParameter('expenseId', itemIndex) as string);
}

/** A checked ID for another operation (Receipt, Travel Request) that reads it the same way. */
export function readIdParameter(this: IExecuteFunctions, itemIndex: number, name: string, label: string): string {
	return checkedSegment(this, itemIndex, label, this.getNodeParameter(name, itemIndex) as string);
}
