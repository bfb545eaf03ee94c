/**
 * Report response shaping (actions/report/simplify.ts): v1.1 full details, Simplify views, unwrapRoot.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseXml, xmlToJson } from '../../../nodes/Concur/helpers/xml';
import { normalizeFullDetails, simplifyFullDetails, simplifyV2Report, simplifyV3Report, simplifyV4Report, unwrapRoot } from '../../../nodes/Concur/actions/report/simplify';

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/actions', name), 'utf8');
/** What the transport hands back for an XML response: the root's content as clean JSON. */
const xmlFixture = (name: string) => xmlToJson(parseXml(fixture(name))) as Record<string, unknown>;

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

describe('unwrapRoot', () => {
	it('accepts the content, a root wrapper or a {root, data} pair', () => {
		expect(unwrapRoot({ Status: 'X' }, 'ActionStatus')).toEqual({ Status: 'X' });
		expect(unwrapRoot({ ActionStatus: { Status: 'X' } }, 'ActionStatus')).toEqual({ Status: 'X' });
		expect(unwrapRoot({ root: 'ActionStatus', data: { Status: 'X' } }, 'ActionStatus')).toEqual({ Status: 'X' });
		expect(unwrapRoot('text', 'ActionStatus')).toEqual({});
	});
});
