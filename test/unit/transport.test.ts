/**
 * Pure parts of the transport, and the request it hands to n8n's httpRequestWithAuthentication.
 * (The same code runs through n8n-core's engine against the simulator in
 * test/integration/credential.test.ts.)
 */
import type { IHttpRequestOptions, INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import {
	concurApiRequest,
	concurApiRequestAllItems,
	concurErrorMessage,
	concurRetryPolicy,
	extractFailure,
	parseRetryAfterMs,
	retryDelayMs,
	type ConcurContext,
} from '../../nodes/Concur/transport';
import { ConcurTokenError } from '../../nodes/Concur/transport/tokenError';

const node: INode = { id: '1', name: 'Concur', type: 'n8n-nodes-concur.concur', typeVersion: 1, position: [0, 0], parameters: {} };
const defaultPolicy = { ...concurRetryPolicy };

afterEach(() => Object.assign(concurRetryPolicy, defaultPolicy));

/** An axios-style failure wrapped the way n8n-core's httpRequestWithAuthentication wraps it. */
function httpFailure(status: number, data: unknown, headers: Record<string, string> = {}) {
	const axiosError = Object.assign(new Error(`Request failed with status code ${status}`), {
		response: { status, data, headers },
		config: { headers: { Authorization: 'Bearer secret-access-token' } },
	});
	return new NodeApiError(node, axiosError as never);
}

type Answer = { body: unknown; statusCode?: number } | Error;

/** A context whose httpRequestWithAuthentication records what it gets and plays back answers. */
function context(...answers: Answer[]) {
	const calls: Array<{ credentialType: string; options: IHttpRequestOptions; extra: unknown }> = [];
	const stored = { accessToken: 'stored-token' };
	const ctx = {
		getNode: () => node,
		getCredentials: async () => ({ ...stored }),
		helpers: {
			httpRequestWithAuthentication: async (credentialType: string, options: IHttpRequestOptions, extra: unknown) => {
				calls.push({ credentialType, options, extra });
				const answer = answers.shift();
				if (!answer) throw new Error('unexpected request');
				if (answer instanceof Error) throw answer;
				return { statusCode: answer.statusCode ?? 200, headers: {}, body: answer.body };
			},
		},
	} as unknown as ConcurContext;
	return { ctx, calls, stored };
}

describe('concurErrorMessage', () => {
	it.each([
		['OAuth', { code: 5, error: 'invalid_grant', error_description: 'Incorrect Credentials. Please Retry' }, 'Incorrect Credentials. Please Retry'],
		['v4', { errorId: 'x', errorMessage: 'Report is not in a state to approve', httpStatus: '400' }, 'Report is not in a state to approve'],
		['v3', { Message: 'Report not found' }, 'Report not found'],
		['gateway', { httpStatus: '429 - Too Many Requests', error: { id: 'security.rate.limit.reached', message: 'Too many requests' } }, 'Too many requests'],
		['SCIM', { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidFilter', detail: 'The filter is invalid' }, 'The filter is invalid'],
		['List v4 bulk', { status: 'FAILURE', recordsSucceeded: 0, recordsFailed: 2, errors: [{ message: 'Code already exists', listItem: {} }, { message: 'Invalid code', listItem: {} }] }, 'Code already exists; Invalid code'],
		['validation', { validationErrors: [{ id: 'a', message: 'comment is required' }, { id: 'b', message: 'too long' }] }, 'comment is required; too long'],
	])('reads the %s error body', (_kind, body, expected) => {
		expect(concurErrorMessage(body)).toBe(expected);
		expect(concurErrorMessage(JSON.stringify(body))).toBe(expected);
	});

	it('reads the legacy XML <Error><Message>, as text or bytes', () => {
		const xml = '<?xml version="1.0" encoding="utf-8"?>\n<Error>\n<Message>Invalid User:dutchinw@anybizbu.com</Message>\n<Server-Time>2017-09-27T15:46:57</Server-Time>\n<Id>A55930EA</Id>\n</Error>';
		expect(concurErrorMessage(xml)).toBe('Invalid User:dutchinw@anybizbu.com');
		expect(concurErrorMessage(Buffer.from(xml))).toBe('Invalid User:dutchinw@anybizbu.com');
	});

	it('gives up quietly on hostile or empty bodies', () => {
		expect(concurErrorMessage('<!DOCTYPE x [<!ENTITY a "b">]><Error><Message>&a;</Message></Error>')).toBeUndefined();
		expect(concurErrorMessage('')).toBeUndefined();
		expect(concurErrorMessage({})).toBeUndefined();
		expect(concurErrorMessage('plain text')).toBe('plain text');
	});
});

describe('Retry-After and back-off', () => {
	it('parses seconds and HTTP dates, and ignores garbage', () => {
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(parseRetryAfterMs('0')).toBe(0);
		expect(parseRetryAfterMs('7')).toBe(7000);
		expect(parseRetryAfterMs(['3'])).toBe(3000);
		expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
		expect(parseRetryAfterMs('soon')).toBeUndefined();
		expect(parseRetryAfterMs(undefined)).toBeUndefined();
	});

	it('never waits less than the doubling floor, honours a longer Retry-After, and caps the wait', () => {
		Object.assign(concurRetryPolicy, { retryAfterFloorMs: 1000, maxDelayMs: 10_000 });
		expect([0, 1, 2].map((retry) => retryDelayMs(retry, 0))).toEqual([1000, 2000, 4000]);
		expect(retryDelayMs(0, 5000)).toBe(5000);
		expect(retryDelayMs(0, undefined)).toBe(1000);
		expect(retryDelayMs(5, 0)).toBe(10_000);
		expect(retryDelayMs(0, 3_600_000)).toBe(10_000);
	});
});

describe('extractFailure', () => {
	it('finds the HTTP response behind n8n-core’s NodeApiError', () => {
		const failure = extractFailure(httpFailure(429, { message: 'x' }, { 'Retry-After': '0', 'Concur-Correlationid': 'c-1' }));
		expect(failure).toMatchObject({ status: 429, body: { message: 'x' }, headers: { 'retry-after': '0', 'concur-correlationid': 'c-1' } });
	});

	it('recognises a token error from preAuthentication and network failures', () => {
		const tokenError = new NodeApiError(node, new ConcurTokenError('refresh token expired', { concurCode: 108 }) as never);
		expect(extractFailure(tokenError)).toMatchObject({ tokenErrorMessage: 'refresh token expired', tokenErrorStage: 'token' });
		const timeout = new NodeApiError(node, Object.assign(new Error('timeout of 60000ms exceeded'), { code: 'ECONNABORTED' }) as never);
		expect(extractFailure(timeout)).toMatchObject({ networkCode: 'ECONNABORTED' });
	});
});

describe('concurApiRequest', () => {
	it('asks for JSON through the credential, retrying an expired token on 401 and 403', async () => {
		const { ctx, calls } = context({ body: { Items: [] } });
		await concurApiRequest.call(ctx, { method: 'GET', url: '/api/v3.0/expense/reports', qs: { limit: 5 } });
		expect(calls).toHaveLength(1);
		expect(calls[0].credentialType).toBe('concurOAuth2Api');
		expect(calls[0].extra).toEqual({ preAuthenticationRetryStatusCode: [401, 403] });
		expect(calls[0].options).toMatchObject({
			method: 'GET',
			url: '/api/v3.0/expense/reports',
			qs: { limit: 5 },
			headers: { Accept: 'application/json' },
			timeout: 60_000,
			returnFullResponse: true,
		});
		// Errors must be thrown for n8n-core to refresh and retry.
		expect(calls[0].options.ignoreHttpStatusErrors).toBeUndefined();
	});

	it('sends a string body as XML, reads XML as bytes and returns clean JSON', async () => {
		const xml = '<?xml version="1.0" encoding="utf-8"?><ActionStatus xmlns="http://www.concursolutions.com/api/expense/expensereport/2011/03" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><Message>SUCCESS!</Message><Status>SUCCESS!</Status></ActionStatus>';
		const { ctx, calls } = context({ body: Buffer.from(xml) });
		const result = await concurApiRequest.call(ctx, { method: 'POST', url: 'https://www.concursolutions.com/x', body: '<WorkflowAction/>', format: 'xml' });
		expect(calls[0].options.headers).toMatchObject({ Accept: 'application/xml', 'Content-Type': 'application/xml' });
		expect(calls[0].options.encoding).toBe('arraybuffer');
		expect(calls[0].options.json).toBeUndefined();
		expect(JSON.stringify(result)).toBe(JSON.stringify({ Message: 'SUCCESS!', Status: 'SUCCESS!' }));
	});

	it('honours the encoding an XML answer declares (Latin-1 é stays é)', async () => {
		const xml = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><ReportDetails><ReportName>Caf\u00e9 Z\u00fcrich</ReportName></ReportDetails>', 'latin1');
		const { ctx } = context({ body: xml });
		const result = await concurApiRequest.call(ctx, { method: 'GET', url: '/x', format: 'xml' });
		expect(result).toEqual({ ReportName: 'Caf\u00e9 Z\u00fcrich' });
	});

	it('still returns clean JSON when a legacy endpoint answers XML to a JSON request', async () => {
		const { ctx } = context({ body: '<?xml version="1.0"?><Notifications xmlns="http://www.concursolutions.com/api/notification/2012/06"><Notification><ID>n1</ID></Notification></Notifications>' });
		const result = await concurApiRequest.call(ctx, { method: 'GET', url: '/api/platform/notifications/v1.0/notification' });
		expect(JSON.stringify(result)).toBe(JSON.stringify({ Notification: { ID: 'n1' } }));
	});

	it('sends an object body as JSON and answers {} for 204', async () => {
		const { ctx, calls } = context({ statusCode: 204, body: '' });
		const result = await concurApiRequest.call(ctx, { method: 'PATCH', url: '/expensereports/v4/reports/r/approve', body: { comment: 'ok' } });
		expect(calls[0].options).toMatchObject({ body: { comment: 'ok' }, json: true });
		expect(result).toEqual({});
	});

	it('turns unreadable XML into a NodeApiError instead of a crash', async () => {
		const { ctx } = context({ body: Buffer.from('<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>') });
		await expect(concurApiRequest.call(ctx, { method: 'GET', url: '/x', format: 'xml' })).rejects.toThrow(NodeApiError);
	});

	it('builds errors from plain data: no request headers, no token', async () => {
		const { ctx } = context(httpFailure(404, { Message: 'Report not found' }, { 'concur-correlationid': 'corr-9' }));
		const error = (await concurApiRequest.call(ctx, { method: 'GET', url: '/api/v3.0/expense/reports/X?user=a' }).catch((e: unknown) => e)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Report not found');
		expect(error.httpCode).toBe('404');
		expect(error.description).toBe('HTTP 404 from GET /api/v3.0/expense/reports/X. Concur-Correlationid: corr-9');
		expect(error.context.correlationId).toBe('corr-9');
		expect(error.cause).toBeUndefined();
		expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('secret-access-token');
	});

	it('retries 429 a bounded number of times, then fails; 503 fails at once', async () => {
		Object.assign(concurRetryPolicy, { retryAfterFloorMs: 1, maxDelayMs: 2 });
		const rateLimited = () => httpFailure(429, { error: { message: 'Too many requests' } }, { 'retry-after': '0' });
		const busy = context(rateLimited(), rateLimited(), rateLimited(), rateLimited());
		await expect(concurApiRequest.call(busy.ctx, { method: 'GET', url: '/x' })).rejects.toThrow(/after 3 retries/);
		expect(busy.calls).toHaveLength(4);

		const down = context(httpFailure(503, ''), { body: {} });
		await expect(concurApiRequest.call(down.ctx, { method: 'GET', url: '/x' })).rejects.toThrow(
			'Concur is down for maintenance: it asks callers to wait 5 minutes',
		);
		expect(down.calls).toHaveLength(1);
	});
});

describe('concurApiRequestAllItems', () => {
	it('follows NextPage without resending the query, and stops on a repeated page', async () => {
		const next = 'https://us.api.concursolutions.com/api/v3.0/expense/reports?offset=2&limit=2';
		const { ctx, calls } = context(
			{ body: { Items: [{ ID: 1 }, { ID: 2 }], NextPage: next } },
			{ body: { Items: [{ ID: 3 }, { ID: 4 }], NextPage: next } },
		);
		const items = await concurApiRequestAllItems.call(ctx, { method: 'GET', url: '/api/v3.0/expense/reports', qs: { user: 'ALL' } });
		expect(items.map((item) => item.ID)).toEqual([1, 2, 3, 4]);
		expect(calls[1].options.url).toBe(next);
		expect(calls[1].options.qs).toBeUndefined();
		expect(calls).toHaveLength(2);
	});

	it('asks for at most the limit per page and stops once it has enough', async () => {
		const { ctx, calls } = context({ body: { Items: [{ ID: 1 }, { ID: 2 }, { ID: 3 }], NextPage: 'https://x.api.concursolutions.com/next' } });
		const items = await concurApiRequestAllItems.call(ctx, { method: 'GET', url: '/api/v3.0/expense/reports' }, 3);
		expect(items).toHaveLength(3);
		expect(calls[0].options.qs).toEqual({ limit: 3 });
		expect(calls).toHaveLength(1);
	});
});

describe('expired tokens answered with 403 on n8n versions that refresh only on 401', () => {
	const forbidden = () => httpFailure(403, { Message: 'Access token expired' });

	it('forces one refresh when n8n left the token unchanged, then sends the request again', async () => {
		const { ctx, calls } = context(forbidden(), { body: { ok: true } });
		await expect(concurApiRequest.call(ctx, { method: 'GET', url: '/api/v3.0/expense/reports' })).resolves.toEqual({ ok: true });
		expect(calls).toHaveLength(2);
		expect((calls[0].extra as { credentialsDecrypted?: unknown }).credentialsDecrypted).toBeUndefined();
		const forced = (calls[1].extra as { credentialsDecrypted: { data: { accessToken: string } } }).credentialsDecrypted;
		expect(forced.data.accessToken).toBe('');
	});

	it('does not retry again when n8n already refreshed (the stored token changed): a real permission 403', async () => {
		const { ctx, calls, stored } = context();
		const refreshedByN8n = async () => {
			stored.accessToken = 'new-token-from-n8n';
			throw forbidden();
		};
		(ctx.helpers as unknown as { httpRequestWithAuthentication: unknown }).httpRequestWithAuthentication = async (
			credentialType: string,
			options: IHttpRequestOptions,
			extra: unknown,
		) => {
			calls.push({ credentialType, options, extra });
			return await refreshedByN8n();
		};
		await expect(concurApiRequest.call(ctx, { method: 'GET', url: '/x' })).rejects.toThrow('Access token expired');
		expect(calls).toHaveLength(1);
	});

	it('forces at most one refresh per request', async () => {
		const { ctx, calls } = context(forbidden(), forbidden(), { body: {} });
		await expect(concurApiRequest.call(ctx, { method: 'GET', url: '/x' })).rejects.toThrow('Access token expired');
		expect(calls).toHaveLength(2);
	});
});

describe('extractFailure on n8n 1.x errors', () => {
	it('reads the HTTP code and JSON body that n8n 1.x keeps on its NodeApiError (the cause is gone)', () => {
		const error = Object.assign(new Error('Forbidden - perhaps check your credentials?'), {
			httpCode: '403',
			context: { data: { Message: 'Access token expired' } },
		});
		expect(extractFailure(error)).toMatchObject({ status: 403, body: { Message: 'Access token expired' } });
	});

	it('does not mistake a non-HTTP code for a status', () => {
		const error = Object.assign(new Error('boom'), { httpCode: 'ECONNRESET' });
		expect(extractFailure(error).status).toBeUndefined();
	});
});
