/**
 * The one way this package calls Concur: authentication and host routing (through the
 * `concurOAuth2Api` credential), JSON or XML, 429 back-off, clear failures for 503 and time-outs,
 * v3 paging, and errors that carry Concur's own message but never a token.
 */
import type {
	BinaryHelperFunctions,
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { httpFailureFromN8n1Error, mustForceRefreshAfter403, withAccessTokenBlanked } from '../compat/n8n';
import { childElement, parseXml, xmlToJson } from '../helpers/xml';
import type { XmlElement } from '../helpers/xml';
import { credentialSecrets, redactSecrets } from './redact';
import { concurRetryPolicy, parseRetryAfterMs, retryDelayMs } from './retry';
import { describeLocation, isRedirectStatus } from './urlGate';

export { concurRetryPolicy, parseRetryAfterMs, retryDelayMs };

export type ConcurContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions | IHookFunctions;

export interface ConcurRequestOptions {
	method: IHttpRequestMethods;
	/** A path resolved against the token's geolocation, or an absolute Concur URL. */
	url: string;
	qs?: IDataObject;
	/** A string body is sent as XML. */
	body?: IDataObject | IDataObject[] | string;
	/** What to ask for and how to parse; XML comes back as clean JSON. */
	format?: 'json' | 'xml';
	headers?: IDataObject;
	credentialType?: 'concurOAuth2Api';
	/**
	 * Raw bytes to send (an image upload), their Content-Type in `headers`. Called once per
	 * attempt: a stream can be sent only once, so every retry (429, token refresh) gets a new one.
	 */
	binaryBody?: () => Promise<ConcurBinary>;
}

/** Bytes n8n can store or send: a Buffer, or a stream that is read once (never held twice). */
export type ConcurBinary = Parameters<BinaryHelperFunctions['prepareBinaryData']>[0];

/** A binary answer (a receipt image): the body is a stream, to be read once. */
export interface ConcurBinaryResponse {
	body: ConcurBinary;
	contentType?: string;
	contentDisposition?: string;
	contentLength?: number;
}

const MAINTENANCE_MESSAGE = 'Concur is down for maintenance: it asks callers to wait 5 minutes';

interface HttpFailure {
	status?: number;
	body?: unknown;
	headers: Record<string, unknown>;
	networkCode?: string;
	networkMessage?: string;
	/** Set when the credential's token grant failed (a ConcurTokenError from preAuthentication). */
	tokenErrorMessage?: string;
	tokenErrorStage?: string;
	tokenErrorCorrelationId?: string;
}

interface FullResponse {
	body: unknown;
	headers?: Record<string, unknown>;
	statusCode: number;
}

const asText = (value: unknown): string =>
	Buffer.isBuffer(value) ? value.toString('utf8') : typeof value === 'string' ? value : '';

function lowerCaseKeys(headers: unknown): Record<string, unknown> {
	const result: Record<string, unknown> = {};
	if (headers && typeof headers === 'object') {
		for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
			result[key.toLowerCase()] = value;
		}
	}
	return result;
}

/**
 * Digs the HTTP response out of what `httpRequestWithAuthentication` throws: a NodeApiError whose
 * cause is the transport error (which carries the response).
 */
export function extractFailure(error: unknown): HttpFailure {
	let current = error as Record<string, unknown> | undefined;
	for (let depth = 0; current && depth < 5; depth++) {
		if ((current as { name?: string }).name === 'ConcurTokenError') {
			return {
				headers: {},
				tokenErrorMessage: String((current as { message?: string }).message ?? ''),
				tokenErrorStage: (current as { stage?: string }).stage,
				tokenErrorCorrelationId: (current as { correlationId?: string }).correlationId,
			};
		}
		const response = current.response as Record<string, unknown> | undefined;
		if (response && typeof response === 'object' && (response.status ?? response.statusCode) !== undefined) {
			return {
				status: Number(response.status ?? response.statusCode),
				body: response.data ?? response.body,
				headers: lowerCaseKeys(response.headers),
			};
		}
		if (typeof current.code === 'string' && /^E[A-Z_]+$/.test(current.code)) {
			return {
				headers: {},
				networkCode: current.code,
				networkMessage: typeof current.message === 'string' ? current.message : undefined,
			};
		}
		current = current.cause as Record<string, unknown> | undefined;
	}
	const n8n1 = httpFailureFromN8n1Error(error);
	if (n8n1 !== undefined) return { ...n8n1, headers: {} };
	const message = (error as { message?: unknown } | undefined)?.message;
	return { headers: {}, networkMessage: typeof message === 'string' ? message : undefined };
}

/**
 * Concur's own error message, whichever format the API speaks: OAuth `error_description`, v4
 * `errorMessage`, v3 `Message`, gateway `error.message`, legacy XML `<Error><Message>`.
 */
export function concurErrorMessage(body: unknown): string | undefined {
	let data: unknown = body;
	const text = asText(body).trim();
	if (text.startsWith('<')) {
		try {
			const root = parseXml(text);
			const message = childElement(root, 'Message');
			if (message?.text.trim()) return message.text.trim();
			const nested = root.children.map((child) => childElement(child, 'Message')).find(Boolean);
			if (nested?.text.trim()) return nested.text.trim();
		} catch {
			return undefined;
		}
		return undefined;
	}
	if (text) {
		try {
			data = JSON.parse(text);
		} catch {
			return text.length <= 500 ? text : `${text.slice(0, 500)}…`;
		}
	}
	if (!data || typeof data !== 'object') return undefined;
	const record = data as Record<string, unknown>;
	const candidates = [
		record.error_description,
		record.errorMessage,
		record.Message,
		record.message,
		// SCIM (Identity v4.1, User Provisioning v4): {schemas, status, scimType, detail}.
		record.detail,
		(record.error as Record<string, unknown> | undefined)?.message,
		typeof record.error === 'string' ? record.error : undefined,
	];
	const found = candidates.find((value) => typeof value === 'string' && value.trim() !== '');
	if (found) return (found as string).trim();
	// v4 validation errors, and the List v4 bulk answer (`errors[].message`, one per refused item).
	for (const list of [record.validationErrors, record.errors]) {
		if (!Array.isArray(list)) continue;
		const messages = list
			.map((entry) => (entry as Record<string, unknown>)?.message)
			.filter((value): value is string => typeof value === 'string' && value.trim() !== '');
		if (messages.length) return messages.slice(0, 10).join('; ') + (messages.length > 10 ? ` (and ${messages.length - 10} more)` : '');
	}
	return undefined;
}

function describeDuration(ms: number): string {
	return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} seconds` : `${ms} ms`;
}

function buildApiError(
	ctx: ConcurContext,
	failure: HttpFailure,
	options: ConcurRequestOptions,
	secrets: string[],
): NodeApiError {
	const correlationId =
		(typeof failure.headers['concur-correlationid'] === 'string'
			? (failure.headers['concur-correlationid'] as string)
			: undefined) ?? failure.tokenErrorCorrelationId;
	const where = `${options.method} ${options.url.split('?')[0]}`;
	let message: string;
	let description: string | undefined;
	let httpCode: string | undefined;

	if (failure.tokenErrorMessage !== undefined) {
		message =
			failure.tokenErrorStage === 'routing'
				? failure.tokenErrorMessage
				: `Concur authentication failed: ${failure.tokenErrorMessage}`;
	} else if (failure.status === undefined) {
		const timedOut =
			failure.networkCode === 'ECONNABORTED' ||
			failure.networkCode === 'ETIMEDOUT' ||
			/timeout/i.test(failure.networkMessage ?? '');
		message = timedOut
			? `Concur did not answer within ${describeDuration(concurRetryPolicy.timeoutMs)} (${where}): it asks callers to wait 5 minutes before trying again`
			: `Could not reach Concur (${where}): ${failure.networkCode ?? failure.networkMessage ?? 'unknown network error'}`;
	} else {
		httpCode = String(failure.status);
		const concurMessage = concurErrorMessage(failure.body);
		if (failure.status === 503) {
			message = MAINTENANCE_MESSAGE;
			description = concurMessage;
		} else if (isRedirectStatus(failure.status)) {
			message = `Concur answered HTTP ${failure.status}, a redirect${describeLocation(failure.headers.location)} (${where}): not followed, because the request carries the access token`;
		} else if (failure.status === 429) {
			message = `Concur kept answering 429 Too Many Requests after ${concurRetryPolicy.maxRetries} retries: slow down and try again later`;
			description = concurMessage;
		} else {
			message = concurMessage ?? `Concur answered HTTP ${failure.status} (${where})`;
			description = concurMessage ? `HTTP ${failure.status} from ${where}` : undefined;
		}
	}
	if (correlationId) {
		description = `${description ? `${description}. ` : ''}Concur-Correlationid: ${correlationId}`;
	}
	// A server may echo the request (form, headers) into its error: no secret leaves in any form.
	message = redactSecrets(message, secrets);
	if (description !== undefined) description = redactSecrets(description, secrets);
	// Built from plain data, never from the transport error: that one holds the request headers.
	const errorResponse: JsonObject = {
		message,
		...(httpCode ? { httpCode } : {}),
		...(correlationId ? { correlationId } : {}),
	};
	const apiError = new NodeApiError(ctx.getNode(), errorResponse, { message, description, httpCode });
	if (correlationId) apiError.context.correlationId = correlationId;
	return apiError;
}

function parseXmlBody(ctx: ConcurContext, body: unknown, options: ConcurRequestOptions): IDataObject {
	const text = asText(body);
	if (!text.trim()) return {};
	let root: XmlElement;
	try {
		// The bytes, not the text: the reader honours the document's declared encoding.
		root = parseXml(Buffer.isBuffer(body) ? body : text);
	} catch (error) {
		throw new NodeApiError(ctx.getNode(), { message: (error as Error).message } as JsonObject, {
			message: `Concur sent XML this node cannot read (${options.method} ${options.url.split('?')[0]}): ${(error as Error).message}`,
		});
	}
	const json = xmlToJson(root);
	return json && typeof json === 'object' ? (json as IDataObject) : { [root.name]: json };
}

function parseJsonBody(body: unknown): unknown {
	if (body === undefined || body === null || body === '') return {};
	if (Buffer.isBuffer(body) || typeof body === 'string') {
		const text = asText(body);
		if (!text.trim()) return {};
		try {
			return JSON.parse(text) as unknown;
		} catch {
			return { data: text };
		}
	}
	return body;
}

/** Every secret the credential holds now (read after a failure: a refresh may have replaced the token). */
async function secretsNow(this: ConcurContext, credentialType: string, before: string): Promise<string[]> {
	const data = await this.getCredentials(credentialType);
	return [before, ...credentialSecrets(data)];
}

/** The access token the credential holds right now ('' before the first grant). */
async function storedAccessToken(this: ConcurContext, credentialType: string): Promise<string> {
	const data = await this.getCredentials(credentialType);
	return typeof data.accessToken === 'string' ? data.accessToken : '';
}

/** The stored credential as n8n hands it back, with the access token blanked (compat/n8n.ts). */
async function credentialForcingRefresh(
	this: ConcurContext,
	credentialType: string,
): Promise<ICredentialsDecrypted> {
	const data = await this.getCredentials(credentialType);
	const details = this.getNode().credentials?.[credentialType];
	return {
		id: details?.id ?? '',
		name: details?.name ?? credentialType,
		type: credentialType,
		data: withAccessTokenBlanked(data),
	};
}

/** Whether a value is a readable stream (an answer read with `encoding: 'stream'`). */
function isStream(value: unknown): value is AsyncIterable<unknown> & { destroy?: () => void } {
	return (
		value !== null &&
		typeof value === 'object' &&
		typeof (value as { pipe?: unknown }).pipe === 'function' &&
		typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
	);
}

/** Longest error answer read from a stream: enough for Concur's message, never a whole image. */
const MAX_STREAMED_ERROR_BYTES = 64 * 1024;

/**
 * The body of a failed streamed request, read (bounded) so its message can be shown and the
 * connection is freed before a retry.
 */
async function readStreamedErrorBody(body: unknown): Promise<unknown> {
	if (!isStream(body)) return body;
	const chunks: Buffer[] = [];
	let size = 0;
	try {
		for await (const chunk of body) {
			const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
			chunks.push(bytes);
			size += bytes.length;
			if (size >= MAX_STREAMED_ERROR_BYTES) break;
		}
	} catch {
		// The message is best effort: the status alone still makes a clear error.
	} finally {
		body.destroy?.();
	}
	return Buffer.concat(chunks).subarray(0, MAX_STREAMED_ERROR_BYTES);
}

/**
 * Sends one request (plus bounded 429 retries and the token-refresh retries) and returns n8n's
 * full response. Every failure becomes a NodeApiError with Concur's own message.
 */
async function sendToConcur(
	this: ConcurContext,
	options: ConcurRequestOptions,
	request: IHttpRequestOptions,
	headers: IDataObject,
): Promise<FullResponse> {
	const credentialType = options.credentialType ?? 'concurOAuth2Api';
	const tokenBefore = await storedAccessToken.call(this, credentialType);
	let forcedRefresh: ICredentialsDecrypted | undefined;
	let resentAfterRefresh = false;
	for (let retry = 0; ; retry++) {
		let response: FullResponse | undefined;
		let failure: HttpFailure | undefined;
		const tokenAtAttempt = options.binaryBody ? await storedAccessToken.call(this, credentialType) : tokenBefore;
		try {
			// A fresh copy per attempt: n8n's authenticate step writes into the options it gets.
			const attempt: IHttpRequestOptions = { ...request, headers: { ...headers } };
			if (options.binaryBody) attempt.body = (await options.binaryBody()) as unknown as IHttpRequestOptions['body'];
			response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				credentialType,
				attempt,
				// Concur answers an expired token with 401 or 403: both refresh and retry once.
				{ preAuthenticationRetryStatusCode: [401, 403], credentialsDecrypted: forcedRefresh },
			)) as FullResponse;
		} catch (error) {
			failure = extractFailure(error);
			if (request.encoding === 'stream') failure.body = await readStreamedErrorBody(failure.body);
		}
		if (!failure) return response as FullResponse;
		if (failure.status === 429 && retry < concurRetryPolicy.maxRetries) {
			await sleep(retryDelayMs(retry, parseRetryAfterMs(failure.headers['retry-after'])));
			continue;
		}
		if (
			options.binaryBody &&
			!resentAfterRefresh &&
			(failure.status === 401 || failure.status === 403) &&
			(await storedAccessToken.call(this, credentialType)) !== tokenAtAttempt
		) {
			// n8n refreshed the token but cannot send a stream twice: send a fresh one ourselves.
			resentAfterRefresh = true;
			continue;
		}
		if (
			failure.status === 403 &&
			mustForceRefreshAfter403(
				failure.status,
				forcedRefresh !== undefined,
				tokenBefore,
				await storedAccessToken.call(this, credentialType),
			)
		) {
			forcedRefresh = await credentialForcingRefresh.call(this, credentialType);
			continue;
		}
		throw buildApiError(this, failure, options, await secretsNow.call(this, credentialType, tokenBefore));
	}
}

/**
 * Calls Concur once (plus bounded 429 retries) and returns the parsed body ({} for 204). The result
 * is `unknown`: each operation knows (and casts to) the shape of its endpoint.
 */
export async function concurApiRequest(
	this: ConcurContext,
	options: ConcurRequestOptions,
): Promise<unknown> {
	const format = options.format ?? 'json';
	const isXmlBody = typeof options.body === 'string';
	const headers: IDataObject = {
		Accept: format === 'xml' ? 'application/xml' : 'application/json',
		...(isXmlBody ? { 'Content-Type': 'application/xml' } : {}),
		...(options.headers ?? {}),
	};
	const request: IHttpRequestOptions = {
		method: options.method,
		url: options.url,
		headers,
		timeout: concurRetryPolicy.timeoutMs,
		returnFullResponse: true,
	};
	if (options.qs && Object.keys(options.qs).length) request.qs = options.qs;
	if (options.body !== undefined && !options.binaryBody) {
		request.body = options.body;
		if (!isXmlBody) request.json = true;
	}
	// XML is read as raw bytes so the package's safe parser sees exactly what Concur sent.
	if (format === 'xml') request.encoding = 'arraybuffer';

	const response = await sendToConcur.call(this, options, request, headers);
	const body = response.body;
	if (response.statusCode === 204) return {};
	// Some legacy endpoints answer XML whatever Accept says: it still comes back as clean JSON.
	const answeredXml = format === 'xml' || asText(body).trimStart().startsWith('<');
	return answeredXml ? parseXmlBody(this, body, options) : parseJsonBody(body);
}

function describeOrigin(url: string): string {
	try {
		return new URL(url).origin;
	} catch {
		return 'Concur';
	}
}

const headerText = (value: unknown): string | undefined =>
	typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/**
 * Downloads bytes from Concur (a receipt image) as a stream, with the same authentication,
 * routing, outbound-URL gate, retries and errors as every other call. The body is never buffered
 * here: hand it to `prepareBinaryData`, which stores it as it arrives.
 */
export async function concurApiDownload(
	this: ConcurContext,
	options: Pick<ConcurRequestOptions, 'url' | 'qs' | 'headers' | 'credentialType'>,
): Promise<ConcurBinaryResponse> {
	// Image URLs carry their own short-lived access in the path: errors name only the origin.
	const shown = /^https?:\/\//i.test(options.url) ? `${describeOrigin(options.url)}/…` : options.url;
	const requestOptions: ConcurRequestOptions = { ...options, url: shown, method: 'GET' };
	const headers: IDataObject = { Accept: '*/*', ...(options.headers ?? {}) };
	const request: IHttpRequestOptions = {
		method: 'GET',
		url: options.url,
		headers,
		timeout: concurRetryPolicy.timeoutMs,
		returnFullResponse: true,
		encoding: 'stream',
	};
	if (options.qs && Object.keys(options.qs).length) request.qs = options.qs;
	const response = await sendToConcur.call(this, requestOptions, request, headers);
	const responseHeaders = lowerCaseKeys(response.headers);
	if (response.statusCode === 204 || response.body === undefined || response.body === null || response.body === '') {
		throw new NodeApiError(this.getNode(), { message: 'empty answer' } as JsonObject, {
			message: `Concur sent no content (GET ${shown.split('?')[0]})`,
		});
	}
	const length = Number(responseHeaders['content-length']);
	return {
		body: (Buffer.isBuffer(response.body) || isStream(response.body)
			? response.body
			: Buffer.from(asText(response.body))) as ConcurBinary,
		contentType: headerText(responseHeaders['content-type']),
		contentDisposition: headerText(responseHeaders['content-disposition']),
		contentLength: Number.isFinite(length) && length >= 0 ? length : undefined,
	};
}

/**
 * v3 lists (`{Items, NextPage}`): follows NextPage until it is null or empty; `limit` stops early.
 */
export async function concurApiRequestAllItems(
	this: ConcurContext,
	options: ConcurRequestOptions,
	limit?: number,
): Promise<IDataObject[]> {
	const items: IDataObject[] = [];
	const seen = new Set<string>();
	let page: ConcurRequestOptions = { ...options };
	if (limit !== undefined && limit > 0 && page.qs?.limit === undefined) {
		// v3 pages hold at most 100 items.
		page.qs = { ...(page.qs ?? {}), limit: Math.min(limit, 100) };
	}
	for (;;) {
		const response = (await concurApiRequest.call(this, page)) as IDataObject;
		const pageItems = Array.isArray(response?.Items) ? (response.Items as IDataObject[]) : [];
		items.push(...pageItems);
		if (limit !== undefined && limit > 0 && items.length >= limit) return items.slice(0, limit);
		const next = typeof response?.NextPage === 'string' ? response.NextPage.trim() : '';
		// A repeated NextPage would loop for ever: stop instead of hammering Concur.
		if (!next || seen.has(next) || pageItems.length === 0) return items;
		seen.add(next);
		// NextPage is a full URI carrying the query, so the original query is not sent again.
		page = { ...options, url: next, qs: undefined };
	}
}
