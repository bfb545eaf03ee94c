import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ConcurBinary } from '../../transport';
import { concurApiDownload, concurApiRequest } from '../../transport';
import { IMAGE_V1_PATH } from '../../transport/paths';
import { readIdParameter } from '../expense/descriptions';
import { scopeToOperation } from '../displayOptions';
import { OperationItems } from '../node.type';
import { text, unwrapRoot } from '../report/simplify';
import { entryIdProperty, reportIdProperty } from './descriptions';
import {
	extensionOf,
	fileNameFromDisposition,
	MAX_RECEIPT_BYTES,
	receiptMimeType,
	receiptMimeTypeOfName,
	safeFileName,
	sniffReceiptMimeType,
} from './files';

type ReceiptOf = 'expenseEntry' | 'receiptImage' | 'report';

/** Image v1.0 keywords (docs: image/v1.image "Get an image URL"). */
const KEYWORDS: Record<ReceiptOf, { path: string; parameter: string; label: string; prefix: string }> = {
	expenseEntry: { path: 'expenseentry', parameter: 'entryId', label: 'entry ID', prefix: 'receipt' },
	// [INFERRED] Expenses v4 gives receiptImageId; Image v1.0 reads receipts by image ID.
	receiptImage: { path: 'receipt', parameter: 'receiptImageId', label: 'receipt image ID', prefix: 'receipt' },
	report: { path: 'report', parameter: 'reportId', label: 'report ID', prefix: 'report' },
};

const properties: INodeProperties[] = [
	{
		displayName: 'Receipt Of',
		name: 'of',
		type: 'options',
		options: [
			{
				name: 'Expense Entry',
				value: 'expenseEntry',
				description: 'The receipt attached to one expense, by its entry ID',
			},
			{
				name: 'Receipt Image ID',
				value: 'receiptImage',
				description: 'A receipt by the receiptImageId of Expense > Get or Get Many',
			},
			{
				name: 'Report',
				value: 'report',
				description: 'All receipts of a report, bundled by Concur into one PDF',
			},
		],
		default: 'expenseEntry',
		description: 'Whose receipt image to download',
	},
	{ ...entryIdProperty, displayOptions: { show: { of: ['expenseEntry'] } } },
	{
		displayName: 'Receipt Image ID',
		name: 'receiptImageId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 5D1E7AC2E9E14A2F8C7B3E4B6D0A9F21',
		description: 'The receiptImageId of an expense (Expense > Get or Get Many)',
		displayOptions: { show: { of: ['receiptImage'] } },
	},
	{ ...reportIdProperty, displayOptions: { show: { of: ['report'] } } },
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the output binary field to put the file in',
		description: 'The binary field the receipt is written to, e.g. for an OCR or AI step after this node',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				placeholder: 'e.g. hotel-receipt.pdf',
				description: 'The file name to give the receipt instead of the one Concur gives (or receipt-{ID}.{type})',
			},
		],
	},
];

const displayOptions = { show: { resource: ['receipt'], operation: ['get'] } };

export const description = scopeToOperation(displayOptions, properties);

/** Reads a whole (small) body: used only when Concur does not say what the file is. */
async function bytesOf(this: IExecuteFunctions, body: ConcurBinary): Promise<Buffer> {
	const buffer = await this.helpers.binaryToBuffer(body);
	if (buffer.length > MAX_RECEIPT_BYTES * 2) {
		throw new NodeApiError(this.getNode(), { message: 'receipt too large' }, {
			message: `Concur sent ${buffer.length} bytes of an unnamed type: more than a receipt can be`,
		});
	}
	return buffer;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<OperationItems> {
	const of = this.getNodeParameter('of', itemIndex, 'expenseEntry') as ReceiptOf;
	if (!Object.prototype.hasOwnProperty.call(KEYWORDS, of)) {
		throw new NodeOperationError(this.getNode(), `"${String(of)}" is not a receipt owner: use expenseEntry, receiptImage or report`, { itemIndex });
	}
	const keyword = KEYWORDS[of];
	const id = readIdParameter.call(this, itemIndex, keyword.parameter, keyword.label);
	const binaryPropertyName = (this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string).trim() || 'data';
	const options = this.getNodeParameter('options', itemIndex, {}) as { fileName?: string };

	// 1. Image v1.0 answers an <Image> whose Url is valid for 15 minutes.
	const answer = unwrapRoot(
		await concurApiRequest.call(this, { method: 'GET', url: `${IMAGE_V1_PATH}/${keyword.path}/${id}`, format: 'xml' }),
		'Image',
	);
	const imageUrl = (text(answer.Url) ?? '').trim();
	if (imageUrl === '') {
		throw new NodeOperationError(this.getNode(), `Concur has no receipt image for the ${keyword.label} "${id}"`, {
			itemIndex,
			description: 'Concur answered without an image URL: nothing is attached yet',
		});
	}

	// 2. The image itself, streamed through the transport (its gate refuses non-Concur hosts).
	const download = await concurApiDownload.call(this, { url: imageUrl });
	let body = download.body;
	let mimeType = receiptMimeType(download.contentType);
	const concurName = fileNameFromDisposition(download.contentDisposition);
	mimeType ??= receiptMimeTypeOfName(concurName);
	if (!mimeType) {
		// Concur did not name a receipt type: read the (at most 10 MB) file and recognise it.
		const bytes = await bytesOf.call(this, body);
		mimeType = sniffReceiptMimeType(bytes);
		body = bytes;
	}
	const type = mimeType ?? (download.contentType?.split(';')[0].trim() || 'application/octet-stream');
	const fileName =
		safeFileName(options.fileName ?? '') ?? concurName ?? `${keyword.prefix}-${safeFileName(id) ?? 'image'}.${extensionOf(type)}`;
	const binary = await this.helpers.prepareBinaryData(body, fileName, type);

	const json: IDataObject = {
		of,
		id,
		imageId: text(answer.Id) ?? id,
		fileName: binary.fileName ?? fileName,
		mimeType: binary.mimeType,
		fileSize: binary.fileSize,
		...(typeof binary.bytes === 'number' ? { bytes: binary.bytes } : {}),
		binaryPropertyName,
	};
	return new OperationItems([{ json, binary: { [binaryPropertyName]: binary }, pairedItem: { item: itemIndex } }]);
}
