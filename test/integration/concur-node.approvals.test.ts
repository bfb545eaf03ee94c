/**
 * Issue 14, "approvals with the whole picture", through n8n-core's real engine (the harness)
 * against the Concur simulator: Expense (Get Many, Get, Get Itemizations, Get Attendees),
 * Report > Get with Include Expenses and Report > Recall, Receipt (Get as binary data, Upload from
 * a binary field) and Travel Request (Get by ID and by an event's href, Get Many, Approve, Send
 * Back, Recall). Every call goes through the real credential and transport: geolocation routing,
 * the outbound-URL gate, 429 retries and token refresh.
 */
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { concurRetryPolicy } from '../../nodes/Concur/transport';
import { HarnessNodeTypes, runNode, runWorkflow } from '../harness/engine';
import type { ConcurSimulator, SimReport } from '../simulator';
import {
	attendeesOf,
	entryImage,
	expenseIdOf,
	itemizationsOf,
	receiptImageIdOf,
	receiptPng,
	receiptsOf,
	seededReceipt,
	startSimulator,
	travelRequestsOf,
} from '../simulator';

const NODE_TYPE = 'n8n-nodes-concur.concur';
const LEGACY_HOST = 'https://www.concursolutions.com';

let sim: ConcurSimulator;
let companyCredential: ICredentialDataDecryptedObject;

beforeAll(async () => {
	sim = await startSimulator({ port: 0, reports: 60 });
	companyCredential = {
		tokenHostUrl: 'custom',
		customTokenHostUrl: sim.baseUrl,
		clientId: sim.seed.clientId,
		clientSecret: sim.seed.clientSecret,
		grantType: 'companyRequestToken',
		companyUuid: sim.seed.companyUuid,
		requestToken: sim.seed.requestToken,
	};
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

async function runConcur(parameters: IDataObject, options: { items?: IDataObject[]; continueOnFail?: boolean } = {}) {
	return await runNode({
		type: NODE_TYPE,
		name: 'Concur',
		parameters,
		items: options.items,
		continueOnFail: options.continueOnFail,
		credentials: { concurOAuth2Api: companyCredential },
	});
}

const apiRequests = (pathPrefix: string) => sim.requests.filter((request) => request.path.startsWith(pathPrefix));
/** Requests to Concur's APIs, token requests left out (a run may start with a grant). */
const apiCalls = () => sim.requests.filter((request) => !request.path.startsWith('/oauth2/'));
const loginOf = (report: SimReport) => sim.seed.users.find((user) => user.userId === report.ownerUuid)!.loginId;
const managerId = () => sim.seed.users.find((user) => user.loginId === 'manager@acme-sim.example')!.userId;

/** The first seeded report with an entry that matches. */
function reportWithEntry(match: (entry: SimReport['entries'][number], report: SimReport) => boolean) {
	for (const report of sim.reports.list()) {
		const entry = report.entries.find((candidate) => match(candidate, report));
		if (entry) return { report, entry };
	}
	throw new Error('no seeded entry matches');
}

describe('Expense > Get Many', () => {
	it('lists the expenses of a report with type, amounts, date, vendor, receipt status and exceptions', async () => {
		const report = sim.reports.list().find((candidate) => candidate.entries.length >= 2)!;
		const result = await runConcur({
			resource: 'expense',
			operation: 'getAll',
			userId: report.ownerUuid,
			reportId: report.id,
			contextType: 'TRAVELER',
			returnAll: true,
			simplify: true,
		});
		expect(result.nodeError).toBeUndefined();
		expect(result.output).toHaveLength(report.entries.length);
		report.entries.forEach((entry, index) => {
			expect(result.output[index]).toEqual(
				expect.objectContaining({
					id: expenseIdOf(entry),
					reportId: report.id,
					expenseType: entry.expenseTypeName,
					expenseTypeCode: entry.expenseTypeCode,
					transactionDate: entry.transactionDate,
					amount: entry.amount,
					currency: entry.currency,
					postedAmount: entry.amount,
					vendor: entry.vendor,
					receiptRequired: entry.receiptRequired,
					hasReceiptImage: entry.receiptReceived,
					hasExceptions: false,
				}),
			);
		});
		expect(apiRequests('/expensereports/v4/')).toEqual([
			expect.objectContaining({ method: 'GET', path: `/expensereports/v4/users/${report.ownerUuid}/context/TRAVELER/reports/${report.id}/expenses` }),
		]);
		expect(result.executionData('Concur').every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('applies Limit, returns the raw v4 answer without Simplify, and rides out a 429', async () => {
		const report = sim.reports.list().find((candidate) => candidate.entries.length >= 2)!;
		sim.faults.inject({ status: 429, count: 1, pathPrefix: '/expensereports/v4/users', retryAfter: 0 });
		const result = await runConcur({
			resource: 'expense',
			operation: 'getAll',
			userId: report.ownerUuid,
			reportId: report.id,
			contextType: 'TRAVELER',
			returnAll: false,
			limit: 1,
			simplify: false,
		});
		expect(result.nodeError).toBeUndefined();
		expect(result.output).toHaveLength(1);
		expect(result.output[0]).toEqual(
			expect.objectContaining({
				expenseId: expenseIdOf(report.entries[0]),
				expenseType: expect.objectContaining({ id: report.entries[0].expenseTypeCode }),
				transactionAmount: { value: report.entries[0].amount, currencyCode: report.entries[0].currency },
			}),
		);
		expect(apiRequests('/expensereports/v4/')).toHaveLength(2);
	});

	it('refreshes an expired token and carries on', async () => {
		const report = sim.reports.list()[5];
		const parameters = { resource: 'expense', operation: 'getAll', userId: report.ownerUuid, reportId: report.id, returnAll: true, simplify: true };
		// A first run stores a token in the credential; the second reuses it after Concur expired it.
		const first = await runConcur(parameters);
		sim.tokens.expireAll();
		sim.requests.length = 0;
		const second = await runNode({
			type: NODE_TYPE,
			name: 'Concur',
			parameters,
			credentialsHelper: first.credentialsHelper,
			credentialIds: first.credentialIds,
		});
		expect(second.nodeError).toBeUndefined();
		expect(second.output).toHaveLength(report.entries.length);
		expect(sim.requests.map((request) => [request.path.split('/')[1], request.status])).toEqual([
			['expensereports', 401],
			['oauth2', 200],
			['expensereports', 200],
		]);
	});

	it('names the failing item, or continues with an error item paired to it', async () => {
		const report = sim.reports.list()[2];
		const parameters = { resource: 'expense', operation: 'getAll', userId: '={{ $json.user }}', reportId: '={{ $json.report }}', returnAll: true, simplify: true };
		const items = [
			{ user: report.ownerUuid, report: 'NOSUCHREPORT00000000' },
			{ user: report.ownerUuid, report: report.id },
		];
		const stopped = await runConcur(parameters, { items });
		const error = stopped.nodeError as unknown as IDataObject & { context: IDataObject };
		expect(error.message).toMatch(/Report NOSUCHREPORT00000000 not found/);
		expect(error.httpCode).toBe('404');
		expect(error.context.itemIndex).toBe(0);

		const continued = await runConcur(parameters, { items, continueOnFail: true });
		const [failed, ...expenses] = continued.executionData('Concur');
		expect(failed).toEqual({ json: { error: expect.stringMatching(/NOSUCHREPORT00000000/) }, pairedItem: { item: 0 } });
		expect(expenses).toHaveLength(report.entries.length);
		expect(expenses.every((item) => (item.pairedItem as { item: number }).item === 1)).toBe(true);
	});
});

describe('Expense > Get, Get Itemizations, Get Attendees', () => {
	it('gets one expense with its receipt type and last change', async () => {
		const { report, entry } = reportWithEntry((candidate) => candidate.receiptReceived);
		const result = await runConcur({
			resource: 'expense',
			operation: 'get',
			userId: report.ownerUuid,
			reportId: report.id,
			expenseId: expenseIdOf(entry),
			contextType: 'TRAVELER',
			simplify: true,
		});
		expect(result.nodeError).toBeUndefined();
		expect(result.output).toEqual([
			expect.objectContaining({
				id: expenseIdOf(entry),
				receiptImageId: receiptImageIdOf(entry),
				hasReceiptImage: true,
				receiptType: 'R',
				receiptStatus: 'Regular Receipt',
				lastModifiedDate: expect.stringMatching(/Z$/),
			}),
		]);
	});

	it('reads as the approver (Manager context) with the manager\'s user ID', async () => {
		const report = sim.reports.list()[3];
		const entry = report.entries[0];
		const result = await runConcur({
			resource: 'expense',
			operation: 'get',
			userId: managerId(),
			reportId: report.id,
			expenseId: expenseIdOf(entry),
			contextType: 'MANAGER',
			simplify: true,
		});
		expect(result.nodeError).toBeUndefined();
		expect(result.output[0].id).toBe(expenseIdOf(entry));
	});

	it('lists the itemizations of a hotel bill, and none for an expense that is not itemized', async () => {
		const { report, entry } = reportWithEntry((candidate) => candidate.expenseTypeCode === 'LODNG');
		const parameters = { resource: 'expense', operation: 'getItemizations', userId: report.ownerUuid, reportId: report.id, contextType: 'TRAVELER', returnAll: true, simplify: true };
		const result = await runConcur({ ...parameters, expenseId: expenseIdOf(entry) });
		expect(result.nodeError).toBeUndefined();
		const expected = itemizationsOf(entry);
		expect(result.output).toHaveLength(expected.length);
		expect(result.output.map((item) => item.amount)).toEqual(expected.map((item) => item.amount));
		expect(result.output.map((item) => item.expenseTypeCode)).toEqual(expected.map((item) => item.expenseTypeCode));
		expect(result.output.every((item) => item.parentExpenseId === expenseIdOf(entry))).toBe(true);

		const plain = reportWithEntry((candidate) => candidate.expenseTypeCode !== 'LODNG');
		const none = await runConcur({ ...parameters, userId: plain.report.ownerUuid, reportId: plain.report.id, expenseId: expenseIdOf(plain.entry) });
		expect(none.nodeError).toBeUndefined();
		expect(none.output).toEqual([]);
	});

	it('gets the attendees of a business meal, as the owner or as the system user', async () => {
		const { report, entry } = reportWithEntry((candidate) => ['BRKFT', 'LUNCH', 'DINNR'].includes(candidate.expenseTypeCode));
		const parameters = { resource: 'expense', operation: 'getAttendees', reportId: report.id, expenseId: expenseIdOf(entry), contextType: 'TRAVELER', simplify: true };
		const owner = await runConcur({ ...parameters, userId: report.ownerUuid });
		expect(owner.nodeError).toBeUndefined();
		const expected = attendeesOf(entry);
		expect(owner.output).toEqual([
			{
				expenseId: expenseIdOf(entry),
				noShowAttendeeCount: 0,
				attendeeCount: expected.length,
				attendees: expected.map((attendee) =>
					expect.objectContaining({ attendeeId: attendee.attendeeId, amount: attendee.amount, currency: entry.currency }),
				),
			},
		]);

		sim.requests.length = 0;
		const system = await runConcur({ ...parameters, userId: '' });
		expect(system.nodeError).toBeUndefined();
		expect(system.output[0].attendeeCount).toBe(expected.length);
		expect(apiRequests('/expensereports/v4/')[0].path).toBe(`/expensereports/v4/reports/${report.id}/expenses/${expenseIdOf(entry)}/attendees`);
	});
});

describe('Report > Get with Include Expenses', () => {
	it('adds the expenses to the report item by ID (v3 Expense Entries)', async () => {
		const report = sim.reports.list().find((candidate) => candidate.entries.length >= 2)!;
		const result = await runConcur({
			resource: 'report',
			operation: 'get',
			by: 'id',
			reportId: report.id,
			userLoginId: loginOf(report),
			includeExpenses: true,
			simplify: true,
		});
		expect(result.nodeError).toBeUndefined();
		expect(result.output).toHaveLength(1);
		expect(result.output[0]).toEqual(expect.objectContaining({ id: report.id }));
		expect(result.output[0].expenses).toEqual(
			report.entries.map((entry) =>
				expect.objectContaining({ id: expenseIdOf(entry), entryId: entry.rpeKey, amount: entry.amount, vendor: entry.vendor }),
			),
		);
		expect(apiRequests('/api/v3.0/expense/entries')[0].query).toEqual({ reportID: report.id, user: loginOf(report) });
	});

	it('adds the v4 expenses to a report read by its event href', async () => {
		const report = sim.reports.list()[7];
		const href = `${sim.baseUrl}/expensereports/v4/users/${report.ownerUuid}/context/TRAVELER/reports/${report.id}`;
		const result = await runConcur({ resource: 'report', operation: 'get', by: 'url', url: href, includeExpenses: true, simplify: true });
		expect(result.nodeError).toBeUndefined();
		expect(result.output[0].id).toBe(report.id);
		expect((result.output[0].expenses as IDataObject[]).map((expense) => expense.id)).toEqual(report.entries.map(expenseIdOf));
		expect(apiRequests('/expensereports/v4/').map((request) => request.path)).toEqual([
			`/expensereports/v4/users/${report.ownerUuid}/context/TRAVELER/reports/${report.id}`,
			`/expensereports/v4/users/${report.ownerUuid}/context/TRAVELER/reports/${report.id}/expenses`,
		]);
	});

	it('adds the entries a callout ObjectURI already holds, without another call', async () => {
		const report = sim.reports.list().find((candidate) => candidate.rptKey.includes('%') && candidate.entries.length >= 2)!;
		const objectUri = `${LEGACY_HOST}/api/expense/expensereport/v1.1/reportfulldetails/${report.rptKey}`;
		const result = await runConcur({ resource: 'report', operation: 'get', by: 'url', url: objectUri, includeExpenses: true, simplify: true });
		expect(result.nodeError).toBeUndefined();
		expect(result.output[0].expenses).toEqual(
			report.entries.map((entry) =>
				expect.objectContaining({ entryId: entry.rpeKey, expenseType: entry.expenseTypeName, amount: entry.amount, receiptImageId: receiptImageIdOf(entry) ?? undefined }),
			),
		);
		expect(apiCalls()).toHaveLength(1);
	});
});

describe('Report > Recall', () => {
	it('recalls a submitted report for its owner through v4, and Concur\'s 409 names a report that cannot be recalled', async () => {
		const report = sim.reports.list().find((candidate) => candidate.approvalStatusCode === 'A_PEND')!;
		const result = await runConcur({
			resource: 'report',
			operation: 'recall',
			userId: report.ownerUuid,
			reportId: report.id,
			contextType: 'TRAVELER',
			comment: 'Recalled to add the taxi receipt',
		});
		expect(result.nodeError).toBeUndefined();
		expect(result.output).toEqual([{ success: true, reportId: report.id, action: 'recall' }]);
		expect(apiRequests('/expensereports/v4/')[0]).toEqual(
			expect.objectContaining({ method: 'PATCH', path: `/expensereports/v4/users/${report.ownerUuid}/context/TRAVELER/reports/${report.id}/recall` }),
		);
		expect(sim.reports.get(report.id)!.approvalStatusCode).toBe('A_RESU');
		expect(sim.events.all().filter((event) => event.facts.reportId === report.id).pop()!.facts.stepCode).toBe('RECALL');

		const again = await runConcur({ resource: 'report', operation: 'recall', userId: report.ownerUuid, reportId: report.id, contextType: 'TRAVELER', comment: '' });
		expect(again.nodeError?.message).toMatch(/not in a workflow step that allows recall/);
		expect(again.nodeError?.httpCode).toBe('409');
	});
});

describe('Receipt > Get', () => {
	it.each(['application/pdf', 'image/png', 'image/jpeg'])('downloads a %s receipt of an expense entry as binary data', async (mimeType) => {
		const { report, entry } = reportWithEntry((candidate, owner) => candidate.receiptReceived && seededReceipt(owner, candidate).mimeType === mimeType);
		const result = await runConcur({ resource: 'receipt', operation: 'get', of: 'expenseEntry', entryId: entry.rpeKey, binaryPropertyName: 'receipt', options: {} });
		expect(result.nodeError).toBeUndefined();
		const [item] = result.executionData('Concur');
		const extension = { 'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpg' }[mimeType];
		expect(item.json).toEqual(expect.objectContaining({ of: 'expenseEntry', id: entry.rpeKey, mimeType, fileName: `receipt-${entry.rpeKey}.${extension}` }));
		const binary = item.binary!.receipt;
		expect(binary.mimeType).toBe(mimeType);
		expect(binary.fileName).toBe(`receipt-${entry.rpeKey}.${extension}`);
		expect(Buffer.from(binary.data, 'base64').equals(entryImage(sim, report, entry)!.bytes)).toBe(true);
		expect(item.pairedItem).toEqual({ item: 0 });
		// The Image v1.0 call (the key byte for byte), then the image URL it gave.
		expect(apiCalls().map((request) => request.path)).toEqual([`/api/image/v1.0/expenseentry/${entry.rpeKey}`, expect.stringMatching(/^\/imaging\/file\//)]);
	});

	it('downloads by the receiptImageId an expense shows, and the report\'s receipts as one PDF', async () => {
		const { report, entry } = reportWithEntry((candidate) => candidate.receiptReceived);
		const byImage = await runConcur({ resource: 'receipt', operation: 'get', of: 'receiptImage', receiptImageId: receiptImageIdOf(entry), binaryPropertyName: 'data', options: { fileName: 'lunch.pdf' } });
		expect(byImage.nodeError).toBeUndefined();
		expect(byImage.executionData('Concur')[0].binary!.data.fileName).toBe('lunch.pdf');
		expect(Buffer.from(byImage.executionData('Concur')[0].binary!.data.data, 'base64').equals(entryImage(sim, report, entry)!.bytes)).toBe(true);

		const byReport = await runConcur({ resource: 'receipt', operation: 'get', of: 'report', reportId: report.id, binaryPropertyName: 'data', options: {} });
		expect(byReport.nodeError).toBeUndefined();
		const binary = byReport.executionData('Concur')[0].binary!.data;
		expect(binary.mimeType).toBe('application/pdf');
		expect(binary.fileName).toBe(`report-${report.id}.pdf`);
		expect(Buffer.from(binary.data, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
	});

	it('never sends the token to an image URL off Concur\'s hosts (the transport\'s gate)', async () => {
		const { entry } = reportWithEntry((candidate) => candidate.receiptReceived);
		receiptsOf(sim).imageUrlBase = 'https://images.attacker.example';
		try {
			const result = await runConcur({ resource: 'receipt', operation: 'get', of: 'expenseEntry', entryId: entry.rpeKey, binaryPropertyName: 'data', options: {} });
			expect(result.nodeError?.message).toMatch(/Refusing to send the Concur access token to "https:\/\/images\.attacker\.example"/);
			expect(apiCalls().map((request) => request.path)).toEqual([`/api/image/v1.0/expenseentry/${entry.rpeKey}`]);
		} finally {
			receiptsOf(sim).imageUrlBase = undefined;
		}
	});

	it('says clearly when an expense has no receipt, and when the ID is unknown', async () => {
		const { entry } = reportWithEntry((candidate) => !candidate.receiptReceived && !receiptsOf(sim).entryUploads.has(candidate.rpeKey));
		const none = await runConcur({ resource: 'receipt', operation: 'get', of: 'expenseEntry', entryId: entry.rpeKey, binaryPropertyName: 'data', options: {} });
		expect(none.nodeError?.message).toBe(`Concur has no receipt image for the entry ID "${entry.rpeKey}"`);

		const unknown = await runConcur({ resource: 'receipt', operation: 'get', of: 'expenseEntry', entryId: 'nosuchentry$key', binaryPropertyName: 'data', options: {} });
		expect(unknown.nodeError?.message).toMatch(/Expense entry nosuchentry\$key not found/);
		expect(unknown.nodeError?.httpCode).toBe('404');
	});
});

/** A node that outputs one item with a file in `data` (what a Read File or HTTP Request node gives). */
class FileSource implements INodeType {
	description = {
		displayName: 'File Source',
		name: 'fileSource',
		group: ['input'],
		version: 1,
		description: 'Emits a file',
		defaults: { name: 'File Source' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Base64', name: 'base64', type: 'string' as const, default: '' },
			{ displayName: 'File Name', name: 'fileName', type: 'string' as const, default: '' },
			{ displayName: 'MIME Type', name: 'mimeType', type: 'string' as const, default: '' },
		],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const bytes = Buffer.from(this.getNodeParameter('base64', 0) as string, 'base64');
		const binary = await this.helpers.prepareBinaryData(bytes, this.getNodeParameter('fileName', 0) as string, this.getNodeParameter('mimeType', 0) as string);
		return [[{ json: { name: binary.fileName }, binary: { data: binary }, pairedItem: { item: 0 } }]];
	}
}

async function uploadFile(file: { bytes: Buffer; fileName: string; mimeType: string }, parameters: IDataObject) {
	const nodeTypes = new HarnessNodeTypes();
	nodeTypes.register('test.fileSource', new FileSource());
	const result = await runWorkflow({
		nodeTypes,
		nodes: [
			{ name: 'Trigger', type: 'n8n-nodes-base.manualTrigger', parameters: { items: '[{}]' } },
			{ name: 'File', type: 'test.fileSource', parameters: { base64: file.bytes.toString('base64'), fileName: file.fileName, mimeType: file.mimeType } },
			{ name: 'Concur', type: NODE_TYPE, parameters: { resource: 'receipt', operation: 'upload', binaryPropertyName: 'data', ...parameters } },
		],
		connections: {
			Trigger: { main: [[{ node: 'File', type: 'main', index: 0 }]] },
			File: { main: [[{ node: 'Concur', type: 'main', index: 0 }]] },
		},
		credentials: { concurOAuth2Api: companyCredential },
	});
	return { output: result.items('Concur'), error: result.error('Concur') };
}

describe('Receipt > Upload', () => {
	it('uploads a PNG from a binary field to an expense without a receipt; Receipt > Get then returns it', async () => {
		const { report, entry } = reportWithEntry((candidate) => !candidate.receiptReceived && !receiptsOf(sim).entryUploads.has(candidate.rpeKey));
		const png = receiptPng(7, 64, 96);
		const uploaded = await uploadFile({ bytes: png, fileName: 'taxi.png', mimeType: 'image/png' }, { to: 'expenseEntry', entryId: entry.rpeKey });
		expect(uploaded.error).toBeUndefined();
		expect(uploaded.output).toEqual([
			{ success: true, to: 'expenseEntry', id: entry.rpeKey, imageId: receiptImageIdOf(entry), fileName: 'taxi.png', mimeType: 'image/png', bytes: png.length },
		]);
		expect(receiptsOf(sim).uploads.pop()).toEqual({ target: 'expenseentry', id: entry.rpeKey, mimeType: 'image/png', bytes: png.length, chunked: false });
		expect(entryImage(sim, report, entry)!.bytes.equals(png)).toBe(true);

		const got = await runConcur({ resource: 'receipt', operation: 'get', of: 'expenseEntry', entryId: entry.rpeKey, binaryPropertyName: 'data', options: {} });
		expect(Buffer.from(got.executionData('Concur')[0].binary!.data.data, 'base64').equals(png)).toBe(true);

		// Concur keeps one image per entry: a second upload is refused with its message.
		const twice = await uploadFile({ bytes: png, fileName: 'taxi.png', mimeType: 'image/png' }, { to: 'expenseEntry', entryId: entry.rpeKey });
		expect(twice.error?.message).toMatch(/already attached/);
		expect(twice.error?.httpCode).toBe('400');
	});

	it('appends a PDF to the report image', async () => {
		const report = sim.reports.list()[9];
		const pdf = Buffer.from('%PDF-1.4\n%%EOF\n', 'latin1');
		const uploaded = await uploadFile({ bytes: pdf, fileName: 'hotel.pdf', mimeType: 'application/pdf' }, { to: 'report', reportId: report.id });
		expect(uploaded.error).toBeUndefined();
		expect(uploaded.output[0]).toEqual(expect.objectContaining({ success: true, to: 'report', id: report.id, mimeType: 'application/pdf' }));
		expect(receiptsOf(sim).reportUploads.get(report.id)).toHaveLength(1);
	});

	it('refuses a file Concur does not take before calling it', async () => {
		const { entry } = reportWithEntry((candidate) => !candidate.receiptReceived && !receiptsOf(sim).entryUploads.has(candidate.rpeKey));
		const uploaded = await uploadFile({ bytes: Buffer.from('hello'), fileName: 'notes.txt', mimeType: 'text/plain' }, { to: 'expenseEntry', entryId: entry.rpeKey });
		expect(uploaded.error?.message).toBe('The file in "data" is text/plain: Concur accepts PDF, PNG and JPEG receipts');
		expect(apiRequests('/api/image/')).toHaveLength(0);
	});
});

describe('Travel Request', () => {
	const requests = () => travelRequestsOf(sim);

	it('gets a request by ID, and by the href a request event carries', async () => {
		const pending = requests().requests.find((request) => request.status === 'SUBMITTED')!;
		const byId = await runConcur({ resource: 'travelRequest', operation: 'get', by: 'id', requestId: pending.id, userId: '', simplify: true });
		expect(byId.nodeError).toBeUndefined();
		expect(byId.output).toEqual([
			expect.objectContaining({
				id: pending.id,
				requestId: pending.requestId,
				approvalStatusCode: 'SUBMITTED',
				ownerId: pending.ownerUuid,
				approverId: managerId(),
				pendingApproval: true,
				availableActions: ['approve', 'sendback'],
			}),
		]);

		// A submission queues a public.concur.request event; its facts.href is what Get by URL takes.
		const draft = requests().create({ ownerLoginId: 'bob@acme-sim.example', name: 'Munich fair' });
		requests().act(draft.id, 'submit', sim.tenant.userByLogin('bob@acme-sim.example'));
		const event = sim.events.all().filter((candidate) => candidate.topic === 'public.concur.request').pop()!;
		expect(event.eventType).toBe('statusChange.PENDING.RequestManager');
		const byUrl = await runConcur({ resource: 'travelRequest', operation: 'get', by: 'url', url: event.facts.href as string, userId: '', simplify: true });
		expect(byUrl.nodeError).toBeUndefined();
		expect(byUrl.output[0]).toEqual(expect.objectContaining({ id: draft.id, name: 'Munich fair', approvalStatusCode: 'SUBMITTED' }));
		expect(apiRequests('/travelrequest/')[1].path).toBe(`/travelrequest/v4/requests/${draft.id}`);
	});

	it('refuses a URL that is not a request URL, before calling anyone', async () => {
		const result = await runConcur({ resource: 'travelRequest', operation: 'get', by: 'url', url: 'https://example.com/travelrequest/v4/expenses/ABC', userId: '', simplify: true });
		expect(result.nodeError?.message).toMatch(/not a Concur travel request URL/);
		expect(apiCalls()).toHaveLength(0);
	});

	it('lists a view page by page, with Return All and with Limit', async () => {
		for (let i = 0; i < 3; i++) requests().create({ ownerLoginId: 'carol@acme-sim.example', name: `Trip ${i}` });
		const carol = sim.tenant.userByLogin('carol@acme-sim.example')!;
		const expected = requests().requests.filter((request) => request.ownerUuid === carol.uuid);
		const all = await runConcur({ resource: 'travelRequest', operation: 'getAll', returnAll: true, view: 'ALL', userId: carol.uuid, filters: {}, options: {}, simplify: true });
		expect(all.nodeError).toBeUndefined();
		expect(all.output.map((request) => request.id).sort()).toEqual(expected.map((request) => request.id).sort());

		sim.requests.length = 0;
		const two = await runConcur({ resource: 'travelRequest', operation: 'getAll', returnAll: false, limit: 2, view: 'ALL', userId: carol.uuid, filters: {}, options: { sortField: 'requestId', sortOrder: 'ASC' }, simplify: false });
		expect(two.output).toHaveLength(2);
		expect(two.output.map((request) => request.requestId)).toEqual(expected.map((request) => request.requestId).sort().slice(0, 2));
		expect(apiRequests('/travelrequest/')[0].query).toEqual({ view: 'ALL', userId: carol.uuid, sortField: 'requestId', sortOrder: 'ASC', start: '0', limit: '2' });
	});

	it('follows the next links when Concur pages (100 per page at most)', async () => {
		for (let i = 0; i < 105; i++) requests().create({ ownerLoginId: 'alice@acme-sim.example' });
		const alice = sim.tenant.userByLogin('alice@acme-sim.example')!;
		const expected = requests().requests.filter((request) => request.ownerUuid === alice.uuid).length;
		const all = await runConcur({ resource: 'travelRequest', operation: 'getAll', returnAll: true, view: 'ALL', userId: alice.uuid, filters: {}, options: {}, simplify: true });
		expect(all.nodeError).toBeUndefined();
		expect(all.output).toHaveLength(expected);
		expect(new Set(all.output.map((request) => request.id)).size).toBe(expected);
		const pages = apiRequests('/travelrequest/');
		expect(pages).toHaveLength(2);
		expect(pages[1].query).toEqual(expect.objectContaining({ start: '100', limit: '100' }));
	});

	it('filters To Approve by the approver and by modified date in Concur\'s format', async () => {
		const result = await runConcur({
			resource: 'travelRequest',
			operation: 'getAll',
			returnAll: true,
			view: 'TOAPPROVE',
			userId: managerId(),
			filters: { modifiedAfter: '2000-01-01T01:00:00+01:00' },
			options: {},
			simplify: true,
		});
		expect(result.nodeError).toBeUndefined();
		expect(result.output.length).toBeGreaterThan(0);
		expect(result.output.every((request) => request.approvalStatusCode === 'SUBMITTED')).toBe(true);
		expect(apiRequests('/travelrequest/')[0].query).toEqual(expect.objectContaining({ view: 'TOAPPROVE', modifiedAfter: '2000-01-01T00:00:00.000Z' }));
	});

	it('approves, sends back with a comment and recalls, each for the right user', async () => {
		const [first, second, third] = ['alice', 'bob', 'carol'].map((name) => {
			const request = requests().create({ ownerLoginId: `${name}@acme-sim.example` });
			requests().act(request.id, 'submit', sim.tenant.userByLogin(`${name}@acme-sim.example`));
			return request;
		});

		const approved = await runConcur({ resource: 'travelRequest', operation: 'approve', requestId: first.id, userId: managerId(), comment: '', simplify: true });
		expect(approved.nodeError).toBeUndefined();
		expect(approved.output[0]).toEqual(expect.objectContaining({ id: first.id, approvalStatusCode: 'APPROVED', action: 'approve' }));
		expect(apiRequests('/travelrequest/')[0]).toEqual(expect.objectContaining({ method: 'POST', path: `/travelrequest/v4/requests/${first.id}/approve`, query: { userId: managerId() } }));

		const sentBack = await runConcur({ resource: 'travelRequest', operation: 'sendBack', requestId: second.id, userId: managerId(), comment: 'Please choose a cheaper hotel', simplify: true });
		expect(sentBack.nodeError).toBeUndefined();
		expect(sentBack.output[0]).toEqual(expect.objectContaining({ approvalStatusCode: 'SENTBACK', comment: 'Please choose a cheaper hotel', everSentBack: true }));
		expect(requests().get(second.id)!.comments.pop()!.value).toBe('Please choose a cheaper hotel');

		const recalled = await runConcur({ resource: 'travelRequest', operation: 'recall', requestId: third.id, userId: third.ownerUuid, comment: '', simplify: true });
		expect(recalled.nodeError).toBeUndefined();
		expect(recalled.output[0]).toEqual(expect.objectContaining({ approvalStatusCode: 'RECALLED', action: 'recall' }));
		const events = sim.events.all().filter((event) => event.topic === 'public.concur.request');
		expect(events.slice(-3).map((event) => [event.eventType, event.facts.isRecall])).toEqual([
			['statusChange.APPROVED', 'false'],
			['statusChange.SENTBACK', 'false'],
			['statusChange.SENTBACK', 'true'],
		]);
	});

	it('passes on Concur\'s reasons: the owner may not approve, a company token must name the user', async () => {
		const request = requests().create({ ownerLoginId: 'alice@acme-sim.example' });
		requests().act(request.id, 'submit', sim.tenant.userByLogin('alice@acme-sim.example'));
		const own = await runConcur({ resource: 'travelRequest', operation: 'approve', requestId: request.id, userId: request.ownerUuid, comment: '', simplify: true });
		expect(own.nodeError?.message).toBe('permission denied');
		expect(own.nodeError?.httpCode).toBe('403');

		const nobody = await runConcur({ resource: 'travelRequest', operation: 'approve', requestId: request.id, userId: '', comment: '', simplify: true });
		expect(nobody.nodeError?.message).toMatch(/missing required parameter\(s\) userId/);
		expect(nobody.nodeError?.httpCode).toBe('400');
		expect(requests().get(request.id)!.status).toBe('SUBMITTED');
	});
});
