import {
	ESS_TRANSITIONS,
	isEssEvent,
	matchesEssFilters,
	matchesTransition,
	splitList,
	type EssEvent,
	type EssFilters,
	type EssTransition,
} from '../../nodes/Concur/helpers/essFilters';
import { expenseStatusChangedEvent, requestEvent } from '../fixtures/concurEvents';

const none: EssFilters = { topics: [], eventTypes: [], transitions: [], stepCodes: [] };
const expense = (facts: Record<string, unknown>, overrides: Record<string, unknown> = {}) =>
	expenseStatusChangedEvent(overrides as never, facts as never) as EssEvent;

/** Which presets an event matches. */
const matched = (event: EssEvent): EssTransition[] =>
	ESS_TRANSITIONS.filter((transition) => matchesTransition(event, transition));

describe('isEssEvent', () => {
	it('needs an object with string id and topic', () => {
		expect(isEssEvent(expenseStatusChangedEvent())).toBe(true);
		expect(isEssEvent({ id: 'x', topic: 't' })).toBe(true);
		expect(isEssEvent({ id: '', topic: 't' })).toBe(false);
		expect(isEssEvent({ id: 1, topic: 't' })).toBe(false);
		expect(isEssEvent({ id: 'x' })).toBe(false);
		expect(isEssEvent([{ id: 'x', topic: 't' }])).toBe(false);
		expect(isEssEvent(null)).toBe(false);
		expect(isEssEvent('x')).toBe(false);
	});
});

describe('expense transitions (Concur filtering advice)', () => {
	it('submitted = previous approval status A_NOTF or A_RESU', () => {
		expect(matched(expense({ previousApprovalStatus: 'A_NOTF', currentApprovalStatus: 'A_PEND', stepCode: 'MANAGER' }))).toEqual(['expenseSubmitted']);
		expect(matched(expense({ previousApprovalStatus: 'A_RESU', currentApprovalStatus: 'A_PEND', stepCode: 'MANAGER' }))).toEqual(['expenseSubmitted']);
	});

	it('approved = current approval status A_APPR reached', () => {
		expect(matched(expense({ previousApprovalStatus: 'A_PEND', currentApprovalStatus: 'A_APPR', stepCode: 'MANAGER' }))).toEqual(['expenseApproved']);
	});

	it('sent back = SENDBACK, recalled = RECALL, external validation = EXTVAL', () => {
		const step = (stepCode: string) =>
			matched(expense({ previousApprovalStatus: 'A_PEND', currentApprovalStatus: 'A_PEND', stepCode }));
		expect(step('SENDBACK')).toEqual(['expenseSentBack']);
		expect(step('RECALL')).toEqual(['expenseRecalled']);
		expect(step('EXTVAL')).toEqual(['expenseExternalValidation']);
		expect(step('MANAGER')).toEqual([]);
	});

	it('paid = current payment status P_PAID', () => {
		expect(matched(expense({ previousApprovalStatus: 'A_APPR', currentApprovalStatus: 'A_APPR', currentPaymentStatus: 'P_PAID', previousPaymentStatus: 'P_PROC', stepCode: 'PAIDREPORT' }))).toEqual([
			'expensePaid',
		]);
	});

	it('only applies to statusChanged events', () => {
		expect(matched(expense({ previousApprovalStatus: 'A_NOTF', stepCode: 'EXTVAL' }, { eventType: 'reportUpdated' }))).toEqual([]);
	});
});

describe('request transitions', () => {
	it.each([
		['statusChange.APPROVED', ['requestApproved']],
		['statusChange.CANCELED', ['requestCanceled']],
		['statusChange.SENTBACK', ['requestSentBack']],
		['statusChange.PENDING.RequestManager', ['requestPending']],
		['statusChange.PENDING.ExternalValidation', ['requestExternalValidation', 'requestPending']],
	])('%s matches %j', (eventType, expected) => {
		expect(matched(requestEvent(eventType) as EssEvent).sort()).toEqual([...expected].sort());
	});
});

describe('matchesEssFilters', () => {
	const submitted = expense({ previousApprovalStatus: 'A_NOTF', stepCode: 'MANAGER' });

	it('passes everything when no filter is set', () => {
		expect(matchesEssFilters(submitted, none)).toBe(true);
	});

	it('filters on topic, event type and step code, all of them together', () => {
		expect(matchesEssFilters(submitted, { ...none, topics: ['public.concur.request'] })).toBe(false);
		expect(matchesEssFilters(submitted, { ...none, topics: ['public.concur.expense.report'] })).toBe(true);
		expect(matchesEssFilters(submitted, { ...none, eventTypes: ['reportCreated'] })).toBe(false);
		expect(matchesEssFilters(submitted, { ...none, eventTypes: ['statusChanged'] })).toBe(true);
		expect(matchesEssFilters(submitted, { ...none, stepCodes: ['EXTVAL'] })).toBe(false);
		expect(matchesEssFilters(submitted, { ...none, stepCodes: ['EXTVAL', 'MANAGER'] })).toBe(true);
		expect(
			matchesEssFilters(submitted, { ...none, topics: ['public.concur.expense.report'], stepCodes: ['EXTVAL'] }),
		).toBe(false);
	});

	it('passes when any selected transition matches', () => {
		expect(matchesEssFilters(submitted, { ...none, transitions: ['expensePaid'] })).toBe(false);
		expect(matchesEssFilters(submitted, { ...none, transitions: ['expensePaid', 'expenseSubmitted'] })).toBe(true);
	});
});

describe('splitList', () => {
	it('splits commas and new lines, trims, drops blanks, takes arrays', () => {
		expect(splitList(' a, b ,,\nc ')).toEqual(['a', 'b', 'c']);
		expect(splitList(['x', ' y '])).toEqual(['x', 'y']);
		expect(splitList(undefined)).toEqual([]);
	});
});
