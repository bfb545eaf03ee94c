import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	IHookFunctions,
	INodeCredentialTestResult,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { calloutCredentialProblems, checkBasicAuth } from './helpers/basicAuth';
import { parseCalloutNotification } from './helpers/callout';
import { acceptOnce, DEFAULT_DEDUPE_WINDOW_HOURS, DEFAULT_PERSISTED_EVENTS } from './helpers/dedupe';
import { CLOCK_TOLERANCE_MS, essFreshness } from './helpers/freshness';
import {
	isEssEvent,
	matchesEssFilters,
	splitList,
	type EssEvent,
	type EssFilters,
	type EssTransition,
} from './helpers/essFilters';
import { getCachedPublicKeys, parsePublicKeys, PublicKeyParseError } from './helpers/keys';
import { headerValue, verifyConcurSignature } from './helpers/signature';

type Source = 'eventSubscription' | 'callout';

/** The response objects n8n hands to webhook(): express's, which extends Node's ServerResponse. */
type WebhookResponse = ReturnType<IWebhookFunctions['getResponseObject']>;
type WebhookRequest = ReturnType<IWebhookFunctions['getRequestObject']>;

/**
 * Writes a final answer without starting an execution. n8n leaves the response to the node when
 * `noWebhookResponse` is returned, so every such path writes and ends it here (nothing hangs).
 */
function answer(
	res: WebhookResponse,
	status: number,
	body: IDataObject | string,
	headers: Record<string, string> = {},
): IWebhookResponseData {
	const isText = typeof body === 'string';
	res.writeHead(status, {
		'Content-Type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
		...headers,
	});
	res.end(isText ? body : JSON.stringify(body));
	return { noWebhookResponse: true };
}

async function rawBodyOf(req: WebhookRequest): Promise<Buffer> {
	// n8n's body parser normally stores the bytes already; read them if it did not.
	if (!Buffer.isBuffer(req.rawBody)) await req.readRawBody();
	return Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.alloc(0);
}

const BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="Concur"' };

/** Registration is manual or done elsewhere: the lifecycle methods only say so. */
function manualRegistration(group: string) {
	return {
		async checkExists(this: IHookFunctions): Promise<boolean> {
			// Nothing to look up in Concur: report "registered" so n8n does not call create().
			return true;
		},
		async create(this: IHookFunctions): Promise<boolean> {
			const source = this.getNodeParameter('source', 'eventSubscription') as Source;
			this.logger.info(
				source === 'callout'
					? `Concur Trigger (${group}): register the callout in Concur by hand (Administration > Web Services > Manage Application Connectors); nothing is created automatically`
					: `Concur Trigger (${group}): create the ESS subscription with the Concur node's Event Subscription operations; nothing is created automatically`,
			);
			return true;
		},
		async delete(this: IHookFunctions): Promise<boolean> {
			this.logger.info(
				`Concur Trigger (${group}): the Concur subscription or connector is left as it is; remove it in Concur or with the Concur node if it is no longer needed`,
			);
			return true;
		},
	};
}

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
		credentials: [
			{
				name: 'concurEventSubscriptionApi',
				required: true,
				testedBy: 'concurEventSubscriptionApiTest',
				displayOptions: { show: { source: ['eventSubscription'] } },
			},
			{
				name: 'concurCalloutApi',
				required: true,
				testedBy: 'concurCalloutApiTest',
				displayOptions: { show: { source: ['callout'] } },
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
		credentialTest: {
			async concurCalloutApiTest(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				const data = (credential.data ?? {}) as IDataObject;
				const problems = calloutCredentialProblems({
					username: typeof data.username === 'string' ? data.username : undefined,
					password: typeof data.password === 'string' ? data.password : undefined,
				});
				return problems.length === 0
					? {
							status: 'OK',
							message: 'User name and password have lengths Concur accepts (10 to 50 characters)',
						}
					: { status: 'Error', message: `${problems.join('. ')}.` };
			},
			async concurEventSubscriptionApiTest(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				const data = (credential.data ?? {}) as IDataObject;
				let message = '';
				try {
					const keys = parsePublicKeys(typeof data.publicKeys === 'string' ? data.publicKeys : '');
					const described = keys
						.map((parsed) => `${parsed.modulusLength}-bit RSA ${parsed.fingerprint}`)
						.join(', ');
					return { status: 'OK', message: `${keys.length} public key(s) parsed: ${described}` };
				} catch (error) {
					message = error instanceof PublicKeyParseError ? error.message : 'The keys could not be read';
				}
				return { status: 'Error', message };
			},
		},
	};

	webhookMethods = {
		default: manualRegistration('default'),
		setup: manualRegistration('setup'),
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const source = this.getNodeParameter('source', 'eventSubscription') as Source;
		const res = this.getResponseObject();
		const isTestConnection = this.getWebhookName() === 'setup';

		if (source === 'callout') {
			return await handleCallout.call(this, res, isTestConnection);
		}
		if (isTestConnection) {
			// The GET endpoints exist for legacy callouts only; ESS always POSTs.
			return answer(res, 405, { message: 'ESS events are delivered with POST' }, { Allow: 'POST' });
		}
		return await handleEssEvent.call(this, res);
	}
}

async function handleCallout(
	this: IWebhookFunctions,
	res: WebhookResponse,
	isTestConnection: boolean,
): Promise<IWebhookResponseData> {
	const credentials = await this.getCredentials('concurCalloutApi');
	const authorized = checkBasicAuth(this.getHeaderData().authorization, {
		username: String(credentials.username ?? ''),
		password: String(credentials.password ?? ''),
	});
	if (!authorized) {
		this.logger.warn('Concur Trigger: callout request refused (missing or wrong Basic Auth)', {
			workflowId: this.getWorkflow().id,
			node: this.getNode().name,
		});
		return answer(res, 401, 'Unauthorized', BASIC_CHALLENGE);
	}
	if (isTestConnection) {
		// Concur's Test Connection: credentials are right, nothing to run.
		return answer(res, 200, 'OK');
	}

	const parsed = parseCalloutNotification(await rawBodyOf(this.getRequestObject()));
	if (!parsed.ok) {
		this.logger.warn(`Concur Trigger: callout body refused: ${parsed.reason}`, {
			workflowId: this.getWorkflow().id,
			node: this.getNode().name,
		});
		return answer(res, 400, { message: `Not a Concur <Notification>: ${parsed.reason}` });
	}
	return {
		workflowData: [this.helpers.returnJsonArray([{ ...parsed.notification }])],
	};
}

function readFilters(this: IWebhookFunctions): EssFilters {
	const additional = this.getNodeParameter('additionalFilters', {}) as IDataObject;
	return {
		topics: [
			...splitList(this.getNodeParameter('topics', [])),
			...splitList(additional.customTopics),
		],
		eventTypes: splitList(additional.eventTypes),
		transitions: splitList(this.getNodeParameter('transitions', [])) as EssTransition[],
		stepCodes: splitList(additional.stepCodes),
	};
}

/** Milliseconds as hours with one decimal, for log lines. */
function hours(ms: number): string {
	return (Math.round(ms / 360_000) / 10).toString();
}

function essOutput(event: EssEvent, correlationHeader: string | undefined): IDataObject {
	const facts =
		event.facts !== null && typeof event.facts === 'object' ? (event.facts as IDataObject) : {};
	const output: IDataObject = { ...event };
	// Convenience copies of the facts workflows need most; never overwrite what Concur sent.
	for (const name of ['reportId', 'requestId', 'companyId', 'href']) {
		if (output[name] === undefined && facts[name] !== undefined) output[name] = facts[name];
	}
	if (output.correlationId === undefined && correlationHeader !== undefined) {
		output.correlationId = correlationHeader;
	}
	output.concurCorrelationId = correlationHeader ?? null;
	return output;
}

async function handleEssEvent(
	this: IWebhookFunctions,
	res: WebhookResponse,
): Promise<IWebhookResponseData> {
	const logContext = { workflowId: this.getWorkflow().id, node: this.getNode().name };
	const credentials = await this.getCredentials('concurEventSubscriptionApi');
	let keys;
	try {
		keys = getCachedPublicKeys(String(credentials.publicKeys ?? ''));
	} catch (error) {
		this.logger.error(
			`Concur Trigger: the Concur Event Subscription API credential has no usable public key (${(error as Error).message})`,
			logContext,
		);
	}
	if (keys === undefined) {
		// 5xx: Concur retries, so nothing is lost while the credential is fixed.
		return answer(res, 500, { message: 'The signature keys of this trigger are not usable' });
	}

	const headers = this.getHeaderData();
	const rawBody = await rawBodyOf(this.getRequestObject());
	const check = verifyConcurSignature(
		rawBody,
		headers['concur-signature'],
		keys.map((parsed) => parsed.key),
	);
	if (!check.valid) {
		this.logger.warn(`Concur Trigger: ESS request refused (signature ${check.reason})`, logContext);
		// 401: Concur retries it, so a key that still has to be added loses no events.
		return answer(res, 401, { message: 'Missing or invalid Concur-Signature' });
	}

	let event: unknown;
	try {
		event = JSON.parse(rawBody.toString('utf8'));
	} catch {
		event = undefined;
	}
	if (!isEssEvent(event)) {
		this.logger.warn('Concur Trigger: signed request is not an ESS event (no id or topic)', logContext);
		return answer(res, 400, { message: 'Not a Concur ESS event: an object with id and topic is expected' });
	}

	const options = this.getNodeParameter('options', {}) as IDataObject;
	const windowHours = Number(options.duplicateWindowHours ?? DEFAULT_DEDUPE_WINDOW_HOURS);
	const windowMs = windowHours * 3_600_000;
	const now = Date.now();
	// How long the duplicate check keeps the id: until the event turns stale (see freshness.ts).
	let rememberMs = windowMs;
	if (windowHours > 0) {
		// Only after the signature (nothing unsigned reaches this point) and before the duplicate
		// check: a signed event older than the window plus the clock tolerance is a replay, since
		// Concur no longer sends it. It is acknowledged (200, so nothing retries) and starts nothing.
		// Also while listening for a test event: a captured event must not run there either.
		const freshness = essFreshness(event.timeStamp, now, windowMs);
		if (freshness.state === 'stale') {
			this.logger.warn(
				`Concur Trigger: ESS event ${event.id} is stale (stamped ${hours(freshness.ageMs)} h ago, more than the ${windowHours} h duplicate window plus ${hours(CLOCK_TOLERANCE_MS)} h), acknowledged without running`,
				logContext,
			);
			return answer(res, 200, {});
		}
		if (freshness.state === 'undated') {
			this.logger.warn(
				`Concur Trigger: ESS event ${event.id} has no RFC 3339 timeStamp, so its age cannot be checked; it runs once (duplicate check only)`,
				logContext,
			);
		} else if (freshness.futureMs > 0) {
			this.logger.warn(
				`Concur Trigger: ESS event ${event.id} is stamped ${hours(freshness.futureMs + CLOCK_TOLERANCE_MS)} h in the future: the clocks of Concur and this n8n host disagree; check the host's time synchronisation`,
				logContext,
			);
		}
		rememberMs = freshness.rememberMs;
	}

	if (!matchesEssFilters(event, readFilters.call(this))) {
		this.logger.debug(`Concur Trigger: ESS event ${event.id} filtered out`, logContext);
		return answer(res, 200, {});
	}

	const persist = options.persistSeenEvents !== false;
	let persisted = false;
	// Listening for a test event replays freely; duplicates are only dropped for active workflows.
	if (windowHours > 0 && this.getMode() !== 'manual') {
		const node = this.getNode();
		const first = acceptOnce(
			`${this.getWorkflow().id ?? ''}:${node.id ?? node.name}`,
			this.getWorkflowStaticData('node'),
			event.id,
			rememberMs,
			now,
			{ persist, persistLimit: Number(options.persistedEventLimit ?? DEFAULT_PERSISTED_EVENTS) },
		);
		if (!first) {
			this.logger.debug(`Concur Trigger: ESS event ${event.id} already received, skipped`, logContext);
			return answer(res, 200, {});
		}
		persisted = persist;
	}

	const workflowData = [
		this.helpers.returnJsonArray([essOutput(event, headerValue(headers['concur-correlationid']))]),
	];
	if (persisted) {
		// n8n 2.40 answers an accepted webhook only once the execution has started, and starting it
		// wraps the same static data in a second Workflow, which resets the "changed" flag n8n checks
		// before saving: the accepted id would never reach the database. Answering here makes n8n
		// save the static data before it starts the execution (as every n8n before 2.40 answered).
		return { ...answer(res, 200, {}), workflowData };
	}
	return { workflowData };
}
