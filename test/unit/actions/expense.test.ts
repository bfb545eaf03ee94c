/**
 * The Expense operations through the action router with the transport mocked: the v4 URLs they
 * ask for, IDs checked before any call, and the simplified shape of Concur's documented answers
 * (samples from expense/expense-report/v4.expenses and v4.expense-attendee-associations).
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { router } from '../../../nodes/Concur/actions/router';
import {
	legacyEntriesOf,
	simplifyAttendees,
	simplifyLegacyEntry,
	simplifyV3Entry,
	simplifyV4Expense,
} from '../../../nodes/Concur/actions/expense/simplify';
import { expensesUrlOfReportUrl } from '../../../nodes/Concur/actions/expense/urls';
import { concurApiRequest, concurApiRequestAllItems } from '../../../nodes/Concur/transport';
import { createExecuteContext } from '../../fixtures/actions/context';

jest.mock('../../../nodes/Concur/transport', () => ({
	concurApiRequest: jest.fn(),
	concurApiRequestAllItems: jest.fn(),
}));

const request = concurApiRequest as jest.MockedFunction<typeof concurApiRequest>;

const USER = '32c2fcc3-b2e8-4907-9672-5b3f49b1c643';
const REPORT = '764428DD6A664AF0BFCB';
const BASE = `/expensereports/v4/users/${USER}/context/TRAVELER/reports/${REPORT}/expenses`;

/** The first expense of Concur's "Retrieve Expenses on a Specific Report ID" sample, trimmed. */
const lunch: IDataObject = {
	expenseId: '84FCBB92BD4E5342B849DAC29FD163A1',
	approvedAmount: { value: 25.0, currencyCode: 'USD' },
	businessPurpose: 'test',
	claimedAmount: { value: 25.0, currencyCode: 'USD' },
	ereceiptImageId: null,
	expenseType: { id: 'LUNCH', name: 'Lunch', code: 'OTHER', isDeleted: false },
	hasBlockingExceptions: false,
	hasExceptions: false,
	hasMissingReceiptDeclaration: false,
	imageCertificationStatus: null,
	isImageRequired: true,
	isPaperReceiptRequired: false,
	isPersonalExpense: false,
	location: { id: '04F3ED00D0884F4681628E3337A5B515', name: 'Bellevue, Washington', city: 'Bellevue', countrySubDivisionCode: 'US-WA', countryCode: 'US' },
	paymentType: { id: 'CASH', name: 'Cash', code: 'CASH' },
	postedAmount: { value: 25.0, currencyCode: 'USD' },
	receiptImageId: null,
	transactionAmount: { value: 25.0, currencyCode: 'USD' },
	transactionDate: '2020-03-11',
	vendor: null,
	attendeeCount: 1,
};
const supplies: IDataObject = {
	...lunch,
	expenseId: '29EE3C62F5D844458828A5C1086072D1',
	expenseType: { id: 'OFCSP', name: 'Office Supplies', code: 'OTHER', isDeleted: false },
	transactionAmount: { value: 500.0, currencyCode: 'USD' },
	postedAmount: { value: 500.0, currencyCode: 'USD' },
	vendor: { id: null, name: null, description: 'Antioch Construction' },
	receiptImageId: '5D1E7AC2E9E14A2F8C7B3E4B6D0A9F21',
	imageCertificationStatus: 'ACCEPTED',
	hasExceptions: true,
	attendeeCount: 0,
};

async function run(parameters: IDataObject | IDataObject[], continueOnFail = false) {
	const [items] = await router.call(createExecuteContext({ parameters, continueOnFail }));
	return items;
}

const locator = { userId: USER, reportId: REPORT, contextType: 'TRAVELER' };

beforeEach(() => {
	request.mockReset();
	(concurApiRequestAllItems as jest.Mock).mockReset();
});

describe('Expense > Get Many', () => {
	it('asks v4 for the report\'s expenses and simplifies each one', async () => {
		request.mockResolvedValueOnce([lunch, supplies]);
		const items = await run({ resource: 'expense', operation: 'getAll', ...locator, returnAll: true, simplify: true });
		expect(request).toHaveBeenCalledWith({ method: 'GET', url: BASE, format: 'json' });
		expect(items.map((item) => item.json)).toEqual([
			{
				id: '84FCBB92BD4E5342B849DAC29FD163A1',
				expenseType: 'Lunch',
				expenseTypeCode: 'LUNCH',
				transactionDate: '2020-03-11',
				amount: 25,
				currency: 'USD',
				postedAmount: 25,
				postedCurrency: 'USD',
				approvedAmount: 25,
				location: 'Bellevue, Washington',
				countryCode: 'US',
				businessPurpose: 'test',
				paymentType: 'Cash',
				isPersonal: false,
				receiptRequired: true,
				hasReceiptImage: false,
				hasMissingReceiptDeclaration: false,
				paperReceiptRequired: false,
				hasExceptions: false,
				hasBlockingExceptions: false,
				attendeeCount: 1,
				reportId: REPORT,
			},
			expect.objectContaining({
				id: '29EE3C62F5D844458828A5C1086072D1',
				vendor: 'Antioch Construction',
				amount: 500,
				hasReceiptImage: true,
				receiptImageId: '5D1E7AC2E9E14A2F8C7B3E4B6D0A9F21',
				imageCertificationStatus: 'ACCEPTED',
				hasExceptions: true,
			}),
		]);
		expect(items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('applies Limit to the one list Concur answers, and returns the raw answer without Simplify', async () => {
		request.mockResolvedValueOnce([lunch, supplies]);
		const items = await run({ resource: 'expense', operation: 'getAll', ...locator, returnAll: false, limit: 1, simplify: false });
		expect(items.map((item) => item.json)).toEqual([lunch]);
	});

	it('encodes the path segments and refuses IDs that would change the path, before calling Concur', async () => {
		request.mockResolvedValueOnce([]);
		await run({ resource: 'expense', operation: 'getAll', ...locator, contextType: 'PROXY', userId: ` ${USER} `, returnAll: true, simplify: true });
		expect(request.mock.calls[0][0].url).toBe(BASE.replace('TRAVELER', 'PROXY'));

		for (const reportId of ['../reports', 'A/B', 'A?x=1', '']) {
			const error = await run({ resource: 'expense', operation: 'getAll', ...locator, reportId, returnAll: true, simplify: true }).catch((caught) => caught);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toMatch(/The report ID ".*" is not valid/);
		}
		expect(request).toHaveBeenCalledTimes(1);
	});

	it('continues on fail with an error item paired to its input', async () => {
		request.mockResolvedValueOnce([lunch]);
		const items = await run(
			[
				{ resource: 'expense', operation: 'getAll', ...locator, userId: 'bad/user', returnAll: true, simplify: true },
				{ resource: 'expense', operation: 'getAll', ...locator, returnAll: true, simplify: true },
			],
			true,
		);
		expect(items[0]).toEqual({ json: { error: 'The user ID "bad/user" is not valid' }, pairedItem: { item: 0 } });
		expect(items[1]).toEqual(expect.objectContaining({ pairedItem: { item: 1 } }));
	});
});

describe('Expense > Get, Get Itemizations, Get Attendees', () => {
	it('gets one expense with its receipt type', async () => {
		request.mockResolvedValueOnce({ ...supplies, receiptType: { id: 'R', status: 'Regular Receipt' }, lastModifiedDate: '2020-03-12T10:00:00Z' });
		const [item] = await run({ resource: 'expense', operation: 'get', ...locator, expenseId: '29EE3C62F5D844458828A5C1086072D1', simplify: true });
		expect(request).toHaveBeenCalledWith({ method: 'GET', url: `${BASE}/29EE3C62F5D844458828A5C1086072D1`, format: 'json' });
		expect(item.json).toEqual(expect.objectContaining({ receiptType: 'R', receiptStatus: 'Regular Receipt', lastModifiedDate: '2020-03-12T10:00:00Z', reportId: REPORT }));
	});

	it('lists itemizations, each naming its parent expense', async () => {
		request.mockResolvedValueOnce([{ ...lunch, expenseId: '95GCBB92AE4E5342B849DAC29FD163A1' }]);
		const items = await run({ resource: 'expense', operation: 'getItemizations', ...locator, expenseId: '84FCBB92BD4E5342B849DAC29FD163A1', returnAll: true, simplify: true });
		expect(request.mock.calls[0][0].url).toBe(`${BASE}/84FCBB92BD4E5342B849DAC29FD163A1/itemizations`);
		expect(items[0].json).toEqual(expect.objectContaining({ id: '95GCBB92AE4E5342B849DAC29FD163A1', parentExpenseId: '84FCBB92BD4E5342B849DAC29FD163A1' }));
	});

	it('gets attendees as the owner, or as the system user when no user ID is given', async () => {
		const associations = {
			noShowAttendeeCount: 0,
			expenseAttendeeList: [
				{
					attendeeId: '695E66E2A472074D8895057311C6A158',
					customData: null,
					isAmountUserEdited: false,
					isTraveling: null,
					associatedAttendeeCount: 1,
					versionNumber: 1,
					transactionAmount: { value: 100, currencyCode: 'USD' },
					approvedAmount: { value: 100, currencyCode: 'USD' },
				},
			],
		};
		request.mockResolvedValue(associations);
		const [owner] = await run({ resource: 'expense', operation: 'getAttendees', ...locator, expenseId: '51ADA86C8EB164488FE67180CCE16EDB', simplify: true });
		expect(request.mock.calls[0][0].url).toBe(`${BASE}/51ADA86C8EB164488FE67180CCE16EDB/attendees`);
		expect(owner.json).toEqual({
			expenseId: '51ADA86C8EB164488FE67180CCE16EDB',
			noShowAttendeeCount: 0,
			attendeeCount: 1,
			attendees: [{ attendeeId: '695E66E2A472074D8895057311C6A158', amount: 100, currency: 'USD', approvedAmount: 100, associatedAttendeeCount: 1, isAmountUserEdited: false }],
		});

		const [system] = await run({ resource: 'expense', operation: 'getAttendees', ...locator, userId: '', expenseId: '51ADA86C8EB164488FE67180CCE16EDB', simplify: false });
		expect(request.mock.calls[1][0].url).toBe(`/expensereports/v4/reports/${REPORT}/expenses/51ADA86C8EB164488FE67180CCE16EDB/attendees`);
		expect(system.json).toEqual(associations);
	});
});

describe('expense simplify', () => {
	it('reads a v3 entry and a v1.1 entry into the same keys as a v4 expense', () => {
		const v3 = simplifyV3Entry({
			ID: 'gWidFO7ikXV647DRpQmvCXeFNA4VPTOczCg',
			ExpenseID: '84FCBB92BD4E5342B849DAC29FD163A1',
			ExpenseTypeName: 'Lunch',
			ExpenseTypeCode: 'LUNCH',
			TransactionDate: '2020-03-11T00:00:00',
			TransactionAmount: 25,
			TransactionCurrencyCode: 'USD',
			PostedAmount: 25,
			VendorDescription: 'Pret',
			IsImageRequired: true,
			HasImage: false,
			HasExceptions: true,
			HasAttendees: true,
		});
		expect(v3).toEqual(
			expect.objectContaining({ id: '84FCBB92BD4E5342B849DAC29FD163A1', entryId: 'gWidFO7ikXV647DRpQmvCXeFNA4VPTOczCg', transactionDate: '2020-03-11', amount: 25, vendor: 'Pret', receiptRequired: true, hasReceiptImage: false, hasExceptions: true }),
		);
		const v11 = simplifyLegacyEntry({ RpeKey: 'nxxKgLlnRODp$sie8Hq1UviOJ2deAbpS7dC0', ExpName: 'Hotel', PostedAmount: '129.00000000', ImageRequired: 'Y', ReceiptImageId: '', HasExceptions: 'N' });
		expect(v11).toEqual({ id: 'nxxKgLlnRODp$sie8Hq1UviOJ2deAbpS7dC0', entryId: 'nxxKgLlnRODp$sie8Hq1UviOJ2deAbpS7dC0', expenseType: 'Hotel', postedAmount: 129, receiptRequired: true, hasReceiptImage: false, hasExceptions: false });
		expect(simplifyV4Expense({})).toEqual({ hasReceiptImage: false });
	});

	it('finds the entries of v1.1 full details (one or many) and of v2 details', () => {
		expect(legacyEntriesOf({ Entries: { ExpenseEntry: { RpeKey: 'a' } } })).toEqual([{ RpeKey: 'a' }]);
		expect(legacyEntriesOf({ Entries: { ExpenseEntry: [{ RpeKey: 'a' }, { RpeKey: 'b' }] } })).toHaveLength(2);
		expect(legacyEntriesOf({ ExpenseEntriesList: [{ ReportEntryID: 'x' }] })).toEqual([{ ReportEntryID: 'x' }]);
		expect(legacyEntriesOf({})).toEqual([]);
		expect(simplifyAttendees({})).toEqual({ attendeeCount: 0, attendees: [] });
	});

	it('builds the expenses URL of an event href', () => {
		expect(expensesUrlOfReportUrl(`https://us.api.concursolutions.com/expensereports/v4/users/${USER}/context/TRAVELER/reports/${REPORT}/`)).toBe(
			`https://us.api.concursolutions.com/expensereports/v4/users/${USER}/context/TRAVELER/reports/${REPORT}/expenses`,
		);
		expect(expensesUrlOfReportUrl('https://x.concursolutions.com/r/1?a=b#c')).toBe('https://x.concursolutions.com/r/1/expenses');
	});
});
