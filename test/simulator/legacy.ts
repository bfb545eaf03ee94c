// v1.1 XML APIs (report full details, exceptions, workflow action) and the notifications API
// (Concur's Notification v1.0 API; Concur's callout docs; Concur's Expense Report v1.1 docs; Concur's v1.1 Exceptions docs; Concur's v1.1 Workflow Action docs).
import type { ConcurSimulator } from './index';
import {
	amountDueEmployee,
	APPROVAL_STATUS_NAMES,
	assertActsOnStep,
	KNOWN_EXCEPTION_CODES,
	LEGACY_HOST,
	NotTheApproverError,
	PAYMENT_STATUS_NAMES,
	reportTotal,
	TransitionError,
	v3Date,
	type ReportAction,
	type SimReport,
} from './state';
import type { AccessClaims } from './tokens';
import { child, childText, escapeXml, parseXml, XmlParseError } from './xml';
import { HttpError, sendJson, sendXml, workflowActor, NS_EXPENSE, NS_NOTIFICATION, NS_XSI, type RequestContext } from './http';

function money(value: number): string {
	return value.toFixed(8);
}

function yn(value: boolean): string {
	return value ? 'Y' : 'N';
}

/** v1.1 date-time form: `yyyy-MM-ddTHH:mm:ss`, UTC, no fraction. */
function v11DateTime(ms: number): string {
	return new Date(ms).toISOString().slice(0, 19);
}

const CURRENCY_NAMES: Record<string, string> = { EUR: 'Euro', GBP: 'Pound Sterling', USD: 'Dollar, United States' };

/**
 * v1.1 ReportDetails, element order and quirks as in Concur's sample: `xmlns:ns` (the elements
 * themselves are unqualified), `SubmitDate` 0001-01-01T00:00:00 when never submitted,
 * `PaidDate i:nil="true"`, empty elements for unused OrgUnit/Custom fields. An entry whose
 * receipt image is missing has `ImageRequired` Y and an empty `ReceiptImageId`.
 */
export function reportFullDetailsXml(sim: ConcurSimulator, report: SimReport): string {
	const owner = sim.tenant.ownerOf(report);
	const total = reportTotal(report);
	const approved = report.approvalStatusCode === 'A_APPR';
	const el = (indent: string, name: string, value: unknown) =>
		value === null || value === undefined || value === '' ? `${indent}<${name} />` : `${indent}<${name}>${escapeXml(value)}</${name}>`;
	const empties = (indent: string, prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${indent}<${prefix}${i + 1} />`);
	const entryLines = report.entries.flatMap((e) => {
		const i = '      ';
		const hasException = report.exceptions.some((x) => x.objectId === e.rpeKey);
		return [
			'    <ExpenseEntry>',
			el(i, 'ReceiptRequired', yn(e.receiptRequired)),
			el(i, 'ImageRequired', yn(e.receiptRequired)),
			el(i, 'EreceiptId', null),
			...empties(i, 'OrgUnit', 6),
			...empties(i, 'Custom', 40),
			el(i, 'RpeKey', e.rpeKey),
			el(i, 'RptKey', report.rptKey),
			el(i, 'ExpKey', e.expenseTypeCode),
			el(i, 'FormKey', 'nnamf5z0cLe4MHs53YwSIjwY0uP8kby5p'),
			el(i, 'ReceiptImageId', e.receiptReceived ? e.rpeKey.replace(/[^A-Za-z0-9]/g, '').toUpperCase().padEnd(32, '0').slice(0, 32) : null),
			el(i, 'ExpName', e.expenseTypeName),
			el(i, 'BusinessPurpose', e.businessPurpose),
			el(i, 'HasVat', 'N'),
			el(i, 'ExchangeRate', '1.00000000000000'),
			el(i, 'TransactionAmount', money(e.amount)),
			el(i, 'PostedAmount', money(e.amount)),
			el(i, 'ApprovedAmount', money(approved ? e.amount : 0)),
			el(i, 'TransactionCurrencyName', CURRENCY_NAMES[e.currency] ?? e.currency),
			el(i, 'VendorDescription', e.vendor),
			el(i, 'LocationName', e.location),
			el(i, 'LocationSubdivision', null),
			el(i, 'LocationCountry', report.country),
			el(i, 'SpendCategory', e.expenseTypeName),
			el(i, 'HasComments', 'N'),
			el(i, 'CommentCount', 0),
			el(i, 'PaymentTypeKey', 'CASH'),
			el(i, 'IsItemized', 'N'),
			el(i, 'HasExceptions', yn(hasException)),
			el(i, 'IsPersonal', yn(e.isPersonal)),
			el(i, 'HasAttendees', 'N'),
			el(i, 'HasAllocation', 'N'),
			el(i, 'IsCreditCardCharge', 'N'),
			el(i, 'AttendeeCount', 0),
			el(i, 'IsPersonalCardCharge', 'N'),
			el(i, 'TransactionDate', `${e.transactionDate}T00:00:00`),
			el(i, 'LastModifiedDate', v11DateTime(report.createDate)),
			el(i, 'ItemizationList', null),
			el(i, 'Allocations', null),
			'    </ExpenseEntry>',
		];
	});
	const r = '  ';
	return [
		`<ReportDetails xmlns:ns="${NS_EXPENSE}" xmlns:i="${NS_XSI}">`,
		el(r, 'X_UserID', owner.loginId),
		el(r, 'ReportId', report.id),
		el(r, 'ReportName', report.name),
		el(r, 'Purpose', report.purpose),
		el(r, 'CrnCode', report.currency),
		el(r, 'ApsKey', report.approvalStatusCode),
		el(r, 'ReportDate', v3Date(report.createDate)),
		el(r, 'CreationDate', v11DateTime(report.createDate)),
		el(r, 'ReceiptImageUrl', null),
		el(r, 'HasException', yn(report.exceptions.length > 0)),
		el(r, 'EverSentBack', yn(report.everSentBack)),
		el(r, 'EmployeeName', owner.name),
		el(r, 'ApvStatusName', APPROVAL_STATUS_NAMES[report.approvalStatusCode] ?? report.approvalStatusCode),
		el(r, 'PayKey', report.paymentStatusCode),
		el(r, 'PayStatusName', PAYMENT_STATUS_NAMES[report.paymentStatusCode] ?? report.paymentStatusCode),
		report.paidDate === null ? `${r}<PaidDate i:nil="true"/>` : el(r, 'PaidDate', v11DateTime(report.paidDate)),
		el(r, 'SubmitDate', report.submitDate === null ? '0001-01-01T00:00:00' : v11DateTime(report.submitDate)),
		el(r, 'EntryCount', report.entries.length),
		el(r, 'LedgerName', 'DEFAULT'),
		...empties(r, 'OrgUnit', 6),
		...empties(r, 'Custom', 20),
		el(r, 'PolKey', report.policyId),
		el(r, 'RptKey', report.rptKey),
		el(r, 'ReportTotal', money(total)),
		el(r, 'PersonalExpenses', money(total - amountDueEmployee(report))),
		el(r, 'AmountDueEmployee', money(amountDueEmployee(report))),
		el(r, 'AmountDueCompanyCard', money(0)),
		el(r, 'TotalClaimedAmount', money(total)),
		el(r, 'TotalApprovedAmount', money(approved ? total : 0)),
		el(r, 'WorkflowActionURL', `${LEGACY_HOST}/api/expense/expensereport/v1.1/report/${report.wfKey}/WorkFlowAction`),
		`${r}<Entries Count="${report.entries.length}">`,
		...entryLines,
		`${r}</Entries>`,
		'</ReportDetails>',
	].join('\n');
}

export function v11FullDetails(sim: ConcurSimulator, ctx: RequestContext, key: string): void {
	const report = sim.tenant.reportByRptKey(key);
	if (!report) throw new HttpError(404, `Report ${key} not found`);
	sendXml(ctx, 200, reportFullDetailsXml(sim, report));
}

export function v11Exceptions(sim: ConcurSimulator, ctx: RequestContext, key: string): void {
	const report = sim.tenant.reportByRptKey(key);
	if (!report) throw new HttpError(404, `Report ${key} not found`);
	let root;
	try {
		root = parseXml(ctx.body.toString('utf8'));
	} catch (error) {
		throw new HttpError(400, `Malformed XML: ${error instanceof XmlParseError ? error.message : 'unreadable body'}`);
	}
	if (root.name !== 'Exceptions') throw new HttpError(400, 'The root element must be Exceptions');
	const succeeded: string[] = [];
	const failed: Array<[string, string]> = [];
	const exceptions = root.children.filter((c) => c.name === 'Exception');
	for (const [position, exception] of exceptions.entries()) {
		const index = childText(exception, 'Index') || String(position + 1);
		const code = childText(exception, 'ExceptionCode') ?? '';
		const objectType = childText(exception, 'ObjectType') || 'Report';
		const objectId = childText(exception, 'ObjectId') || null;
		let problem: string | null = null;
		if (!KNOWN_EXCEPTION_CODES.includes(code)) problem = 'Invalid Exception Code';
		else if (!['Report', 'Entry', 'Allocation'].includes(objectType)) problem = 'Invalid Object Type';
		else if (objectType === 'Entry' && !report.entries.some((e) => e.rpeKey === objectId)) problem = 'Invalid Object Id';
		if (problem) {
			failed.push([index, problem]);
			continue;
		}
		sim.tenant.addException(report, { exceptionCode: code, exceptionVisibility: 'ALL', objectType, objectId, source: 'v1.1' });
		succeeded.push(index);
	}
	const lines = [
		`<exception-result xmlns="${NS_EXPENSE}" xmlns:i="${NS_XSI}">`,
		`    <exceptions-succeeded>${succeeded.length}</exceptions-succeeded>`,
		`    <exceptions-failed>${failed.length}</exceptions-failed>`,
		'    <errors>',
		...failed.map(([index, message]) => `        <error>\n            <Index>${escapeXml(index)}</Index>\n            <message>${message}</message>\n        </error>`),
		'    </errors>',
		'    <ExceptionDetails>',
		...succeeded.map((index) => `        <ExceptionInfo>\n            <Index>${escapeXml(index)}</Index>\n            <Status>Success</Status>\n        </ExceptionInfo>`),
		'    </ExceptionDetails>',
		'</exception-result>',
	];
	sendXml(ctx, 200, lines.join('\n'));
}

function actionStatusXml(status: 'SUCCESS!' | 'FAILURE', message: string): string {
	return [
		'<?xml version="1.0" encoding="utf-8"?>',
		`<ActionStatus xmlns="${NS_EXPENSE}" xmlns:i="${NS_XSI}">`,
		`    <Message>${escapeXml(message)}</Message>`,
		`    <Status>${status}</Status>`,
		'</ActionStatus>',
	].join('\n');
}

const STALE_MESSAGE = 'The action cannot be executed because the item has recently been changed. Please refresh your list and try again.';

export function v11WorkflowAction(sim: ConcurSimulator, ctx: RequestContext, key: string, claims: AccessClaims): void {
	const found = sim.tenant.reportByWorkflowKey(key);
	if (!found) throw new HttpError(404, `Workflow step ${key} not found`);
	let root;
	try {
		root = parseXml(ctx.body.toString('utf8'));
	} catch (error) {
		throw new HttpError(400, `Malformed XML: ${error instanceof XmlParseError ? error.message : 'unreadable body'}`);
	}
	if (root.name !== 'WorkflowAction') throw new HttpError(400, 'The root element must be WorkflowAction');
	const action = (childText(root, 'Action') ?? '').trim();
	const comment = child(root, 'Comment')?.text ?? '';
	const failure = (message: string) => sendXml(ctx, 200, actionStatusXml('FAILURE', message));
	if (found.stale) return failure(STALE_MESSAGE);
	const actions: Record<string, ReportAction> = {
		approve: 'approve',
		'send back to employee': 'sendBack',
		'recall to employee': 'recall',
	};
	const mapped = actions[action.toLowerCase()];
	if (!mapped) return failure(`Invalid action: ${action || '(empty)'}. Use Approve, Send Back to Employee or Recall to Employee.`);
	if (comment.length > 2000) return failure('Comment must be at most 2000 characters.');
	if (mapped === 'sendBack' && !comment.trim()) return failure('A comment is required when sending a report back to the employee.');
	try {
		// The caller must act on the step the report is at (System role at A_EXTV, its approver at A_PEND).
		assertActsOnStep(found.report, workflowActor(sim, claims));
		sim.tenant.applyChange(found.report.id, mapped, { comment: comment || undefined, actingUserId: claims['concur.type'] === 'user' ? claims.sub : null });
	} catch (error) {
		if (error instanceof NotTheApproverError) return failure(error.message);
		if (error instanceof TransitionError) return failure(`The report is not in a workflow step that allows this action (${found.report.approvalStatusCode}).`);
		throw error;
	}
	sendXml(ctx, 200, actionStatusXml('SUCCESS!', 'SUCCESS!'));
}

// ------------------------------------------------------------------------------------------ notifications

export function notificationsList(sim: ConcurSimulator, ctx: RequestContext): void {
	const status = ctx.query.get('status');
	if (!status) throw new HttpError(400, 'The status parameter is required (FAILED)');
	const list = status.toUpperCase() === 'FAILED' ? sim.tenant.notifications : [];
	const uri = (id: string) => `${LEGACY_HOST}/api/platform/notifications/v1.0/notification/${id}`;
	const accept = String(ctx.req.headers.accept ?? '');
	if (accept.includes('application/json')) {
		return sendJson(
			ctx,
			200,
			list.map((n) => ({
				Context: n.context,
				EventDateTime: n.eventDateTime,
				EventType: n.eventType,
				NotificationURI: uri(n.id),
				ObjectType: n.objectType,
				ObjectURI: n.objectUri,
			})),
		);
	}
	const items = list.map((n) =>
		[
			'    <Notification>',
			n.context === null ? '        <Context i:nil="true" />' : `        <Context>${escapeXml(n.context)}</Context>`,
			`        <EventDateTime>${n.eventDateTime}</EventDateTime>`,
			`        <EventType>${escapeXml(n.eventType)}</EventType>`,
			`        <NotificationURI>${escapeXml(uri(n.id))}</NotificationURI>`,
			`        <ObjectType>${n.objectType}</ObjectType>`,
			`        <ObjectURI>${escapeXml(n.objectUri)}</ObjectURI>`,
			'    </Notification>',
		].join('\n'),
	);
	sendXml(ctx, 200, ['<?xml version="1.0" encoding="utf-8"?>', `<NotificationList xmlns="${NS_NOTIFICATION}" xmlns:i="${NS_XSI}">`, ...items, '</NotificationList>'].join('\n'));
}

