/**
 * Receipts with n8n's binary data stored on disk (filesystem mode, the n8n default), through
 * n8n-core's real engine against the simulator: a downloaded receipt goes to the binary data store
 * (an `id`, not base64 in the item), and an upload streams the stored file to Concur with its
 * Content-Length (Concur refuses chunked bodies), also when the token must be refreshed first:
 * n8n cannot send a stream twice, so the transport opens a fresh one.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ICredentialDataDecryptedObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { BinaryDataService } from 'n8n-core';

import { concurRetryPolicy } from '../../nodes/Concur/transport';
import { HarnessNodeTypes, runWorkflow } from '../harness/engine';
import type { WorkflowResult } from '../harness/engine';
import type { ConcurSimulator } from '../simulator';
import { entryImage, receiptImageIdOf, receiptsOf, startSimulator } from '../simulator';

const NODE_TYPE = 'n8n-nodes-concur.concur';

// n8n-core ships its own copy of @n8n/di: its container is the one the engine reads from.
const { Container } = require(require.resolve('@n8n/di', { paths: [require.resolve('n8n-core')] })) as typeof import('@n8n/di');

let sim: ConcurSimulator;
let credential: ICredentialDataDecryptedObject;
let storagePath: string;

beforeAll(async () => {
	storagePath = mkdtempSync(join(tmpdir(), 'concur-binary-'));
	const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
	const errorReporter = { error: () => undefined, warn: () => undefined, info: () => undefined };
	const service = new BinaryDataService(
		{ mode: 'filesystem', localStoragePath: storagePath, signingSecret: 'test-signing-secret' } as never,
		errorReporter as never,
		logger as never,
	);
	await service.init();
	Container.set(BinaryDataService, service);

	sim = await startSimulator({ port: 0, reports: 30 });
	credential = {
		tokenHostUrl: 'custom',
		customTokenHostUrl: sim.baseUrl,
		clientId: sim.seed.clientId,
		clientSecret: sim.seed.clientSecret,
		grantType: 'companyRequestToken',
		companyUuid: sim.seed.companyUuid,
		requestToken: sim.seed.requestToken,
	};
	concurRetryPolicy.retryAfterFloorMs = 10;
});

afterAll(async () => {
	await sim.close();
	rmSync(storagePath, { recursive: true, force: true });
});

/** Emits one item whose `data` field holds a file of `size` bytes starting with a PNG signature. */
class LargeFileSource implements INodeType {
	description = {
		displayName: 'Large File Source',
		name: 'largeFileSource',
		group: ['input'],
		version: 1,
		description: 'Emits a file',
		defaults: { name: 'Large File Source' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Size', name: 'size', type: 'number' as const, default: 0 }],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const bytes = Buffer.alloc(this.getNodeParameter('size', 0) as number, 0x5a);
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
		const binary = await this.helpers.prepareBinaryData(bytes, 'scan.png', 'image/png');
		return [[{ json: {}, binary: { data: binary }, pairedItem: { item: 0 } }]];
	}
}

function freeEntry() {
	for (const report of sim.reports.list()) {
		const entry = report.entries.find((candidate) => !candidate.receiptReceived && !receiptsOf(sim).entryUploads.has(candidate.rpeKey));
		if (entry) return { report, entry };
	}
	throw new Error('no entry without a receipt');
}

async function upload(entryId: string, size: number, reuse?: WorkflowResult): Promise<WorkflowResult> {
	const nodeTypes = new HarnessNodeTypes();
	nodeTypes.register('test.largeFileSource', new LargeFileSource());
	return await runWorkflow({
		nodeTypes,
		nodes: [
			{ name: 'Trigger', type: 'n8n-nodes-base.manualTrigger', parameters: { items: '[{}]' } },
			{ name: 'File', type: 'test.largeFileSource', parameters: { size } },
			{ name: 'Concur', type: NODE_TYPE, parameters: { resource: 'receipt', operation: 'upload', to: 'expenseEntry', entryId, binaryPropertyName: 'data' } },
		],
		connections: {
			Trigger: { main: [[{ node: 'File', type: 'main', index: 0 }]] },
			File: { main: [[{ node: 'Concur', type: 'main', index: 0 }]] },
		},
		...(reuse ? { credentialsHelper: reuse.credentialsHelper, credentialIds: reuse.credentialIds } : { credentials: { concurOAuth2Api: credential } }),
	});
}

describe('Receipt with binary data on disk', () => {
	it('stores a downloaded receipt in the binary data store, not in the item', async () => {
		const report = sim.reports.list().find((candidate) => candidate.entries.some((entry) => entry.receiptReceived))!;
		const entry = report.entries.find((candidate) => candidate.receiptReceived)!;
		const result = await runWorkflow({
			nodes: [
				{ name: 'Trigger', type: 'n8n-nodes-base.manualTrigger', parameters: { items: '[{}]' } },
				{ name: 'Concur', type: NODE_TYPE, parameters: { resource: 'receipt', operation: 'get', of: 'receiptImage', receiptImageId: receiptImageIdOf(entry), binaryPropertyName: 'data', options: {} } },
			],
			connections: { Trigger: { main: [[{ node: 'Concur', type: 'main', index: 0 }]] } },
			credentials: { concurOAuth2Api: credential },
		});
		expect(result.error('Concur')).toBeUndefined();
		const binary = result.executionData('Concur')[0].binary!.data;
		expect(binary.id).toMatch(/^filesystem/);
		expect(binary.data).toBe('filesystem-v2');
		const stored = await Container.get(BinaryDataService).getAsBuffer(binary);
		expect(stored.equals(entryImage(sim, report, entry)!.bytes)).toBe(true);
		expect(readFileSync(Container.get(BinaryDataService).getPath(binary.id!)).equals(stored)).toBe(true);
	});

	it('streams a 3 MB file from the store to Concur with its Content-Length', async () => {
		const { report, entry } = freeEntry();
		sim.requests.length = 0;
		const result = await upload(entry.rpeKey, 3 * 1024 * 1024);
		expect(result.error('Concur')).toBeUndefined();
		expect(result.items('Concur')[0]).toEqual(expect.objectContaining({ success: true, bytes: 3 * 1024 * 1024, mimeType: 'image/png' }));
		expect(receiptsOf(sim).uploads.pop()).toEqual(expect.objectContaining({ bytes: 3 * 1024 * 1024, chunked: false }));
		expect(entryImage(sim, report, entry)!.bytes.length).toBe(3 * 1024 * 1024);
	});

	it('sends a fresh stream after the token was refreshed (n8n cannot resend a stream)', async () => {
		const warmUp = await upload(freeEntry().entry.rpeKey, 1024);
		expect(warmUp.error('Concur')).toBeUndefined();
		const { entry } = freeEntry();
		sim.tokens.expireAll();
		sim.requests.length = 0;
		const result = await upload(entry.rpeKey, 256 * 1024, warmUp);
		expect(result.error('Concur')).toBeUndefined();
		expect(result.items('Concur')[0]).toEqual(expect.objectContaining({ success: true, bytes: 256 * 1024 }));
		expect(sim.requests.map((request) => [request.method, request.path.split('/')[1], request.status])).toEqual([
			['POST', 'api', 401],
			['POST', 'oauth2', 200],
			['POST', 'api', 201],
		]);
	});

	it('refuses a file over Concur\'s 10 MB before sending it', async () => {
		const { entry } = freeEntry();
		sim.requests.length = 0;
		const result = await upload(entry.rpeKey, 10 * 1024 * 1024 + 1);
		expect(result.error('Concur')?.message).toBe('The file in "data" has 10485761 bytes: Concur accepts receipts of at most 10 MB');
		expect(sim.requests.filter((request) => request.path.startsWith('/api/image/'))).toHaveLength(0);
	});
});
