/**
 * Every workaround for a particular n8n version lives here, named for what it does. Each says
 * which n8n it is for and how to know it can go; docs/ARCHITECTURE.md ("n8n version
 * workarounds") has the table.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	IPollFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

// Concur Trigger

/**
 * n8n 2.40.7: for a webhook whose execution it starts before its deferred `onReceived` answer,
 * n8n wraps the static data in a second Workflow, which resets the "changed" flag it checks
 * before saving, so static data written by `webhook()` (the accepted event ids) is never stored.
 * Answering here, before returning the execution's data, makes n8n save the static data first,
 * as every n8n before 2.40 did. Remove once n8n saves static data changed in the webhook phase
 * whatever the answer order (the e2e ESS test checks the stored ids on each n8n line).
 */
export function answerBeforeExecution(
	answered: IWebhookResponseData,
	workflowData: INodeExecutionData[][],
): IWebhookResponseData {
	return { ...answered, workflowData };
}

// Transport

/**
 * n8n 1.x refreshes an expirable credential only on 401, but Concur may answer an expired token
 * with 403. n8n 2.x refreshes on the retry status codes the transport passes (401 and 403), so the
 * stored token has changed by the time the 403 reaches the transport. When it has not, the
 * transport hands n8n the credential with the token blanked, which makes n8n run
 * preAuthentication and send the request once more. Remove when n8n 1.x is no longer supported.
 */
export function mustForceRefreshAfter403(
	status: number | undefined,
	alreadyForced: boolean,
	tokenBefore: string,
	tokenNow: string,
): boolean {
	return status === 403 && !alreadyForced && tokenBefore !== '' && tokenNow === tokenBefore;
}

/** The stored credential with its access token blanked: n8n then runs preAuthentication. */
export function withAccessTokenBlanked(data: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject {
	return { ...data, accessToken: '' };
}

/**
 * n8n 1.x drops the transport error from the NodeApiError it throws (the class field `cause`
 * resets it), leaving only the HTTP code and, for JSON answers, the body in `context.data`.
 * Returns that status and body, or undefined when the error does not have that shape. Remove with
 * n8n 1.x support.
 */
export function httpFailureFromN8n1Error(error: unknown): { status: number; body: unknown } | undefined {
	const wrapped = error as { httpCode?: unknown; context?: IDataObject } | undefined;
	if (typeof wrapped?.httpCode === 'string' && /^\d{3}$/.test(wrapped.httpCode)) {
		return { status: Number(wrapped.httpCode), body: wrapped.context?.data };
	}
	return undefined;
}

// Polling trigger

/** n8n 1.x gives no poll time budget (`getPollBudgetMs`): undefined there. Remove with 1.x support. */
export function pollBudgetMs(context: IPollFunctions): number | undefined {
	return typeof context.getPollBudgetMs === 'function' ? context.getPollBudgetMs() : undefined;
}

/**
 * n8n 2.x abandons a poll shortly after its budget (which keeps n8n a 20% margin); n8n 1.x gives
 * no budget, so there a poll running for 10 minutes counts as hung. Remove the fallback with 1.x.
 */
export function pollAbandonedAfterMs(budgetMs: number | undefined): number {
	return budgetMs === undefined ? 10 * 60_000 : budgetMs * 1.25;
}

/**
 * n8n 2.40 stores a poll's static data with the execution it starts, after the poll returned: a
 * poll starting before then reads the older cursor and waits, once (still older a poll later: n8n
 * never stored it, the poll goes ahead). Remove once n8n stores it before the next poll can start.
 */
export function mayStillBeStoringHandOff(handedOff: number, stored: number, waitedOnce: boolean): boolean {
	return stored < handedOff && !waitedOnce;
}
