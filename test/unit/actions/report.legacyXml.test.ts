/**
 * v1.1 XML bodies of the Report operations (actions/report/legacyXml.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';


import { parseXml, xmlToJson } from '../../../nodes/Concur/helpers/xml';
import { buildExceptionsXml, buildWorkflowActionXml, describeRejectedExceptions, readActionStatus, summarizeExceptionResult } from '../../../nodes/Concur/actions/report/legacyXml';
import { unwrapRoot } from '../../../nodes/Concur/actions/report/simplify';
import { isHttpUrlWithPath } from '../../../nodes/Concur/actions/report/urls';

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/actions', name), 'utf8');
/** What the transport hands back for an XML response: the root's content as clean JSON. */
const xmlFixture = (name: string) => xmlToJson(parseXml(fixture(name))) as Record<string, unknown>;

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
