import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

/** The response objects n8n hands to webhook(): express's, which extends Node's ServerResponse. */
export type WebhookResponse = ReturnType<IWebhookFunctions['getResponseObject']>;
type WebhookRequest = ReturnType<IWebhookFunctions['getRequestObject']>;

/** What a trigger that is either source reads from its `source` parameter. */
export type TriggerSource = 'eventSubscription' | 'callout';

export const BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="Concur"' };

/**
 * Writes a final answer without starting an execution. n8n leaves the response to the node when
 * `noWebhookResponse` is returned, so every such path writes and ends it here (nothing hangs).
 */
export function answer(
	res: WebhookResponse,
	status: number,
	body: IDataObject | string,
	headers: Record<string, string> = {},
): IWebhookResponseData {
	const isText = typeof body === 'string';
	res.writeHead(status, {
		'Content-Type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
		...headers,
	});
	res.end(isText ? body : JSON.stringify(body));
	return { noWebhookResponse: true };
}

/** The exact bytes of the request body: signatures and the XML reader need them, not a re-parse. */
export async function rawBodyOf(req: WebhookRequest): Promise<Buffer> {
	// n8n's body parser normally stores the bytes already; read them if it did not.
	if (!Buffer.isBuffer(req.rawBody)) await req.readRawBody();
	return Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.alloc(0);
}
