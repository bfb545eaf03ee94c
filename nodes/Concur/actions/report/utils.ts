import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { DateTime } from 'luxon';

import { buildXml } from '../../helpers/xml';
import { httpUrlPath } from '../../transport/urlGate';

/**
 * Pure helpers of the Report resource: URL classification, request bodies and response shaping.
 * They take plain data and return plain data so unit tests reach them without an n8n context.
 */

export const EXPENSE_REPORT_NAMESPACE = 'http://www.concursolutions.com/api/expense/expensereport/2011/03';

export const V3_REPORTS_PATH = '/api/v3.0/expense/reports';

/** v3 refuses pages larger than this. */
export const V3_MAX_PAGE_SIZE = 100;

export type ReportUrlKind = 'fullDetails' | 'v2' | 'v3' | 'v4';

const REPORT_URL_PATTERNS: Array<{ kind: ReportUrlKind; pattern: RegExp }> = [
	// Callout ObjectURI: v1.1 report full details, XML only.
	{ kind: 'fullDetails', pattern: /\/api\/expense\/expensereport\/v1\.1\/reportfulldetails\/[^/]+$/i },
	// ESS facts.href: /expensereports/v4/users/{userId}/context/{TRAVELER|PROXY|MANAGER}/reports/{id}
	{ kind: 'v4', pattern: /\/expensereports\/v4\/(?:users\/[^/]+\/context\/[^/]+\/)?reports\/[^/]+$/i },
	// The URI field of a v3 report.
	{ kind: 'v3', pattern: /\/api\/v3\.0\/expense\/reports\/[^/]+$/i },
	{ kind: 'v2', pattern: /\/api\/expense\/expensereport\/v2\.0\/report\/[^/]+$/i },
];

/**
 * Tells which Concur API a report URL belongs to, from its path. The URL itself is not rewritten:
 * report keys contain `$` and `%` and must reach Concur byte for byte.
 */
export function classifyReportUrl(url: string): ReportUrlKind | undefined {
	const path = httpUrlPath(url);
	if (path === undefined) return undefined;
	return REPORT_URL_PATTERNS.find(({ pattern }) => pattern.test(path))?.kind;
}

/** Whether a string is an absolute http(s) URL whose path matches `pathPattern`. */
export function isHttpUrlWithPath(url: string, pathPattern: RegExp): boolean {
	const path = httpUrlPath(url);
	return path !== undefined && pathPattern.test(path);
}

/**
 * The v1.1 report key (RptKey). Accepts the key itself or the callout ObjectURI (whose last
 * segment is the key). The key is returned exactly as given: no decoding, no re-encoding.
 */
export function extractReportKey(input: string): string | undefined {
	const value = input.trim();
	if (value === '') return undefined;
	const key = /^https?:\/\//i.test(value) ? value.replace(/[?#].*$/, '').split('/').pop() ?? '' : value;
	// A key is one path segment; anything that would change the request path is refused.
	if (key === '' || /[/?#\s\\]/.test(key) || key === '.' || key === '..') return undefined;
	return key;
}

/** Whether a value is usable as one path segment (IDs are sent exactly as Concur issued them). */
export function isPathSegment(value: string): boolean {
	return value !== '' && value !== '.' && value !== '..' && !/[/?#\s\\]/.test(value);
}

/** The XML document's content, whether or not the transport kept the root element as a wrapper. */
export function unwrapRoot(data: unknown, root: string): IDataObject {
	if (data === null || typeof data !== 'object' || Array.isArray(data)) return {};
	const object = data as IDataObject;
	const keys = Object.keys(object);
	if (keys.length === 1 && keys[0] === root) {
		const inner = object[root];
		return inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? (inner as IDataObject) : {};
	}
	if (typeof object.root === 'string' && object.data && typeof object.data === 'object') {
		return object.data as IDataObject;
	}
	return object;
}

/** Clean-JSON XML gives `''` for an empty element, an object for one child and an array for several. */
export function toArray<T = IDataObject>(value: unknown): T[] {
	if (value === undefined || value === null || value === '') return [];
	return (Array.isArray(value) ? value : [value]) as T[];
}

function isObject(value: unknown): value is IDataObject {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function withArrays(entry: IDataObject, lists: Array<[string, string]>): IDataObject {
	const out: IDataObject = { ...entry };
	for (const [list, item] of lists) {
		if (!(list in out)) continue;
		const container = isObject(out[list]) ? (out[list] as IDataObject) : {};
		out[list] = { ...container, [item]: toArray(container[item]) };
	}
	return out;
}

/**
 * v1.1 ReportDetails with stable shapes: `Entries.ExpenseEntry` is always an array (also with one
 * or zero entries), and so are the itemization, allocation and attendee lists inside entries.
 */
export function normalizeFullDetails(details: IDataObject): IDataObject {
	const out: IDataObject = { ...details };
	const entries = isObject(out.Entries) ? (out.Entries as IDataObject) : {};
	out.Entries = {
		...entries,
		ExpenseEntry: toArray<IDataObject>(entries.ExpenseEntry).map((entry) =>
			isObject(entry)
				? withArrays(entry, [
						['ItemizationsList', 'Itemization'],
						['AllocationsList', 'Allocation'],
						['AttendeesList', 'Attendee'],
					])
				: entry,
		),
	};
	return out;
}

function compact(object: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(object)) {
		if (value !== undefined) out[key] = value;
	}
	return out;
}

function toNumber(value: unknown): number | undefined {
	if (typeof value === 'number') return value;
	if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) {
		return Number(value);
	}
	return undefined;
}

function toBoolean(value: unknown): boolean | undefined {
	if (typeof value === 'boolean') return value;
	if (typeof value === 'string') {
		const normalized = value.trim().toLowerCase();
		if (['y', 'yes', 'true', '1'].includes(normalized)) return true;
		if (['n', 'no', 'false', '0'].includes(normalized)) return false;
	}
	return undefined;
}

function text(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number') return String(value);
	return undefined;
}

/**
 * The simplified report shape is the same whichever API returned the report, so a workflow can
 * switch between Get by ID, Get by URL and Get Many without changing its expressions.
 */
export function simplifyV3Report(report: IDataObject): IDataObject {
	return compact({
		id: text(report.ID),
		name: text(report.Name),
		ownerLoginId: text(report.OwnerLoginID),
		ownerName: text(report.OwnerName),
		total: toNumber(report.Total),
		currency: text(report.CurrencyCode),
		approvalStatusCode: text(report.ApprovalStatusCode),
		approvalStatusName: text(report.ApprovalStatusName),
		paymentStatusCode: text(report.PaymentStatusCode),
		paymentStatusName: text(report.PaymentStatusName),
		createDate: text(report.CreateDate),
		submitDate: text(report.SubmitDate),
		paidDate: text(report.PaidDate),
		lastModifiedDate: text(report.LastModifiedDate),
		policyId: text(report.PolicyID),
		hasException: toBoolean(report.HasException),
		workflowActionUrl: text(report.WorkflowActionUrl ?? report.WorkflowActionURL),
		uri: text(report.URI),
	});
}

/** v2.0 report details (JSON) use v3-like names with a few differences. */
export function simplifyV2Report(report: IDataObject): IDataObject {
	return compact({
		id: text(report.ReportID),
		reportKey: text(report.ReportKey),
		name: text(report.ReportName),
		ownerLoginId: text(report.UserLoginID),
		ownerName: text(report.EmployeeName),
		total: toNumber(report.ReportTotal),
		currency: text(report.CurrencyCode),
		approvalStatusCode: text(report.ApprovalStatusCode),
		approvalStatusName: text(report.ApprovalStatusName),
		paymentStatusCode: text(report.PaymentStatusCode),
		paymentStatusName: text(report.PaymentStatusName),
		createDate: text(report.CreationDate),
		submitDate: text(report.SubmitDate),
		paidDate: text(report.PaidDate),
		lastModifiedDate: text(report.LastModifiedDate),
		policyId: text(report.PolicyID),
		hasException: toBoolean(report.HasException),
		workflowActionUrl: text(report.WorkflowActionURL),
	});
}

export function simplifyFullDetails(details: IDataObject): IDataObject {
	const entries = isObject(details.Entries) ? (details.Entries as IDataObject) : {};
	return compact({
		id: text(details.ReportId),
		reportKey: text(details.RptKey),
		name: text(details.ReportName),
		ownerLoginId: text(details.X_UserID ?? details.LoginId),
		ownerName: text(details.EmployeeName),
		total: toNumber(details.ReportTotal),
		currency: text(details.CrnCode),
		approvalStatusCode: text(details.ApsKey),
		approvalStatusName: text(details.ApvStatusName),
		paymentStatusCode: text(details.PayKey),
		paymentStatusName: text(details.PayStatusName),
		createDate: text(details.CreateDate ?? details.ReportDate),
		submitDate: text(details.SubmitDate),
		paidDate: text(details.PaidDate),
		lastModifiedDate: text(details.LastModifiedDate),
		policyId: text(details.PolKey),
		hasException: toBoolean(details.HasException),
		purpose: text(details.Purpose),
		workflowActionUrl: text(details.WorkflowActionURL),
		entryCount: toArray(entries.ExpenseEntry).length,
	});
}

export function simplifyV4Report(report: IDataObject): IDataObject {
	const reportTotal = isObject(report.reportTotal) ? (report.reportTotal as IDataObject) : {};
	return compact({
		id: text(report.reportId ?? report.id),
		name: text(report.name),
		ownerId: text(report.userId),
		ownerName: text(report.reportOwnerName ?? report.employeeName),
		total: toNumber(reportTotal.value),
		currency: text(reportTotal.currencyCode ?? report.currencyCode),
		approvalStatusCode: text(report.approvalStatusId),
		approvalStatusName: text(report.approvalStatus),
		paymentStatusCode: text(report.paymentStatusId),
		paymentStatusName: text(report.paymentStatus),
		createDate: text(report.creationDate ?? report.createDate),
		submitDate: text(report.submitDate),
		paidDate: text(report.paidDate),
		lastModifiedDate: text(report.lastModifiedDate),
		policyId: text(report.policyId),
		hasException: toBoolean(report.hasExceptions ?? report.hasException),
		purpose: text(report.businessPurpose),
	});
}

export interface ReportListFilters {
	approvalStatusCode?: string;
	paymentStatusCode?: string;
	createdAfter?: unknown;
	createdBefore?: unknown;
	modifiedAfter?: unknown;
	modifiedBefore?: unknown;
	submittedAfter?: unknown;
	submittedBefore?: unknown;
}

const DATE_FILTER_PARAMETERS: Array<[keyof ReportListFilters, string]> = [
	['createdAfter', 'createDateAfter'],
	['createdBefore', 'createDateBefore'],
	['modifiedAfter', 'modifiedDateAfter'],
	['modifiedBefore', 'modifiedDateBefore'],
	['submittedAfter', 'submitDateAfter'],
	['submittedBefore', 'submitDateBefore'],
];

/**
 * A date as v3 wants it: UTC, `yyyy-MM-ddTHH:mm:ss.SSS`. Values without an offset are read in
 * `zone` (the workflow's time zone), the way n8n's date pickers mean them.
 * Returns undefined for a value that is not a date.
 */
export function toConcurDateTime(value: unknown, zone: string): string | undefined {
	let date: DateTime | undefined;
	if (DateTime.isDateTime(value)) date = value;
	else if (value instanceof Date) date = DateTime.fromJSDate(value);
	else if (typeof value === 'string' && value.trim() !== '') {
		date = DateTime.fromISO(value.trim(), { zone, setZone: false });
	}
	if (!date || !date.isValid) return undefined;
	return date.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS");
}

/**
 * Query string of the v3 report list. Throws a plain Error naming the filter when a date cannot
 * be read; the operation turns it into a NodeOperationError with the item index.
 */
export function buildReportListQuery(user: string, filters: ReportListFilters, zone: string): IDataObject {
	const qs: IDataObject = {};
	if (user.trim() !== '') qs.user = user.trim();
	if (filters.approvalStatusCode) qs.approvalStatusCode = filters.approvalStatusCode;
	if (filters.paymentStatusCode) qs.paymentStatusCode = filters.paymentStatusCode;
	for (const [filter, parameter] of DATE_FILTER_PARAMETERS) {
		const raw = filters[filter];
		if (raw === undefined || raw === null || raw === '') continue;
		const formatted = toConcurDateTime(raw, zone);
		if (formatted === undefined) {
			throw new Error(`The filter "${filter}" is not a valid date: ${String(raw)}`);
		}
		qs[parameter] = formatted;
	}
	return qs;
}

export interface LegacyExceptionInput {
	objectType?: string;
	objectId?: string;
	exceptionCode: string;
}

/** The v1.1 `<Exceptions>` body; Index is assigned 1..n in the order given. */
export function buildExceptionsXml(exceptions: LegacyExceptionInput[]): string {
	return buildXml(
		'Exceptions',
		{
			Exception: exceptions.map((exception, index) => ({
				Index: index + 1,
				ObjectType: exception.objectType || undefined,
				ObjectId: exception.objectId?.trim() || undefined,
				ExceptionCode: exception.exceptionCode.trim(),
			})),
		},
		EXPENSE_REPORT_NAMESPACE,
	);
}

export interface ExceptionResultSummary extends IDataObject {
	succeeded: number;
	failed: number;
	results: IDataObject[];
	errors: IDataObject[];
}

/**
 * Shapes `<exception-result>`: counts, per-exception results and the rejected exceptions, each
 * joined with what was sent under the same Index so a user sees which code was refused.
 */
export function summarizeExceptionResult(
	result: IDataObject,
	sent: LegacyExceptionInput[],
): ExceptionResultSummary {
	const sentAt = (index: number): IDataObject => {
		const exception = sent[index - 1];
		if (!exception) return {};
		return compact({
			exceptionCode: exception.exceptionCode,
			objectType: exception.objectType || undefined,
			objectId: exception.objectId || undefined,
		});
	};
	const errorsContainer = isObject(result.errors) ? (result.errors as IDataObject) : {};
	const errors = toArray<IDataObject>(errorsContainer.error).map((error) => {
		const index = toNumber(error.Index) ?? 0;
		return { index, message: text(error.message ?? error.Message) ?? '', ...sentAt(index) };
	});
	const detailsContainer = isObject(result.ExceptionDetails)
		? (result.ExceptionDetails as IDataObject)
		: {};
	const results = toArray<IDataObject>(detailsContainer.ExceptionInfo).map((info) => {
		const index = toNumber(info.Index) ?? 0;
		return { index, status: text(info.Status) ?? '', ...sentAt(index) };
	});
	return {
		succeeded: toNumber(result['exceptions-succeeded']) ?? results.length,
		failed: toNumber(result['exceptions-failed']) ?? errors.length,
		results,
		errors,
	};
}

/** One line per rejected exception, for the error description. */
export function describeRejectedExceptions(errors: IDataObject[]): string {
	return errors
		.map((error) => {
			const code = error.exceptionCode ? ` (${String(error.exceptionCode)})` : '';
			return `Exception ${String(error.index)}${code}: ${String(error.message)}`;
		})
		.join('\n');
}

export type LegacyWorkflowAction = 'Approve' | 'Send Back to Employee';

/** The documented limit of the v1.1 workflow action comment. */
export const LEGACY_COMMENT_MAX_LENGTH = 2000;

export function buildWorkflowActionXml(action: LegacyWorkflowAction, comment: string): string {
	return buildXml(
		'WorkflowAction',
		{ Action: action, Comment: comment === '' ? undefined : comment },
		EXPENSE_REPORT_NAMESPACE,
	);
}

/**
 * Reads `<ActionStatus>`. Concur reports a refused action with HTTP 200 and
 * `<Status>FAILURE</Status>`, so success is only what says so.
 */
export function readActionStatus(status: IDataObject): { success: boolean; status: string; message: string } {
	const statusText = (text(status.Status) ?? '').trim();
	const message = (text(status.Message) ?? '').trim();
	return { success: /^success/i.test(statusText), status: statusText, message };
}

/** The Report ID parameter of the operations that call the v4 APIs (shown when API is v4). */
export const v4ReportIdProperty: INodeProperties = {
	displayName: 'Report ID',
	name: 'reportId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 93B9D238A6864C019258',
	description: 'The ID of the report',
	displayOptions: { show: { api: ['v4'] } },
};
