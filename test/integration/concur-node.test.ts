/**
 * The Concur action node run by n8n-core's real engine (WorkflowExecute, through the harness)
 * against the Concur simulator: the real credential (token grants, geolocation routing, legacy
 * host rewrite), the real transport and every operation, end to end over loopback HTTP.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { concurRetryPolicy } from '../../nodes/Concur/transport';
import { runNode, runWorkflow } from '../harness/engine';
import type { ConcurSimulator } from '../simulator';
import { startSimulator } from '../simulator';

const NODE_TYPE = 'n8n-nodes-concur.concur';
const LEGACY_HOST = 'https://www.concursolutions.com';

let sim: ConcurSimulator;
let companyCredential: ICredentialDataDecryptedObject;
let appCredential: ICredentialDataDecryptedObject;

beforeAll(async () => {
	// 230 reports: more than two v3 pages of 100.
	sim = await startSimulator({ port: 0, reports: 230 });
	const client = {
		tokenHostUrl: 'custom',
		customTokenHostUrl: sim.baseUrl,
		clientId: sim.seed.clientId,
		clientSecret: sim.seed.clientSecret,
	};
	companyCredential = {
		...client,
		grantType: 'companyRequestToken',
		companyUuid: sim.seed.companyUuid,
		requestToken: sim.seed.requestToken,
	};
	appCredential = { ...client, grantType: 'clientCredentials' };
});

afterAll(async () => {
	await sim.close();
});

// Concur sends Retry-After: 0 and the transport waits at least a floor; shrunk so tests stay fast.
const originalFloor = concurRetryPolicy.retryAfterFloorMs;
beforeAll(() => {
	concurRetryPolicy.retryAfterFloorMs = 10;
});
afterAll(() => {
	concurRetryPolicy.retryAfterFloorMs = originalFloor;
});

beforeEach(() => {
	sim.faults.clear();
	sim.requests.length = 0;
});

async function runConcur(parameters: IDataObject, options: { items?: IDataObject[]; continueOnFail?: boolean; app?: boolean } = {}) {
	return await runNode({
		type: NODE_TYPE,
		name: 'Concur',
		parameters,
		items: options.items,
		continueOnFail: options.continueOnFail,
		credentials: { concurOAuth2Api: options.app ? appCredential : companyCredential },
	});
}

const reportsWith = (approvalStatusCode: string) =>
	sim.reports.list().filter((report) => report.approvalStatusCode === approvalStatusCode);
const loginOf = (report: { ownerUuid: string }) => sim.seed.users.find((user) => user.userId === report.ownerUuid)!.loginId;
/** Reports whose v1.1 key holds both `$` and `%`, to prove keys travel byte for byte. */
const reportsWithTrickyKey = (approvalStatusCode: string) =>
	reportsWith(approvalStatusCode).filter((report) => report.rptKey.includes('%') && report.rptKey.includes('$'));
const apiRequests = (pathPrefix: string) => sim.requests.filter((request) => request.path.startsWith(pathPrefix));

describe('Report > Get Many', () => {
	it('returns all reports of every user, following NextPage', async () => {
		const result = await runConcur({ resource: 'report', operation: 'getAll', returnAll: true, user: 'ALL', filters: {}, simplify: true });
		expect(result.nodeError).toBeUndefined();
		expect(result.output).toHaveLength(230);
		expect(new Set(result.output.map((report) => report.id)).size).toBe(230);
		expect(result.output[0]).toEqual(
			expect.objectContaining({ id: expect.any(String), approvalStatusCode: expect.any(String), total: expect.any(Number) }),
		);
		// 100 + 100 + 30: three pages, the later ones from NextPage.
		expect(apiRequests('/api/v3.0/expense/reports')).toHaveLength(3);
		expect(result.executionData('Concur').every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('stops at the limit, across a page boundary', async () => {
		const small = await runConcur({ resource: 'report', operation: 'getAll', returnAll: false, limit: 5, user: 'ALL', filters: {}, simplify: false });
		expect(small.output).toHaveLength(5);
		expect(small.output[0]).toHaveProperty('ID');
		expect(apiRequests('/api/v3.0/expense/reports')).toHaveLength(1);

		sim.requests.length = 0;
		const large = await runConcur({ resource: 'report', operation: 'getAll', returnAll: false, limit: 130, user: 'ALL', filters: {}, simplify: true });
		expect(large.output).toHaveLength(130);
		expect(apiRequests('/api/v3.0/expense/reports')).toHaveLength(2);
	});

	it('rides out a 429 with Retry-After 0 and fails clearly on 503 maintenance', async () => {
		sim.faults.inject({ status: 429, count: 1, pathPrefix: '/api/v3.0/expense/reports', retryAfter: 0 });
		const busy = await runConcur({ resource: 'report', operation: 'getAll', returnAll: false, limit: 3, user: 'ALL', filters: {}, simplify: true });
		expect(busy.nodeError).toBeUndefined();
		expect(busy.output).toHaveLength(3);
		expect(apiRequests('/api/v3.0/expense/reports')).toHaveLength(2);

		sim.faults.inject({ status: 503, count: 5, pathPrefix: '/api/v3.0/expense/reports' });
		sim.requests.length = 0;
		const down = await runConcur({ resource: 'report', operation: 'getAll', returnAll: true, user: 'ALL', filters: {}, simplify: true });
		expect(down.nodeError?.message).toMatch(/maintenance/);
		expect(down.nodeError?.httpCode).toBe('503');
		expect(apiRequests('/api/v3.0/expense/reports')).toHaveLength(1);
	});

	it('filters by approval status and modified date in Concur format', async () => {
		const pending = reportsWith('A_EXTV');
		const result = await runConcur({
			resource: 'report',
			operation: 'getAll',
			returnAll: true,
			user: 'ALL',
			filters: { approvalStatusCode: 'A_EXTV', modifiedAfter: '2000-01-01T01:00:00+01:00' },
			simplify: true,
		});
		expect(result.output.map((report) => report.id).sort()).toEqual(pending.map((report) => report.id).sort());
		const query = apiRequests('/api/v3.0/expense/reports')[0].query as Record<string, string>;
		expect(query.approvalStatusCode).toBe('A_EXTV');
		expect(query.modifiedDateAfter).toBe('2000-01-01T00:00:00.000');
	});
});

describe('Report > Get', () => {
	it('gets a report by ID through v3 with the owner login ID', async () => {
		const report = sim.reports.list()[0];
		const result = await runConcur({ resource: 'report', operation: 'get', by: 'id', reportId: report.id, userLoginId: loginOf(report), simplify: true });
		expect(result.nodeError).toBeUndefined();
		expect(result.output).toEqual([expect.objectContaining({ id: report.id, name: report.name, ownerLoginId: loginOf(report) })]);
	});

	it('gets a callout ObjectURI on the legacy host as clean v1.1 JSON', async () => {
		const report = reportsWithTrickyKey('A_EXTV')[0];
		const objectUri = `${LEGACY_HOST}/api/expense/expensereport/v1.1/reportfulldetails/${report.rptKey}`;
		const raw = await runConcur({ resource: 'report', operation: 'get', by: 'url', url: objectUri, simplify: false });
		expect(raw.nodeError).toBeUndefined();
		const details = raw.output[0];
		expect(details.RptKey).toBe(report.rptKey);
		expect(details.ReportId).toBe(report.id);
		expect(Array.isArray((details.Entries as IDataObject).ExpenseEntry)).toBe(true);
		expect((details.Entries as { ExpenseEntry: unknown[] }).ExpenseEntry).toHaveLength(report.entries.length);
		expect(JSON.stringify(details)).not.toMatch(/xmlns/);
		// The key (with $ and %) reached Concur byte for byte, on the geolocation host.
		expect(apiRequests('/api/expense/expensereport/v1.1/reportfulldetails/')[0].path).toBe(
			`/api/expense/expensereport/v1.1/reportfulldetails/${report.rptKey}`,
		);

		const simple = await runConcur({ resource: 'report', operation: 'get', by: 'url', url: objectUri, simplify: true });
		expect(simple.output[0]).toEqual(
			expect.objectContaining({
				id: report.id,
				reportKey: report.rptKey,
				approvalStatusCode: 'A_EXTV',
				workflowActionUrl: `${LEGACY_HOST}/api/expense/expensereport/v1.1/report/${report.wfKey}/WorkFlowAction`,
				entryCount: report.entries.length,
			}),
		);
	});

	it('gets an ESS facts.href (v4)', async () => {
		const report = sim.reports.list()[3];
		const href = `${sim.baseUrl}/expensereports/v4/users/${report.ownerUuid}/context/TRAVELER/reports/${report.id}`;
		const result = await runConcur({ resource: 'report', operation: 'get', by: 'url', url: href, simplify: true });
		expect(result.nodeError).toBeUndefined();
		expect(result.output[0]).toEqual(
			expect.objectContaining({ id: report.id, ownerId: report.ownerUuid, approvalStatusCode: report.approvalStatusCode, currency: report.currency }),
		);
	});
});

describe('Report > Add Exceptions', () => {
	it('adds v1.1 exceptions by report key and returns the parsed exception-result', async () => {
		const report = reportsWithTrickyKey('A_EXTV')[1];
		const result = await runConcur({
			resource: 'report',
			operation: 'addExceptions',
			api: 'legacy',
			reportKey: report.rptKey,
			exceptions: {
				exception: [
					{ objectType: 'Report', objectId: '', exceptionCode: 'APPRVTO' },
					{ objectType: 'Entry', objectId: report.entries[0].rpeKey, exceptionCode: 'NORECEIPT' },
				],
			},
			options: {},
		});
		expect(result.nodeError).toBeUndefined();
		expect(result.output[0]).toEqual(
			expect.objectContaining({ reportKey: report.rptKey, succeeded: 2, failed: 0, errors: [] }),
		);
		expect(apiRequests('/api/expense/expensereport/v1.1/report/')[0].path).toBe(
			`/api/expense/expensereport/v1.1/report/${report.rptKey}/Exceptions`,
		);
		expect(sim.reports.get(report.id)!.exceptions.map((exception) => exception.exceptionCode)).toEqual(
			expect.arrayContaining(['APPRVTO', 'NORECEIPT']),
		);
	});

	it('surfaces each rejected exception as an error, or as data when asked', async () => {
		const report = reportsWith('A_EXTV')[2];
		const parameters = {
			resource: 'report',
			operation: 'addExceptions',
			api: 'legacy',
			reportKey: `${LEGACY_HOST}/api/expense/expensereport/v1.1/reportfulldetails/${report.rptKey}`,
			exceptions: {
				exception: [
					{ objectType: 'Report', objectId: '', exceptionCode: 'NODATE' },
					{ objectType: 'Report', objectId: '', exceptionCode: 'NOSUCHCODE' },
					{ objectType: 'Entry', objectId: 'not-an-entry', exceptionCode: 'POLICY' },
				],
			},
		};
		const failed = await runConcur({ ...parameters, options: {} });
		expect(failed.nodeError?.message).toBe('Concur rejected 2 of 3 exceptions');
		expect(failed.nodeError?.description).toBe(
			'Exception 2 (NOSUCHCODE): Invalid Exception Code\nException 3 (POLICY): Invalid Object Id',
		);

		const asData = await runConcur({ ...parameters, options: { returnRejectionsAsData: true } });
		expect(asData.nodeError).toBeUndefined();
		expect(asData.output[0]).toEqual(
			expect.objectContaining({
				succeeded: 1,
				failed: 2,
				errors: [
					expect.objectContaining({ index: 2, message: 'Invalid Exception Code', exceptionCode: 'NOSUCHCODE' }),
					expect.objectContaining({ index: 3, message: 'Invalid Object Id', exceptionCode: 'POLICY' }),
				],
			}),
		);
	});

	it('adds v4 exceptions, and reports Concur\'s message for an unknown code', async () => {
		const report = reportsWith('A_PEND')[0];
		const ok = await runConcur({
			resource: 'report',
			operation: 'addExceptions',
			api: 'v4',
			reportId: report.id,
			reportExceptions: { exception: [{ exceptionCode: 'MISSREQFLD', exceptionVisibility: 'APPROVER_PROCESSOR' }] },
		});
		expect(ok.nodeError).toBeUndefined();
		expect(ok.output[0]).toEqual({
			success: true,
			reportId: report.id,
			exceptions: [{ exceptionCode: 'MISSREQFLD', exceptionVisibility: 'APPROVER_PROCESSOR' }],
		});
		expect(sim.reports.get(report.id)!.exceptions).toEqual(
			expect.arrayContaining([expect.objectContaining({ exceptionCode: 'MISSREQFLD', exceptionVisibility: 'APPROVER_PROCESSOR' })]),
		);

		const bad = await runConcur({
			resource: 'report',
			operation: 'addExceptions',
			api: 'v4',
			reportId: report.id,
			reportExceptions: { exception: [{ exceptionCode: 'NOSUCHCODE', exceptionVisibility: 'ALL' }] },
		});
		expect(bad.nodeError?.message).toMatch(/Invalid exception code NOSUCHCODE/);
		expect(bad.nodeError?.httpCode).toBe('400');
	});
});

describe('Report > Approve and Send Back', () => {
	it('approves through v4 at external validation and the report moves on to the manager', async () => {
		const report = reportsWith('A_EXTV')[1];
		const result = await runConcur({ resource: 'report', operation: 'approve', api: 'v4', reportId: report.id, comment: 'Approved by n8n' });
		expect(result.nodeError).toBeUndefined();
		expect(result.output).toEqual([{ success: true, reportId: report.id, action: 'approve' }]);
		expect(sim.reports.get(report.id)!.approvalStatusCode).toBe('A_PEND');
	});

	it('a company token does not act on the manager\'s step (A_PEND): Concur\'s 409 and message', async () => {
		const report = reportsWith('A_PEND')[1];
		const result = await runConcur({ resource: 'report', operation: 'approve', api: 'v4', reportId: report.id, comment: 'Approved by n8n' });
		expect(result.nodeError?.message).toMatch(/waiting for its approver manager@acme-sim\.example/);
		expect(result.nodeError?.httpCode).toBe('409');
		expect(sim.reports.get(report.id)!.approvalStatusCode).toBe('A_PEND');
	});

	it('approves through the legacy WorkflowActionURL', async () => {
		const report = reportsWith('A_EXTV')[4];
		const workflowActionUrl = `${LEGACY_HOST}/api/expense/expensereport/v1.1/report/${report.wfKey}/WorkFlowAction`;
		const result = await runConcur({ resource: 'report', operation: 'approve', api: 'legacy', workflowActionUrl, comment: 'Validated by n8n' });
		expect(result.nodeError).toBeUndefined();
		expect(result.output[0]).toEqual(expect.objectContaining({ success: true, action: 'approve', status: 'SUCCESS!' }));
		expect(sim.reports.get(report.id)!.approvalStatusCode).toBe('A_PEND');
	});

	it('sends back through v4 with a comment', async () => {
		const report = reportsWith('A_EXTV')[1];
		const result = await runConcur({ resource: 'report', operation: 'sendBack', api: 'v4', reportId: report.id, comment: 'Receipt missing' });
		expect(result.output).toEqual([{ success: true, reportId: report.id, action: 'sendBack' }]);
		expect(sim.reports.get(report.id)!.approvalStatusCode).toBe('A_RESU');
	});

	it('reports Concur\'s own message when v4 refuses the action', async () => {
		const report = reportsWith('A_NOTF')[0];
		const result = await runConcur({ resource: 'report', operation: 'approve', api: 'v4', reportId: report.id, comment: '' });
		expect(result.nodeError?.message).toMatch(/not in a workflow step that allows approve/);
		expect(result.nodeError?.httpCode).toBe('409');
	});

	it('sends back through the WorkflowActionURL from Get, and a stale URL fails despite HTTP 200', async () => {
		const report = reportsWith('A_EXTV')[3];
		const objectUri = `${LEGACY_HOST}/api/expense/expensereport/v1.1/reportfulldetails/${report.rptKey}`;
		const workflow = {
			nodes: [
				{ name: 'Trigger', type: 'n8n-nodes-base.manualTrigger', parameters: { items: JSON.stringify([{ objectUri }]) } },
				{
					name: 'Get Report',
					type: NODE_TYPE,
					parameters: { resource: 'report', operation: 'get', by: 'url', url: '={{ $json.objectUri }}', simplify: true },
				},
				{
					name: 'Send Back',
					type: NODE_TYPE,
					parameters: {
						resource: 'report',
						operation: 'sendBack',
						api: 'legacy',
						workflowActionUrl: '={{ $json.workflowActionUrl }}',
						comment: 'Please attach the hotel receipt',
					},
				},
			],
			connections: {
				Trigger: { main: [[{ node: 'Get Report', type: 'main' as const, index: 0 }]] },
				'Get Report': { main: [[{ node: 'Send Back', type: 'main' as const, index: 0 }]] },
			},
			credentials: { concurOAuth2Api: companyCredential },
		};
		const staleUrl = `${LEGACY_HOST}/api/expense/expensereport/v1.1/report/${report.wfKey}/WorkFlowAction`;
		const first = await runWorkflow(workflow);
		expect(first.error('Send Back')).toBeUndefined();
		expect(first.items('Send Back')).toEqual([
			{ success: true, action: 'sendBack', status: 'SUCCESS!', message: 'SUCCESS!', workflowActionUrl: staleUrl },
		]);
		expect(sim.reports.get(report.id)!.approvalStatusCode).toBe('A_RESU');
		expect(sim.reports.get(report.id)!.comments).toContain('Please attach the hotel receipt');

		// The step has moved on: Concur answers 200 with <Status>FAILURE</Status>.
		const again = await runConcur({ resource: 'report', operation: 'approve', api: 'legacy', workflowActionUrl: staleUrl, comment: '' });
		const workflowRequests = apiRequests('/api/expense/expensereport/v1.1/report/');
		expect(workflowRequests[workflowRequests.length - 1].status).toBe(200);
		expect(again.nodeError?.message).toBe(
			'The action cannot be executed because the item has recently been changed. Please refresh your list and try again.',
		);
	});
});

describe('Notification', () => {
	it('lists failed notifications and deletes them by URI and by ID', async () => {
		const [first, second] = reportsWith('A_EXTV');
		sim.tenant.failCallout(sim.tenant.queueCallout(first));
		sim.tenant.failCallout(sim.tenant.queueCallout(second));
		sim.events.clear();

		const limited = await runConcur({ resource: 'notification', operation: 'getAll', returnAll: false, limit: 1 });
		expect(limited.output).toHaveLength(1);
		const listed = await runConcur({ resource: 'notification', operation: 'getAll', returnAll: true });
		expect(listed.output).toHaveLength(2);
		expect(listed.output[0]).toEqual(
			expect.objectContaining({ ObjectType: 'EXPRPT', ObjectURI: expect.stringContaining(first.rptKey), NotificationURI: expect.any(String) }),
		);

		const notificationUri = listed.output[0].NotificationURI as string;
		const notificationId = (listed.output[1].NotificationURI as string).split('/').pop()!;
		// One run, the way a workflow would do it: the selector and the values come from the items.
		const deleted = await runConcur(
			{ resource: 'notification', operation: 'delete', by: '={{ $json.by }}', notificationUri: '={{ $json.uri }}', notificationId: '={{ $json.id }}' },
			{ items: [{ by: 'uri', uri: notificationUri, id: '' }, { by: 'id', uri: '', id: notificationId }] },
		);
		expect(deleted.nodeError).toBeUndefined();
		expect(deleted.executionData('Concur').map((item) => [item.json, item.pairedItem])).toEqual([
			[{ deleted: true }, { item: 0 }],
			[{ deleted: true }, { item: 1 }],
		]);
		expect(sim.tenant.notifications).toHaveLength(0);
		expect(apiRequests('/api/platform/notifications/v1.0/notification/').map((request) => request.method)).toEqual(['DELETE', 'DELETE']);
		expect(sim.tenant.notifications).toHaveLength(0);
	});
});

describe('Event Subscription', () => {
	it('lists topics, creates, updates, gets, lists and deletes a subscription with an app token', async () => {
		const topics = await runConcur({ resource: 'eventSubscription', operation: 'getTopics' }, { app: true });
		expect(topics.nodeError).toBeUndefined();
		expect(topics.output.map((item) => item.topic)).toContain('public.concur.expense.report');

		const upsert = (filter: string) =>
			runConcur(
				{
					resource: 'eventSubscription',
					operation: 'upsert',
					subscriptionId: 'n8n-expense-reports',
					topic: 'public.concur.expense.report',
					filter,
					endpoint: 'https://n8n.example.com/webhook/concur/events',
				},
				{ app: true },
			);
		expect((await upsert('.*')).output[0].message).toBe("Subscription 'n8n-expense-reports' saved successfully");
		expect((await upsert('statusChanged')).nodeError).toBeUndefined();

		const got = await runConcur({ resource: 'eventSubscription', operation: 'get', subscriptionId: 'n8n-expense-reports' }, { app: true });
		expect(got.output).toEqual([
			expect.objectContaining({
				id: 'n8n-expense-reports',
				filter: 'statusChanged',
				topic: 'public.concur.expense.report',
				webHookConfig: { endpoint: 'https://n8n.example.com/webhook/concur/events' },
			}),
		]);

		const all = await runConcur({ resource: 'eventSubscription', operation: 'getAll', returnAll: true }, { app: true });
		expect(all.output.map((subscription) => subscription.id)).toEqual(['n8n-expense-reports']);

		const deleted = await runConcur({ resource: 'eventSubscription', operation: 'delete', subscriptionId: 'n8n-expense-reports' }, { app: true });
		expect(deleted.output).toEqual([{ deleted: true }]);

		const gone = await runConcur({ resource: 'eventSubscription', operation: 'get', subscriptionId: 'n8n-expense-reports' }, { app: true });
		expect(gone.nodeError?.message).toBe("Subscription 'n8n-expense-reports' not found");
	});
});

describe('per-item errors', () => {
	const parameters = { resource: 'report', operation: 'get', by: 'id', reportId: '={{ $json.id }}', userLoginId: '={{ $json.login }}', simplify: true };

	it('continues on fail with an error item paired to its input', async () => {
		const report = sim.reports.list()[1];
		const result = await runConcur(parameters, {
			items: [{ id: 'NOSUCHREPORT00000000', login: loginOf(report) }, { id: report.id, login: loginOf(report) }],
			continueOnFail: true,
		});
		expect(result.nodeError).toBeUndefined();
		const [failed, ok] = result.executionData('Concur');
		expect(failed.pairedItem).toEqual({ item: 0 });
		expect(failed.json.error).toMatch(/NOSUCHREPORT00000000/);
		expect(ok.pairedItem).toEqual({ item: 1 });
		expect(ok.json.id).toBe(report.id);
	});

	it('stops with a NodeApiError naming the item and carrying Concur\'s message', async () => {
		const report = sim.reports.list()[1];
		const result = await runConcur(parameters, {
			items: [{ id: report.id, login: loginOf(report) }, { id: 'NOSUCHREPORT00000000', login: loginOf(report) }],
		});
		const error = result.nodeError as unknown as IDataObject & { context: IDataObject };
		expect(error).toBeDefined();
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toMatch(/NOSUCHREPORT00000000/);
		expect(error.httpCode).toBe('404');
		expect(error.context.itemIndex).toBe(1);
	});
});
