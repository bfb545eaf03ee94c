// Small but real receipt files the simulator serves: a PDF with the receipt's text, a PNG and a
// baseline JPEG, built byte for byte here (no image library). Each opens in a viewer; the PDF's
// text can be extracted, so an OCR or AI step downstream has something to read.
import { deflateSync } from 'node:zlib';

export type ReceiptMime = 'application/pdf' | 'image/png' | 'image/jpeg';

// ------------------------------------------------------------------------------------------ PDF

/** PDF literal string: ASCII only (Helvetica's WinAnsi), with `\`, `(` and `)` escaped. */
function pdfText(value: string): string {
	const ascii = value.normalize('NFD').replace(/[^\x20-\x7e]/g, '');
	return ascii.replace(/([\\()])/g, '\\$1');
}

/** A one-page PDF 1.4 with the given lines of text (Helvetica), xref offsets exact. */
export function receiptPdf(lines: string[]): Buffer {
	const content = ['BT', '/F1 11 Tf', '16 320 Td', '14 TL', ...lines.map((line) => `(${pdfText(line)}) '`), 'ET'].join('\n');
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 226 340] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
		`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
		'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
	];
	let pdf = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
	const offsets: number[] = [];
	objects.forEach((body, index) => {
		offsets.push(Buffer.byteLength(pdf, 'latin1'));
		pdf += `${index + 1} 0 obj\n${body}\nendobj\n`;
	});
	const xref = Buffer.byteLength(pdf, 'latin1');
	pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
	for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
	pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(pdf, 'latin1');
}

// ------------------------------------------------------------------------------------------ PNG

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(bytes: Buffer): number {
	let crc = 0xffffffff;
	for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([length, body, crc]);
}

/** A small grayscale "receipt" PNG: paper with a few printed lines, the total line bolder. */
export function receiptPng(seed: number, width = 48, height = 72): Buffer {
	const rows: Buffer[] = [];
	for (let y = 0; y < height; y++) {
		const row = Buffer.alloc(width + 1, 0xf4);
		row[0] = 0; // filter: none
		const line = y >= 6 && y < height - 10 && y % 6 === 0;
		const total = y === height - 8 || y === height - 7;
		for (let x = 4; x < width - 4; x++) {
			if (total && x > width / 2) row[x + 1] = 0x20;
			else if (line && x < 8 + ((seed + y * 7) % (width - 14))) row[x + 1] = 0x60;
		}
		rows.push(row);
	}
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8; // bit depth
	header[9] = 0; // colour type: grayscale
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		pngChunk('IHDR', header),
		pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
}

// ------------------------------------------------------------------------------------------ JPEG

/**
 * A baseline JPEG (JFIF, 8×8, one grayscale component) of one flat gray block. The Huffman tables
 * each hold the single code the scan uses (DC difference category 0, AC end-of-block), so the scan
 * is two one-bit codes padded with 1s: 0x3F.
 */
export function receiptJpeg(): Buffer {
	const segment = (marker: number, payload: number[]) => [0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload];
	const oneCodeTable = (tableClassAndId: number) => [tableClassAndId, 1, ...new Array<number>(15).fill(0), 0x00];
	return Buffer.from([
		0xff, 0xd8, // SOI
		...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]), // APP0 JFIF 1.1
		...segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]), // DQT 0: all ones
		...segment(0xc0, [0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00]), // SOF0: 8×8, 1 component
		...segment(0xc4, oneCodeTable(0x00)), // DHT DC 0: category 0 → code "0"
		...segment(0xc4, oneCodeTable(0x10)), // DHT AC 0: EOB → code "0"
		...segment(0xda, [0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]), // SOS: component 1, tables 0/0, Ss 0, Se 63
		0x3f, // scan: DC "0", EOB "0", padded with 1s
		0xff, 0xd9, // EOI
	]);
}
