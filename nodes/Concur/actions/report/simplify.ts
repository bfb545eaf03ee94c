/**
 * Response shaping of the Report resource: the clean JSON of each Concur report API (v1.1 full
 * details XML, v2, v3, v4) and the Simplify view, as plain data in, plain data out.
 */
import type { IDataObject } from 'n8n-workflow';

import { isObject } from '../../helpers/values';

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

export function compact(object: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(object)) {
		if (value !== undefined) out[key] = value;
	}
	return out;
}

export function toNumber(value: unknown): number | undefined {
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

export function text(value: unknown): string | undefined {
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
