/**
 * The Receipt operations through the action router with the transport mocked: the Image v1.0
 * calls, the download handed to n8n as the stream it is (never buffered here when Concur names
 * the type), file names and MIME types, and uploads from an in-memory or stored binary field.
 */
import { Readable } from 'node:stream';

import type { IBinaryData, IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	fileNameFromDisposition,
	receiptMimeType,
	receiptMimeTypeOfName,
	safeFileName,
	sniffReceiptMimeType,
} from '../../../nodes/Concur/actions/receipt/files';
import { router } from '../../../nodes/Concur/actions/router';
import { concurApiDownload, concurApiRequest, concurApiRequestAllItems } from '../../../nodes/Concur/transport';
import { createExecuteContext } from '../../fixtures/actions/context';

jest.mock('../../../nodes/Concur/transport', () => ({
	concurApiRequest: jest.fn(),
	concurApiRequestAllItems: jest.fn(),
	concurApiDownload: jest.fn(),
}));

const request = concurApiRequest as jest.MockedFunction<typeof concurApiRequest>;
const download = concurApiDownload as jest.MockedFunction<typeof concurApiDownload>;

const ENTRY = 'nxxKgLlnRODp$sie8Hq1UviOJ2deAbpS7dC0';
const IMAGE_URL = 'https://imagingupload.concursolutions.com/file/p00884704c6o/5A789811F139BC89?id=51253775812C&e=p0088';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

/** The clean JSON the transport makes of an <Image> answer. */
const imageAnswer = (url: string) => ({ Image: { Id: ENTRY, Url: url } });

interface Harness {
	context: IExecuteFunctions;
	prepared: Array<{ body: unknown; fileName?: string; mimeType?: string }>;
}

function harness(parameters: IDataObject, inputBinary?: IBinaryData, stored?: Buffer): Harness {
	const base = createExecuteContext({
		parameters,
		items: [{ json: {}, ...(inputBinary ? { binary: { data: inputBinary } } : {}) }],
	});
	const prepared: Harness['prepared'] = [];
	const helpers = {
		...base.helpers,
		prepareBinaryData: async (body: unknown, fileName?: string, mimeType?: string) => {
			prepared.push({ body, fileName, mimeType });
			return { data: 'stored', fileName, mimeType: mimeType ?? 'text/plain', fileSize: '11 B' } as IBinaryData;
		},
		binaryToBuffer: async (body: Buffer | Readable) => {
			if (Buffer.isBuffer(body)) return body;
			const chunks: Buffer[] = [];
			for await (const chunk of body) chunks.push(chunk as Buffer);
			return Buffer.concat(chunks);
		},
		assertBinaryData: (_itemIndex: number, name: string) => {
			if (name !== 'data' || !inputBinary) throw new NodeOperationError(base.getNode(), `This operation expects the node's input data to contain a binary file '${name}', but none was found`);
			return inputBinary;
		},
		getBinaryDataBuffer: async () => stored ?? Buffer.from(inputBinary!.data, 'base64'),
		getBinaryStream: jest.fn(async () => Readable.from([stored ?? Buffer.alloc(0)])),
		getBinaryMetadata: jest.fn(async () => ({ fileSize: stored?.length ?? 0, fileName: inputBinary?.fileName, mimeType: inputBinary?.mimeType })),
	};
	return { context: { ...base, helpers } as unknown as IExecuteFunctions, prepared };
}

beforeEach(() => {
	request.mockReset();
	download.mockReset();
	(concurApiRequestAllItems as jest.Mock).mockReset();
});

describe('Receipt > Get', () => {
	it('asks Image v1.0 for the entry (key byte for byte), then streams the image URL to n8n untouched', async () => {
		const stream = Readable.from([PNG]);
		request.mockResolvedValueOnce(imageAnswer(IMAGE_URL));
		download.mockResolvedValueOnce({ body: stream, contentType: 'image/png; charset=binary', contentLength: PNG.length });
		const { context, prepared } = harness({ resource: 'receipt', operation: 'get', of: 'expenseEntry', entryId: ENTRY, binaryPropertyName: 'receipt', options: {} });
		const [items] = await router.call(context);
		expect(request).toHaveBeenCalledWith({ method: 'GET', url: `/api/image/v1.0/expenseentry/${ENTRY}`, format: 'xml' });
		expect(download).toHaveBeenCalledWith({ url: IMAGE_URL });
		// The very stream the transport returned: nothing read it into memory first.
		expect(prepared).toEqual([{ body: stream, fileName: `receipt-${ENTRY}.png`, mimeType: 'image/png' }]);
		expect(items).toEqual([
			{
				json: { of: 'expenseEntry', id: ENTRY, imageId: ENTRY, fileName: `receipt-${ENTRY}.png`, mimeType: 'image/png', fileSize: '11 B', binaryPropertyName: 'receipt' },
				binary: { receipt: expect.objectContaining({ fileName: `receipt-${ENTRY}.png`, mimeType: 'image/png' }) },
				pairedItem: { item: 0 },
			},
		]);
	});

	it('uses the file name Concur gives, or the one asked for; JPG is image/jpeg', async () => {
		request.mockResolvedValue(imageAnswer(IMAGE_URL));
		download.mockResolvedValueOnce({ body: Readable.from([PNG]), contentType: 'image/jpg', contentDisposition: 'inline; filename="../../etc/Hotel Receipt.jpg"' });
		const first = harness({ resource: 'receipt', operation: 'get', of: 'receiptImage', receiptImageId: '5D1E7AC2E9E14A2F', binaryPropertyName: 'data', options: {} });
		await router.call(first.context);
		expect(request.mock.calls[0][0].url).toBe('/api/image/v1.0/receipt/5D1E7AC2E9E14A2F');
		expect(first.prepared[0]).toEqual(expect.objectContaining({ fileName: 'Hotel Receipt.jpg', mimeType: 'image/jpeg' }));

		download.mockResolvedValueOnce({ body: Readable.from([PNG]), contentType: 'application/pdf' });
		const second = harness({ resource: 'receipt', operation: 'get', of: 'report', reportId: 'CB899F7D9F73420A8D8B', binaryPropertyName: 'data', options: { fileName: 'march.pdf' } });
		await router.call(second.context);
		expect(request.mock.calls[1][0].url).toBe('/api/image/v1.0/report/CB899F7D9F73420A8D8B');
		expect(second.prepared[0]).toEqual(expect.objectContaining({ fileName: 'march.pdf', mimeType: 'application/pdf' }));
	});

	it('recognises the file from its bytes when Concur does not name its type', async () => {
		request.mockResolvedValueOnce(imageAnswer(IMAGE_URL));
		download.mockResolvedValueOnce({ body: Readable.from([PNG]), contentType: 'application/octet-stream' });
		const { context, prepared } = harness({ resource: 'receipt', operation: 'get', of: 'expenseEntry', entryId: ENTRY, binaryPropertyName: 'data', options: {} });
		await router.call(context);
		expect(prepared).toEqual([{ body: PNG, fileName: `receipt-${ENTRY}.png`, mimeType: 'image/png' }]);
	});

	it('says so when the expense has no image, naming the entry', async () => {
		request.mockResolvedValueOnce({ Image: { Id: ENTRY, Url: '' } });
		const { context } = harness({ resource: 'receipt', operation: 'get', of: 'expenseEntry', entryId: ENTRY, binaryPropertyName: 'data', options: {} });
		const error = await router.call(context).catch((caught) => caught);
		expect(error.message).toBe(`Concur has no receipt image for the entry ID "${ENTRY}"`);
		expect(error.context.itemIndex).toBe(0);
		expect(download).not.toHaveBeenCalled();
	});

	it('refuses a receipt owner or an upload target it does not know, before calling Concur', async () => {
		await expect(router.call(harness({ resource: 'receipt', operation: 'get', of: 'invoice', binaryPropertyName: 'data', options: {} }).context)).rejects.toThrow(
			'"invoice" is not a receipt owner: use expenseEntry, receiptImage or report',
		);
		await expect(router.call(harness({ resource: 'receipt', operation: 'upload', to: 'receipt', binaryPropertyName: 'data' }).context)).rejects.toThrow(
			'"receipt" is not an upload target: use expenseEntry or report',
		);
		expect(request).not.toHaveBeenCalled();
	});
});

describe('Receipt > Upload', () => {
	const answer = { Image: { Id: 'aBcDeMwbl34xnwdkUw5ZjDsggDl2$pyoy31$pnGaHAywmPrpbAmE', Url: '' } };

	it('sends in-memory binary data once decoded, with its type and length', async () => {
		request.mockResolvedValueOnce(answer);
		const binary = { data: PNG.toString('base64'), mimeType: 'image/png', fileName: 'taxi.png', bytes: PNG.length } as IBinaryData;
		const { context } = harness({ resource: 'receipt', operation: 'upload', to: 'expenseEntry', entryId: ENTRY, binaryPropertyName: 'data' }, binary);
		const [items] = await router.call(context);
		const options = request.mock.calls[0][0];
		expect(options).toEqual({
			method: 'POST',
			url: `/api/image/v1.0/expenseentry/${ENTRY}`,
			headers: { 'Content-Type': 'image/png', 'Content-Length': String(PNG.length) },
			binaryBody: expect.any(Function),
			format: 'xml',
		});
		expect(await options.binaryBody!()).toEqual(PNG);
		expect(items[0].json).toEqual({ success: true, to: 'expenseEntry', id: ENTRY, imageId: answer.Image.Id, fileName: 'taxi.png', mimeType: 'image/png', bytes: PNG.length });
	});

	it('streams binary data stored outside the item, a fresh stream per attempt, never loading it', async () => {
		request.mockResolvedValueOnce(answer);
		const stored = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(4096, 0x20)]);
		const binary = { data: 'filesystem-v2', id: 'filesystem-v2:abc', mimeType: 'application/pdf', fileName: 'hotel.pdf' } as IBinaryData;
		const { context } = harness({ resource: 'receipt', operation: 'upload', to: 'report', reportId: 'CB899F7D9F73420A8D8B', binaryPropertyName: 'data' }, binary, stored);
		await router.call(context);
		const options = request.mock.calls[0][0];
		expect(options.url).toBe('/api/image/v1.0/report/CB899F7D9F73420A8D8B');
		expect(options.headers).toEqual({ 'Content-Type': 'application/pdf', 'Content-Length': String(stored.length) });
		const streamed = (await options.binaryBody!()) as Readable;
		expect(streamed).toBeInstanceOf(Readable);
		await options.binaryBody!();
		expect(context.helpers.getBinaryStream).toHaveBeenCalledTimes(2);
		expect(context.helpers.getBinaryStream).toHaveBeenCalledWith('filesystem-v2:abc');
	});

	it('refuses what Concur does not take before calling it: other types, more than 10 MB, no file', async () => {
		const text = { data: Buffer.from('hi').toString('base64'), mimeType: 'text/plain', fileName: 'notes.txt' } as IBinaryData;
		await expect(router.call(harness({ resource: 'receipt', operation: 'upload', to: 'expenseEntry', entryId: ENTRY, binaryPropertyName: 'data' }, text).context)).rejects.toThrow(
			'The file in "data" is text/plain: Concur accepts PDF, PNG and JPEG receipts',
		);
		const huge = { data: 'filesystem-v2', id: 'filesystem-v2:big', mimeType: 'image/jpeg', fileName: 'scan.jpg', bytes: 10 * 1024 * 1024 + 1 } as IBinaryData;
		await expect(router.call(harness({ resource: 'receipt', operation: 'upload', to: 'expenseEntry', entryId: ENTRY, binaryPropertyName: 'data' }, huge).context)).rejects.toThrow(
			'The file in "data" has 10485761 bytes: Concur accepts receipts of at most 10 MB',
		);
		await expect(router.call(harness({ resource: 'receipt', operation: 'upload', to: 'expenseEntry', entryId: ENTRY, binaryPropertyName: 'data' }).context)).rejects.toThrow(
			/binary file 'data'/,
		);
		// An octet-stream file named .jpeg is a JPEG.
		request.mockResolvedValueOnce(answer);
		const named = { data: Buffer.from([0xff, 0xd8, 0xff]).toString('base64'), mimeType: 'application/octet-stream', fileName: 'scan.JPEG' } as IBinaryData;
		await router.call(harness({ resource: 'receipt', operation: 'upload', to: 'expenseEntry', entryId: ENTRY, binaryPropertyName: 'data' }, named).context);
		expect(request.mock.calls[0][0].headers).toEqual({ 'Content-Type': 'image/jpeg', 'Content-Length': '3' });
	});
});

describe('receipt files', () => {
	it('reads MIME types, names and signatures', () => {
		expect(receiptMimeType('IMAGE/PNG')).toBe('image/png');
		expect(receiptMimeType('image/pjpeg')).toBe('image/jpeg');
		expect(receiptMimeType('text/html')).toBeUndefined();
		expect(receiptMimeTypeOfName('a.b.PDF')).toBe('application/pdf');
		expect(receiptMimeTypeOfName(undefined)).toBeUndefined();
		expect(sniffReceiptMimeType(Buffer.from('%PDF-1.7'))).toBe('application/pdf');
		expect(sniffReceiptMimeType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
		expect(sniffReceiptMimeType(Buffer.from('GIF89a'))).toBeUndefined();
		expect(fileNameFromDisposition("attachment; filename*=UTF-8''Re%C3%A7u%20h%C3%B4tel.pdf")).toBe('Reçu hôtel.pdf');
		expect(fileNameFromDisposition('attachment; filename=plain.png')).toBe('plain.png');
		expect(fileNameFromDisposition('inline')).toBeUndefined();
		expect(safeFileName('..')).toBeUndefined();
		expect(safeFileName('C:\\temp\\a\u0000b"c.png')).toBe('abc.png');
	});
});
