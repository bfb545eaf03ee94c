// Shared HTTP plumbing of the simulator: request context, Concur's per-API error shapes,
// output helpers and resource authentication.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConcurSimulator } from './index';
import {
	type Home,
	type SimUser,
	type WorkflowActor,
} from './state';
import type { AccessClaims } from './tokens';
import { escapeXml } from './xml';

export const NS_EXPENSE = 'http://www.concursolutions.com/api/expense/expensereport/2011/03';
export const NS_NOTIFICATION = 'http://www.concursolutions.com/api/notification/2012/06';
export const NS_XSI = 'http://www.w3.org/2001/XMLSchema-instance';

export interface LoggedRequest {
	method: string;
	/** Raw path as received (not decoded). */
	path: string;
	query: Record<string, string>;
	/** Which geolocation the request reached. */
	geo: Home;
	host: string;
	/** `Bearer`, `OAuth`, `Basic` or null: the scheme only, never the credential. */
	authScheme: string | null;
	correlationId: string;
	at: string;
	status?: number;
}

/** Error body families: each Concur API answers errors in its own shape. */
type Family = 'oauth' | 'v3' | 'legacy' | 'v4' | 'gateway' | 'admin';

export function familyOf(path: string): Family {
	if (path.startsWith('/oauth2/')) return 'oauth';
	if (path.startsWith('/api/v3.0/')) return 'v3';
	if (path.startsWith('/expensereports/')) return 'v4';
	if (path.startsWith('/events/')) return 'gateway';
	if (path.startsWith('/_sim/')) return 'admin';
	return 'legacy';
}

export const STATUS_TEXT: Record<number, string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	405: 'Method Not Allowed',
	409: 'Conflict',
	413: 'Payload Too Large',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
};

export class HttpError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly extra: { errorId?: string; validationErrors?: Array<{ id: string; message: string; source: string }> } = {},
	) {
		super(message);
	}
}

/** Per-request context handed to the route handlers. */
export interface RequestContext {
	req: IncomingMessage;
	res: ServerResponse;
	method: string;
	path: string;
	query: URLSearchParams;
	geo: Home;
	/** Base URL of the geolocation this request reached. */
	base: string;
	correlationId: string;
	body: Buffer;
	log: LoggedRequest;
}

// ------------------------------------------------------------------------------------------ output

export function send(ctx: RequestContext, status: number, body: string | Buffer | null, contentType?: string, headers: Record<string, string> = {}): void {
	if (ctx.res.headersSent) return;
	ctx.log.status = status;
	const out: Record<string, string> = { 'Concur-Correlationid': ctx.correlationId, ...headers };
	if (contentType && body !== null) out['Content-Type'] = contentType;
	ctx.res.writeHead(status, out);
	ctx.res.end(body ?? undefined);
}

export function sendJson(ctx: RequestContext, status: number, value: unknown, headers: Record<string, string> = {}): void {
	send(ctx, status, JSON.stringify(value), 'application/json; charset=utf-8', headers);
}

export function sendXml(ctx: RequestContext, status: number, xml: string): void {
	send(ctx, status, xml, 'application/xml; charset=utf-8');
}

/** Answers an error in the shape of the API family the path belongs to. */
export function sendError(ctx: RequestContext, status: number, message: string, extra: HttpError['extra'] = {}, headers: Record<string, string> = {}): void {
	const family = familyOf(ctx.path);
	const timestamp = new Date().toISOString();
	switch (family) {
		case 'oauth':
			sendJson(ctx, status, { code: 0, error: 'invalid_request', error_description: message, geolocation: ctx.base }, headers);
			return;
		case 'v3':
			sendJson(ctx, status, { Message: message }, headers);
			return;
		case 'v4':
			sendJson(
				ctx,
				status,
				{
					errorId: extra.errorId ?? randomUUID(),
					errorMessage: message,
					httpStatus: `${status} - ${STATUS_TEXT[status] ?? 'Error'}`,
					path: ctx.path,
					timestamp,
					validationErrors: extra.validationErrors ?? [],
				},
				headers,
			);
			return;
		case 'gateway':
		case 'admin':
			sendJson(
				ctx,
				status,
				{ timestamp, httpStatus: `${status} - ${STATUS_TEXT[status] ?? 'Error'}`, error: { id: extra.errorId ?? `http.${status}`, message }, path: ctx.path },
				headers,
			);
			return;
		case 'legacy':
			send(
				ctx,
				status,
				`<?xml version="1.0" encoding="utf-8"?>\n<Error>\n<Message>${escapeXml(message)}</Message>\n<Server-Time>${timestamp.slice(0, 19)}</Server-Time>\n<Id>${randomUUID().toUpperCase()}</Id>\n</Error>`,
				'application/xml; charset=utf-8',
				headers,
			);
	}
}

/** Percent-decodes a path segment (for ids that are not Concur keys); malformed input is a 400. */
export function safeDecode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		throw new HttpError(400, `Malformed path segment: ${segment}`);
	}
}

export function requireMethod(ctx: RequestContext, method: string): void {
	if (ctx.method !== method) throw new HttpError(405, `Method ${ctx.method} not allowed`);
}

export function jsonBody(ctx: RequestContext): Record<string, unknown> {
	if (ctx.body.length === 0) return {};
	try {
		const parsed = JSON.parse(ctx.body.toString('utf8')) as unknown;
		if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
		return parsed as Record<string, unknown>;
	} catch {
		throw new HttpError(400, 'Request body is not a JSON object');
	}
}

// ------------------------------------------------------------------------------------------ auth

/**
 * Checks the Authorization header (`Bearer <jwt>` or `OAuth <jwt>`). `kind` 'app' is the ESS
 * management API, the only one that takes client-credentials (app) tokens.
 */
export function authenticate(sim: ConcurSimulator, ctx: RequestContext, kind: 'resource' | 'app'): AccessClaims {
	const header = ctx.req.headers.authorization;
	if (typeof header !== 'string' || !header.trim()) throw new HttpError(401, 'Missing Authorization header');
	const match = /^(Bearer|OAuth)\s+(\S+)\s*$/i.exec(header);
	if (!match) throw new HttpError(401, 'Authorization header must be "Bearer <token>" or "OAuth <token>"');
	const verdict = sim.tokenAuthority.verifyAccessToken(match[2]);
	const badStatus = sim.tokenAuthority.settings.expiredStatus;
	if (verdict === 'expired') throw new HttpError(badStatus, 'Access token expired', { errorId: 'security.token.expired' });
	if (verdict === 'invalid') throw new HttpError(badStatus, 'Invalid access token', { errorId: 'security.token.invalid' });
	if (verdict.iss !== ctx.base) throw new HttpError(401, `Token was issued for ${verdict.iss}; call that geolocation`, { errorId: 'security.token.geolocation' });
	if (kind === 'app' && verdict['concur.type'] !== 'app') throw new HttpError(403, 'This API requires an application (client credentials) token');
	if (kind === 'resource' && verdict['concur.type'] === 'app') throw new HttpError(403, 'Application tokens are not accepted by this API');
	return verdict;
}

export function tokenUser(sim: ConcurSimulator, claims: AccessClaims): SimUser | undefined {
	return claims['concur.type'] === 'user' ? sim.tenant.userByUuid(claims.sub) : undefined;
}

/**
 * Who a token acts as in a workflow action: the System role for company tokens and Web Services
 * Administrators (Concur's v1.1 Workflow Action docs), else the token's user (an approver, if anyone's).
 */
export function workflowActor(sim: ConcurSimulator, claims: AccessClaims): WorkflowActor {
	const user = tokenUser(sim, claims);
	return !user || user.admin ? { kind: 'system' } : { kind: 'user', user };
}

/** Company tokens and Web Services Admin users may act on every user's reports. */
export function isAdmin(sim: ConcurSimulator, claims: AccessClaims): boolean {
	return claims['concur.type'] === 'company' || !!tokenUser(sim, claims)?.admin;
}

export function constantTimeEqual(a: string, b: string): boolean {
	// Simulated secrets are compared in constant time too, so the simulator is no bad example.
	const ha = createHash('sha256').update(a).digest();
	const hb = createHash('sha256').update(b).digest();
	return timingSafeEqual(ha, hb) && a.length === b.length;
}
