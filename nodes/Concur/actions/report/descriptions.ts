import type { INodeProperties } from 'n8n-workflow';

/** The Report ID parameter of the operations that call the v4 APIs (shown when API is v4). */
export const v4ReportIdProperty: INodeProperties = {
	displayName: 'Report ID',
	name: 'reportId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 93B9D238A6864C019258',
	description: 'The ID of the report',
	displayOptions: { show: { api: ['v4'] } },
};
