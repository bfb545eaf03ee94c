/**
 * The simulator's expense, receipt and travel request endpoints over plain HTTP: the documented
 * wire formats (so the node's tests are held to Concur's shapes, not to the simulator's), the
 * access rules, and the receipt files being real files.
 */
import { inflateSync } from 'node:zlib';

import type { ConcurSimulator, SimReport } from '../simulator';
import { expenseIdOf, receiptJpeg, receiptPdf, receiptPng, seededReceipt, startSimulator, travelRequestsOf } from '../simulator';
import { call, companyToken, userToken } from '../simulator/testing';

let sim: ConcurSimulator;
let company: string;

beforeAll(async () => {
	sim = await startSimulator({ port: 0, reports: 24 });
	company = (await companyToken(sim)).access_token;
});

afterAll(async () => {
	await sim.close();
});

const reportUrl = (report: SimReport, context = 'TRAVELER', user = report.ownerUuid) =>
	`${sim.baseUrl}/expensereports/v4/users/${user}/context/${context}/reports/${report.id}`;

describe('Expenses v4', () => {
	it('lists a report\'s expenses as a bare array in the documented shape', async () => {
		const report = sim.reports.list()[4];
		const response = await call(`${reportUrl(report)}/expenses`, { token: company });
		expect(response.status).toBe(200);
		const expenses = response.json() as Array<Record<string, unknown>>;
		expect(Array.isArray(expenses)).toBe(true);
		expect(expenses).toHaveLength(report.entries.length);
		expect(Object.keys(expenses[0])).toEqual(
			expect.arrayContaining(['expenseId', 'expenseType', 'transactionAmount', 'postedAmount', 'transactionDate', 'vendor', 'receiptImageId', 'isImageRequired', 'hasExceptions', 'attendeeCount', 'links']),
		);
		expect(expenses[0].links).toEqual(expect.arrayContaining([expect.objectContaining({ rel: 'self', href: `${reportUrl(report)}/expenses/${expenseIdOf(report.entries[0])}` })]));
	});

	it('hides other users\' reports from a user token and answers v4 errors', async () => {
		const report = sim.reports.list().find((candidate) => candidate.ownerUuid !== sim.tenant.userByLogin('bob@acme-sim.example')!.uuid)!;
		const bob = (await userToken(sim, 'bob@acme-sim.example')).access_token;
		const forbidden = await call(`${reportUrl(report)}/expenses`, { token: bob });
		expect(forbidden.status).toBe(403);
		expect(forbidden.json()).toEqual(expect.objectContaining({ errorMessage: 'The token does not belong to this user', httpStatus: '403 - Forbidden' }));
		const missing = await call(`${reportUrl(report)}/expenses/NOSUCHEXPENSE`, { token: company });
		expect(missing.status).toBe(404);
		const system = await call(`${sim.baseUrl}/expensereports/v4/reports/${report.id}/expenses/${expenseIdOf(report.entries[0])}/attendees`, { token: bob });
		expect(system.status).toBe(403);
	});

	it('pages v3 entries with NextPage', async () => {
		const first = await call(`${sim.baseUrl}/api/v3.0/expense/entries?limit=5`, { token: company });
		const page = first.json() as { Items: Array<Record<string, unknown>>; NextPage: string };
		expect(page.Items).toHaveLength(5);
		expect(page.NextPage).toMatch(/offset=5/);
		expect(page.Items[0]).toEqual(expect.objectContaining({ ID: expect.any(String), ExpenseID: expect.stringMatching(/^[0-9A-F]{32}$/), ReportID: expect.any(String) }));
	});
});

describe('Image v1.0', () => {
	it('answers an <Image> with a 15-minute URL (XML-escaped) that serves the receipt file', async () => {
		const report = sim.reports.list().find((candidate) => candidate.entries.some((entry) => entry.receiptReceived))!;
		const entry = report.entries.find((candidate) => candidate.receiptReceived)!;
		const answer = await call(`${sim.baseUrl}/api/image/v1.0/expenseentry/${entry.rpeKey}`, { token: company });
		expect(answer.status).toBe(200);
		expect(answer.text).toMatch(/^<Image xmlns="http:\/\/www\.concursolutions\.com\/api\/image\/2011\/02"/);
		const url = /<Url>([^<]+)<\/Url>/.exec(answer.text)![1].replace(/&amp;/g, '&');
		const file = await fetch(url);
		expect(file.headers.get('content-type')).toBe(seededReceipt(report, entry).mimeType);
		expect(Buffer.from(await file.arrayBuffer()).equals(seededReceipt(report, entry).bytes)).toBe(true);
	});

	it('refuses chunked uploads, other types and a second image for an entry', async () => {
		const report = sim.reports.list().find((candidate) => candidate.entries.some((entry) => !entry.receiptReceived))!;
		const entry = report.entries.find((candidate) => !candidate.receiptReceived)!;
		const url = `${sim.baseUrl}/api/image/v1.0/expenseentry/${entry.rpeKey}`;
		const chunked = await fetch(url, {
			method: 'POST',
			headers: { Authorization: `Bearer ${company}`, 'Content-Type': 'image/png' },
			body: new ReadableStream({ start(controller) { controller.enqueue(receiptPng(1)); controller.close(); } }),
			duplex: 'half',
		} as RequestInit);
		expect(chunked.status).toBe(400);
		expect(await chunked.text()).toMatch(/Chunked Transfer-Encoding is not supported/);
		const gif = await call(url, { method: 'POST', token: company, headers: { 'Content-Type': 'image/gif' }, body: 'GIF89a' });
		expect(gif.status).toBe(400);
		const ok = await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${company}`, 'Content-Type': 'image/png' }, body: receiptPng(2) });
		expect(ok.status).toBe(201);
		const again = await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${company}`, 'Content-Type': 'image/png' }, body: receiptPng(2) });
		expect(again.status).toBe(400);
	});

	it('serves real files: a PDF with its text, a PNG whose chunks check out, a baseline JPEG', () => {
		const pdf = receiptPdf(['Hilton', 'TOTAL EUR 212.40']).toString('latin1');
		expect(pdf).toMatch(/^%PDF-1\.4/);
		expect(pdf).toContain('(Hilton) \'');
		const xref = Number(/startxref\n(\d+)/.exec(pdf)![1]);
		expect(pdf.slice(xref, xref + 4)).toBe('xref');

		const png = receiptPng(3, 48, 72);
		expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
		const idatLength = png.readUInt32BE(33);
		expect(png.subarray(37, 41).toString('ascii')).toBe('IDAT');
		expect(inflateSync(png.subarray(41, 41 + idatLength))).toHaveLength(72 * (48 + 1));

		const jpeg = receiptJpeg();
		expect(jpeg.subarray(0, 4)).toEqual(Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
		expect(jpeg.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
	});
});

describe('Request v4', () => {
	it('lists with {data, operations} and next links, and answers errors with a code and a message', async () => {
		const list = await call(`${sim.baseUrl}/travelrequest/v4/requests?view=ALL&limit=2`, { token: company });
		const page = list.json() as { data: Array<Record<string, unknown>>; operations: Array<{ rel: string; href: string }> };
		expect(page.data).toHaveLength(2);
		expect(page.operations.map((operation) => operation.rel)).toEqual(['next', 'first', 'last']);
		expect(page.operations[0].href).toBe(`${sim.baseUrl}/travelrequest/v4/requests?view=ALL&limit=2&start=2`);
		expect(page.data[0]).toEqual(expect.objectContaining({ href: expect.stringContaining('/travelrequest/v4/requests/'), approvalStatus: expect.objectContaining({ code: expect.any(String) }) }));

		const tooMany = await call(`${sim.baseUrl}/travelrequest/v4/requests?limit=101`, { token: company });
		expect(tooMany.status).toBe(400);
		expect(tooMany.json()).toEqual({ errorCode: '-', errorMessage: 'Limit must be less than or equal to 100' });
		const badDate = await call(`${sim.baseUrl}/travelrequest/v4/requests?modifiedAfter=2026-13-01`, { token: company });
		expect(badDate.json()).toEqual(expect.objectContaining({ errorCode: 'invalidDate' }));
	});

	it('moves a request through its workflow and queues public.concur.request events', async () => {
		const store = travelRequestsOf(sim);
		const request = store.create({ ownerLoginId: 'carol@acme-sim.example' });
		const carol = sim.tenant.userByLogin('carol@acme-sim.example')!;
		const submitted = await call(`${sim.baseUrl}/travelrequest/v4/requests/${request.id}/submit?userId=${carol.uuid}`, { method: 'POST', token: company });
		expect(submitted.status).toBe(200);
		expect(submitted.json().approvalStatus).toEqual({ code: 'SUBMITTED', name: 'Submitted & Pending Approval' });
		expect(submitted.json().operations).toEqual([{ rel: 'recall', href: `${sim.baseUrl}/travelrequest/v4/requests/${request.id}/recall` }]);
		const event = sim.events.all().pop()!;
		expect(event).toEqual(
			expect.objectContaining({
				topic: 'public.concur.request',
				eventType: 'statusChange.PENDING.RequestManager',
				facts: expect.objectContaining({ id: request.id, requestId: request.requestId, userId: carol.uuid, status: 'PendingRequestManagerApproval', currentApprovalStatus: 'Q_PEND' }),
			}),
		);
		const wrong = await call(`${sim.baseUrl}/travelrequest/v4/requests/${request.id}/submit?userId=${carol.uuid}`, { method: 'POST', token: company });
		expect(wrong.status).toBe(409);
	});
});
