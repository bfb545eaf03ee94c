import type { INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { DEFAULT_DEDUPE_WINDOW_HOURS, DEFAULT_PERSISTED_EVENTS } from './helpers/dedupe';
import { receiveCallout } from './trigger/callout';
import { concurCalloutApiTest, concurEventSubscriptionApiTest } from './trigger/credentialTests';
import { receiveEssEvent } from './trigger/ess';
import { manualRegistration } from './trigger/registration';
import { answer, type TriggerSource } from './trigger/response';

export class ConcurTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Concur Trigger',
		name: 'concurTrigger',
		icon: { light: 'file:../../icons/concur.svg', dark: 'file:../../icons/concur.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{$parameter["source"] === "callout" ? "Legacy Event Notification" : "Event Subscription"}}',
		description:
			'Starts the workflow on SAP Concur events: signed Event Subscription Service (ESS) events or legacy Event Notification callouts',
		defaults: {
			name: 'Concur Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		// `hide`, not `show`: n8n's editor takes a parameter that every credential `show`s on as the
		// node's hidden "main auth field" and offers both credential types in one dropdown, so a new
		// trigger took the source of whichever credential it picked (the newest, e.g. callout).
		// With `hide`, Source stays a visible parameter (default ESS) and picks the credential type.
		credentials: [
			{
				name: 'concurEventSubscriptionApi',
				required: true,
				testedBy: 'concurEventSubscriptionApiTest',
				displayOptions: { hide: { source: ['callout'] } },
			},
			{
				name: 'concurCalloutApi',
				required: true,
				testedBy: 'concurCalloutApiTest',
				displayOptions: { hide: { source: ['eventSubscription'] } },
			},
		],
		webhooks: [
			{
				// ESS events and callout notifications: the URL to register.
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// An empty 200: Concur needs no body (n8n 2.x would otherwise answer "firstEntryJson").
				responseData: 'noData',
				path: 'webhook',
			},
			{
				// Callouts when Concur's Host Name is this node's URL and the endpoint path is
				// Concur's default /concur/v1.0/notify.
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: 'noData',
				path: 'webhook/concur/v1.0/notify',
				ndvHideUrl: true,
			},
			{
				// Concur's Test Connection when it calls the configured endpoint itself.
				name: 'setup',
				httpMethod: 'GET',
				responseMode: 'onReceived',
				path: 'webhook',
				ndvHideUrl: true,
			},
			{
				// Concur's Test Connection: GET {Host Name}/system/v1.0/testconnection.
				name: 'setup',
				httpMethod: 'GET',
				responseMode: 'onReceived',
				path: 'webhook/system/v1.0/testconnection',
				ndvHideUrl: true,
			},
		],
		properties: [
			{
				displayName: 'Source',
				name: 'source',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Event Subscription Service (ESS)',
						value: 'eventSubscription',
						description: 'Signed JSON events from a Concur ESS webhook subscription',
					},
					{
						name: 'Legacy Event Notification Callout',
						value: 'callout',
						description: "XML notifications from an application connector's Send Notification service",
					},
				],
				default: 'eventSubscription',
			},
			{
				displayName:
					'Register the Production URL above as the endpoint of an ESS webhook subscription, e.g. with the Concur node\'s Event Subscription > Create or Update operation, then activate this workflow. Concur signs every event; requests without a valid Concur-Signature are answered 401 and do not run the workflow.',
				name: 'essNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { source: ['eventSubscription'] } },
			},
			{
				displayName:
					"In Concur under Administration > Web Services > Manage Application Connectors, set Host Name to the Production URL above (https://your-n8n/webhook/…/webhook) and the user name and password of this node's credential; configure Send Notification with the endpoint path /concur/v1.0/notify. Test Connection (GET …/system/v1.0/testconnection) is answered by this node.",
				name: 'calloutNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { source: ['callout'] } },
			},
			{
				displayName: 'Topics',
				name: 'topics',
				type: 'multiOptions',
				options: [
					{ name: 'Accounting Integration', value: 'public.concur.spend.accountingintegration' },
					{ name: 'Expense Report', value: 'public.concur.expense.report' },
					{ name: 'Financial Integration', value: 'public.concur.financialintegration' },
					{ name: 'Request', value: 'public.concur.request' },
					{ name: 'Request (Legacy Topic Name)', value: 'concur.request' },
					{ name: 'Tax Compliance Document', value: 'public.concur.document.tax.compliance' },
					{ name: 'Test', value: 'public.test' },
					{ name: 'Travel Booking', value: 'public.concur.travel.book' },
					{ name: 'Travel Itinerary', value: 'public.concur.travel.itinerary' },
					{ name: 'Travel Profile', value: 'public.concur.user.travel.profile' },
					{ name: 'Travel Search', value: 'concur.travel.search' },
					{ name: 'User Identity Profile', value: 'public.concur.user.profile.identity' },
					{ name: 'User Provisioning', value: 'public.concur.user.provisioning' },
					{ name: 'User Spend Profile', value: 'public.concur.user.profile.spend' },
				],
				default: [],
				description: 'Only events of these topics start the workflow (none selected: all topics)',
				displayOptions: { show: { source: ['eventSubscription'] } },
			},
			{
				displayName: 'Transitions',
				name: 'transitions',
				type: 'multiOptions',
				options: [
					{
						name: 'Expense Report Approved',
						value: 'expenseApproved',
						description: 'StatusChanged to approval status A_APPR',
					},
					{
						name: 'Expense Report External Validation',
						value: 'expenseExternalValidation',
						description: 'StatusChanged with step code EXTVAL (post-submit or pre-extract validation)',
					},
					{
						name: 'Expense Report Paid',
						value: 'expensePaid',
						description: 'StatusChanged with current payment status P_PAID',
					},
					{
						name: 'Expense Report Recalled',
						value: 'expenseRecalled',
						description: 'StatusChanged with step code RECALL',
					},
					{
						name: 'Expense Report Sent Back',
						value: 'expenseSentBack',
						description: 'StatusChanged with step code SENDBACK',
					},
					{
						name: 'Expense Report Submitted',
						value: 'expenseSubmitted',
						description: 'StatusChanged from approval status A_NOTF or A_RESU',
					},
					{
						name: 'Request Approved',
						value: 'requestApproved',
						description: 'Event type statusChange.APPROVED',
					},
					{
						name: 'Request Canceled',
						value: 'requestCanceled',
						description: 'Event type statusChange.CANCELED',
					},
					{
						name: 'Request External Validation',
						value: 'requestExternalValidation',
						description: 'Event type statusChange.PENDING.ExternalValidation',
					},
					{
						name: 'Request Pending Approval',
						value: 'requestPending',
						description: 'Any statusChange.PENDING.* event type',
					},
					{
						name: 'Request Sent Back',
						value: 'requestSentBack',
						description: 'Event type statusChange.SENTBACK',
					},
				],
				default: [],
				description:
					'Only events matching at least one of these transitions start the workflow (none selected: all events)',
				displayOptions: { show: { source: ['eventSubscription'] } },
			},
			{
				displayName: 'Additional Filters',
				name: 'additionalFilters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				displayOptions: { show: { source: ['eventSubscription'] } },
				options: [
					{
						displayName: 'Custom Topics',
						name: 'customTopics',
						type: 'string',
						default: '',
						placeholder: 'e.g. public.concur.expense.report, concur.request',
						description: 'Comma-separated topics to accept in addition to the ones selected above',
					},
					{
						displayName: 'Event Types',
						name: 'eventTypes',
						type: 'string',
						default: '',
						placeholder: 'e.g. statusChanged, statusChange.APPROVED',
						description: 'Comma-separated event types; only these start the workflow',
					},
					{
						displayName: 'Step Codes',
						name: 'stepCodes',
						type: 'string',
						default: '',
						placeholder: 'e.g. EXTVAL, MANAGER',
						description:
							'Comma-separated step codes (facts.stepCode), including codes your administrator configured; only these start the workflow',
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				displayOptions: { show: { source: ['eventSubscription'] } },
				options: [
					{
						displayName: 'Duplicate Window (Hours)',
						name: 'duplicateWindowHours',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: DEFAULT_DEDUPE_WINDOW_HOURS,
						description:
							"A repeat of an event ID within this many hours is acknowledged without running the workflow, and so is any event whose signed timeStamp is older than this plus 1 hour (an allowance for Concur's and n8n's clocks disagreeing and for Concur's last retries), so a captured event cannot be replayed later. Concur retries for 72 hours: keep at least 72 so events it retries after an outage still run. 0 turns both checks off.",
					},
					{
						displayName: 'IDs Remembered Across Restarts',
						name: 'persistedEventLimit',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: DEFAULT_PERSISTED_EVENTS,
						description:
							'How many of the most recently accepted event IDs the static data keeps when Remember Across Restarts is on (11 bytes each, written with every accepted event). Raise it when more events than this arrive within the duplicate window plus 1 hour.',
					},
					{
						displayName: 'Remember Across Restarts',
						name: 'persistSeenEvents',
						type: 'boolean',
						default: true,
						description:
							"Whether to keep recently accepted event IDs in the workflow's static data, so a repeat is also dropped after n8n restarts. Off saves one database write per accepted event, but repeats are then only dropped while n8n keeps running: after a restart, an event accepted before it (resent by Concur or replayed by someone who captured it) can run again until it is older than the duplicate window plus 1 hour.",
					},
				],
			},
		],
	};

	methods = {
		credentialTest: { concurCalloutApiTest, concurEventSubscriptionApiTest },
	};

	webhookMethods = {
		default: manualRegistration('default'),
		setup: manualRegistration('setup'),
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const source = this.getNodeParameter('source', 'eventSubscription') as TriggerSource;
		const res = this.getResponseObject();
		const isTestConnection = this.getWebhookName() === 'setup';
		if (source === 'callout') return await receiveCallout.call(this, res, isTestConnection);
		// The GET endpoints (Test Connection) exist for legacy callouts only; ESS always POSTs.
		if (isTestConnection) return answer(res, 405, { message: 'ESS events are delivered with POST' }, { Allow: 'POST' });
		return await receiveEssEvent.call(this, res);
	}
}
