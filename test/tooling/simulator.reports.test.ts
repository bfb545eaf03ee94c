// The simulator's report APIs: v3 list/get (paging, filters), v1.1 XML, v4 JSON, notifications
// and ESS subscription management (Concur's Notification v1.0 API; Concur's callout docs; Concur's Expense Report APIs; Concur's Event Subscription Service docs, subscriptions; Concur's Event Subscription Service docs, events).
import { parseXml, xmlToJson, type XmlElement } from '../../nodes/Concur/helpers/xml';
import { startSimulator, type ConcurSimulator } from '../simulator';
import { appToken, call, companyToken, userToken } from '../simulator/testing';

let sim: ConcurSimulator;
let token: string;
beforeEach(async () => {
	sim = await startSimulator({ port: 0, reports: 60, sender: { backoffMs: () => 1, maxAttempts: 2 } });
	token = (await companyToken(sim)).access_token;
});
afterEach(async () => {
	expect(sim.internalErrors).toEqual([]);
	await sim.close();
});

const get = (path: string, headers: Record<string, string> = {}) => call(`${sim.baseUrl}${path}`, { token, headers });
const childNamed = (el: XmlElement, name: string) => el.children.find((c) => c.name === name);
const textOf = (el: XmlElement, name: string) => childNamed(el, name)?.text.trim();

async function drain(url: string): Promise<any[]> {
	const items: any[] = [];
	let next: string | null = url;
	while (next) {
		const response = await call(next, { token });
		expect(response.status).toBe(200);
		const body = response.json();
		items.push(...body.Items);
		next = body.NextPage;
	}
	return items;
}

describe('v3 reports', () => {
	it('pages with NextPage (absolute, on the simulator) in LastModifiedDate order and returns every report once', async () => {
		const first = (await get('/api/v3.0/expense/reports?user=ALL')).json();
		expect(first.Items).toHaveLength(25);
		expect(first.NextPage.startsWith(`${sim.baseUrl}/api/v3.0/expense/reports?`)).toBe(true);
		const items = await drain(`${sim.baseUrl}/api/v3.0/expense/reports?user=ALL&limit=7`);
		expect(items).toHaveLength(60);
		expect(new Set(items.map((i) => i.ID)).size).toBe(60);
		const order = items.map((i) => [Date.parse(`${i.LastModifiedDate}Z`), i.ID]);
		const sorted = [...order].sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] < b[1] ? -1 : 1));
		expect(order).toEqual(sorted);
	});

	it('limit is capped at 100 and bad limits/offsets are 400', async () => {
		sim.reports.bulk(150);
		expect((await get('/api/v3.0/expense/reports?user=ALL&limit=500')).json().Items).toHaveLength(100);
		expect((await get('/api/v3.0/expense/reports?user=ALL&limit=abc')).status).toBe(400);
		expect((await get('/api/v3.0/expense/reports?user=ALL&offset=-1')).status).toBe(400);
	});

	it('items carry the documented fields, legacy-host URIs and zone-less millisecond timestamps', async () => {
		const item = (await get('/api/v3.0/expense/reports?user=ALL&limit=1')).json().Items[0];
		for (const field of [
			'Name', 'Total', 'CurrencyCode', 'Country', 'CreateDate', 'SubmitDate', 'ProcessingPaymentDate', 'PaidDate', 'OwnerLoginID', 'OwnerName',
			'ApproverLoginID', 'ApprovalStatusName', 'ApprovalStatusCode', 'PaymentStatusName', 'PaymentStatusCode', 'LastModifiedDate',
			'AmountDueEmployee', 'TotalClaimedAmount', 'TotalApprovedAmount', 'PolicyID', 'EverSentBack', 'HasException', 'WorkflowActionUrl',
			'OrgUnit1', 'OrgUnit6', 'Custom1', 'Custom20', 'ID', 'URI',
		])
			expect(item).toHaveProperty(field);
		expect(item.ID).toMatch(/^[0-9A-F]{20}$/);
		expect(item.URI).toBe(`https://www.concursolutions.com/api/v3.0/expense/reports/${item.ID}`);
		expect(item.WorkflowActionUrl).toMatch(/^https:\/\/www\.concursolutions\.com\/api\/expense\/expensereport\/v1\.1\/report\/.+\/WorkFlowAction$/);
		// .NET style as in Concur's samples ("2016-04-23T02:53:23.7"): no zone, trailing zeros dropped.
		// Seeded timestamps come from the clock, so pin one whole second and one with three digits.
		const [wholeId, millisId] = sim.reports.list().slice(-2).map((r) => r.id);
		const latest = sim.reports.get(millisId)!.lastModified;
		const wholeSecond = Math.floor(latest / 1000) * 1000 + 1000;
		sim.reports.setLastModified([wholeId], wholeSecond);
		sim.reports.setLastModified([millisId], wholeSecond + 123);
		const all = (await get('/api/v3.0/expense/reports?user=ALL&limit=100')).json().Items;
		for (const report of all) {
			expect(report.LastModifiedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{0,2}[1-9])?$/);
			expect(report.CreateDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{0,2}[1-9])?$/);
		}
		expect(all.some((r: any) => !r.LastModifiedDate.includes('.'))).toBe(true);
		expect(all.some((r: any) => /\.\d{3}$/.test(r.LastModifiedDate))).toBe(true);
		// The form round-trips as a modifiedDateAfter cursor.
		const whole = all.find((r: any) => !r.LastModifiedDate.includes('.'));
		const after = (await get(`/api/v3.0/expense/reports?user=ALL&limit=100&modifiedDateAfter=${whole.LastModifiedDate}`)).json().Items;
		expect(after[0].ID).toBe(whole.ID);
	});

	it('filters by status codes, owner and modifiedDateAfter (inclusive), and rejects bad date formats', async () => {
		const extv = await drain(`${sim.baseUrl}/api/v3.0/expense/reports?user=ALL&approvalStatusCode=A_EXTV`);
		expect(extv.length).toBeGreaterThan(0);
		expect(extv.every((i) => i.ApprovalStatusCode === 'A_EXTV')).toBe(true);
		const paid = await drain(`${sim.baseUrl}/api/v3.0/expense/reports?user=ALL&paymentStatusCode=P_PAID`);
		expect(paid.length).toBeGreaterThan(0);
		expect(paid.every((i) => i.PaymentStatusCode === 'P_PAID')).toBe(true);
		const alice = await drain(`${sim.baseUrl}/api/v3.0/expense/reports?user=alice@acme-sim.example`);
		expect(alice.length).toBeGreaterThan(0);
		expect(alice.every((i) => i.OwnerLoginID === 'alice@acme-sim.example')).toBe(true);

		const all = await drain(`${sim.baseUrl}/api/v3.0/expense/reports?user=ALL&limit=100`);
		const pivot = all[40];
		const after = await drain(`${sim.baseUrl}/api/v3.0/expense/reports?user=ALL&modifiedDateAfter=${pivot.LastModifiedDate}`);
		expect(after[0].ID).toBe(pivot.ID);
		expect(after).toHaveLength(20);
		const before = await drain(`${sim.baseUrl}/api/v3.0/expense/reports?user=ALL&modifiedDateBefore=${pivot.LastModifiedDate}`);
		expect(before).toHaveLength(40);
		expect((await get('/api/v3.0/expense/reports?user=ALL&modifiedDateAfter=2024-01-01')).status).toBe(200);
		const bad = await get('/api/v3.0/expense/reports?user=ALL&modifiedDateAfter=2024-01-01T00:00:00Z');
		expect(bad.status).toBe(400);
		expect(bad.json().Message).toMatch(/modifiedDateAfter/);
	});

	it('a changed report moves to the end with a newer LastModifiedDate and shows up after the cursor', async () => {
		const all = await drain(`${sim.baseUrl}/api/v3.0/expense/reports?user=ALL&limit=100`);
		const last = all[all.length - 1];
		const target = all[0];
		sim.reports.touch(target.ID);
		const after = await drain(`${sim.baseUrl}/api/v3.0/expense/reports?user=ALL&modifiedDateAfter=${last.LastModifiedDate}`);
		expect(after.map((i) => i.ID)).toContain(target.ID);
		expect(after[after.length - 1].ID).toBe(target.ID);
		expect(after[after.length - 1].LastModifiedDate > last.LastModifiedDate).toBe(true);
	});

	it('get by id; user=ALL on a single resource is 400; unknown id 404', async () => {
		const id = sim.seed.reportIds[3];
		const owner = sim.reports.get(id)!;
		const login = sim.tenant.ownerOf(owner).loginId;
		const ok = await get(`/api/v3.0/expense/reports/${id}?user=${login}`);
		expect(ok.status).toBe(200);
		expect(ok.json().ID).toBe(id);
		const all = await get(`/api/v3.0/expense/reports/${id}?user=ALL`);
		expect(all.status).toBe(400);
		expect(all.json().Message).toBe('Parameter equal to ALL (user=ALL) is not allowed when operating on a single resource');
		expect((await get('/api/v3.0/expense/reports/00000000000000000000')).status).toBe(404);
	});

	it('a non-admin user sees only their own reports and may not use user=ALL', async () => {
		const alice = await userToken(sim, 'alice@acme-sim.example');
		const own = await call(`${sim.baseUrl}/api/v3.0/expense/reports?limit=100`, { token: alice.access_token });
		expect(own.json().Items.every((i: any) => i.OwnerLoginID === 'alice@acme-sim.example')).toBe(true);
		expect((await call(`${sim.baseUrl}/api/v3.0/expense/reports?user=ALL`, { token: alice.access_token })).status).toBe(403);
	});
});

describe('report changes', () => {
	it('submit → A_EXTV queues statusChanged (EXTVAL) and the legacy callout', async () => {
		const report = sim.reports.create({ ownerLoginId: 'bob@acme-sim.example', amount: 120 });
		const created = sim.events.pending().find((e) => e.facts.reportId === report.id)!;
		expect(created.eventType).toBe('reportCreated');
		const before = report.lastModified;
		sim.reports.submit(report.id);
		expect(report.lastModified).toBeGreaterThan(before);
		const event = sim.events.pending().filter((e) => e.facts.reportId === report.id).pop()!;
		expect(Object.keys(event).sort()).toEqual(['correlationId', 'eventType', 'facts', 'id', 'route', 'timeStamp', 'topic']);
		expect(event).toMatchObject({ route: 'stable', topic: 'public.concur.expense.report', eventType: 'statusChanged' });
		expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
		expect(event.facts).toMatchObject({
			previousApprovalStatus: 'A_NOTF',
			currentApprovalStatus: 'A_EXTV',
			previousPaymentStatus: 'P_NOTP',
			currentPaymentStatus: 'P_NOTP',
			stepCode: 'EXTVAL',
			companyId: sim.seed.companyUuid,
			reportId: report.id,
			href: `${sim.baseUrl}/expensereports/v4/users/${report.ownerUuid}/context/TRAVELER/reports/${report.id}`,
		});
		const callout = sim.events.pendingCallouts().find((c) => c.reportId === report.id)!;
		const xml = parseXml(callout.xml);
		expect(xml.name).toBe('Notification');
		expect(xml.attributes).toEqual({});
		expect(textOf(xml, 'EventType')).toBe('Report Entered Expense Report Workflow Step - EXTERNAL VALIDATION - SUBMIT');
		expect(textOf(xml, 'ObjectType')).toBe('EXPRPT');
		expect(textOf(xml, 'ObjectURI')).toBe(`https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/${report.rptKey}`);
		expect(textOf(xml, 'EventDateTime')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
	});

	it('step codes for send back, recall and pay; invalid transitions throw', async () => {
		const a = sim.reports.create();
		sim.reports.submit(a.id);
		sim.reports.sendBack(a.id, 'Missing receipt');
		sim.reports.submit(a.id);
		sim.reports.recall(a.id);
		sim.reports.submit(a.id);
		sim.reports.approve(a.id);
		sim.reports.approve(a.id);
		sim.reports.pay(a.id);
		const steps = sim.events.pending().filter((e) => e.facts.reportId === a.id && e.eventType === 'statusChanged').map((e) => e.facts.stepCode);
		expect(steps).toEqual(['EXTVAL', 'SENDBACK', 'EXTVAL', 'RECALL', 'EXTVAL', 'MANAGER', 'APPROVED', 'PAIDREPORT']);
		expect(a).toMatchObject({ approvalStatusCode: 'A_APPR', paymentStatusCode: 'P_PAID', everSentBack: true });
		expect(() => sim.reports.pay(a.id)).toThrow(/cannot be paid/);
		expect(() => sim.reports.approve(sim.reports.create().id)).toThrow(/cannot be approved/);
	});

	it('bulk creates many reports quickly without queuing events by default', () => {
		const before = sim.events.all().length;
		const ids = sim.reports.bulk(2000);
		expect(ids).toHaveLength(2000);
		expect(new Set(ids).size).toBe(2000);
		expect(sim.events.all().length).toBe(before);
		expect(sim.tenant.reportCount).toBe(2060);
	});
});

describe('v1.1 XML', () => {
	it('reportfulldetails matches the raw key with $ and % and returns ReportDetails', async () => {
		const report = sim.reports.get(sim.seed.reportIds[0])!;
		expect(report.rptKey).toMatch(/\$/);
		expect(report.rptKey).toMatch(/%/);
		const response = await get(`/api/expense/expensereport/v1.1/reportfulldetails/${report.rptKey}`);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/application\/xml/);
		const root = parseXml(response.text);
		expect(root.name).toBe('ReportDetails');
		expect(root.attributes['xmlns:ns']).toBe('http://www.concursolutions.com/api/expense/expensereport/2011/03');
		expect(textOf(root, 'RptKey')).toBe(report.rptKey);
		expect(textOf(root, 'ReportId')).toBe(report.id);
		expect(textOf(root, 'ApsKey')).toBe(report.approvalStatusCode);
		expect(textOf(root, 'ReportTotal')).toMatch(/^\d+\.\d{8}$/);
		expect(textOf(root, 'WorkflowActionURL')).toBe(`https://www.concursolutions.com/api/expense/expensereport/v1.1/report/${report.wfKey}/WorkFlowAction`);
		expect(report.approvalStatusCode).toBe('A_NOTF');
		expect(textOf(root, 'SubmitDate')).toBe('0001-01-01T00:00:00');
		expect(childNamed(root, 'PaidDate')!.attributes['i:nil']).toBe('true');
		const entries = childNamed(root, 'Entries')!;
		const firstEntry = childNamed(entries, 'ExpenseEntry')!;
		expect(textOf(firstEntry, 'RpeKey')).toBe(report.entries[0].rpeKey);
		expect(textOf(firstEntry, 'ImageRequired')).toBe(report.entries[0].receiptRequired ? 'Y' : 'N');
		expect(textOf(firstEntry, 'ReceiptImageId') === '').toBe(!report.entries[0].receiptReceived);
		expect(entries.attributes.Count).toBe(String(report.entries.length));
		expect(entries.children.filter((c) => c.name === 'ExpenseEntry')).toHaveLength(report.entries.length);
		// A percent-decoded form of the key is a different key.
		expect((await get(`/api/expense/expensereport/v1.1/reportfulldetails/${encodeURIComponent(report.rptKey)}`)).status).toBe(404);
	});

	it('Exceptions: the exception-result of the v1.1 Exceptions docs with failures for unknown codes', async () => {
		const report = sim.reports.get(sim.seed.reportIds[1])!;
		const body = `<Exceptions xmlns="http://www.concursolutions.com/api/expense/expensereport/2011/03" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
    <Exception><Index>1</Index><ObjectType>Report</ObjectType><ObjectId>${report.rptKey}</ObjectId><ExceptionCode>APPRVTO</ExceptionCode></Exception>
    <Exception><Index>2</Index><ObjectType>Entry</ObjectType><ObjectId>${report.entries[0].rpeKey}</ObjectId><ExceptionCode>NOSUCHCODE</ExceptionCode></Exception>
</Exceptions>`;
		const response = await call(`${sim.baseUrl}/api/expense/expensereport/v1.1/report/${report.rptKey}/Exceptions`, {
			method: 'POST',
			token,
			body,
			headers: { 'Content-Type': 'application/xml' },
		});
		expect(response.status).toBe(200);
		const root = parseXml(response.text);
		expect(root.name).toBe('exception-result');
		expect(root.attributes.xmlns).toBe('http://www.concursolutions.com/api/expense/expensereport/2011/03');
		expect(xmlToJson(root, { arrays: ['error', 'ExceptionInfo'] })).toEqual({
			'exceptions-succeeded': '1',
			'exceptions-failed': '1',
			errors: { error: [{ Index: '2', message: 'Invalid Exception Code' }] },
			ExceptionDetails: { ExceptionInfo: [{ Index: '1', Status: 'Success' }] },
		});
		expect(report.exceptions.map((e) => e.exceptionCode)).toEqual(['APPRVTO']);
		const hostile = await call(`${sim.baseUrl}/api/expense/expensereport/v1.1/report/${report.rptKey}/Exceptions`, {
			method: 'POST',
			token,
			body: '<!DOCTYPE x [<!ENTITY a "b">]><Exceptions>&a;</Exceptions>',
		});
		expect(hostile.status).toBe(400);
		expect(parseXml(hostile.text).name).toBe('Error');
	});

	it('WorkFlowAction: approve succeeds once; the stale URL, a missing send-back comment and bad states give FAILURE with HTTP 200', async () => {
		const report = sim.reports.create();
		sim.reports.submit(report.id);
		const url = (r = report) => `${sim.baseUrl}/api/expense/expensereport/v1.1/report/${r.wfKey}/workflowaction`;
		const action = (target: string, xml: string) => call(target, { method: 'POST', token, body: xml, headers: { 'Content-Type': 'application/xml' } });
		const status = (text: string) => xmlToJson(parseXml(text)) as { Status: string; Message: string };
		const ns = 'xmlns="http://www.concursolutions.com/api/expense/expensereport/2011/03"';

		const noComment = await action(url(), `<WorkflowAction ${ns}><Action>Send Back to Employee</Action></WorkflowAction>`);
		expect(noComment.status).toBe(200);
		expect(status(noComment.text).Status).toBe('FAILURE');

		const firstUrl = url();
		const ok = await action(firstUrl, `<WorkflowAction ${ns}><Action>Approve</Action><Comment>Approved via SAP Concur</Comment></WorkflowAction>`);
		expect(ok.status).toBe(200);
		const okRoot = parseXml(ok.text);
		expect(okRoot.name).toBe('ActionStatus');
		expect(status(ok.text)).toEqual({ Message: 'SUCCESS!', Status: 'SUCCESS!' });
		expect(report.approvalStatusCode).toBe('A_PEND');

		const stale = await action(firstUrl, `<WorkflowAction ${ns}><Action>Approve</Action></WorkflowAction>`);
		expect(status(stale.text)).toEqual({
			Status: 'FAILURE',
			Message: 'The action cannot be executed because the item has recently been changed. Please refresh your list and try again.',
		});
		// A_PEND waits for the manager: the company token (System role) may not act on it, even
		// with the current WorkflowActionURL.
		const notTheApprover = await action(url(), `<WorkflowAction ${ns}><Action>Approve</Action></WorkflowAction>`);
		expect(notTheApprover.status).toBe(200);
		expect(status(notTheApprover.text)).toEqual({
			Status: 'FAILURE',
			Message: expect.stringMatching(/waiting for its approver manager@acme-sim\.example .*company token acts only on system steps/),
		});
		expect(report.approvalStatusCode).toBe('A_PEND');
		// The manager may. The path segment is case-insensitive (WorkFlowAction / workflowaction).
		const manager = (await userToken(sim, 'manager@acme-sim.example')).access_token;
		const sendBack = await call(url().replace('workflowaction', 'WorkFlowAction'), {
			method: 'POST',
			token: manager,
			body: `<WorkflowAction ${ns}><Action>Send Back to Employee</Action><Comment>Receipts missing</Comment></WorkflowAction>`,
			headers: { 'Content-Type': 'application/xml' },
		});
		expect(status(sendBack.text).Status).toBe('SUCCESS!');
		expect(report.approvalStatusCode).toBe('A_RESU');
		const notAllowed = await action(url(), `<WorkflowAction ${ns}><Action>Approve</Action></WorkflowAction>`);
		expect(status(notAllowed.text).Status).toBe('FAILURE');
	});

	it('WorkFlowAction: the System role acts only at external validation, and a user only on the step they approve', async () => {
		const report = sim.reports.create();
		const ns = 'xmlns="http://www.concursolutions.com/api/expense/expensereport/2011/03"';
		const approve = async (bearer: string) => {
			const response = await call(`${sim.baseUrl}/api/expense/expensereport/v1.1/report/${report.wfKey}/WorkFlowAction`, {
				method: 'POST',
				token: bearer,
				body: `<WorkflowAction ${ns}><Action>Approve</Action></WorkflowAction>`,
				headers: { 'Content-Type': 'application/xml' },
			});
			return xmlToJson(parseXml(response.text)) as { Status: string; Message: string };
		};
		const manager = (await userToken(sim, 'manager@acme-sim.example')).access_token;
		const alice = (await userToken(sim, 'alice@acme-sim.example')).access_token;
		const admin = (await userToken(sim)).access_token; // a Web Services Administrator: System role
		sim.reports.submit(report.id);
		expect((await approve(manager)).Message).toMatch(/external validation step \(A_EXTV\): only the System role/);
		expect(report.approvalStatusCode).toBe('A_EXTV');
		expect((await approve(admin)).Status).toBe('SUCCESS!');
		expect(report.approvalStatusCode).toBe('A_PEND');
		expect((await approve(alice)).Message).toMatch(/alice@acme-sim\.example is not that approver/);
		expect((await approve(admin)).Status).toBe('FAILURE');
		expect(report.approvalStatusCode).toBe('A_PEND');
		expect((await approve(manager)).Status).toBe('SUCCESS!');
		expect(report.approvalStatusCode).toBe('A_APPR');
	});

	it('one submission answered by two automations (callout and ESS) is approved once, then waits for the manager', async () => {
		// What the playground did when a callout workflow (legacy API) and an ESS workflow (v4 API)
		// both handled one external-validation step: the report skipped its approver.
		const report = sim.reports.create();
		sim.reports.submit(report.id);
		const ns = 'xmlns="http://www.concursolutions.com/api/expense/expensereport/2011/03"';
		const legacyApprove = async () => {
			// As example 2 does it: read the current WorkflowActionURL, then post to it.
			const details = parseXml((await get(`/api/expense/expensereport/v1.1/reportfulldetails/${report.rptKey}`)).text);
			const workflowActionUrl = textOf(details, 'WorkflowActionURL')!.replace('https://www.concursolutions.com', sim.baseUrl);
			const response = await call(workflowActionUrl, { method: 'POST', token, body: `<WorkflowAction ${ns}><Action>Approve</Action></WorkflowAction>`, headers: { 'Content-Type': 'application/xml' } });
			return (xmlToJson(parseXml(response.text)) as { Status: string }).Status;
		};
		const v4Approve = async () => (await call(`${sim.baseUrl}/expensereports/v4/reports/${report.id}/approve`, { method: 'PATCH', token, body: {} })).status;

		// Either order: the first automation approves the external validation, the second is refused.
		expect(await v4Approve()).toBe(204);
		expect(await legacyApprove()).toBe('FAILURE');
		expect(report.approvalStatusCode).toBe('A_PEND');
		const other = sim.reports.create();
		sim.reports.submit(other.id);
		const otherV4 = async () => (await call(`${sim.baseUrl}/expensereports/v4/reports/${other.id}/approve`, { method: 'PATCH', token, body: {} })).status;
		const otherLegacy = await call(`${sim.baseUrl}/api/expense/expensereport/v1.1/report/${other.wfKey}/WorkFlowAction`, {
			method: 'POST',
			token,
			body: `<WorkflowAction ${ns}><Action>Approve</Action></WorkflowAction>`,
			headers: { 'Content-Type': 'application/xml' },
		});
		expect((xmlToJson(parseXml(otherLegacy.text)) as { Status: string }).Status).toBe('SUCCESS!');
		expect(await otherV4()).toBe(409);
		expect(other.approvalStatusCode).toBe('A_PEND');
		expect(sim.events.pending().filter((e) => e.facts.reportId === report.id).map((e) => e.facts.currentApprovalStatus)).toEqual(['A_NOTF', 'A_EXTV', 'A_PEND']);
	});
});

describe('v4', () => {
	it('GET report (TRAVELER) returns the v4 JSON shape', async () => {
		const report = sim.reports.get(sim.seed.reportIds[2])!;
		const response = await get(`/expensereports/v4/users/${report.ownerUuid}/context/TRAVELER/reports/${report.id}`);
		expect(response.status).toBe(200);
		const body = response.json();
		expect(body).toMatchObject({
			reportId: report.id,
			approvalStatusId: report.approvalStatusCode,
			paymentStatusId: report.paymentStatusCode,
			userId: report.ownerUuid,
			policyId: report.policyId,
			reportTotal: { currencyCode: report.currency },
		});
		expect(Array.isArray(body.links)).toBe(true);
		expect((await get(`/expensereports/v4/users/${report.ownerUuid}/context/NOPE/reports/${report.id}`)).status).toBe(400);
	});

	it('approve and sendBack are 204; sendBack needs a comment; wrong state gives the v4 error body', async () => {
		const report = sim.reports.create();
		sim.reports.submit(report.id);
		const patch = (action: string, body?: object) => call(`${sim.baseUrl}/expensereports/v4/reports/${report.id}/${action}`, { method: 'PATCH', token, body });
		const missing = await patch('sendBack', {});
		expect(missing.status).toBe(400);
		const error = missing.json();
		expect(Object.keys(error).sort()).toEqual(['errorId', 'errorMessage', 'httpStatus', 'path', 'timestamp', 'validationErrors']);
		expect(error.validationErrors[0].source).toBe('comment');
		expect((await patch('approve', { comment: 'ok' })).status).toBe(204);
		expect(report.approvalStatusCode).toBe('A_PEND');
		// The short URL acts as the System role, which does not act on the manager's step.
		const notTheApprover = await patch('sendBack', { comment: 'Please add receipts' });
		expect(notTheApprover.status).toBe(409);
		expect(notTheApprover.json()).toMatchObject({ errorId: 'expense.report.workflow.notApprover', errorMessage: expect.stringMatching(/waiting for its approver manager@acme-sim\.example/) });
		expect(report.approvalStatusCode).toBe('A_PEND');
		const managerId = sim.tenant.userByLogin('manager@acme-sim.example')!.uuid;
		const manager = (await userToken(sim, 'manager@acme-sim.example')).access_token;
		const asManager = await call(`${sim.baseUrl}/expensereports/v4/users/${managerId}/context/MANAGER/reports/${report.id}/sendBack`, {
			method: 'PATCH',
			token: manager,
			body: { comment: 'Please add receipts' },
		});
		expect(asManager.status).toBe(204);
		expect(report.approvalStatusCode).toBe('A_RESU');
		const wrongState = await patch('approve');
		expect(wrongState.status).toBe(409);
		expect(wrongState.json().errorMessage).toMatch(/not in a workflow step/);
	});

	it('user-context approve: only the approver of the step, with their own token (or a company token acting for them)', async () => {
		const report = sim.reports.create();
		sim.reports.submit(report.id);
		sim.reports.approve(report.id); // external validation passed: A_PEND
		const managerId = sim.tenant.userByLogin('manager@acme-sim.example')!.uuid;
		const aliceId = sim.tenant.userByLogin('alice@acme-sim.example')!.uuid;
		const alice = (await userToken(sim, 'alice@acme-sim.example')).access_token;
		const approveAs = (userId: string, bearer: string) =>
			call(`${sim.baseUrl}/expensereports/v4/users/${userId}/context/MANAGER/reports/${report.id}/approve`, { method: 'PATCH', token: bearer, body: {} });
		expect((await approveAs(managerId, alice)).status).toBe(403);
		const notApprover = await approveAs(aliceId, alice);
		expect(notApprover.status).toBe(409);
		expect(notApprover.json().errorMessage).toMatch(/alice@acme-sim\.example is not that approver/);
		expect((await approveAs(managerId, token)).status).toBe(204);
		expect(report.approvalStatusCode).toBe('A_APPR');
	});

	it('user-context workflow URLs: submit, recall', async () => {
		const report = sim.reports.create();
		const submit = await call(`${sim.baseUrl}/expensereports/v4/users/${report.ownerUuid}/reports/${report.id}/submit`, { method: 'PATCH', token });
		expect(submit.status).toBe(204);
		expect(report.approvalStatusCode).toBe('A_EXTV');
		const recall = await call(`${sim.baseUrl}/expensereports/v4/users/${report.ownerUuid}/context/TRAVELER/reports/${report.id}/recall`, { method: 'PATCH', token });
		expect(recall.status).toBe(204);
		expect(report.approvalStatusCode).toBe('A_RESU');
		expect(sim.events.pending().filter((e) => e.facts.reportId === report.id).map((e) => e.facts.stepCode)).toEqual([null, 'EXTVAL', 'RECALL']);
	});

	it('exceptions: PUT → 200, GET lists, DELETE → 204, unknown code → 400', async () => {
		const id = sim.seed.reportIds[4];
		const url = `${sim.baseUrl}/expensereports/v4/reports/${id}/exceptions`;
		const put = await call(url, { method: 'PUT', token, body: { exceptionCode: 'MISSREQFLD', exceptionVisibility: 'ALL' } });
		expect(put.status).toBe(200);
		expect((await call(url, { token })).json()).toEqual([expect.objectContaining({ exceptionCode: 'MISSREQFLD', exceptionVisibility: 'ALL' })]);
		expect((await call(url, { method: 'PUT', token, body: { exceptionCode: 'BOGUS' } })).status).toBe(400);
		expect((await call(`${url}/MISSREQFLD`, { method: 'DELETE', token })).status).toBe(204);
		expect((await call(url, { token })).json()).toEqual([]);
		expect((await call(`${url}/MISSREQFLD`, { method: 'DELETE', token })).status).toBe(404);
	});
});

describe('notifications', () => {
	it('failed callouts are listed as XML (namespaced) or JSON and can be deleted', async () => {
		const report = sim.reports.create();
		sim.reports.submit(report.id);
		const results = await sim.sendCallouts('http://127.0.0.1:9/unreachable', undefined, { reportId: report.id });
		expect(results[0].delivered).toBe(false);
		const xmlResponse = await get('/api/platform/notifications/v1.0/notification?status=FAILED');
		const root = parseXml(xmlResponse.text);
		expect(root.name).toBe('NotificationList');
		expect(root.attributes.xmlns).toBe('http://www.concursolutions.com/api/notification/2012/06');
		const notification = childNamed(root, 'Notification')!;
		expect(textOf(notification, 'ObjectURI')).toBe(`https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/${report.rptKey}`);
		expect(childNamed(notification, 'Context')!.attributes['i:nil']).toBe('true');
		const json = (await get('/api/platform/notifications/v1.0/notification?status=FAILED', { Accept: 'application/json' })).json();
		expect(json).toHaveLength(1);
		expect(Object.keys(json[0]).sort()).toEqual(['Context', 'EventDateTime', 'EventType', 'NotificationURI', 'ObjectType', 'ObjectURI']);
		expect(json[0].EventDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
		const id = json[0].NotificationURI.split('/').pop();
		expect((await call(`${sim.baseUrl}/api/platform/notifications/v1.0/notification/${id}`, { method: 'DELETE', token })).status).toBe(200);
		expect((await get('/api/platform/notifications/v1.0/notification?status=FAILED', { Accept: 'application/json' })).json()).toEqual([]);
	});
});

describe('ESS subscription management', () => {
	it('topics, create/update, get (array), list, delete, id rules and the limit of 5', async () => {
		const app = await appToken(sim);
		const ess = (path: string, method = 'GET', body?: object) => call(`${sim.baseUrl}/events/v4${path}`, { method, token: app, body });
		expect((await ess('/topics')).json()).toContain('public.concur.expense.report');
		const saved = await ess('/subscriptions/webhook', 'PUT', { id: 'n8n-expense', filter: '.*', topic: 'public.concur.expense.report', webHookConfig: { endpoint: 'https://example.test/hook' } });
		expect(saved.json()).toEqual({ message: "Subscription 'n8n-expense' saved successfully" });
		await ess('/subscriptions/webhook', 'PUT', { id: 'n8n-expense', filter: 'statusChanged', topic: 'public.concur.expense.report', webHookConfig: { endpoint: 'https://example.test/hook2' } });
		const one = (await ess('/subscriptions/n8n-expense')).json();
		expect(one).toHaveLength(1);
		expect(one[0]).toMatchObject({ id: 'n8n-expense', filter: 'statusChanged', webHookConfig: { endpoint: 'https://example.test/hook2' }, applicationId: sim.seed.applicationId, companyIds: [sim.seed.companyUuid] });
		expect((await ess('/subscriptions/webhook', 'PUT', { id: 'Bad_Id', topic: 'public.test', webHookConfig: { endpoint: 'https://x.test' } })).status).toBe(400);
		expect((await ess('/subscriptions/webhook', 'PUT', { id: 'taken-by-another-app', topic: 'public.test', webHookConfig: { endpoint: 'https://x.test' } })).status).toBe(409);
		for (let i = 2; i <= 5; i++)
			expect((await ess('/subscriptions/webhook', 'PUT', { id: `sub-${i}`, topic: 'public.test', webHookConfig: { endpoint: 'https://x.test' } })).status).toBe(200);
		expect((await ess('/subscriptions/webhook', 'PUT', { id: 'sub-6', topic: 'public.test', webHookConfig: { endpoint: 'https://x.test' } })).status).toBe(400);
		expect((await ess('/subscriptions')).json()).toHaveLength(5);
		expect((await ess('/subscriptions/n8n-expense', 'DELETE')).json()).toEqual({ message: "Subscription 'n8n-expense' marked for deletion" });
		expect((await ess('/subscriptions/n8n-expense')).status).toBe(404);
	});
});
