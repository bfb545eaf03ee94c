import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { concurApiRequestAllItems } from '../../transport';
import { APPROVAL_STATUS_OPTIONS, PAYMENT_STATUS_OPTIONS } from '../../helpers/reportStatus';
import { returnAllOrLimit } from '../common.descriptions';
import { scopeToOperation } from '../displayOptions';
import type { ReportListFilters } from './listQuery';
import { buildReportListQuery, V3_MAX_PAGE_SIZE } from './listQuery';
import { simplifyV3Report } from './simplify';
import { REPORTS_V3_PATH } from '../../transport/paths';

const properties: INodeProperties[] = [
	...returnAllOrLimit,
	{
		displayName: 'User',
		name: 'user',
		type: 'string',
		default: 'ALL',
		placeholder: 'e.g. jane.doe@example.com',
		description:
			'ALL for the reports of every user (needs the Web Services Administrator role), a login ID for that user\'s reports, or empty for the reports of the token\'s owner',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Approval Status',
				name: 'approvalStatusCode',
				type: 'options',
				default: 'A_EXTV',
				options: APPROVAL_STATUS_OPTIONS,
				description: 'Only reports with this approval status',
			},
			{
				displayName: 'Created After',
				name: 'createdAfter',
				type: 'dateTime',
				default: '',
				description: 'Only reports created after this date and time',
			},
			{
				displayName: 'Created Before',
				name: 'createdBefore',
				type: 'dateTime',
				default: '',
				description: 'Only reports created before this date and time',
			},
			{
				displayName: 'Modified After',
				name: 'modifiedAfter',
				type: 'dateTime',
				default: '',
				description: 'Only reports changed after this date and time',
			},
			{
				displayName: 'Modified Before',
				name: 'modifiedBefore',
				type: 'dateTime',
				default: '',
				description: 'Only reports changed before this date and time',
			},
			{
				displayName: 'Payment Status',
				name: 'paymentStatusCode',
				type: 'options',
				default: 'P_NOTP',
				options: PAYMENT_STATUS_OPTIONS,
				description: 'Only reports with this payment status',
			},
			{
				displayName: 'Submitted After',
				name: 'submittedAfter',
				type: 'dateTime',
				default: '',
				description: 'Only reports submitted after this date and time',
			},
			{
				displayName: 'Submitted Before',
				name: 'submittedBefore',
				type: 'dateTime',
				default: '',
				description: 'Only reports submitted before this date and time',
			},
		],
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description: 'Whether to return a simplified version of the response instead of the raw data',
	},
];

const displayOptions = { show: { resource: ['report'], operation: ['getAll'] } };

export const description = scopeToOperation(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
	const user = this.getNodeParameter('user', itemIndex, 'ALL') as string;
	const filters = this.getNodeParameter('filters', itemIndex, {}) as ReportListFilters;
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;

	let qs: IDataObject;
	try {
		qs = buildReportListQuery(user, filters, this.getTimezone());
	} catch (error) {
		throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
	}

	let reports: IDataObject[];
	if (returnAll) {
		reports = await concurApiRequestAllItems.call(this, {
			method: 'GET',
			url: REPORTS_V3_PATH,
			qs: { ...qs, limit: V3_MAX_PAGE_SIZE },
			format: 'json',
		});
	} else {
		const limit = this.getNodeParameter('limit', itemIndex) as number;
		reports = await concurApiRequestAllItems.call(
			this,
			{
				method: 'GET',
				url: REPORTS_V3_PATH,
				qs: { ...qs, limit: Math.min(limit, V3_MAX_PAGE_SIZE) },
				format: 'json',
			},
			limit,
		);
		reports = reports.slice(0, limit);
	}
	return simplify ? reports.map(simplifyV3Report) : reports;
}
