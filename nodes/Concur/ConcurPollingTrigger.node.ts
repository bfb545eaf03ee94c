import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { APPROVAL_STATUS_OPTIONS, PAYMENT_STATUS_OPTIONS, withAnyOption } from './helpers/reportStatus';
import { pollExpenseReports } from './polling/expenseReports';
import { pollFailedNotifications } from './polling/failedNotifications';
import { newestExpenseReport, newestFailedNotification } from './polling/manualMode';
import { oneAtATime } from './polling/oneAtATime';
import { newestTravelRequest, pollTravelRequests } from './polling/travelRequests';
import { TRAVEL_REQUEST_VIEWS } from './actions/travelRequest/descriptions';

export class ConcurPollingTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Concur Polling Trigger',
		name: 'concurPollingTrigger',
		icon: { light: 'file:../../icons/concur.svg', dark: 'file:../../icons/concur.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{$parameter["resource"] === "failedNotification" ? "Failed notifications" : ($parameter["resource"] === "travelRequest" ? "Travel requests " : "Reports ") + ($parameter["event"] === "createdOrUpdated" ? "created or updated" : $parameter["event"])}}',
		description: 'Starts the workflow when SAP Concur expense reports or travel requests change or legacy notifications fail, by polling',
		defaults: { name: 'Concur Polling Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'concurOAuth2Api', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Expense Report',
						value: 'expenseReport',
						description: 'Reports from the v3 list, by last modification date',
					},
					{
						name: 'Failed Notification',
						value: 'failedNotification',
						description: 'Legacy event notifications Concur could not deliver (status FAILED)',
					},
					{
						name: 'Travel Request',
						value: 'travelRequest',
						description: 'Requests from the Request v4 list, by last modification date',
					},
				],
				default: 'expenseReport',
			},
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				displayOptions: { show: { resource: ['expenseReport'] } },
				options: [
					{
						name: 'Report Created',
						value: 'created',
						description: 'Each report created since the trigger started, once, even if it was edited before a poll saw it',
					},
					{ name: 'Report Created or Updated', value: 'createdOrUpdated', description: 'Every change' },
					{
						name: 'Report Updated',
						value: 'updated',
						description: 'Every change except the first sighting of a newly created report',
					},
				],
				default: 'createdOrUpdated',
			},
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				displayOptions: { show: { resource: ['travelRequest'] } },
				options: [
					{
						name: 'Request Created',
						value: 'created',
						description: 'Each request created since the trigger started, once, even if it was edited before a poll saw it',
					},
					{ name: 'Request Created or Updated', value: 'createdOrUpdated', description: 'Every change' },
					{
						name: 'Request Updated',
						value: 'updated',
						description: 'Every change except the first sighting of a newly created request',
					},
				],
				default: 'createdOrUpdated',
			},
			{
				displayName: 'View',
				name: 'view',
				type: 'options',
				displayOptions: { show: { resource: ['travelRequest'] } },
				options: TRAVEL_REQUEST_VIEWS,
				default: 'ALL',
				description: 'Which requests to watch, as Concur defines its list views (sent as view)',
			},
			{
				displayName: 'User ID',
				name: 'userId',
				type: 'string',
				displayOptions: { show: { resource: ['travelRequest'] } },
				default: '',
				placeholder: 'e.g. c0d9894b-98e2-48d5-86f9-1decde90dd15',
				description:
					'The Concur user ID (UUID) the view is about (the traveler, or the approver for To Approve and Approved); empty for the connected user, or every user with a company connection',
			},
			{
				displayName: 'Approval Status',
				name: 'approvalStatus',
				type: 'options',
				displayOptions: { show: { resource: ['expenseReport'] } },
				description: 'Only reports in this approval status (sent to Concur as approvalStatusCode)',
				options: withAnyOption(APPROVAL_STATUS_OPTIONS),
				default: '',
			},
			{
				displayName: 'Payment Status',
				name: 'paymentStatus',
				type: 'options',
				displayOptions: { show: { resource: ['expenseReport'] } },
				description: 'Only reports in this payment status (sent to Concur as paymentStatusCode)',
				options: withAnyOption(PAYMENT_STATUS_OPTIONS),
				default: '',
			},
			{
				displayName: 'User',
				name: 'user',
				type: 'string',
				displayOptions: { show: { resource: ['expenseReport'] } },
				default: 'ALL',
				placeholder: 'e.g. ALL or alice@example.com',
				description:
					'ALL for every user (needs the Web Services Administrator role), the login ID of one report owner, or empty for the reports of the connected user',
			},
			{
				displayName: 'First Run',
				name: 'firstRun',
				type: 'options',
				description: 'What the first poll after activation picks up',
				options: [
					{
						name: 'Backfill Recent Days',
						value: 'backfill',
						description: 'Emit what changed in the last few days, then keep polling',
					},
					{ name: 'Start From a Date', value: 'date', description: 'Emit what changed since a date' },
					{ name: 'Start From Now', value: 'now', description: 'Emit only what changes after activation' },
				],
				default: 'now',
			},
			{
				displayName: 'Start Date',
				name: 'startDate',
				type: 'dateTime',
				displayOptions: { show: { firstRun: ['date'] } },
				default: '',
				required: true,
				description: "Changes from this moment are emitted (in the workflow's time zone unless the value names a zone or offset)",
			},
			{
				displayName: 'Days to Backfill',
				name: 'backfillDays',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 3650 },
				displayOptions: { show: { firstRun: ['backfill'] } },
				default: 7,
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				displayOptions: { show: { resource: ['expenseReport', 'travelRequest'] } },
				default: {},
				options: [
					{
						displayName: 'Emit Full Report',
						name: 'fullDetails',
						type: 'boolean',
						displayOptions: { show: { '/resource': ['expenseReport'] } },
						default: false,
						description:
							'Whether to fetch each report by ID and emit that answer instead of the list row (a report deleted since it was listed is emitted from its list row, with fullReportError)',
					},
					{
						displayName: 'Look-Back Window (Minutes)',
						name: 'lookBackMinutes',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 10,
						description:
							"How late Concur may list a change, counting how far its clock may run behind n8n's: each poll reads this far back again and drops repeats (changing it repeats nothing)",
					},
					{
						displayName: 'Max Items per Poll',
						name: 'maxItemsPerPoll',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 10000,
						description:
							'Stop once a poll has read this many new items (it may read up to one page more) and continue from there at the next poll, so a large backlog does not become one huge execution; 0 means no limit',
					},
					{
						displayName: 'Page Size',
						name: 'pageSize',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 100 },
						default: 100,
						description: 'Items per request (Concur allows at most 100)',
					},
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const resource = this.getNodeParameter('resource', 'expenseReport') as string;
		const handlers = POLLERS[resource] ?? POLLERS.expenseReport;
		if (this.getMode() === 'manual') return await handlers.sample.call(this);
		return await oneAtATime.call(this, async () => await handlers.poll.call(this));
	}
}

/** Per resource: the poll, and "Fetch Test Event" (the newest match, the cursor untouched). */
const POLLERS: Record<string, { poll: (this: IPollFunctions) => Promise<INodeExecutionData[][] | null>; sample: (this: IPollFunctions) => Promise<INodeExecutionData[][]> }> = {
	expenseReport: { poll: pollExpenseReports, sample: newestExpenseReport },
	failedNotification: { poll: pollFailedNotifications, sample: newestFailedNotification },
	travelRequest: { poll: pollTravelRequests, sample: newestTravelRequest },
};
