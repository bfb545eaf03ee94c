import type { IBinaryData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ConcurBinary } from '../../transport';
import { concurApiRequest } from '../../transport';
import { IMAGE_V1_PATH } from '../../transport/paths';
import { readIdParameter } from '../expense/descriptions';
import { scopeToOperation } from '../displayOptions';
import { text, unwrapRoot } from '../report/simplify';
import { entryIdProperty, reportIdProperty } from './descriptions';
import { MAX_RECEIPT_BYTES, receiptMimeType, receiptMimeTypeOfName } from './files';

type UploadTo = 'expenseEntry' | 'report';

/** Image v1.0 upload keywords (docs: image/v1.image "Post an image"). */
const TARGETS: Record<UploadTo, { path: string; parameter: string; label: string }> = {
	expenseEntry: { path: 'expenseentry', parameter: 'entryId', label: 'entry ID' },
	report: { path: 'report', parameter: 'reportId', label: 'report ID' },
};

const properties: INodeProperties[] = [
	{
		displayName: 'Upload To',
		name: 'to',
		type: 'options',
		options: [
			{
				name: 'Expense Entry',
				value: 'expenseEntry',
				description: 'Attach the receipt to one expense (an expense that has an image keeps it)',
			},
			{
				name: 'Report',
				value: 'report',
				description: 'Add the receipt to the report image (appended to the existing one)',
			},
		],
		default: 'expenseEntry',
		description: 'Where the receipt goes',
	},
	{ ...entryIdProperty, displayOptions: { show: { to: ['expenseEntry'] } } },
	{ ...reportIdProperty, displayOptions: { show: { to: ['report'] } } },
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the input binary field containing the file to be uploaded',
		description: 'The binary field holding the receipt: a PDF, PNG or JPEG file of at most 10 MB',
	},
];

const displayOptions = { show: { resource: ['receipt'], operation: ['upload'] } };

export const description = scopeToOperation(displayOptions, properties);

/** The size of the file in bytes, from n8n's metadata (binary data stored outside the item) or its base64. */
async function byteLength(this: IExecuteFunctions, binary: IBinaryData): Promise<number | undefined> {
	if (typeof binary.bytes === 'number') return binary.bytes;
	if (binary.id) return (await this.helpers.getBinaryMetadata(binary.id)).fileSize;
	return undefined;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const to = this.getNodeParameter('to', itemIndex, 'expenseEntry') as UploadTo;
	if (!Object.prototype.hasOwnProperty.call(TARGETS, to)) {
		throw new NodeOperationError(this.getNode(), `"${String(to)}" is not an upload target: use expenseEntry or report`, { itemIndex });
	}
	const target = TARGETS[to];
	const id = readIdParameter.call(this, itemIndex, target.parameter, target.label);
	const binaryPropertyName = (this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string).trim();
	const binary = this.helpers.assertBinaryData(itemIndex, binaryPropertyName);
	const mimeType = receiptMimeType(binary.mimeType) ?? receiptMimeTypeOfName(binary.fileName);
	if (!mimeType) {
		throw new NodeOperationError(
			this.getNode(),
			`The file in "${binaryPropertyName}" is ${binary.mimeType || 'of an unknown type'}: Concur accepts PDF, PNG and JPEG receipts`,
			{ itemIndex },
		);
	}

	// Binary data stored outside the item (filesystem or S3 mode) is streamed from its store and
	// never loaded; in-memory binary data is decoded once. A stream is sent with its length:
	// Concur refuses chunked uploads.
	let size = await byteLength.call(this, binary);
	let buffer: Buffer | undefined;
	if (!binary.id) {
		buffer = await this.helpers.getBinaryDataBuffer(itemIndex, binaryPropertyName);
		size = buffer.length;
	}
	if (size !== undefined && size > MAX_RECEIPT_BYTES) {
		throw new NodeOperationError(
			this.getNode(),
			`The file in "${binaryPropertyName}" has ${size} bytes: Concur accepts receipts of at most 10 MB`,
			{ itemIndex },
		);
	}
	const binaryId = binary.id;
	const body = async (): Promise<ConcurBinary> =>
		buffer ?? (await this.helpers.getBinaryStream(binaryId as string));

	const answer = unwrapRoot(
		await concurApiRequest.call(this, {
			method: 'POST',
			url: `${IMAGE_V1_PATH}/${target.path}/${id}`,
			headers: { 'Content-Type': mimeType, ...(size !== undefined ? { 'Content-Length': String(size) } : {}) },
			binaryBody: body,
			format: 'xml',
		}),
		'Image',
	);
	return {
		success: true,
		to,
		id,
		imageId: text(answer.Id),
		fileName: binary.fileName,
		mimeType,
		bytes: size,
	};
}
