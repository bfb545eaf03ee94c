import type { INodeProperties } from 'n8n-workflow';

/** The IDs a receipt image can be reached by (Image v1.0 URL keywords), shown per choice. */
export const entryIdProperty: INodeProperties = {
	displayName: 'Entry ID',
	name: 'entryId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. nxxKgLlnRODp$sie8Hq1UviOJ2deAbpS7dC0',
	description:
		'The entry ID of the expense: entryId of Report > Get with Include Expenses (the v1.1 RpeKey or the v3 entry ID). It is sent exactly as given.',
};

export const reportIdProperty: INodeProperties = {
	displayName: 'Report ID',
	name: 'reportId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. CB899F7D9F73420A8D8B',
	description: 'The ID of the expense report: reportId of an event, or the ID Report > Get returns',
};
