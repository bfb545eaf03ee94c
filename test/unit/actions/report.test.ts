/**
 * Each Report operation through the action router with the transport mocked: what it asks the transport for and how it shapes Concur's documented answers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

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
const xmlFixture = (name: string) => xmlToJson(parseXml(fixture(name))) as IDataObject;

async function run(parameters: IDataObject | IDataObject[], continueOnFail = false) {
	const context = createExecuteContext({ parameters, continueOnFail });
	const [items] = await router.call(context);
	return items;
}

const sentOptions = (call = 0) => request.mock.calls[call][0];

beforeEach(() => {
	request.mockReset();
	requestAll.mockReset();
});

describe('Report > Get', () => {
	it('gets by ID through v3 with the owner login ID, simplified', async () => {
		request.mockResolvedValueOnce(JSON.parse(fixture('v3-report.json')));
		const items = await run({
			resource: 'report',
			operation: 'get',
			by: 'id',
			reportId: 'F4F027007E814C1CA70E',
			userLoginId: 'jane.doe@example.com',
			simplify: true,
		});
		expect(sentOptions()).toEqual({
			method: 'GET',
			url: '/api/v3.0/expense/reports/F4F027007E814C1CA70E',
			qs: { user: 'jane.doe@example.com' },
			format: 'json',
		});
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({ id: 'F4F027007E814C1CA70E', approvalStatusCode: 'A_EXTV', total: 129 });
		expect(items[0].json).not.toHaveProperty('Custom1');
		expect(items[0].pairedItem).toEqual({ item: 0 });
	});

	it('returns the raw v3 report without Simplify and sends no user when empty', async () => {
		const raw = JSON.parse(fixture('v3-report.json'));
		request.mockResolvedValueOnce(raw);
		const items = await run({ resource: 'report', operation: 'get', by: 'id', reportId: 'F4F0', userLoginId: '', simplify: false });
		expect(sentOptions().qs).toBeUndefined();
		expect(items[0].json).toEqual(raw);
	});

	it('refuses user ALL for a single report before calling Concur', async () => {
		await expect(
			run({ resource: 'report', operation: 'get', by: 'id', reportId: 'F4F0', userLoginId: 'all', simplify: true }),
		).rejects.toThrow(/cannot be ALL/);
		expect(request).not.toHaveBeenCalled();
	});

	it('gets a callout ObjectURI as v1.1 XML, URL untouched, entries always an array', async () => {
		const url =
			'https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/3%Rek29$wsIY12Di3LS9$gjei%KL23';
		request.mockResolvedValueOnce(xmlFixture('report-full-details.xml'));
		const items = await run({ resource: 'report', operation: 'get', by: 'url', url, simplify: false });
		expect(sentOptions()).toEqual({ method: 'GET', url, format: 'xml' });
		const entries = items[0].json.Entries as { ExpenseEntry: IDataObject[] };
		expect(entries.ExpenseEntry).toHaveLength(1);
		expect(items[0].json.RptKey).toBe('3%Rek29$wsIY12Di3LS9$gjei%KL23');
	});

	it('simplifies v1.1 full details with reportKey and workflowActionUrl', async () => {
		request.mockResolvedValueOnce(xmlFixture('report-full-details.xml'));
		const items = await run({
			resource: 'report',
			operation: 'get',
			by: 'url',
			url: 'https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/3%Rek29$wsIY12Di3LS9$gjei%KL23',
			simplify: true,
		});
		expect(items[0].json).toMatchObject({
			reportKey: '3%Rek29$wsIY12Di3LS9$gjei%KL23',
			approvalStatusCode: 'A_EXTV',
			entryCount: 1,
		});
		expect(items[0].json.workflowActionUrl).toMatch(/WorkFlowAction$/);
	});

	it('gets an ESS facts.href as v4 JSON', async () => {
		const href =
			'https://us.api.concursolutions.com/expensereports/v4/users/f2d07d5f-7a6f-44fa-98c7-c4b405bd6ca3/context/TRAVELER/reports/CB899F7D9F73420A8D8B';
		request.mockResolvedValueOnce(JSON.parse(fixture('v4-report.json')));
		const items = await run({ resource: 'report', operation: 'get', by: 'url', url: href, simplify: true });
		expect(sentOptions()).toEqual({ method: 'GET', url: href, format: 'json' });
		expect(items[0].json).toMatchObject({ id: 'CB899F7D9F73420A8D8B', total: 129, currency: 'EUR', hasException: true });
	});

	it('refuses a URL that is not a report URL', async () => {
		const error = await run({
			resource: 'report',
			operation: 'get',
			by: 'url',
			url: 'https://example.com/whatever',
			simplify: true,
		}).catch((caught) => caught);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/not a Concur report URL/);
		expect(error.context.itemIndex).toBe(0);
		expect(request).not.toHaveBeenCalled();
	});
});

describe('Report > Get Many', () => {
	const reports = [JSON.parse(fixture('v3-report.json')), { ...JSON.parse(fixture('v3-report.json')), ID: 'SECOND' }];

	it('asks for a limited list with filters in Concur format, simplified', async () => {
		requestAll.mockResolvedValueOnce(reports);
		const items = await run({
			resource: 'report',
			operation: 'getAll',
			returnAll: false,
			limit: 1,
			user: 'ALL',
			filters: { approvalStatusCode: 'A_EXTV', modifiedAfter: '2026-11-01T00:00:00' },
			simplify: true,
		});
		expect(requestAll).toHaveBeenCalledWith(
			{
				method: 'GET',
				url: '/api/v3.0/expense/reports',
				qs: { user: 'ALL', approvalStatusCode: 'A_EXTV', modifiedDateAfter: '2026-11-01T00:00:00.000', limit: 1 },
				format: 'json',
			},
			1,
		);
		// Even if a transport returned more, the limit holds.
		expect(items.map((item) => item.json.id)).toEqual(['F4F027007E814C1CA70E']);
	});

	it('returns all pages with the largest page size and the raw items without Simplify', async () => {
		requestAll.mockResolvedValueOnce(reports);
		const items = await run({
			resource: 'report',
			operation: 'getAll',
			returnAll: true,
			user: 'jane.doe@example.com',
			filters: {},
			simplify: false,
		});
		expect(requestAll.mock.calls[0]).toEqual([
			{ method: 'GET', url: '/api/v3.0/expense/reports', qs: { user: 'jane.doe@example.com', limit: 100 }, format: 'json' },
		]);
		expect(items.map((item) => item.json.ID)).toEqual(['F4F027007E814C1CA70E', 'SECOND']);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
	});

	it('names the filter whose date cannot be read', async () => {
		const error = await run({
			resource: 'report',
			operation: 'getAll',
			returnAll: true,
			user: 'ALL',
			filters: { submittedBefore: 'next week' },
			simplify: true,
		}).catch((caught) => caught);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/submittedBefore/);
		expect(requestAll).not.toHaveBeenCalled();
	});
});

describe('Report > Add Exceptions', () => {
	const legacy = (extra: IDataObject = {}) => ({
		resource: 'report',
		operation: 'addExceptions',
		api: 'legacy',
		reportKey:
			'https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/3%Rek29$wsIY12Di3LS9$gjei%KL23',
		exceptions: {
			exception: [
				{ objectType: 'Report', objectId: '', exceptionCode: 'APPRVTO' },
				{ objectType: 'Entry', objectId: 'E1', exceptionCode: 'BADCODE' },
			],
		},
		options: {},
		...extra,
	});

	it('posts the XML body to the report key path, key kept exactly', async () => {
		request.mockResolvedValueOnce(xmlFixture('exception-result-success.xml'));
		const items = await run(legacy());
		const options = sentOptions();
		expect(options.method).toBe('POST');
		expect(options.url).toBe('/api/expense/expensereport/v1.1/report/3%Rek29$wsIY12Di3LS9$gjei%KL23/Exceptions');
		expect(options.format).toBe('xml');
		expect(options.body).toContain('<Exception><Index>2</Index><ObjectType>Entry</ObjectType><ObjectId>E1</ObjectId>');
		expect(items[0].json).toMatchObject({ reportKey: '3%Rek29$wsIY12Di3LS9$gjei%KL23', succeeded: 2, failed: 0, errors: [] });
	});

	it('stops with an error listing each rejected exception', async () => {
		request.mockResolvedValueOnce(xmlFixture('exception-result-mixed.xml'));
		const error = await run(legacy()).catch((caught) => caught);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Concur rejected 1 of 2 exceptions');
		expect(error.description).toBe('Exception 2 (BADCODE): Invalid Exception Code');
		expect(error.context.itemIndex).toBe(0);
	});

	it('returns rejected exceptions as data when asked to', async () => {
		request.mockResolvedValueOnce(xmlFixture('exception-result-mixed.xml'));
		const items = await run(legacy({ options: { returnRejectionsAsData: true } }));
		expect(items[0].json).toMatchObject({
			succeeded: 1,
			failed: 1,
			errors: [{ index: 2, message: 'Invalid Exception Code', exceptionCode: 'BADCODE' }],
		});
	});

	it('needs at least one exception and a usable key', async () => {
		await expect(run(legacy({ exceptions: {} }))).rejects.toThrow(/at least one exception/);
		await expect(run(legacy({ reportKey: 'a/b' }))).rejects.toThrow(/not valid/);
		expect(request).not.toHaveBeenCalled();
	});

	it('puts one v4 exception per request', async () => {
		request.mockResolvedValue({});
		const items = await run({
			resource: 'report',
			operation: 'addExceptions',
			api: 'v4',
			reportId: '93B9D238A6864C019258',
			reportExceptions: {
				exception: [
					{ exceptionCode: 'MISSREQFLD', exceptionVisibility: 'ALL' },
					{ exceptionCode: 'AUDIT', exceptionVisibility: 'PROCESSOR' },
				],
			},
		});
		expect(request.mock.calls.map(([options]) => options)).toEqual([
			{
				method: 'PUT',
				url: '/expensereports/v4/reports/93B9D238A6864C019258/exceptions',
				body: { exceptionCode: 'MISSREQFLD', exceptionVisibility: 'ALL' },
				format: 'json',
			},
			{
				method: 'PUT',
				url: '/expensereports/v4/reports/93B9D238A6864C019258/exceptions',
				body: { exceptionCode: 'AUDIT', exceptionVisibility: 'PROCESSOR' },
				format: 'json',
			},
		]);
		expect(items[0].json).toEqual({
			success: true,
			reportId: '93B9D238A6864C019258',
			exceptions: [
				{ exceptionCode: 'MISSREQFLD', exceptionVisibility: 'ALL' },
				{ exceptionCode: 'AUDIT', exceptionVisibility: 'PROCESSOR' },
			],
		});
	});
});

describe('Report > Approve and Send Back', () => {
	const workflowActionUrl =
		'http://www.concursolutions.com/api/expense/expensereport/v1.1/report/Ko9%t8GHpERQVpk$pS2EL6EDHRwi9r$paQS1UqyL6a454QitqQ/WorkFlowAction';

	it('approves through v4 (PATCH, 204) and reports success', async () => {
		request.mockResolvedValueOnce({});
		const items = await run({ resource: 'report', operation: 'approve', api: 'v4', reportId: 'CB899F7D9F73420A8D8B', comment: 'Fine' });
		expect(sentOptions()).toEqual({
			method: 'PATCH',
			url: '/expensereports/v4/reports/CB899F7D9F73420A8D8B/approve',
			body: { comment: 'Fine' },
			format: 'json',
		});
		expect(items[0].json).toEqual({ success: true, reportId: 'CB899F7D9F73420A8D8B', action: 'approve' });
	});

	it('sends back through v4 with the comment', async () => {
		request.mockResolvedValueOnce({});
		const items = await run({ resource: 'report', operation: 'sendBack', api: 'v4', reportId: 'R1', comment: 'Receipt missing' });
		expect(sentOptions()).toMatchObject({ url: '/expensereports/v4/reports/R1/sendBack', body: { comment: 'Receipt missing' } });
		expect(items[0].json).toEqual({ success: true, reportId: 'R1', action: 'sendBack' });
	});

	it('requires a comment to send back', async () => {
		await expect(run({ resource: 'report', operation: 'sendBack', api: 'v4', reportId: 'R1', comment: '  ' })).rejects.toThrow(
			/comment is required/,
		);
		expect(request).not.toHaveBeenCalled();
	});

	it('posts the legacy XML action to the WorkflowActionURL as given', async () => {
		request.mockResolvedValueOnce(xmlFixture('action-status-success.xml'));
		const items = await run({ resource: 'report', operation: 'sendBack', api: 'legacy', workflowActionUrl, comment: 'Receipt missing' });
		expect(sentOptions()).toEqual({
			method: 'POST',
			url: workflowActionUrl,
			body: expect.stringContaining('<Action>Send Back to Employee</Action><Comment>Receipt missing</Comment>'),
			format: 'xml',
		});
		expect(items[0].json).toEqual({
			success: true,
			action: 'sendBack',
			status: 'SUCCESS!',
			message: 'SUCCESS!',
			workflowActionUrl,
		});
	});

	it('treats HTTP 200 with <Status>FAILURE</Status> as a failure carrying Concur\'s message', async () => {
		request.mockResolvedValueOnce(xmlFixture('action-status-failure.xml'));
		const error = await run({ resource: 'report', operation: 'approve', api: 'legacy', workflowActionUrl, comment: '' }).catch(
			(caught) => caught,
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/^The action cannot be executed because the item has recently been changed/);
		expect(error.context.itemIndex).toBe(0);
	});

	it('refuses a URL that is not a workflow action URL and over-long legacy comments', async () => {
		await expect(
			run({ resource: 'report', operation: 'approve', api: 'legacy', workflowActionUrl: 'https://www.concursolutions.com/api/v3.0/expense/reports/R1', comment: '' }),
		).rejects.toThrow(/not a Concur WorkflowActionURL/);
		await expect(
			run({ resource: 'report', operation: 'approve', api: 'legacy', workflowActionUrl, comment: 'x'.repeat(2001) }),
		).rejects.toThrow(/at most 2000/);
		expect(request).not.toHaveBeenCalled();
	});
});
