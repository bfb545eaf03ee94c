import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import {
	budgetNearlySpent,
	classifyReportChange,
	commitRun,
	createNotificationCursor,
	createReportCursor,
	DEFAULT_MAX_KEYS,
	isNotificationCursorState,
	isReportCursorState,
	mayStopEarly,
	modifiedDateAfter,
	notificationsOf,
	reportPageOf,
	selectNotifications,
	startRun,
	takeNewRows,
	type ReportCursorState,
	type ReportEvent,
} from './helpers/cursor';
import { beginPoll, endPoll, previousHandOffUnstored, recordHandOff } from './helpers/handOff';
import { daysToMs, minutesToMs, parseConcurDate, secondsToMs, toConcurDate } from './helpers/dates';
import { APPROVAL_STATUS_OPTIONS, PAYMENT_STATUS_OPTIONS, withAnyOption } from './helpers/reportStatus';
import { concurApiRequest, type ConcurRequestOptions } from './transport';

const REPORTS_PATH = '/api/v3.0/expense/reports';
const NOTIFICATIONS_PATH = '/api/platform/notifications/v1.0/notification';
/** A chain longer than this is treated as a paging fault (e.g. a NextPage that never ends). */
const MAX_PAGES_PER_POLL = 10_000;
/** Manual mode looks for the newest match in growing windows (days) so it stays cheap. */
const MANUAL_WINDOWS_DAYS = [1, 7, 30, 365];

interface ReportSettings {
	event: ReportEvent;
	toleranceMs: number;
	lookBackMs: number;
	fullDetails: boolean;
	/** Stop after the page that reaches this many new items (0: no cap); the rest comes next poll. */
	maxItemsPerPoll: number;
	qs: IDataObject;
}

export class ConcurPollingTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Concur Polling Trigger',
		name: 'concurPollingTrigger',
		icon: { light: 'file:../../icons/concur.svg', dark: 'file:../../icons/concur.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{$parameter["resource"] === "failedNotification" ? "Failed notifications" : "Reports " + ($parameter["event"] === "createdOrUpdated" ? "created or updated" : $parameter["event"])}}',
		description: 'Starts the workflow when SAP Concur expense reports change or legacy notifications fail, by polling',
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
				],
				default: 'expenseReport',
			},
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				displayOptions: { show: { resource: ['expenseReport'] } },
				options: [
					{ name: 'Report Created', value: 'created', description: 'Only reports that were new when polled' },
					{ name: 'Report Created or Updated', value: 'createdOrUpdated', description: 'Every change' },
					{ name: 'Report Updated', value: 'updated', description: 'Only changes to existing reports' },
				],
				default: 'createdOrUpdated',
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
				description: 'Changes from this moment (UTC unless the value says otherwise) are emitted',
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
				displayOptions: { show: { resource: ['expenseReport'] } },
				default: {},
				options: [
					{
						displayName: 'Created Tolerance (Seconds)',
						name: 'createdToleranceSeconds',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 5,
						description:
							'A report counts as created when its last modification is at most this long after its creation date',
					},
					{
						displayName: 'Emit Full Report',
						name: 'fullDetails',
						type: 'boolean',
						default: false,
						description: 'Whether to fetch each report by ID and emit that answer instead of the list row',
					},
					{
						displayName: 'Look-Back Window (Minutes)',
						name: 'lookBackMinutes',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 10,
						description:
							'How far behind the newest change seen each poll looks again, for changes Concur lists late; repeats are dropped',
					},
					{
						displayName: 'Max Items per Poll',
						name: 'maxItemsPerPoll',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 10000,
						description:
							'Stop after the page that reaches this many new reports and continue from there at the next poll, so a large backlog does not become one huge execution; 0 means no limit',
					},
					{
						displayName: 'Page Size',
						name: 'pageSize',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 100 },
						default: 100,
						description: 'Reports per request (Concur allows at most 100)',
					},
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const resource = this.getNodeParameter('resource', 'expenseReport') as string;
		const pollResource = resource === 'failedNotification' ? pollFailedNotifications : pollExpenseReports;
		if (this.getMode() === 'manual') return await pollResource.call(this);
		return await oneAtATime.call(this, async () => await pollResource.call(this));
	}
}

/** Without a poll budget (older n8n versions), a poll older than this no longer holds the next one back. */
const ABANDONED_POLL_MS = 10 * 60_000;

/**
 * Runs the poll unless another poll of this node is still running, or n8n may still be storing
 * what the previous poll handed off: then this poll emits nothing and leaves the cursor alone
 * (see helpers/handOff.ts). Nothing is lost; the changes are emitted by the other poll, or by the
 * next one.
 */
async function oneAtATime(
	this: IPollFunctions,
	poll: () => Promise<INodeExecutionData[][] | null>,
): Promise<INodeExecutionData[][] | null> {
	const nodeKey = handOffKey.call(this);
	const startedAt = Date.now();
	const budgetMs = typeof this.getPollBudgetMs === 'function' ? this.getPollBudgetMs() : undefined;
	// n8n abandons a poll shortly after its budget (the budget leaves it a 20% margin).
	const abandonedAfterMs = budgetMs === undefined ? ABANDONED_POLL_MS : budgetMs * 1.25;
	if (!beginPoll(nodeKey, startedAt, abandonedAfterMs)) {
		this.logger.debug('Concur Polling Trigger: another poll of this node is still running; skipping this one');
		return null;
	}
	try {
		if (previousHandOffUnstored(nodeKey, this.getWorkflowStaticData('node'))) {
			this.logger.debug("Concur Polling Trigger: the previous poll's items may still be being stored; polling next time");
			return null;
		}
		return await poll();
	} finally {
		endPoll(nodeKey, startedAt);
	}
}

/** Epoch ms the first poll starts from, per the First Run parameter. */
function firstRunFloor(this: IPollFunctions, now: number, defaultFloor: number): number {
	const firstRun = this.getNodeParameter('firstRun', 'now') as string;
	if (firstRun === 'backfill') {
		const days = this.getNodeParameter('backfillDays', 7) as number;
		return now - daysToMs(days);
	}
	if (firstRun === 'date') {
		const value = this.getNodeParameter('startDate', '') as string;
		const start = parseConcurDate(value);
		if (start === undefined) {
			throw new NodeOperationError(this.getNode(), `Start Date "${value}" is not a valid date`);
		}
		return start;
	}
	return defaultFloor;
}

function reportSettings(this: IPollFunctions): ReportSettings {
	const options = this.getNodeParameter('options', {}) as IDataObject;
	const pageSize = Math.floor(nonNegative.call(this, options.pageSize, 100, 'Page Size'));
	const qs: IDataObject = { limit: Math.min(100, Math.max(1, pageSize)) };
	// Empty means the token owner's own reports (Concur's default when `user` is omitted).
	const user = String(this.getNodeParameter('user', 'ALL') ?? '').trim();
	if (user) qs.user = user;
	const approvalStatus = this.getNodeParameter('approvalStatus', '') as string;
	const paymentStatus = this.getNodeParameter('paymentStatus', '') as string;
	if (approvalStatus) qs.approvalStatusCode = approvalStatus;
	if (paymentStatus) qs.paymentStatusCode = paymentStatus;
	return {
		event: this.getNodeParameter('event', 'createdOrUpdated') as ReportEvent,
		toleranceMs: secondsToMs(nonNegative.call(this, options.createdToleranceSeconds, 5, 'Created Tolerance (Seconds)')),
		lookBackMs: minutesToMs(nonNegative.call(this, options.lookBackMinutes, 10, 'Look-Back Window (Minutes)')),
		fullDetails: options.fullDetails === true,
		maxItemsPerPoll: Math.floor(nonNegative.call(this, options.maxItemsPerPoll, 10000, 'Max Items per Poll')),
		qs,
	};
}

/** A number option that must be zero or more (an expression could yield anything). */
function nonNegative(this: IPollFunctions, value: unknown, fallback: number, name: string): number {
	if (value === undefined || value === '') return fallback;
	const number = Number(value);
	if (!Number.isFinite(number) || number < 0) {
		throw new NodeOperationError(this.getNode(), `${name} must be a number of zero or more, not "${String(value)}"`);
	}
	return number;
}

/** Turns fresh list rows into output items: event filter, then the optional full fetch. */
async function toReportItems(
	this: IPollFunctions,
	rows: IDataObject[],
	settings: ReportSettings,
): Promise<INodeExecutionData[]> {
	const items: INodeExecutionData[] = [];
	for (const row of rows) {
		const event = classifyReportChange(row, settings.toleranceMs);
		if (settings.event !== 'createdOrUpdated' && settings.event !== event) continue;
		let report: IDataObject = row;
		if (settings.fullDetails && typeof row.ID === 'string') {
			// v3 refuses user=ALL on a single report; the owner's login ID works for admins and owners.
			const qs: IDataObject = typeof row.OwnerLoginID === 'string' ? { user: row.OwnerLoginID } : {};
			report = (await concurApiRequest.call(this, {
				method: 'GET',
				url: `${REPORTS_PATH}/${encodeURIComponent(row.ID)}`,
				qs,
			})) as IDataObject;
		}
		items.push({ json: { ...report, event } });
	}
	return items;
}

async function pollExpenseReports(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = reportSettings.call(this);
	if (this.getMode() === 'manual') return await newestReport.call(this, settings);

	const staticData = this.getWorkflowStaticData('node');
	const limits = { lookBackMs: settings.lookBackMs, maxKeys: DEFAULT_MAX_KEYS };
	const now = Date.now();
	let state: ReportCursorState;
	let priming = false;
	if (isReportCursorState(staticData.expenseReportCursor)) {
		state = staticData.expenseReportCursor;
	} else {
		// "Start from now" reads the last look-back window once and remembers it without emitting,
		// so the watermark comes from Concur's own timestamps and clock skew up to the window is harmless.
		priming = (this.getNodeParameter('firstRun', 'now') as string) === 'now';
		state = createReportCursor(firstRunFloor.call(this, now, now - settings.lookBackMs));
	}

	// Feature-detected: older n8n versions give no poll budget; then only Max Items per Poll ends a
	// poll early.
	const budgetMs = typeof this.getPollBudgetMs === 'function' && !priming ? this.getPollBudgetMs() : undefined;
	const run = startRun(state, settings.lookBackMs);
	const emitted: INodeExecutionData[] = [];
	let request: ConcurRequestOptions = {
		method: 'GET',
		url: REPORTS_PATH,
		qs: { ...settings.qs, modifiedDateAfter: modifiedDateAfter(state, settings.lookBackMs) },
	};
	let slowestPageMs = 0;
	for (let page = 1; ; page++) {
		const pageStarted = Date.now();
		const { items, nextPage } = reportPageOf(await concurApiRequest.call(this, request));
		const fresh = takeNewRows(run, state, items);
		if (!priming) emitted.push(...(await toReportItems.call(this, fresh, settings)));
		slowestPageMs = Math.max(slowestPageMs, Date.now() - pageStarted);
		if (!nextPage) break;
		if (page >= MAX_PAGES_PER_POLL) {
			if (mayStopEarly(run)) break;
			throw new NodeOperationError(
				this.getNode(),
				`Concur returned more than ${MAX_PAGES_PER_POLL} pages of reports in one poll without progress`,
			);
		}
		if (budgetMs !== undefined && mayStopEarly(run) && budgetNearlySpent(Date.now() - now, slowestPageMs, budgetMs)) {
			break; // the rest is read next poll, from the newest change seen (see helpers/cursor.ts)
		}
		if (settings.maxItemsPerPoll > 0 && emitted.length >= settings.maxItemsPerPoll && mayStopEarly(run)) {
			break; // same resumable stop as the time budget: bounded executions and memory
		}
		request = { method: 'GET', url: nextPage };
	}

	// Only now, with every page read and every detail fetched, does the cursor move.
	staticData.expenseReportCursor = commitRun(state, run, limits) as unknown as IDataObject;
	if (emitted.length === 0) return null;
	recordHandOff(handOffKey.call(this), staticData);
	return [emitted];
}

/** Identifies this trigger node for the in-memory hand-off record (see helpers/handOff.ts). */
function handOffKey(this: IPollFunctions): string {
	const node = this.getNode();
	return `${this.getWorkflow().id ?? ''}:${node.id ?? node.name}`;
}

/** Manual mode: the newest matching report, without touching the cursor. */
async function newestReport(this: IPollFunctions, settings: ReportSettings): Promise<INodeExecutionData[][]> {
	const now = Date.now();
	for (const days of MANUAL_WINDOWS_DAYS) {
		let newest: IDataObject | undefined;
		let newestTime = -Infinity;
		let request: ConcurRequestOptions = {
			method: 'GET',
			url: REPORTS_PATH,
			qs: { ...settings.qs, limit: 100, modifiedDateAfter: toConcurDate(now - daysToMs(days)) },
		};
		for (let page = 1; page <= MAX_PAGES_PER_POLL; page++) {
			const { items, nextPage } = reportPageOf(await concurApiRequest.call(this, request));
			for (const row of items) {
				const event = classifyReportChange(row, settings.toleranceMs);
				if (settings.event !== 'createdOrUpdated' && settings.event !== event) continue;
				const time = parseConcurDate(row.LastModifiedDate) ?? -Infinity;
				if (newest === undefined || time >= newestTime) {
					newest = row;
					newestTime = time;
				}
			}
			if (!nextPage) break;
			request = { method: 'GET', url: nextPage };
		}
		if (newest) return [await toReportItems.call(this, [newest], settings)];
	}
	throw new NodeOperationError(
		this.getNode(),
		`No expense report matching the filters changed in the last ${MANUAL_WINDOWS_DAYS[MANUAL_WINDOWS_DAYS.length - 1]} days`,
	);
}

async function pollFailedNotifications(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const response = await concurApiRequest.call(this, {
		method: 'GET',
		url: NOTIFICATIONS_PATH,
		qs: { status: 'FAILED' },
	});
	const listed = notificationsOf(response);

	if (this.getMode() === 'manual') {
		let newest: IDataObject | undefined;
		let newestTime = -Infinity;
		for (const notification of listed) {
			const time = parseConcurDate(notification.EventDateTime) ?? -Infinity;
			if (newest === undefined || time >= newestTime) {
				newest = notification;
				newestTime = time;
			}
		}
		if (!newest) throw new NodeOperationError(this.getNode(), 'Concur lists no failed notifications right now');
		return [[{ json: newest }]];
	}

	const staticData = this.getWorkflowStaticData('node');
	const firstPoll = !isNotificationCursorState(staticData.failedNotificationCursor);
	const state = isNotificationCursorState(staticData.failedNotificationCursor)
		? staticData.failedNotificationCursor
		: createNotificationCursor(firstRunFloor.call(this, Date.now(), 0));
	const { fresh, next } = selectNotifications(state, listed, DEFAULT_MAX_KEYS);
	staticData.failedNotificationCursor = next as unknown as IDataObject;
	// "Start from now": what is listed at activation is remembered, not emitted.
	const startFromNow = firstPoll && (this.getNodeParameter('firstRun', 'now') as string) === 'now';
	if (startFromNow || fresh.length === 0) return null;
	recordHandOff(handOffKey.call(this), staticData);
	return [fresh.map((notification) => ({ json: notification }))];
}
