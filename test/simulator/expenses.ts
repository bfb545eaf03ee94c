// Expenses of the seeded reports, in the wire formats of Expenses v4 (list, get, itemizations,
// attendees; docs expense/expense-report/v4.expenses, v4.expense-itemization,
// v4.expense-attendee-associations) and Expense Entries v3 (docs expense-entry). The expenses are
// the reports' entries (state.ts): IDs, itemizations and attendees are derived from the entry keys,
// so they are stable for a seed and need no state of their own.
import { createHash } from 'node:crypto';
import type { ConcurSimulator } from './index';
import { LEGACY_HOST, v3Timestamp, type SimEntry, type SimReport, type SimUser, type Tenant } from './state';
import type { AccessClaims } from './tokens';
import { HttpError, authenticate, isAdmin, sendJson, tokenUser, type RequestContext } from './http';
import { checkV4Context } from './v4';

const digest = (text: string): string => createHash('sha256').update(text).digest('hex').toUpperCase();

/** The v4 `expenseId` of an entry: 32 hex characters, like Concur's. */
export function expenseIdOf(entry: SimEntry): string {
	return digest(`expense:${entry.rpeKey}`).slice(0, 32);
}

/** The image ID of an entry's receipt (the same value v1.1 full details shows as ReceiptImageId), or null. */
export function receiptImageIdOf(entry: SimEntry): string | null {
	return entry.receiptReceived ? entry.rpeKey.replace(/[^A-Za-z0-9]/g, '').toUpperCase().padEnd(32, '0').slice(0, 32) : null;
}

/** A number from an entry key, for stable per-entry choices (receipt file type, nights, attendees). */
export function entryNumber(entry: SimEntry, salt: string): number {
	return parseInt(digest(`${salt}:${entry.rpeKey}`).slice(0, 8), 16);
}

const MEALS = new Set(['BRKFT', 'LUNCH', 'DINNR']);

export interface SimItemization {
	expenseId: string;
	expenseTypeCode: string;
	expenseTypeName: string;
	transactionDate: string;
	amount: number;
}

/** Hotel entries are itemized: one room night per night, then the taxes; other entries are not. */
export function itemizationsOf(entry: SimEntry): SimItemization[] {
	if (entry.expenseTypeCode !== 'LODNG') return [];
	const nights = 1 + (entryNumber(entry, 'nights') % 3);
	const room = Math.floor((entry.amount * 0.88 * 100) / nights) / 100;
	const parent = expenseIdOf(entry);
	const items: SimItemization[] = [];
	for (let night = 0; night < nights; night++) {
		const date = new Date(Date.parse(`${entry.transactionDate}T00:00:00Z`) - (nights - 1 - night) * 86_400_000);
		items.push({ expenseId: digest(`${parent}:${night}`).slice(0, 32), expenseTypeCode: 'LODNG', expenseTypeName: 'Hotel', transactionDate: date.toISOString().slice(0, 10), amount: room });
	}
	const tax = Math.round((entry.amount - room * nights) * 100) / 100;
	items.push({ expenseId: digest(`${parent}:tax`).slice(0, 32), expenseTypeCode: 'LODGT', expenseTypeName: 'Hotel Tax', transactionDate: entry.transactionDate, amount: tax });
	return items;
}

export interface SimAttendee {
	attendeeId: string;
	amount: number;
}

/** Business meals have 1 to 3 attendees sharing the amount; other entries have none. */
export function attendeesOf(entry: SimEntry): SimAttendee[] {
	if (!MEALS.has(entry.expenseTypeCode)) return [];
	const count = 1 + (entryNumber(entry, 'attendees') % 3);
	const share = Math.floor((entry.amount * 100) / count) / 100;
	return Array.from({ length: count }, (_, index) => ({
		attendeeId: digest(`attendee:${entry.rpeKey}:${index}`).slice(0, 32),
		amount: index === count - 1 ? Math.round((entry.amount - share * (count - 1)) * 100) / 100 : share,
	}));
}

const amount = (value: number, currencyCode: string) => ({ value, currencyCode });
const link = (rel: string, href: string) => ({ rel, href, method: 'GET', isTemplated: false });

/** An expense (list item or, with `detail`, the single-expense answer) as Expenses v4 returns it. */
export function v4Expense(report: SimReport, entry: SimEntry, reportUrl: string, detail: boolean): Record<string, unknown> {
	const id = expenseIdOf(entry);
	const self = `${reportUrl}/expenses/${id}`;
	const receiptImageId = receiptImageIdOf(entry);
	const value = amount(entry.amount, entry.currency);
	const expense: Record<string, unknown> = {
		expenseId: id,
		approverAdjustedAmount: value,
		allocationState: 'NOT_ALLOCATED',
		allocationSetId: null,
		approvedAmount: value,
		businessPurpose: entry.businessPurpose,
		claimedAmount: entry.isPersonal ? amount(0, entry.currency) : value,
		ereceiptImageId: null,
		exchangeRate: { value: 1, operation: 'MULTIPLY' },
		expenseSourceIdentifiers: null,
		expenseType: { id: entry.expenseTypeCode, name: entry.expenseTypeName, code: 'OTHER', isDeleted: false },
		hasBlockingExceptions: false,
		hasExceptions: report.exceptions.some((exception) => exception.objectId === entry.rpeKey),
		hasMissingReceiptDeclaration: false,
		isAutoCreated: false,
		imageCertificationStatus: receiptImageId ? 'ACCEPTED' : null,
		isImageRequired: entry.receiptRequired,
		isPaperReceiptRequired: false,
		isPersonalExpense: entry.isPersonal,
		location: { id: digest(`location:${entry.location}`).slice(0, 32), name: entry.location, city: entry.location, countrySubDivisionCode: null, countryCode: report.country },
		paymentType: { id: 'CASH', name: 'Cash', code: 'CASH' },
		postedAmount: value,
		receiptImageId,
		ticketNumber: null,
		transactionAmount: value,
		transactionDate: entry.transactionDate,
		travelAllowance: { dailyLimitAmount: null, dailyTravelAllowanceId: null, isExpensePartOfTravelAllowance: false },
		vendor: { id: null, name: null, description: entry.vendor },
		attendeeCount: attendeesOf(entry).length,
		links: [link('self', self), link('itemizations', `${self}/itemizations`), link('comments', `${self}/comments`)],
	};
	if (detail) {
		Object.assign(expense, {
			budgetAccrualDate: null,
			authorizationRequestExpenseId: null,
			customData: [],
			isExcludedFromCashAdvanceByUser: false,
			isExpenseBillable: false,
			isExpenseRejected: false,
			isPaperReceiptReceived: false,
			merchantTaxId: null,
			mileage: null,
			parentExpenseId: null,
			receiptType: receiptImageId ? { id: 'R', status: 'Regular Receipt' } : { id: 'N', status: 'No Receipt' },
			taxRateLocation: 'HOME',
			travel: null,
			lastModifiedDate: new Date(report.lastModified).toISOString().replace(/\.\d{3}Z$/, 'Z'),
		});
	}
	return expense;
}

function v4Itemization(report: SimReport, entry: SimEntry, item: SimItemization, reportUrl: string): Record<string, unknown> {
	const self = `${reportUrl}/expenses/${item.expenseId}`;
	const value = amount(item.amount, entry.currency);
	return {
		...v4Expense(report, entry, reportUrl, false),
		expenseId: item.expenseId,
		approverAdjustedAmount: value,
		approvedAmount: value,
		claimedAmount: value,
		postedAmount: value,
		transactionAmount: value,
		transactionDate: item.transactionDate,
		expenseType: { id: item.expenseTypeCode, name: item.expenseTypeName, code: 'OTHER', isDeleted: false },
		receiptImageId: null,
		imageCertificationStatus: null,
		isImageRequired: false,
		attendeeCount: 0,
		links: [link('self', self), link('comments', `${self}/comments`)],
	};
}

function v4Attendees(entry: SimEntry): Record<string, unknown> {
	return {
		noShowAttendeeCount: 0,
		expenseAttendeeList: attendeesOf(entry).map((attendee) => ({
			attendeeId: attendee.attendeeId,
			customData: null,
			isAmountUserEdited: false,
			isTraveling: null,
			associatedAttendeeCount: 1,
			versionNumber: 1,
			transactionAmount: amount(attendee.amount, entry.currency),
			approvedAmount: amount(attendee.amount, entry.currency),
		})),
	};
}

/** An entry as Expense Entries v3 returns it (ID = the v1.1 RpeKey, ExpenseID = the v4 expenseId). */
export function v3Entry(sim: ConcurSimulator, report: SimReport, entry: SimEntry): Record<string, unknown> {
	return {
		AllocationType: 'N',
		ApprovedAmount: entry.amount,
		CompanyCardTransactionID: null,
		Description: entry.businessPurpose,
		ElectronicReceiptID: null,
		ExchangeRate: 1,
		ExpenseID: expenseIdOf(entry),
		ExpenseTypeCode: entry.expenseTypeCode,
		ExpenseTypeName: entry.expenseTypeName,
		FormID: '1',
		HasAppliedCashAdvance: false,
		HasAttendees: attendeesOf(entry).length > 0,
		HasComments: false,
		HasExceptions: report.exceptions.some((exception) => exception.objectId === entry.rpeKey),
		HasImage: receiptImageIdOf(entry) !== null,
		HasItemizations: itemizationsOf(entry).length > 0,
		HasVAT: false,
		IsBillable: false,
		IsImageRequired: entry.receiptRequired,
		IsPaidByExpensePay: false,
		IsPersonal: entry.isPersonal,
		IsPersonalCardCharge: false,
		LastModified: v3Timestamp(report.lastModified),
		LocationCountry: report.country,
		LocationID: null,
		LocationName: entry.location,
		LocationSubdivision: null,
		PaymentTypeID: 'CASH',
		PaymentTypeName: 'Cash',
		PostedAmount: entry.amount,
		ReceiptReceived: false,
		ReportID: report.id,
		ReportOwnerID: sim.tenant.ownerOf(report).loginId,
		SpendCategoryCode: entry.expenseTypeCode,
		SpendCategoryName: entry.expenseTypeName,
		TaxReceiptType: receiptImageIdOf(entry) ? 'R' : 'N',
		TransactionAmount: entry.amount,
		TransactionCurrencyCode: entry.currency,
		TransactionDate: `${entry.transactionDate}T00:00:00`,
		TripID: null,
		VendorDescription: entry.vendor,
		VendorListItemID: null,
		VendorListItemName: null,
		ID: entry.rpeKey,
		URI: `${LEGACY_HOST}/api/v3.0/expense/entries/${entry.rpeKey}`,
	};
}

// ------------------------------------------------------------------------------------------ lookups

const entryIndexes = new WeakMap<Tenant, { size: number; byKey: Map<string, { report: SimReport; entry: SimEntry }> }>();

/** Every entry by RpeKey, v4 expenseId and receipt image ID (rebuilt when reports are added). */
function entryIndex(tenant: Tenant): Map<string, { report: SimReport; entry: SimEntry }> {
	const cached = entryIndexes.get(tenant);
	if (cached && cached.size === tenant.reportCount) return cached.byKey;
	const byKey = new Map<string, { report: SimReport; entry: SimEntry }>();
	for (const report of tenant.reportsInOrder()) {
		for (const entry of report.entries) {
			byKey.set(`rpe:${entry.rpeKey}`, { report, entry });
			byKey.set(`exp:${expenseIdOf(entry)}`, { report, entry });
			byKey.set(`img:${entry.rpeKey.replace(/[^A-Za-z0-9]/g, '').toUpperCase().padEnd(32, '0').slice(0, 32)}`, { report, entry });
		}
	}
	entryIndexes.set(tenant, { size: tenant.reportCount, byKey });
	return byKey;
}

export function entryByKey(tenant: Tenant, rpeKey: string): { report: SimReport; entry: SimEntry } | undefined {
	return entryIndex(tenant).get(`rpe:${rpeKey}`);
}

export function entryByExpenseId(tenant: Tenant, expenseId: string): { report: SimReport; entry: SimEntry } | undefined {
	return entryIndex(tenant).get(`exp:${expenseId.toUpperCase()}`);
}

/** The entry whose receipt has this image ID (only while the entry has a receipt). */
export function entryByReceiptImageId(tenant: Tenant, imageId: string): { report: SimReport; entry: SimEntry } | undefined {
	const found = entryIndex(tenant).get(`img:${imageId.toUpperCase()}`);
	return found && receiptImageIdOf(found.entry) !== null ? found : undefined;
}

// ------------------------------------------------------------------------------------------ routes

/**
 * The report a v4 expense URL reads, after Concur's checks: the user exists, the context is
 * known, the report belongs to the user (TRAVELER, PROXY) or waits for them (MANAGER), and a
 * user token reads only for its own user unless it is an administrator.
 */
function readableReport(sim: ConcurSimulator, claims: AccessClaims, userId: string, context: string, reportId: string): { user: SimUser; report: SimReport } {
	const user = checkV4Context(sim, userId, context);
	const report = sim.tenant.reportById(reportId);
	if (!report) throw new HttpError(404, `Report ${reportId} not found`);
	const visible = context === 'MANAGER' ? (report.approverLoginId ?? '').toLowerCase() === user.loginId.toLowerCase() : report.ownerUuid === user.uuid;
	if (!visible) throw new HttpError(404, `Report ${reportId} not found for user ${userId}`);
	if (claims['concur.type'] === 'user' && claims.sub !== user.uuid && !isAdmin(sim, claims)) throw new HttpError(403, 'The token does not belong to this user');
	return { user, report };
}

function expenseOf(report: SimReport, expenseId: string): SimEntry {
	const entry = report.entries.find((candidate) => expenseIdOf(candidate) === expenseId.toUpperCase());
	if (!entry) throw new HttpError(404, `Expense ${expenseId} not found on report ${report.id}`);
	return entry;
}

const V4_EXPENSES = /^\/expensereports\/v4\/users\/([^/]+)\/context\/([^/]+)\/reports\/([^/]+)\/expenses(?:\/([^/]+)(?:\/(itemizations|attendees))?)?$/;
const V4_SYSTEM_ATTENDEES = /^\/expensereports\/v4\/reports\/([^/]+)\/expenses\/([^/]+)\/attendees$/;

/** Expenses v4 and Expense Entries v3 routes. Returns false for any other path. */
export function expenseRoute(sim: ConcurSimulator, ctx: RequestContext): boolean {
	const { path } = ctx;
	let m: RegExpExecArray | null;
	if ((m = V4_EXPENSES.exec(path))) {
		if (ctx.method !== 'GET') throw new HttpError(405, `Method ${ctx.method} not allowed`);
		const claims = authenticate(sim, ctx, 'resource');
		const [, userId, context, reportId, expenseId, child] = m;
		const { report } = readableReport(sim, claims, userId, context, reportId);
		const reportUrl = `${ctx.base}/expensereports/v4/users/${userId}/context/${context}/reports/${report.id}`;
		if (!expenseId) {
			sendJson(ctx, 200, report.entries.map((entry) => v4Expense(report, entry, reportUrl, false)));
			return true;
		}
		const entry = expenseOf(report, expenseId);
		if (!child) sendJson(ctx, 200, v4Expense(report, entry, reportUrl, true));
		else if (child === 'itemizations') sendJson(ctx, 200, itemizationsOf(entry).map((item) => v4Itemization(report, entry, item, reportUrl)));
		else sendJson(ctx, 200, v4Attendees(entry));
		return true;
	}
	if ((m = V4_SYSTEM_ATTENDEES.exec(path))) {
		if (ctx.method !== 'GET') throw new HttpError(405, `Method ${ctx.method} not allowed`);
		const claims = authenticate(sim, ctx, 'resource');
		// "Using system user": a company token (or a Web Services Administrator).
		if (!isAdmin(sim, claims)) throw new HttpError(403, 'This endpoint requires a company token');
		const report = sim.tenant.reportById(m[1]);
		if (!report) throw new HttpError(404, `Report ${m[1]} not found`);
		sendJson(ctx, 200, v4Attendees(expenseOf(report, m[2])));
		return true;
	}
	if (path === '/api/v3.0/expense/entries' || path === '/api/v3.0/expense/entries/') {
		if (ctx.method !== 'GET') throw new HttpError(405, `Method ${ctx.method} not allowed`);
		v3Entries(sim, ctx, authenticate(sim, ctx, 'resource'));
		return true;
	}
	if ((m = /^\/api\/v3\.0\/expense\/entries\/([^/]+)$/.exec(path))) {
		if (ctx.method !== 'GET') throw new HttpError(405, `Method ${ctx.method} not allowed`);
		const claims = authenticate(sim, ctx, 'resource');
		const found = entryByKey(sim.tenant, m[1]);
		if (!found || !mayRead(sim, claims, found.report, ctx.query.get('user'))) throw new HttpError(404, `Entry ${m[1]} not found`);
		sendJson(ctx, 200, v3Entry(sim, found.report, found.entry));
		return true;
	}
	return false;
}

/** v3 access: a user token reads its own entries; `user` (another login) needs an administrator. */
function mayRead(sim: ConcurSimulator, claims: AccessClaims, report: SimReport, user: string | null): boolean {
	const owner = sim.tenant.ownerOf(report);
	if (user && user.toUpperCase() !== 'ALL') {
		if (!isAdmin(sim, claims) && tokenUser(sim, claims)?.loginId.toLowerCase() !== user.toLowerCase())
			throw new HttpError(403, 'Reading other users\' entries requires the Web Services Administrator role');
		return owner.loginId.toLowerCase() === user.toLowerCase();
	}
	return isAdmin(sim, claims) || tokenUser(sim, claims)?.uuid === owner.uuid;
}

function v3Entries(sim: ConcurSimulator, ctx: RequestContext, claims: AccessClaims): void {
	const q = ctx.query;
	const limitRaw = q.get('limit');
	let limit = 25;
	if (limitRaw !== null) {
		if (!/^\d+$/.test(limitRaw) || +limitRaw < 1) throw new HttpError(400, `Invalid limit: ${limitRaw}`);
		limit = Math.min(100, +limitRaw);
	}
	const offsetRaw = q.get('offset');
	const offset = offsetRaw ? Number(offsetRaw) : 0;
	if (!Number.isInteger(offset) || offset < 0) throw new HttpError(400, `Invalid offset: ${offsetRaw}`);
	const reportId = q.get('reportID');
	const reports = reportId ? [sim.tenant.reportById(reportId)].filter((r): r is SimReport => r !== undefined) : sim.tenant.reportsInOrder();
	const user = q.get('user');
	const rows = reports
		.filter((report) => mayRead(sim, claims, report, user))
		.flatMap((report) => report.entries.map((entry) => ({ report, entry })));
	const page = rows.slice(offset, offset + limit);
	let nextPage: string | null = null;
	if (offset + limit < rows.length) {
		const next = new URLSearchParams(q);
		next.set('offset', String(offset + page.length));
		next.set('limit', String(limit));
		nextPage = `${ctx.base}/api/v3.0/expense/entries?${next.toString()}`;
	}
	sendJson(ctx, 200, { Items: page.map(({ report, entry }) => v3Entry(sim, report, entry)), NextPage: nextPage });
}
