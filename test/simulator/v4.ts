// Expense v4: report get, workflows, exceptions (Concur's Expense Report v4 and Workflows docs).
import type { ConcurSimulator } from './index';
import {
	amountDueEmployee,
	APPROVAL_STATUS_NAMES,
	assertActsOnStep,
	NotTheApproverError,
	PAYMENT_STATUS_NAMES,
	reportTotal,
	TransitionError,
	type SimReport,
	type SimUser,
	type WorkflowActor,
} from './state';
import type { AccessClaims } from './tokens';
import { HttpError, jsonBody, send, sendJson, isAdmin, workflowActor, type RequestContext } from './http';

export function checkV4Context(sim: ConcurSimulator, userId: string, context: string): SimUser {
	if (!['TRAVELER', 'PROXY', 'MANAGER'].includes(context))
		throw new HttpError(400, `Invalid contextType ${context}`, { validationErrors: [{ id: 'contextType', message: 'contextType must be TRAVELER, PROXY or MANAGER', source: 'contextType' }] });
	const user = sim.tenant.userByUuid(userId);
	if (!user) throw new HttpError(404, `User ${userId} not found`);
	return user;
}

export function v4Report(sim: ConcurSimulator, report: SimReport, base: string, context = 'TRAVELER'): Record<string, unknown> {
	const total = reportTotal(report);
	const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
	const self = `${base}/expensereports/v4/users/${report.ownerUuid}/context/${context}/reports/${report.id}`;
	return {
		reportId: report.id,
		name: report.name,
		businessPurpose: report.purpose,
		approvalStatus: APPROVAL_STATUS_NAMES[report.approvalStatusCode] ?? report.approvalStatusCode,
		approvalStatusId: report.approvalStatusCode,
		paymentStatus: PAYMENT_STATUS_NAMES[report.paymentStatusCode] ?? report.paymentStatusCode,
		paymentStatusId: report.paymentStatusCode,
		policyId: report.policyId,
		userId: report.ownerUuid,
		reportTotal: { value: total, currencyCode: report.currency },
		claimedAmount: { value: total, currencyCode: report.currency },
		amountDueEmployee: { value: amountDueEmployee(report), currencyCode: report.currency },
		approvedAmount: { value: report.approvalStatusCode === 'A_APPR' ? total : 0, currencyCode: report.currency },
		country: report.country,
		reportDate: new Date(report.createDate).toISOString().slice(0, 10),
		creationDate: iso(report.createDate),
		submitDate: iso(report.submitDate),
		paidDate: iso(report.paidDate),
		lastModifiedDate: iso(report.lastModified),
		isSubmitted: report.approvalStatusCode !== 'A_NOTF' && report.approvalStatusCode !== 'A_RESU',
		isSentBack: report.everSentBack,
		hasExceptions: report.exceptions.length > 0,
		isReceiptImageRequired: report.entries.some((e) => e.receiptRequired),
		isReceiptImageAvailable: report.entries.every((e) => e.receiptReceived),
		reportVersion: report.reportVersion,
		reportType: 'REGULAR',
		links: [
			{ rel: 'self', href: self, hreflang: null, media: null, title: null, type: null, deprecation: null, method: 'GET', isTemplated: false },
			{ rel: 'expenses', href: `${self}/expenses`, hreflang: null, media: null, title: null, type: null, deprecation: null, method: 'GET', isTemplated: false },
		],
	};
}

export function v4Get(sim: ConcurSimulator, ctx: RequestContext, claims: AccessClaims, userId: string, context: string, reportId: string): void {
	const user = checkV4Context(sim, userId, context);
	const report = sim.tenant.reportById(reportId);
	if (!report) throw new HttpError(404, `Report ${reportId} not found`);
	if (context === 'TRAVELER' && report.ownerUuid !== user.uuid) throw new HttpError(404, `Report ${reportId} not found for user ${userId}`);
	if (claims['concur.type'] === 'user' && claims.sub !== user.uuid && !isAdmin(sim, claims))
		throw new HttpError(403, 'The token does not belong to this user');
	sendJson(ctx, 200, v4Report(sim, report, ctx.base, context));
}

/**
 * PATCH …/approve | sendBack | recall | submit. `onBehalfOf` is the user of a user-context URL
 * (…/users/{userId}/context/{contextType}/reports/{id}/…); the short URLs (…/reports/{id}/approve)
 * act as the token: the System role for a company token. Approve and send back only act on the
 * step the caller is the approver for (System role at A_EXTV, the report's approver at A_PEND);
 * recall is the owner's.
 */
export function v4Workflow(
	sim: ConcurSimulator,
	ctx: RequestContext,
	claims: AccessClaims,
	reportId: string,
	action: 'approve' | 'sendBack' | 'recall' | 'submit',
	onBehalfOf?: SimUser,
): void {
	const body = jsonBody(ctx);
	const report = sim.tenant.reportById(reportId);
	if (!report) throw new HttpError(404, `Report ${reportId} not found`);
	const comment = typeof body.comment === 'string' ? body.comment : undefined;
	if (action === 'sendBack' && !comment?.trim())
		throw new HttpError(400, 'comment is required', { validationErrors: [{ id: 'comment', message: 'must not be blank', source: 'comment' }] });
	if (comment && comment.length > 2000)
		throw new HttpError(400, 'comment is too long', { validationErrors: [{ id: 'comment', message: 'size must be at most 2000', source: 'comment' }] });
	let actor: WorkflowActor = workflowActor(sim, claims);
	if (onBehalfOf) {
		// A user token acts only for its own user; the System role may act for anyone.
		if (actor.kind === 'user' && actor.user.uuid !== onBehalfOf.uuid) throw new HttpError(403, 'The token does not belong to this user');
		actor = { kind: 'user', user: onBehalfOf };
	}
	try {
		if (action === 'approve' || action === 'sendBack') assertActsOnStep(report, actor);
		if (action === 'recall' && onBehalfOf && onBehalfOf.uuid !== report.ownerUuid)
			throw new NotTheApproverError(`Only the owner of report ${report.id} can recall it`);
		sim.tenant.applyChange(report.id, action, { comment, actingUserId: claims['concur.type'] === 'user' ? claims.sub : null });
	} catch (error) {
		if (error instanceof NotTheApproverError) throw new HttpError(409, error.message, { errorId: 'expense.report.workflow.notApprover' });
		if (error instanceof TransitionError)
			throw new HttpError(409, `The report is not in a workflow step that allows ${action} (${report.approvalStatusCode})`, { errorId: 'expense.report.workflow.invalidState' });
		throw error;
	}
	send(ctx, 204, null);
}
