/**
 * Report > Recall (v4) and Report > Get with Include Expenses, through the action router with the
 * transport mocked: the calls each asks for, and the expenses in the report item.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { router } from '../../../nodes/Concur/actions/router';
import { parseXml, xmlToJson } from '../../../nodes/Concur/helpers/xml';
import { concurApiRequest, concurApiRequestAllItems } from '../../../nodes/Concur/transport';
import { createExecuteContext } from '../../fixtures/actions/context';

jest.mock('../../../nodes/Concur/transport', () => ({
	concurApiRequest: jest.fn(),
	concurApiRequestAllItems: jest.fn(),
}));

const request = concurApiRequest as jest.MockedFunction<typeof concurApiRequest>;
const requestAll = concurApiRequestAllItems as jest.MockedFunction<typeof concurApiRequestAllItems>;

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/actions', name), 'utf8');

async function run(parameters: IDataObject) {
	const [items] = await router.call(createExecuteContext({ parameters }));
	return items;
}

beforeEach(() => {
	request.mockReset();
	requestAll.mockReset();
});

describe('Report > Recall', () => {
	it('patches the v4 recall URL of the owner with the comment', async () => {
		request.mockResolvedValueOnce({});
		const items = await run({
			resource: 'report',
			operation: 'recall',
			userId: 'f2d07d5f-7a6f-44fa-98c7-c4b405bd6ca3',
			reportId: 'CB899F7D9F73420A8D8B',
			contextType: 'PROXY',
			comment: ' Missing receipt ',
		});
		expect(request).toHaveBeenCalledWith({
			method: 'PATCH',
			url: '/expensereports/v4/users/f2d07d5f-7a6f-44fa-98c7-c4b405bd6ca3/context/PROXY/reports/CB899F7D9F73420A8D8B/recall',
			body: { comment: 'Missing receipt' },
			format: 'json',
		});
		expect(items).toEqual([{ json: { success: true, reportId: 'CB899F7D9F73420A8D8B', action: 'recall' }, pairedItem: { item: 0 } }]);
	});

	it('sends an empty body without a comment and refuses IDs that would change the path', async () => {
		request.mockResolvedValueOnce({});
		await run({ resource: 'report', operation: 'recall', userId: 'u1', reportId: 'R1', contextType: 'TRAVELER', comment: '' });
		expect(request.mock.calls[0][0].body).toEqual({});
		await expect(run({ resource: 'report', operation: 'recall', userId: 'u1', reportId: 'R1/approve', contextType: 'TRAVELER', comment: '' })).rejects.toThrow(
			'The report ID "R1/approve" is not valid',
		);
		expect(request).toHaveBeenCalledTimes(1);
	});
});

describe('Report > Get with Include Expenses', () => {
	const v4Expense = {
		expenseId: '84FCBB92BD4E5342B849DAC29FD163A1',
		expenseType: { id: 'LUNCH', name: 'Lunch' },
		transactionAmount: { value: 25, currencyCode: 'USD' },
		transactionDate: '2020-03-11',
	};

	it('by a v4 href: reads the report, then its /expenses', async () => {
		const href = 'https://us.api.concursolutions.com/expensereports/v4/users/f2d07d5f-7a6f-44fa-98c7-c4b405bd6ca3/context/TRAVELER/reports/CB899F7D9F73420A8D8B';
		request.mockResolvedValueOnce(JSON.parse(fixture('v4-report.json'))).mockResolvedValueOnce([v4Expense]);
		const [item] = await run({ resource: 'report', operation: 'get', by: 'url', url: href, includeExpenses: true, simplify: true });
		expect(request.mock.calls.map((call) => call[0].url)).toEqual([href, `${href}/expenses`]);
		expect(item.json).toEqual(
			expect.objectContaining({ id: 'CB899F7D9F73420A8D8B', expenses: [expect.objectContaining({ id: v4Expense.expenseId, expenseType: 'Lunch', amount: 25 })] }),
		);
	});

	it('by ID: reads the v3 entries of the report (every page) for its owner', async () => {
		request.mockResolvedValueOnce(JSON.parse(fixture('v3-report.json')));
		requestAll.mockResolvedValueOnce([{ ID: 'e1', ExpenseID: 'X1', ExpenseTypeName: 'Taxi', TransactionAmount: 12.5 }]);
		const [item] = await run({ resource: 'report', operation: 'get', by: 'id', reportId: 'F4F027007E814C1CA70E', userLoginId: '', includeExpenses: true, simplify: false });
		expect(requestAll).toHaveBeenCalledWith({
			method: 'GET',
			url: '/api/v3.0/expense/entries',
			qs: { reportID: 'F4F027007E814C1CA70E', user: JSON.parse(fixture('v3-report.json')).OwnerLoginID },
			format: 'json',
		});
		expect(item.json.expenses).toEqual([{ ID: 'e1', ExpenseID: 'X1', ExpenseTypeName: 'Taxi', TransactionAmount: 12.5 }]);
		expect(item.json.ID).toBe('F4F027007E814C1CA70E');
	});

	it('by a callout ObjectURI: the entries v1.1 already returned, without another call', async () => {
		request.mockResolvedValueOnce(xmlToJson(parseXml(fixture('report-full-details.xml'))) as IDataObject);
		const [item] = await run({
			resource: 'report',
			operation: 'get',
			by: 'url',
			url: 'https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/3%Rek29$wsIY12Di3LS9$gjei%KL23',
			includeExpenses: true,
			simplify: true,
		});
		expect(request).toHaveBeenCalledTimes(1);
		expect(item.json.expenses).toEqual([{ id: 'nxxKgLlnRODp$sie8Hq1UviOJ2deAbpS7dC0', entryId: 'nxxKgLlnRODp$sie8Hq1UviOJ2deAbpS7dC0', expenseType: 'Hotel', postedAmount: 129, hasReceiptImage: false }]);
	});

	it('adds nothing and calls nothing more when the option is off', async () => {
		request.mockResolvedValueOnce(JSON.parse(fixture('v3-report.json')));
		const [item] = await run({ resource: 'report', operation: 'get', by: 'id', reportId: 'F4F027007E814C1CA70E', userLoginId: '', simplify: true });
		expect(item.json).not.toHaveProperty('expenses');
		expect(requestAll).not.toHaveBeenCalled();
	});
});
