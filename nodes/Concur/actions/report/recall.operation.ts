import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { EXPENSE_REPORTS_V4_PATH } from '../../transport/paths';
import { readIdParameter } from '../expense/descriptions';
import { scopeToOperation } from '../displayOptions';

/**
 * Recall (Expense Reports v4): `PATCH …/users/{userId}/context/{TRAVELER|PROXY}/reports/{reportId}/recall`,
 * 204 on success (concur-api.md §2.5). Concur has no company-token "short URL" for recall: the
 * report comes back to its owner, so the owner (or a proxy) is named. The optional `comment`
 * body mirrors Approve's schema [INFERRED: the recall request body is not documented field by field].
 */
const properties: INodeProperties[] = [
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. f2d07d5f-7a6f-44fa-98c7-c4b405bd6ca3',
		description:
			'The Concur user ID (a UUID, not the login) of the report owner: userId of the expense report event or ownerId of Report > Get by URL',
	},
	{
		displayName: 'Report ID',
		name: 'reportId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 93B9D238A6864C019258',
		description: 'The ID of the submitted report to call back',
	},
	{
		displayName: 'Context',
		name: 'contextType',
		type: 'options',
		options: [
			{ name: 'Proxy', value: 'PROXY', description: 'A delegate recalls the report for its owner' },
			{ name: 'Traveler', value: 'TRAVELER', description: 'The report owner recalls the report' },
		],
		default: 'TRAVELER',
		description: 'Who recalls the report',
	},
	{
		displayName: 'Comment',
		name: 'comment',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		placeholder: 'e.g. Recalled to add the missing taxi receipt',
		description: 'An optional comment stored with the recall',
	},
];

const displayOptions = { show: { resource: ['report'], operation: ['recall'] } };

export const description = scopeToOperation(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const userId = readIdParameter.call(this, itemIndex, 'userId', 'user ID');
	const reportId = readIdParameter.call(this, itemIndex, 'reportId', 'report ID');
	const contextType = this.getNodeParameter('contextType', itemIndex, 'TRAVELER') as string;
	const comment = (this.getNodeParameter('comment', itemIndex, '') as string).trim();
	await concurApiRequest.call(this, {
		method: 'PATCH',
		url: `${EXPENSE_REPORTS_V4_PATH}/users/${encodeURIComponent(userId)}/context/${encodeURIComponent(contextType)}/reports/${encodeURIComponent(reportId)}/recall`,
		body: comment === '' ? {} : { comment },
		format: 'json',
	});
	return { success: true, reportId, action: 'recall' };
}
