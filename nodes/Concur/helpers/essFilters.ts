import type { IDataObject } from 'n8n-workflow';

/**
 * Which Event Subscription Service events start the workflow. Pure functions over the event as
 * Concur sends it (envelope `id, topic, eventType, timeStamp, facts`), so they are cheap to run
 * before anything else and easy to test.
 *
 * Transition presets follow Concur's own filtering advice for `public.concur.expense.report`
 * `statusChanged` events and the `statusChange.*` event types of `public.concur.request`.
 */

export type EssTransition =
	| 'expenseApproved'
	| 'expenseExternalValidation'
	| 'expensePaid'
	| 'expenseRecalled'
	| 'expenseSentBack'
	| 'expenseSubmitted'
	| 'requestApproved'
	| 'requestCanceled'
	| 'requestExternalValidation'
	| 'requestPending'
	| 'requestSentBack';

export interface EssFilters {
	/** Empty = any topic. */
	topics: string[];
	/** Empty = any event type. */
	eventTypes: string[];
	/** Empty = any transition; otherwise the event must match at least one. */
	transitions: EssTransition[];
	/** Empty = any step; otherwise `facts.stepCode` must be one of these. */
	stepCodes: string[];
}

export interface EssEvent extends IDataObject {
	id: string;
	topic: string;
	eventType?: string;
	facts?: IDataObject;
}

const EXPENSE_STATUS_CHANGED = 'statusChanged';

function fact(event: EssEvent, name: string): unknown {
	const facts = event.facts;
	return facts !== null && typeof facts === 'object' ? (facts as IDataObject)[name] : undefined;
}

const TRANSITION_TESTS: Record<EssTransition, (event: EssEvent) => boolean> = {
	expenseSubmitted: (event) =>
		event.eventType === EXPENSE_STATUS_CHANGED &&
		['A_NOTF', 'A_RESU'].includes(String(fact(event, 'previousApprovalStatus'))),
	expenseApproved: (event) =>
		event.eventType === EXPENSE_STATUS_CHANGED &&
		fact(event, 'currentApprovalStatus') === 'A_APPR' &&
		fact(event, 'previousApprovalStatus') !== 'A_APPR',
	expenseSentBack: (event) =>
		event.eventType === EXPENSE_STATUS_CHANGED && fact(event, 'stepCode') === 'SENDBACK',
	expenseRecalled: (event) =>
		event.eventType === EXPENSE_STATUS_CHANGED && fact(event, 'stepCode') === 'RECALL',
	expensePaid: (event) =>
		event.eventType === EXPENSE_STATUS_CHANGED && fact(event, 'currentPaymentStatus') === 'P_PAID',
	expenseExternalValidation: (event) =>
		event.eventType === EXPENSE_STATUS_CHANGED && fact(event, 'stepCode') === 'EXTVAL',
	requestApproved: (event) => event.eventType === 'statusChange.APPROVED',
	requestCanceled: (event) => event.eventType === 'statusChange.CANCELED',
	requestSentBack: (event) => event.eventType === 'statusChange.SENTBACK',
	requestPending: (event) =>
		typeof event.eventType === 'string' && event.eventType.startsWith('statusChange.PENDING'),
	requestExternalValidation: (event) =>
		event.eventType === 'statusChange.PENDING.ExternalValidation' ||
		(typeof event.eventType === 'string' &&
			event.eventType.startsWith('statusChange.') &&
			fact(event, 'stepCode') === 'EXTVAL'),
};

export const ESS_TRANSITIONS = Object.keys(TRANSITION_TESTS) as EssTransition[];

/** Splits a comma- or newline-separated parameter into trimmed, non-empty values. */
export function splitList(value: unknown): string[] {
	if (Array.isArray(value)) return value.map(String).map((item) => item.trim()).filter(Boolean);
	if (typeof value !== 'string') return [];
	return value
		.split(/[,\n]/)
		.map((item) => item.trim())
		.filter(Boolean);
}

/**
 * Whether a value is an ESS event at all: a JSON object with a non-empty string `id` and
 * `topic`. Anything else is answered 400 (Concur does not retry other 4xx).
 */
export function isEssEvent(value: unknown): value is EssEvent {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
	const { id, topic } = value as IDataObject;
	return typeof id === 'string' && id.trim() !== '' && typeof topic === 'string' && topic !== '';
}

export function matchesTransition(event: EssEvent, transition: EssTransition): boolean {
	const test = TRANSITION_TESTS[transition];
	return test !== undefined && test(event);
}

/** Whether the event passes every configured filter (unset filters pass everything). */
export function matchesEssFilters(event: EssEvent, filters: EssFilters): boolean {
	if (filters.topics.length > 0 && !filters.topics.includes(event.topic)) return false;
	if (filters.eventTypes.length > 0 && !filters.eventTypes.includes(String(event.eventType))) {
		return false;
	}
	if (filters.stepCodes.length > 0 && !filters.stepCodes.includes(String(fact(event, 'stepCode')))) {
		return false;
	}
	if (
		filters.transitions.length > 0 &&
		!filters.transitions.some((transition) => matchesTransition(event, transition))
	) {
		return false;
	}
	return true;
}
