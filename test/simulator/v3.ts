// v3 expense reports: list with filters and NextPage paging, get by id (concur-api.md §2.4).
import type { ConcurSimulator } from './index';
import {
	amountDueEmployee,
	APPROVAL_STATUS_NAMES,
	LEGACY_HOST,
	PAYMENT_STATUS_NAMES,
	reportTotal,
	v3Date,
	v3Timestamp,
	v3TimestampOrNull,
	type SimReport,
} from './state';
import type { AccessClaims } from './tokens';
import { HttpError, sendJson, tokenUser, isAdmin, type RequestContext } from './http';
import { adversarialOrder, adversaryOf, concurTime, passesModifiedFilter } from './adversarial';

const DATE_FILTER_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?)?$/;

/** Parses `yyyy-MM-dd` or `yyyy-MM-ddTHH:mm:ss[.SSS]` as UTC. */
export function parseV3Date(name: string, value: string): number {
	const m = DATE_FILTER_RE.exec(value);
	const ms = m
		? Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), m[7] ? +m[7].padEnd(3, '0') : 0)
		: NaN;
	// Reject overflowing parts (month 13, hour 25...) instead of letting Date.UTC roll them over.
	const roundTrip = Number.isNaN(ms) ? '' : new Date(ms).toISOString();
	const expected = m ? `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}` : '-';
	if (!m || !roundTrip.startsWith(expected))
		throw new HttpError(400, `Invalid value for ${name}: ${value}. Use yyyy-MM-dd or yyyy-MM-ddTHH:mm:ss.SSS (UTC)`);
	return ms;
}

const V3_DATE_FILTERS: Array<[string, (r: SimReport) => number | null]> = [
	['modifiedDate', (r) => r.lastModified],
	['createDate', (r) => r.createDate],
	['submitDate', (r) => r.submitDate],
	['paidDate', (r) => r.paidDate],
	['processingPaymentDate', (r) => r.processingPaymentDate],
];

export function v3Item(sim: ConcurSimulator, report: SimReport): Record<string, unknown> {
	const owner = sim.tenant.ownerOf(report);
	const total = reportTotal(report);
	// Adversarial mode (adversarial.ts) may run Concur's clock ahead of or behind the process's.
	const adversary = adversaryOf(sim);
	const item: Record<string, unknown> = {
		Name: report.name,
		Total: total,
		CurrencyCode: report.currency,
		Country: report.country,
		CountrySubdivision: null,
		CreateDate: v3Timestamp(concurTime(adversary, report.createDate)),
		SubmitDate: v3TimestampOrNull(report.submitDate),
		ProcessingPaymentDate: v3TimestampOrNull(report.processingPaymentDate),
		PaidDate: v3TimestampOrNull(report.paidDate),
		ReceiptsReceived: report.entries.every((e) => e.receiptReceived || !e.receiptRequired),
		UserDefinedDate: v3Date(report.createDate),
		LastComment: report.comments.length ? report.comments[report.comments.length - 1] : null,
		OwnerLoginID: owner.loginId,
		OwnerName: owner.name,
		ApproverLoginID: report.approverLoginId,
		ApproverName: report.approverLoginId ? (sim.tenant.userByLogin(report.approverLoginId)?.name ?? null) : null,
		ApprovalStatusName: APPROVAL_STATUS_NAMES[report.approvalStatusCode] ?? report.approvalStatusCode,
		ApprovalStatusCode: report.approvalStatusCode,
		PaymentStatusName: PAYMENT_STATUS_NAMES[report.paymentStatusCode] ?? report.paymentStatusCode,
		PaymentStatusCode: report.paymentStatusCode,
		LastModifiedDate: v3Timestamp(concurTime(adversary, report.lastModified)),
		PersonalAmount: 0,
		AmountDueEmployee: amountDueEmployee(report),
		AmountDueCompanyCard: 0,
		TotalClaimedAmount: total,
		TotalApprovedAmount: report.approvalStatusCode === 'A_APPR' ? total : 0,
		LedgerName: 'Default',
		PolicyID: report.policyId,
		EverSentBack: report.everSentBack,
		HasException: report.exceptions.length > 0,
		WorkflowActionUrl: `${LEGACY_HOST}/api/expense/expensereport/v1.1/report/${report.wfKey}/WorkFlowAction`,
	};
	for (let i = 1; i <= 6; i++) item[`OrgUnit${i}`] = null;
	for (let i = 1; i <= 20; i++) item[`Custom${i}`] = null;
	item.OrgUnit1 = { Type: 'List', Value: 'Sales', Code: 'SLS', ListItemID: null, Href: null };
	item.ID = report.id;
	item.URI = `${LEGACY_HOST}/api/v3.0/expense/reports/${report.id}`;
	return item;
}

export function v3List(sim: ConcurSimulator, ctx: RequestContext, claims: AccessClaims): void {
	const q = ctx.query;
	const limitRaw = q.get('limit');
	let limit = 25;
	if (limitRaw !== null) {
		if (!/^\d+$/.test(limitRaw) || +limitRaw < 1) throw new HttpError(400, `Invalid limit: ${limitRaw}`);
		limit = Math.min(100, +limitRaw);
	}
	const offsetRaw = q.get('offset');
	let offset = 0;
	if (offsetRaw !== null && offsetRaw !== '') {
		if (!/^\d+$/.test(offsetRaw)) throw new HttpError(400, `Invalid offset: ${offsetRaw}`);
		offset = +offsetRaw;
	}
	const userParam = q.get('user');
	let ownerUuid: string | undefined;
	if (userParam === null || userParam === '') {
		const user = tokenUser(sim, claims);
		ownerUuid = user?.uuid; // company tokens without `user` see every report
	} else if (userParam.toUpperCase() === 'ALL') {
		if (!isAdmin(sim, claims)) throw new HttpError(403, 'user=ALL requires the Web Services Administrator role');
	} else {
		const target = sim.tenant.userByLogin(userParam);
		if (!isAdmin(sim, claims) && tokenUser(sim, claims)?.loginId.toLowerCase() !== userParam.toLowerCase())
			throw new HttpError(403, 'Reading other users\' reports requires the Web Services Administrator role');
		if (!target) throw new HttpError(400, `Invalid user: ${userParam}`);
		ownerUuid = target.uuid;
	}
	const adversary = adversaryOf(sim);
	adversary?.beforeList?.(q);
	const ranges: Array<[(r: SimReport) => number | null, number, number]> = [];
	for (const [name, getter] of V3_DATE_FILTERS) {
		if (adversary && name === 'modifiedDate') continue; // cut the adversary's way below
		const after = q.get(`${name}After`);
		const before = q.get(`${name}Before`);
		if (after || before)
			ranges.push([getter, after ? parseV3Date(`${name}After`, after) : -Infinity, before ? parseV3Date(`${name}Before`, before) : Infinity]);
	}
	const equals: Array<[string, (r: SimReport) => string | null]> = [
		['approvalStatusCode', (r) => r.approvalStatusCode],
		['paymentStatusCode', (r) => r.paymentStatusCode],
		['currencyCode', (r) => r.currency],
		['countryCode', (r) => r.country],
		['approverLoginID', (r) => r.approverLoginId],
	];
	const equalFilters = equals.filter(([name]) => q.get(name)).map(([name, get]) => [q.get(name)!.toLowerCase(), get] as const);
	let matches = adversary ? [] : v3Matches(sim, q, ownerUuid, ranges, equalFilters);
	if (adversary) {
		const after = q.get('modifiedDateAfter');
		const before = q.get('modifiedDateBefore');
		const afterMs = after ? parseV3Date('modifiedDateAfter', after) : undefined;
		const beforeMs = before ? parseV3Date('modifiedDateBefore', before) : undefined;
		matches = adversarialOrder(
			adversary,
			sim.tenant.reportsInOrder().filter((r) => {
				if (adversary.deleted.has(r.id) || (ownerUuid && r.ownerUuid !== ownerUuid)) return false;
				if (!passesModifiedFilter(adversary, r, afterMs, beforeMs)) return false;
				if (!ranges.every(([get, lo, hi]) => { const v = get(r); return v !== null && v >= lo && v < hi; })) return false;
				return equalFilters.every(([want, get]) => (get(r) ?? '').toLowerCase() === want);
			}),
		);
	}
	const items = matches.slice(offset, offset + limit);
	const more = offset + limit < matches.length;
	let nextPage: string | null = null;
	if (more) {
		const next = new URLSearchParams(q);
		next.set('offset', String(offset + items.length));
		next.set('limit', String(limit));
		nextPage = `${ctx.base}/api/v3.0/expense/reports?${next.toString()}`;
	}
	sendJson(ctx, 200, { Items: items.map((r) => v3Item(sim, r)), NextPage: nextPage });
}

/**
 * Reports matching a v3 query, in list order. Offset paging re-runs the same query for every page,
 * so the result is cached per query until the tenant changes (polling benchmarks drain 100,000
 * reports page by page).
 */
function v3Matches(
	sim: ConcurSimulator,
	q: URLSearchParams,
	ownerUuid: string | undefined,
	ranges: Array<[(r: SimReport) => number | null, number, number]>,
	equalFilters: ReadonlyArray<readonly [string, (r: SimReport) => string | null]>,
): SimReport[] {
	const filterKey = new URLSearchParams(q);
	filterKey.delete('offset');
	filterKey.delete('limit');
	filterKey.sort();
	const key = `${ownerUuid ?? '*'}|${filterKey.toString()}`;
	const cached = sim.v3QueryCache.get(key);
	if (cached && cached.version === sim.tenant.version) return cached.matches;
	const all = sim.tenant.reportsInOrder();
	// modifiedDateAfter is the polling cursor: start with a binary search instead of a full scan.
	const modifiedAfter = q.get('modifiedDateAfter');
	let start = 0;
	if (modifiedAfter) {
		const threshold = parseV3Date('modifiedDateAfter', modifiedAfter);
		let lo = 0;
		let hi = all.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (all[mid].lastModified < threshold) lo = mid + 1;
			else hi = mid;
		}
		start = lo;
	}
	const matches: SimReport[] = [];
	for (let i = start; i < all.length; i++) {
		const r = all[i];
		if (ownerUuid && r.ownerUuid !== ownerUuid) continue;
		// After is inclusive (≥), Before exclusive (<): documented in the README.
		if (!ranges.every(([get, lo, hi]) => { const v = get(r); return v !== null && v >= lo && v < hi; })) continue;
		if (!equalFilters.every(([want, get]) => (get(r) ?? '').toLowerCase() === want)) continue;
		matches.push(r);
	}
	if (sim.v3QueryCache.size >= 50) sim.v3QueryCache.clear();
	sim.v3QueryCache.set(key, { version: sim.tenant.version, matches });
	return matches;
}

export function v3Get(sim: ConcurSimulator, ctx: RequestContext, claims: AccessClaims, id: string): void {
	const userParam = ctx.query.get('user');
	if (userParam && userParam.toUpperCase() === 'ALL')
		throw new HttpError(400, 'Parameter equal to ALL (user=ALL) is not allowed when operating on a single resource');
	const report = sim.tenant.reportById(id);
	if (!report || adversaryOf(sim)?.deleted.has(id)) throw new HttpError(404, `Report ${id} not found`);
	const owner = sim.tenant.ownerOf(report);
	if (userParam) {
		if (!isAdmin(sim, claims) && tokenUser(sim, claims)?.loginId.toLowerCase() !== userParam.toLowerCase())
			throw new HttpError(403, 'Reading other users\' reports requires the Web Services Administrator role');
		if (owner.loginId.toLowerCase() !== userParam.toLowerCase()) throw new HttpError(404, `Report ${id} not found for user ${userParam}`);
	} else if (claims['concur.type'] === 'user' && claims.sub !== owner.uuid) {
		throw new HttpError(404, `Report ${id} not found`);
	}
	sendJson(ctx, 200, v3Item(sim, report));
}

