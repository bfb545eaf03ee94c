import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DateTime } from 'luxon';

import { parseXml, xmlToJson } from '../../nodes/Concur/helpers/xml';
import {
	buildSubscription,
	isEndpointUrl,
	subscriptionIdProblem,
	topicsToItems,
} from '../../nodes/Concur/actions/eventSubscription/utils';
import { isNotificationUri, notificationPath } from '../../nodes/Concur/actions/notification/utils';
import {
	buildExceptionsXml,
	buildReportListQuery,
	buildWorkflowActionXml,
	classifyReportUrl,
	describeRejectedExceptions,
	extractReportKey,
	isHttpUrlWithPath,
	normalizeFullDetails,
	readActionStatus,
	simplifyFullDetails,
	simplifyV2Report,
	simplifyV3Report,
	simplifyV4Report,
	summarizeExceptionResult,
	toConcurDateTime,
	unwrapRoot,
} from '../../nodes/Concur/actions/report/utils';

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/actions', name), 'utf8');
/** What the transport hands back for an XML response: the root's content as clean JSON. */
const xmlFixture = (name: string) => xmlToJson(parseXml(fixture(name))) as Record<string, unknown>;

describe('classifyReportUrl', () => {
	it('recognises the callout ObjectURI (v1.1 full details), keys with $ and % included', () => {
		expect(
			classifyReportUrl(
				'https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/3%Rek29$wsIY12Di3LS9$gjei%KL23',
			),
		).toBe('fullDetails');
	});

	it('recognises an ESS facts.href (v4) and the short v4 form', () => {
		expect(
			classifyReportUrl(
				'https://us.api.concursolutions.com/expensereports/v4/users/f2d07d5f-7a6f-44fa-98c7-c4b405bd6ca3/context/TRAVELER/reports/CB899F7D9F73420A8D8B',
			),
		).toBe('v4');
		expect(classifyReportUrl('https://us.api.concursolutions.com/expensereports/v4/reports/CB899F7D9F73420A8D8B')).toBe('v4');
	});

	it('recognises v3 and v2 report URLs', () => {
		expect(classifyReportUrl('https://www.concursolutions.com/api/v3.0/expense/reports/F4F027007E814C1CA70E')).toBe('v3');
		expect(
			classifyReportUrl('https://us.api.concursolutions.com/api/expense/expensereport/v2.0/report/n6ujbuLd1Arwe45lT7As3ThJYJf2dAsrrEW'),
		).toBe('v2');
	});

	it('refuses other URLs and non-URLs', () => {
		expect(classifyReportUrl('https://www.concursolutions.com/api/v3.0/expense/reports')).toBeUndefined();
		expect(classifyReportUrl('https://www.concursolutions.com/api/platform/notifications/v1.0/notification/x')).toBeUndefined();
		expect(classifyReportUrl('/api/v3.0/expense/reports/F4F027007E814C1CA70E')).toBeUndefined();
		expect(classifyReportUrl('ftp://www.concursolutions.com/api/v3.0/expense/reports/F4F0')).toBeUndefined();
		expect(classifyReportUrl('F4F027007E814C1CA70E')).toBeUndefined();
	});
});

describe('extractReportKey', () => {
	it('keeps a key exactly, including $ and %', () => {
		expect(extractReportKey('3%Rek29$wsIY12Di3LS9$gjei%KL23')).toBe('3%Rek29$wsIY12Di3LS9$gjei%KL23');
	});

	it('takes the last segment of an ObjectURI without decoding it', () => {
		expect(
			extractReportKey(
				' https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/nxxKgLlnROzz$sHcpnRHQ$pALxamClaFfdC ',
			),
		).toBe('nxxKgLlnROzz$sHcpnRHQ$pALxamClaFfdC');
	});

	it('refuses values that would change the request path', () => {
		expect(extractReportKey('')).toBeUndefined();
		expect(extractReportKey('abc/def')).toBeUndefined();
		expect(extractReportKey('..')).toBeUndefined();
		expect(extractReportKey('abc?x=1')).toBeUndefined();
		expect(extractReportKey('a b')).toBeUndefined();
	});
});

describe('v1.1 report full details', () => {
	it('always gives Entries.ExpenseEntry as an array and simplifies to the common shape', () => {
		const details = normalizeFullDetails(unwrapRoot(xmlFixture('report-full-details.xml'), 'ReportDetails'));
		const entries = details.Entries as { ExpenseEntry: Array<Record<string, unknown>>; '@Count': string };
		expect(Array.isArray(entries.ExpenseEntry)).toBe(true);
		expect(entries.ExpenseEntry).toHaveLength(1);
		expect(entries['@Count']).toBe('1');
		expect(entries.ExpenseEntry[0].LastModified).toBeNull();
		expect(details).not.toHaveProperty('xmlns');

		expect(simplifyFullDetails(details)).toEqual({
			id: 'F4F027007E814C1CA70E',
			reportKey: '3%Rek29$wsIY12Di3LS9$gjei%KL23',
			name: 'Customer visit Lyon',
			ownerLoginId: 'jane.doe@example.com',
			ownerName: 'Jane Doe',
			total: 129,
			currency: 'EUR',
			approvalStatusCode: 'A_EXTV',
			approvalStatusName: 'Pending External Validation',
			paymentStatusCode: 'P_NOTP',
			paymentStatusName: 'Not Paid',
			submitDate: '2026-11-20T09:14:00',
			policyId: 'nxxKgLlnROzz$sHcpnRHQ$pALxamClaFfdC',
			hasException: false,
			purpose: 'Sales',
			workflowActionUrl:
				'http://www.concursolutions.com/api/expense/expensereport/v1.1/report/Ko9%t8GHpERQVpk$pS2EL6EDHRwi9r$paQS1UqyL6a454QitqQ/WorkFlowAction',
			entryCount: 1,
		});
	});

	it('gives an empty ExpenseEntry array for a report without entries', () => {
		const xml =
			'<ReportDetails xmlns="http://www.concursolutions.com/api/expense/expensereport/2011/03"><ReportId>R1</ReportId><Entries Count="0"/></ReportDetails>';
		const details = normalizeFullDetails(xmlToJson(parseXml(xml)) as never);
		expect((details.Entries as { ExpenseEntry: unknown[] }).ExpenseEntry).toEqual([]);
		expect(simplifyFullDetails(details).entryCount).toBe(0);
	});

	it('turns itemization and allocation lists inside entries into arrays', () => {
		const xml =
			'<ReportDetails><Entries><ExpenseEntry><AllocationsList><Allocation><AllocationKey>A1</AllocationKey></Allocation></AllocationsList></ExpenseEntry><ExpenseEntry><RpeKey>E2</RpeKey></ExpenseEntry></Entries></ReportDetails>';
		const details = normalizeFullDetails(xmlToJson(parseXml(xml)) as never);
		const [first, second] = (details.Entries as { ExpenseEntry: Array<Record<string, unknown>> }).ExpenseEntry;
		expect((first.AllocationsList as { Allocation: unknown[] }).Allocation).toEqual([{ AllocationKey: 'A1' }]);
		expect(second).toEqual({ RpeKey: 'E2' });
	});
});

describe('report simplification', () => {
	it('simplifies a v3 report', () => {
		const report = JSON.parse(fixture('v3-report.json'));
		const simple = simplifyV3Report(report);
		expect(simple).toMatchObject({
			id: 'F4F027007E814C1CA70E',
			name: 'Customer visit Lyon',
			ownerLoginId: 'jane.doe@example.com',
			total: 129,
			currency: 'EUR',
			approvalStatusCode: 'A_EXTV',
			paymentStatusCode: 'P_NOTP',
			hasException: false,
			lastModifiedDate: '2026-11-20T09:14:05',
			uri: 'https://www.concursolutions.com/api/v3.0/expense/reports/F4F027007E814C1CA70E',
		});
		expect(simple.workflowActionUrl).toMatch(/\/WorkFlowAction$/);
		// Null fields (PaidDate) and wide custom fields are left out.
		expect(simple).not.toHaveProperty('paidDate');
		expect(simple).not.toHaveProperty('Custom1');
	});

	it('simplifies a v2.0 report (Y/N flags, ReportKey)', () => {
		expect(
			simplifyV2Report({
				ReportID: 'F4F027007E814C1CA70E',
				ReportKey: 'n6ujbuLd1Arwe45lT7As3ThJYJf2dAsrrEW',
				ReportName: 'Trip',
				UserLoginID: 'jane.doe@example.com',
				ReportTotal: '129.00000000',
				CurrencyCode: 'USD',
				ApprovalStatusCode: 'A_PEND',
				HasException: 'Y',
				WorkflowActionURL: 'https://www.concursolutions.com/api/expense/expensereport/v1.1/report/K/WorkFlowAction',
			}),
		).toEqual({
			id: 'F4F027007E814C1CA70E',
			reportKey: 'n6ujbuLd1Arwe45lT7As3ThJYJf2dAsrrEW',
			name: 'Trip',
			ownerLoginId: 'jane.doe@example.com',
			total: 129,
			currency: 'USD',
			approvalStatusCode: 'A_PEND',
			hasException: true,
			workflowActionUrl: 'https://www.concursolutions.com/api/expense/expensereport/v1.1/report/K/WorkFlowAction',
		});
	});

	it('simplifies a v4 report', () => {
		expect(simplifyV4Report(JSON.parse(fixture('v4-report.json')))).toEqual({
			id: 'CB899F7D9F73420A8D8B',
			name: 'Customer visit Lyon',
			ownerId: 'f2d07d5f-7a6f-44fa-98c7-c4b405bd6ca3',
			total: 129,
			currency: 'EUR',
			approvalStatusCode: 'A_PEND',
			approvalStatusName: 'Submitted',
			paymentStatusCode: 'P_NOTP',
			paymentStatusName: 'Not Paid',
			submitDate: '2026-11-20T09:14:00Z',
			policyId: 'F3C9D3A4B1D54E8A9A0F0E5E2D1C0B9A',
			hasException: true,
			purpose: 'Sales',
		});
	});
});

describe('v3 list query', () => {
	it('formats dates as UTC yyyy-MM-ddTHH:mm:ss.SSS, reading zone-less values in the workflow zone', () => {
		expect(toConcurDateTime('2026-11-20T10:00:00', 'Europe/Berlin')).toBe('2026-11-20T09:00:00.000');
		expect(toConcurDateTime('2026-11-20T10:00:00.250+02:00', 'UTC')).toBe('2026-11-20T08:00:00.250');
		expect(toConcurDateTime(DateTime.fromISO('2026-01-01T00:00:00Z'), 'UTC')).toBe('2026-01-01T00:00:00.000');
		expect(toConcurDateTime(new Date('2026-01-01T12:30:00Z'), 'UTC')).toBe('2026-01-01T12:30:00.000');
		expect(toConcurDateTime('yesterday', 'UTC')).toBeUndefined();
	});

	it('builds user, status and date parameters', () => {
		expect(
			buildReportListQuery(
				'ALL',
				{
					approvalStatusCode: 'A_EXTV',
					paymentStatusCode: 'P_NOTP',
					modifiedAfter: '2026-11-01T00:00:00',
					submittedBefore: '2026-11-30T23:59:59',
					createdAfter: '',
				},
				'UTC',
			),
		).toEqual({
			user: 'ALL',
			approvalStatusCode: 'A_EXTV',
			paymentStatusCode: 'P_NOTP',
			modifiedDateAfter: '2026-11-01T00:00:00.000',
			submitDateBefore: '2026-11-30T23:59:59.000',
		});
	});

	it('omits an empty user and refuses an unreadable date', () => {
		expect(buildReportListQuery('  ', {}, 'UTC')).toEqual({});
		expect(() => buildReportListQuery('ALL', { modifiedAfter: 'soon' }, 'UTC')).toThrow(/modifiedAfter/);
	});
});

describe('v1.1 exceptions', () => {
	it('builds the documented <Exceptions> body with Index 1..n', () => {
		const xml = buildExceptionsXml([
			{ objectType: 'Report', objectId: '', exceptionCode: 'APPRVTO' },
			{ objectType: 'Entry', objectId: 'nxxKgLlnRODp$sie8Hq1UviOJ2deAbpS7dC0', exceptionCode: ' NODATE ' },
		]);
		expect(xml).toBe(
			'<?xml version="1.0" encoding="UTF-8"?><Exceptions xmlns="http://www.concursolutions.com/api/expense/expensereport/2011/03">' +
				'<Exception><Index>1</Index><ObjectType>Report</ObjectType><ExceptionCode>APPRVTO</ExceptionCode></Exception>' +
				'<Exception><Index>2</Index><ObjectType>Entry</ObjectType><ObjectId>nxxKgLlnRODp$sie8Hq1UviOJ2deAbpS7dC0</ObjectId><ExceptionCode>NODATE</ExceptionCode></Exception>' +
				'</Exceptions>',
		);
	});

	it('escapes text in the body', () => {
		expect(buildExceptionsXml([{ exceptionCode: 'A<B&C' }])).toContain('<ExceptionCode>A&lt;B&amp;C</ExceptionCode>');
	});

	it('summarises a mixed <exception-result> and names the rejected code', () => {
		const sent = [
			{ objectType: 'Report', exceptionCode: 'APPRVTO' },
			{ objectType: 'Entry', objectId: 'E1', exceptionCode: 'BADCODE' },
		];
		const summary = summarizeExceptionResult(unwrapRoot(xmlFixture('exception-result-mixed.xml'), 'exception-result'), sent);
		expect(summary).toEqual({
			succeeded: 1,
			failed: 1,
			results: [{ index: 1, status: 'Success', exceptionCode: 'APPRVTO', objectType: 'Report' }],
			errors: [
				{ index: 2, message: 'Invalid Exception Code', exceptionCode: 'BADCODE', objectType: 'Entry', objectId: 'E1' },
			],
		});
		expect(describeRejectedExceptions(summary.errors)).toBe('Exception 2 (BADCODE): Invalid Exception Code');
	});

	it('summarises a full success (empty <errors/>, several results)', () => {
		const summary = summarizeExceptionResult(unwrapRoot(xmlFixture('exception-result-success.xml'), 'exception-result'), [
			{ exceptionCode: 'A' },
			{ exceptionCode: 'B' },
		]);
		expect(summary.failed).toBe(0);
		expect(summary.errors).toEqual([]);
		expect(summary.results.map((result) => result.index)).toEqual([1, 2]);
	});
});

describe('legacy workflow action', () => {
	it('builds the documented <WorkflowAction> body', () => {
		expect(buildWorkflowActionXml('Send Back to Employee', 'Missing receipt & date')).toBe(
			'<?xml version="1.0" encoding="UTF-8"?><WorkflowAction xmlns="http://www.concursolutions.com/api/expense/expensereport/2011/03">' +
				'<Action>Send Back to Employee</Action><Comment>Missing receipt &amp; date</Comment></WorkflowAction>',
		);
		expect(buildWorkflowActionXml('Approve', '')).not.toContain('<Comment>');
	});

	it('reads SUCCESS! as success and FAILURE (HTTP 200) as a failure with Concur\'s message', () => {
		expect(readActionStatus(unwrapRoot(xmlFixture('action-status-success.xml'), 'ActionStatus'))).toEqual({
			success: true,
			status: 'SUCCESS!',
			message: 'SUCCESS!',
		});
		const failure = readActionStatus(unwrapRoot(xmlFixture('action-status-failure.xml'), 'ActionStatus'));
		expect(failure.success).toBe(false);
		expect(failure.status).toBe('FAILURE');
		expect(failure.message).toMatch(/recently been changed/);
		expect(readActionStatus({}).success).toBe(false);
	});

	it('checks workflow action URLs by path', () => {
		expect(
			isHttpUrlWithPath(
				'http://www.concursolutions.com/api/expense/expensereport/v1.1/report/Ko9%t8GHpERQVpk$pS2EL6EDHRwi9r$paQS1UqyL6a454QitqQ/WorkFlowAction',
				/\/workflowaction$/i,
			),
		).toBe(true);
		expect(isHttpUrlWithPath('https://www.concursolutions.com/api/v3.0/expense/reports/X', /\/workflowaction$/i)).toBe(false);
	});
});

describe('unwrapRoot', () => {
	it('accepts the content, a root wrapper or a {root, data} pair', () => {
		expect(unwrapRoot({ Status: 'X' }, 'ActionStatus')).toEqual({ Status: 'X' });
		expect(unwrapRoot({ ActionStatus: { Status: 'X' } }, 'ActionStatus')).toEqual({ Status: 'X' });
		expect(unwrapRoot({ root: 'ActionStatus', data: { Status: 'X' } }, 'ActionStatus')).toEqual({ Status: 'X' });
		expect(unwrapRoot('text', 'ActionStatus')).toEqual({});
	});
});

describe('notification helpers', () => {
	it('builds the path from an ID kept exactly', () => {
		expect(notificationPath('nOB1KNTDSWUcJPMV6dPDjNc$scu6EDbt9s')).toBe(
			'/api/platform/notifications/v1.0/notification/nOB1KNTDSWUcJPMV6dPDjNc$scu6EDbt9s',
		);
		expect(notificationPath('a/b')).toBeUndefined();
		expect(notificationPath('')).toBeUndefined();
	});

	it('accepts only NotificationURIs', () => {
		expect(
			isNotificationUri('https://www.concursolutions.com/api/platform/notifications/v1.0/notification/nOB1KNTDSWUcJPMV6dPDjNc$scu6EDbt9s'),
		).toBe(true);
		expect(isNotificationUri('https://www.concursolutions.com/api/v3.0/expense/reports/X')).toBe(false);
	});
});

describe('event subscription helpers', () => {
	it('applies the documented ID rules', () => {
		expect(subscriptionIdProblem('my-unique-subscription-id')).toBeUndefined();
		expect(subscriptionIdProblem('n8n.reports-2')).toBeUndefined();
		expect(subscriptionIdProblem('')).toMatch(/empty/);
		expect(subscriptionIdProblem('My-Subscription')).toMatch(/lowercase/);
		expect(subscriptionIdProblem('with_underscore')).toMatch(/lowercase/);
		expect(subscriptionIdProblem('a/b')).toMatch(/lowercase/);
	});

	it('builds the documented PUT body', () => {
		expect(buildSubscription('my-unique-subscription-id', 'public.test', '.*', 'https://my-valid-endpoint')).toEqual({
			id: 'my-unique-subscription-id',
			filter: '.*',
			topic: 'public.test',
			webHookConfig: { endpoint: 'https://my-valid-endpoint' },
		});
	});

	it('validates endpoints and turns topics into items', () => {
		expect(isEndpointUrl('https://n8n.example.com/webhook/x')).toBe(true);
		expect(isEndpointUrl('n8n.example.com/webhook')).toBe(false);
		expect(topicsToItems(['public.test', 'public.concur.expense.report'])).toEqual([
			{ topic: 'public.test' },
			{ topic: 'public.concur.expense.report' },
		]);
		expect(topicsToItems({})).toEqual([]);
	});
});
