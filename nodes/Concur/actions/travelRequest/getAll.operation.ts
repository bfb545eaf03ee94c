import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { TRAVEL_REQUESTS_V4_PATH } from '../../transport/paths';
import { returnAllOrLimit } from '../common.descriptions';
import { scopeToOperation } from '../displayOptions';
import { simplifyProperty, TRAVEL_REQUEST_VIEWS } from './descriptions';
import type { TravelRequestFilters } from './listQuery';
import { nextPageUrl, requestsOfPage } from '../../helpers/concurLists';
import { buildTravelRequestQuery, REQUESTS_MAX_PAGE_SIZE } from './listQuery';
import { simplifyTravelRequest } from './simplify';

const properties: INodeProperties[] = [
	...returnAllOrLimit,
	{
		displayName: 'View',
		name: 'view',
		type: 'options',
		options: TRAVEL_REQUEST_VIEWS,
		default: 'ALL',
		description: 'Which requests to list, as Concur defines its views',
	},
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		default: '',
		placeholder: 'e.g. c0d9894b-98e2-48d5-86f9-1decde90dd15',
		description:
			'The Concur user ID (UUID) the view is about: the traveler for traveler views, the approver for To Approve and Approved, the agent for TMC views',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Approved After',
				name: 'approvedAfter',
				type: 'dateTime',
				default: '',
				description: 'Only requests approved after this date and time',
			},
			{
				displayName: 'Approved Before',
				name: 'approvedBefore',
				type: 'dateTime',
				default: '',
				description: 'Only requests approved before this date and time',
			},
			{
				displayName: 'Modified After',
				name: 'modifiedAfter',
				type: 'dateTime',
				default: '',
				description: 'Only requests (or their expected expenses, segments, comments…) changed after this date and time',
			},
			{
				displayName: 'Modified Before',
				name: 'modifiedBefore',
				type: 'dateTime',
				default: '',
				description: 'Only requests changed before this date and time',
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
				displayName: 'Sort Field',
				name: 'sortField',
				type: 'options',
				options: [
					{ name: 'Approval Status', value: 'approvalStatus' },
					{ name: 'Request ID', value: 'requestId' },
					{ name: 'Start Date', value: 'startDate' },
				],
				default: 'startDate',
				description: 'The field Concur sorts by (its default: start date)',
			},
			{
				displayName: 'Sort Order',
				name: 'sortOrder',
				type: 'options',
				options: [
					{ name: 'Ascending', value: 'ASC' },
					{ name: 'Descending', value: 'DESC' },
				],
				default: 'DESC',
				description: 'The sort order (Concur\'s default: descending)',
			},
		],
	},
	simplifyProperty,
];

const displayOptions = { show: { resource: ['travelRequest'], operation: ['getAll'] } };

export const description = scopeToOperation(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex) as number);
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
	let qs: IDataObject | undefined;
	try {
		qs = buildTravelRequestQuery(
			this.getNodeParameter('view', itemIndex, 'ALL') as string,
			this.getNodeParameter('userId', itemIndex, '') as string,
			this.getNodeParameter('filters', itemIndex, {}) as TravelRequestFilters,
			this.getNodeParameter('options', itemIndex, {}) as { sortField?: string; sortOrder?: string },
			this.getTimezone(),
		);
	} catch (error) {
		throw new NodeOperationError(this.getNode(), (error as Error).message, { itemIndex });
	}
	qs.start = 0;
	qs.limit = Math.min(limit ?? REQUESTS_MAX_PAGE_SIZE, REQUESTS_MAX_PAGE_SIZE);

	const requests: IDataObject[] = [];
	const seen = new Set<string>();
	let url = TRAVEL_REQUESTS_V4_PATH;
	for (;;) {
		const page = await concurApiRequest.call(this, { method: 'GET', url, qs, format: 'json' });
		const rows = requestsOfPage(page);
		requests.push(...rows);
		if (limit !== undefined && requests.length >= limit) break;
		const next = nextPageUrl(page);
		// A repeated next link would loop for ever: stop instead of hammering Concur.
		if (!next || seen.has(next) || rows.length === 0) break;
		seen.add(next);
		// The next link is an absolute URL carrying the query; the transport's gate checks its host.
		url = next;
		qs = undefined;
	}
	const selected = limit === undefined ? requests : requests.slice(0, limit);
	return simplify ? selected.map(simplifyTravelRequest) : selected;
}
