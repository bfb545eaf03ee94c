/**
 * Receipt files: the MIME types Concur's Image API takes and gives (PDF, PNG, JPEG), file names,
 * and recognising a file from its first bytes when Concur does not name its type.
 */

/** What Image v1.0 accepts (docs: image/v1.image): unencrypted PDF, JPEG (image/jpg or image/jpeg), PNG. */
export const RECEIPT_MIME_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;

export type ReceiptMimeType = (typeof RECEIPT_MIME_TYPES)[number];

/** Concur's limit for one image (docs: "The maximum file size allowed is 10 MB"). */
export const MAX_RECEIPT_BYTES = 10 * 1024 * 1024;

const EXTENSIONS: Record<ReceiptMimeType, string> = {
	'application/pdf': 'pdf',
	'image/jpeg': 'jpg',
	'image/png': 'png',
};

/** A receipt MIME type from a Content-Type (parameters and case dropped, image/jpg read as JPEG), or undefined. */
export function receiptMimeType(contentType: string | undefined): ReceiptMimeType | undefined {
	const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
	const normalized = type === 'image/jpg' || type === 'image/pjpeg' ? 'image/jpeg' : type;
	return (RECEIPT_MIME_TYPES as readonly string[]).includes(normalized) ? (normalized as ReceiptMimeType) : undefined;
}

/** A receipt MIME type from a file name's extension, or undefined. */
export function receiptMimeTypeOfName(fileName: string | undefined): ReceiptMimeType | undefined {
	const extension = /\.([a-z0-9]+)$/i.exec(fileName ?? '')?.[1]?.toLowerCase();
	if (extension === 'pdf') return 'application/pdf';
	if (extension === 'png') return 'image/png';
	if (extension === 'jpg' || extension === 'jpeg') return 'image/jpeg';
	return undefined;
}

/** A receipt MIME type from the file's signature (`%PDF-`, PNG's 8-byte signature, JPEG's SOI marker). */
export function sniffReceiptMimeType(bytes: Uint8Array): ReceiptMimeType | undefined {
	const starts = (signature: number[]) => signature.every((byte, index) => bytes[index] === byte);
	if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
	if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
	if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
	return undefined;
}

export function extensionOf(mimeType: string): string {
	return EXTENSIONS[mimeType as ReceiptMimeType] ?? 'bin';
}

/**
 * The file name a Content-Disposition header gives (`filename*=UTF-8''…` or `filename="…"`),
 * reduced to a plain base name, or undefined.
 */
export function fileNameFromDisposition(disposition: string | undefined): string | undefined {
	if (!disposition) return undefined;
	const extended = /filename\*\s*=\s*(?:UTF-8|ISO-8859-1)?'[^']*'([^;]+)/i.exec(disposition)?.[1];
	const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(disposition);
	let name = extended ?? plain?.[2] ?? plain?.[1];
	if (!name) return undefined;
	if (extended) {
		try {
			name = decodeURIComponent(name);
		} catch {
			name = extended;
		}
	}
	return safeFileName(name);
}

/** A base name without directories, control characters or quotes; undefined when nothing is left. */
export function safeFileName(name: string): string | undefined {
	// Characters are filtered by code: a regex class of control characters trips no-control-regex.
	const base = name.trim().replace(/^.*[/\\]/, '');
	const cleaned = Array.from(base)
		.filter((character) => character.charCodeAt(0) >= 0x20 && character !== '"' && character.charCodeAt(0) !== 0x7f)
		.join('')
		.slice(0, 200)
		.trim();
	return cleaned === '' || cleaned === '.' || cleaned === '..' ? undefined : cleaned;
}
