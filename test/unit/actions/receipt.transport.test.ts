/**
 * The transport's binary paths the Receipt operations use: `concurApiDownload` (a streamed answer
 * handed back untouched; a streamed error read for Concur's message; 429 retried) and
 * `binaryBody` (called once per attempt, so a stream is never sent twice, also after n8n
 * refreshed the token and could not resend it).
 */
import { Readable } from 'node:stream';

import type { IHttpRequestOptions, INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { concurApiDownload, concurApiRequest, concurRetryPolicy, type ConcurContext } from '../../../nodes/Concur/transport';

const node: INode = { id: '1', name: 'Concur', type: 'n8n-nodes-concur.concur', typeVersion: 1, position: [0, 0], parameters: {} };
const defaultPolicy = { ...concurRetryPolicy };

beforeEach(() => {
	concurRetryPolicy.retryAfterFloorMs = 1;
});
afterEach(() => Object.assign(concurRetryPolicy, defaultPolicy));

/** A failure as n8n-core's httpRequestWithAuthentication throws it, the body being a stream. */
function streamedFailure(status: number, body: string, headers: Record<string, string> = {}) {
	const axiosError = Object.assign(new Error(`Request failed with status code ${status}`), {
		response: { status, data: Readable.from([Buffer.from(body)]), headers },
	});
	return new NodeApiError(node, axiosError as never);
}

/** A failure whose body is bytes (what an XML request, read as an arraybuffer, gets). */
function failure(status: number, body: string, headers: Record<string, string> = {}) {
	const axiosError = Object.assign(new Error(`Request failed with status code ${status}`), {
		response: { status, data: Buffer.from(body), headers },
	});
	return new NodeApiError(node, axiosError as never);
}

type Answer = { body: unknown; statusCode?: number; headers?: Record<string, string> } | Error | ((options: IHttpRequestOptions) => Promise<unknown>);

function context(...answers: Answer[]) {
	const calls: IHttpRequestOptions[] = [];
	const stored = { accessToken: 'stored-token' };
	const ctx = {
		getNode: () => node,
		getCredentials: async () => ({ ...stored }),
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) => {
				calls.push(options);
				const answer = answers.shift();
				if (!answer) throw new Error('unexpected request');
				if (typeof answer === 'function') return await answer(options);
				if (answer instanceof Error) throw answer;
				return { statusCode: answer.statusCode ?? 200, headers: answer.headers ?? {}, body: answer.body };
			},
		},
	} as unknown as ConcurContext;
	return { ctx, calls, stored };
}

describe('concurApiDownload', () => {
	it('asks for a stream and hands the very stream back with its type, name and length', async () => {
		const stream = Readable.from([Buffer.from('%PDF-1.4')]);
		const { ctx, calls } = context({ body: stream, headers: { 'Content-Type': 'application/pdf', 'Content-Disposition': 'inline; filename="r.pdf"', 'Content-Length': '8' } });
		const result = await concurApiDownload.call(ctx, { url: 'https://imagingupload.concursolutions.com/file/x?id=1' });
		expect(result).toEqual({ body: stream, contentType: 'application/pdf', contentDisposition: 'inline; filename="r.pdf"', contentLength: 8 });
		expect(calls[0]).toEqual(
			expect.objectContaining({ method: 'GET', url: 'https://imagingupload.concursolutions.com/file/x?id=1', encoding: 'stream', returnFullResponse: true, headers: { Accept: '*/*' } }),
		);
	});

	it('reads a streamed error for Concur\'s message and names only the origin of the image URL', async () => {
		const { ctx } = context(streamedFailure(404, '<Error><Message>Image not found</Message></Error>'));
		const error = await concurApiDownload.call(ctx, { url: 'https://imagingupload.concursolutions.com/file/SECRETPATH?id=1' }).catch((caught) => caught);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Image not found');
		expect(error.description).toContain('GET https://imagingupload.concursolutions.com/…');
		expect(`${error.message} ${error.description}`).not.toContain('SECRETPATH');
	});

	it('rides out a 429 (the error stream is drained first) and refuses an empty answer', async () => {
		const drained = streamedFailure(429, '{"error":{"message":"Too many requests"}}', { 'retry-after': '0' });
		const stream = Readable.from([Buffer.from('x')]);
		const { ctx, calls } = context(drained, { body: stream });
		expect((await concurApiDownload.call(ctx, { url: '/api/image/v1.0/x' })).body).toBe(stream);
		expect(calls).toHaveLength(2);

		const empty = context({ body: '', statusCode: 204 });
		await expect(concurApiDownload.call(empty.ctx, { url: '/api/image/v1.0/x' })).rejects.toThrow('Concur sent no content (GET /api/image/v1.0/x)');
	});
});

describe('binaryBody', () => {
	it('is called for every attempt, so a 429 retry sends a fresh stream', async () => {
		const bodies: unknown[] = [];
		const factory = jest.fn(async () => Readable.from([Buffer.from('png')]));
		const { ctx } = context(
			async (options) => {
				bodies.push(options.body);
				throw failure(429, '', { 'retry-after': '0' });
			},
			async (options) => {
				bodies.push(options.body);
				return { statusCode: 201, headers: {}, body: Buffer.from('<Image><Id>1</Id><Url /></Image>') };
			},
		);
		const answer = await concurApiRequest.call(ctx, {
			method: 'POST',
			url: '/api/image/v1.0/expenseentry/K',
			headers: { 'Content-Type': 'image/png', 'Content-Length': '3' },
			binaryBody: factory,
			format: 'xml',
		});
		expect(answer).toEqual({ Id: '1', Url: '' });
		expect(factory).toHaveBeenCalledTimes(2);
		expect(bodies[0]).not.toBe(bodies[1]);
		expect(bodies.every((body) => body instanceof Readable)).toBe(true);
	});

	it('sends a fresh stream once after n8n refreshed the token but could not resend it', async () => {
		const { ctx, calls, stored } = context(
			async () => {
				// n8n-core refreshed the credential during this attempt, then surfaced the 401.
				stored.accessToken = 'refreshed-token';
				throw failure(401, '');
			},
			{ body: Buffer.from('<Image><Id>2</Id><Url /></Image>'), statusCode: 201 },
		);
		const answer = await concurApiRequest.call(ctx, {
			method: 'POST',
			url: '/api/image/v1.0/report/R',
			headers: { 'Content-Type': 'application/pdf' },
			binaryBody: async () => Readable.from([Buffer.from('%PDF')]),
			format: 'xml',
		});
		expect(answer).toEqual({ Id: '2', Url: '' });
		expect(calls).toHaveLength(2);
	});

	it('does not resend when the token did not change: the 401 is the answer', async () => {
		const { ctx, calls } = context(failure(401, '{"errorMessage":"Invalid access token"}'), failure(401, ''));
		await expect(
			concurApiRequest.call(ctx, { method: 'POST', url: '/api/image/v1.0/report/R', headers: { 'Content-Type': 'application/pdf' }, binaryBody: async () => Buffer.from('%PDF'), format: 'xml' }),
		).rejects.toThrow('Invalid access token');
		expect(calls).toHaveLength(1);
	});
});
