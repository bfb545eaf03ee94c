// Receipt images, as Image v1.0 serves them (docs image/v1.image): GET …/expenseentry/{entryId},
// …/receipt/{imageId} and …/report/{reportId} answer an <Image> whose <Url> is valid for 15
// minutes; that URL gives the bytes (PDF, PNG or JPEG). POST …/expenseentry/{entryId} and
// …/report/{reportId} take the raw bytes (Content-Type application/pdf, image/jpg, image/jpeg or
// image/png, at most 10 MB, Content-Length required: Concur refuses chunked bodies) and answer
// 201 with an <Image> whose Url is empty.
//
// [INFERRED] where Concur is silent: an entry without a receipt answers an <Image> with an empty
// <Url/>; a second upload to an entry that has an image is a 400 ("you cannot append additional
// images"); the image URL (imagingupload.concursolutions.com in Concur's v3 sample) is served
// here on the same host under /imaging/file/{token}, without authentication, with Content-Type.
import { randomBytes } from 'node:crypto';
import type { ConcurSimulator } from './index';
import { NS_XSI, HttpError, authenticate, isAdmin, send, sendXml, tokenUser, type RequestContext } from './http';
import { type SimEntry, type SimReport, type Tenant } from './state';
import { entryByKey, entryByReceiptImageId, entryNumber, receiptImageIdOf } from './expenses';
import { receiptJpeg, receiptPdf, receiptPng, type ReceiptMime } from './receiptFiles';
import { escapeXml } from './xml';

export const NS_IMAGE = 'http://www.concursolutions.com/api/image/2011/02';

/** Concur's limit for one image. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

/** How long an image URL stays valid (docs: "The URL is valid for 15 minutes after the request"). */
const URL_LIFETIME_MS = 15 * 60 * 1000;

const ACCEPTED_TYPES: Record<string, ReceiptMime> = {
	'application/pdf': 'application/pdf',
	'image/jpg': 'image/jpeg',
	'image/jpeg': 'image/jpeg',
	'image/png': 'image/png',
};

interface StoredImage {
	bytes: Buffer;
	mimeType: ReceiptMime;
}

class ReceiptStore {
	/** Images uploaded to entries (by RpeKey) and to reports (by report ID, appended in order). */
	readonly entryUploads = new Map<string, StoredImage>();
	readonly reportUploads = new Map<string, StoredImage[]>();
	/** Short-lived download tokens → image. */
	readonly links = new Map<string, { image: StoredImage; expiresAt: number }>();
	/** Where image URLs point (default: the host that was called); tests set a foreign host here. */
	imageUrlBase: string | undefined;
	/** Every accepted upload, for tests: what arrived, how. */
	readonly uploads: Array<{ target: string; id: string; mimeType: string; bytes: number; chunked: boolean }> = [];
}

const stores = new WeakMap<Tenant, ReceiptStore>();

/** The receipt images of a simulator's tenant (uploads, issued links). */
export function receiptsOf(sim: ConcurSimulator): ReceiptStore {
	let store = stores.get(sim.tenant);
	if (!store) {
		store = new ReceiptStore();
		stores.set(sim.tenant, store);
	}
	return store;
}

/** The seeded receipt of an entry: a PDF, a PNG or a JPEG, chosen per entry. */
export function seededReceipt(report: SimReport, entry: SimEntry): StoredImage {
	switch (entryNumber(entry, 'receipt-type') % 3) {
		case 0:
			return {
				mimeType: 'application/pdf',
				bytes: receiptPdf([
					entry.vendor,
					`${entry.location} ${entry.transactionDate}`,
					entry.expenseTypeName,
					`TOTAL ${entry.currency} ${entry.amount.toFixed(2)}`,
					`Report ${report.id}`,
				]),
			};
		case 1:
			return { mimeType: 'image/png', bytes: receiptPng(entryNumber(entry, 'png')) };
		default:
			return { mimeType: 'image/jpeg', bytes: receiptJpeg() };
	}
}

/** The image an entry's receipt shows now: its upload, else the seeded file, or none without a receipt. */
export function entryImage(sim: ConcurSimulator, report: SimReport, entry: SimEntry): StoredImage | undefined {
	const uploaded = receiptsOf(sim).entryUploads.get(entry.rpeKey);
	if (uploaded) return uploaded;
	return receiptImageIdOf(entry) ? seededReceipt(report, entry) : undefined;
}

/** The report image: one PDF listing the receipts (Concur bundles the entry receipts into a PDF), or none. */
export function reportImage(sim: ConcurSimulator, report: SimReport): StoredImage | undefined {
	const withReceipts = report.entries.filter((entry) => entryImage(sim, report, entry));
	const appended = receiptsOf(sim).reportUploads.get(report.id) ?? [];
	if (withReceipts.length === 0 && appended.length === 0) return undefined;
	const lines = [
		`Expense report ${report.id}`,
		report.name,
		...withReceipts.map((entry) => `${entry.transactionDate} ${entry.vendor} ${entry.currency} ${entry.amount.toFixed(2)}`),
		...appended.map((image, index) => `Appended image ${index + 1} (${image.mimeType})`),
	];
	return { mimeType: 'application/pdf', bytes: receiptPdf(lines) };
}

function imageXml(id: string, url: string | null): string {
	return [
		`<Image xmlns="${NS_IMAGE}" xmlns:i="${NS_XSI}">`,
		`  <Id>${escapeXml(id)}</Id>`,
		url ? `  <Url>${escapeXml(url)}</Url>` : '  <Url />',
		'</Image>',
	].join('\n');
}

function issueLink(sim: ConcurSimulator, ctx: RequestContext, image: StoredImage): string {
	const token = randomBytes(24).toString('hex').toUpperCase();
	receiptsOf(sim).links.set(token, { image, expiresAt: Date.now() + URL_LIFETIME_MS });
	// Concur's URLs carry query parameters too (XML-escaped in <Url>): `&` proves the unescaping.
	return `${receiptsOf(sim).imageUrlBase ?? ctx.base}/imaging/file/${token}?id=${token.slice(0, 12)}&e=p0088`;
}

/** Reports an image request may read: a company token or administrator, or the owner's own token. */
function mayReadReport(sim: ConcurSimulator, claims: ReturnType<typeof authenticate>, report: SimReport): boolean {
	return isAdmin(sim, claims) || tokenUser(sim, claims)?.uuid === report.ownerUuid;
}

const IMAGE_PATH = /^\/api\/image\/v1\.0\/(expenseentry|receipt|report)\/([^/]+)$/i;
const FILE_PATH = /^\/imaging\/file\/([0-9A-F]+)$/;

/** Image v1.0 routes and the image URLs they hand out. Returns false for any other path. */
export function receiptRoute(sim: ConcurSimulator, ctx: RequestContext): boolean {
	let m: RegExpExecArray | null;
	if ((m = FILE_PATH.exec(ctx.path))) {
		if (ctx.method !== 'GET') throw new HttpError(405, `Method ${ctx.method} not allowed`);
		const link = receiptsOf(sim).links.get(m[1]);
		if (!link || link.expiresAt < Date.now()) throw new HttpError(404, 'The image link has expired');
		send(ctx, 200, link.image.bytes, link.image.mimeType, { 'Cache-Control': 'no-store' });
		return true;
	}
	if (!(m = IMAGE_PATH.exec(ctx.path))) return false;
	const claims = authenticate(sim, ctx, 'resource');
	const kind = m[1].toLowerCase();
	const id = m[2]; // raw: entry keys hold `$` and `%`, compared byte for byte
	if (ctx.method === 'GET') {
		let image: StoredImage | undefined;
		if (kind === 'report') {
			const report = sim.tenant.reportById(id);
			if (!report || !mayReadReport(sim, claims, report)) throw new HttpError(404, `Report ${id} not found`);
			image = reportImage(sim, report);
		} else {
			const found = kind === 'expenseentry' ? entryByKey(sim.tenant, id) : entryByReceiptImageId(sim.tenant, id);
			if (!found || !mayReadReport(sim, claims, found.report)) throw new HttpError(404, `${kind === 'receipt' ? 'Receipt image' : 'Expense entry'} ${id} not found`);
			image = entryImage(sim, found.report, found.entry);
		}
		sendXml(ctx, 200, imageXml(id, image ? issueLink(sim, ctx, image) : null));
		return true;
	}
	if (ctx.method !== 'POST' || kind === 'receipt') throw new HttpError(405, `Method ${ctx.method} not allowed`);
	if (String(ctx.req.headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked'))
		throw new HttpError(400, 'Chunked Transfer-Encoding is not supported: send Content-Length');
	const mimeType = ACCEPTED_TYPES[String(ctx.req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()];
	if (!mimeType) throw new HttpError(400, 'Unsupported image type: use application/pdf, image/jpg, image/jpeg or image/png');
	if (ctx.body.length === 0) throw new HttpError(400, 'The request has no image');
	if (ctx.body.length > MAX_IMAGE_BYTES) throw new HttpError(400, 'The maximum file size allowed is 10 MB');
	const store = receiptsOf(sim);
	const upload: StoredImage = { bytes: Buffer.from(ctx.body), mimeType };
	let imageId: string;
	if (kind === 'report') {
		const report = sim.tenant.reportById(id);
		if (!report || !mayReadReport(sim, claims, report)) throw new HttpError(404, `Report ${id} not found`);
		store.reportUploads.set(report.id, [...(store.reportUploads.get(report.id) ?? []), upload]);
		imageId = `${report.id}${String(store.reportUploads.get(report.id)!.length).padStart(12, '0')}`;
	} else {
		const found = entryByKey(sim.tenant, id);
		if (!found || !mayReadReport(sim, claims, found.report)) throw new HttpError(404, `Expense entry ${id} not found`);
		if (entryImage(sim, found.report, found.entry))
			throw new HttpError(400, 'An image is already attached to this expense entry: additional images cannot be appended');
		store.entryUploads.set(found.entry.rpeKey, upload);
		found.entry.receiptReceived = true;
		imageId = receiptImageIdOf(found.entry)!;
	}
	store.uploads.push({ target: kind, id, mimeType, bytes: upload.bytes.length, chunked: false });
	send(ctx, 201, imageXml(imageId, null), 'application/xml; charset=utf-8');
	return true;
}
