// HTTP routing of the Concur simulator. Every wire format follows /work/shared/reference/concur-api.md.
// Paths are matched on the RAW request path: report keys contain `$` and `%` and are compared
// byte for byte, never percent-decoded.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConcurSimulator } from './index';
import {
	amountDueEmployee,
	APPROVAL_STATUS_NAMES,
	KNOWN_EXCEPTION_CODES,
	LEGACY_HOST,
	PAYMENT_STATUS_NAMES,
	reportTotal,
	TransitionError,
	v3Date,
	v3Timestamp,
	v3TimestampOrNull,
	type Home,
	type ReportAction,
	type SimReport,
	type SimUser,
} from './state';
import { testConnection } from './sender';
import { OAuthError, type AccessClaims } from './tokens';
import { child, childText, escapeXml, parseXml, XmlParseError } from './xml';

const NS_EXPENSE = 'http://www.concursolutions.com/api/expense/expensereport/2011/03';
const NS_NOTIFICATION = 'http://www.concursolutions.com/api/notification/2012/06';
const NS_XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const MAX_BODY_BYTES = 1_000_000;

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

function familyOf(path: string): Family {
	if (path.startsWith('/oauth2/')) return 'oauth';
	if (path.startsWith('/api/v3.0/')) return 'v3';
	if (path.startsWith('/expensereports/')) return 'v4';
	if (path.startsWith('/events/')) return 'gateway';
	if (path.startsWith('/_sim/')) return 'admin';
	return 'legacy';
}

const STATUS_TEXT: Record<number, string> = {
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

function send(ctx: RequestContext, status: number, body: string | Buffer | null, contentType?: string, headers: Record<string, string> = {}): void {
	if (ctx.res.headersSent) return;
	ctx.log.status = status;
	const out: Record<string, string> = { 'Concur-Correlationid': ctx.correlationId, ...headers };
	if (contentType && body !== null) out['Content-Type'] = contentType;
	ctx.res.writeHead(status, out);
	ctx.res.end(body ?? undefined);
}

function sendJson(ctx: RequestContext, status: number, value: unknown, headers: Record<string, string> = {}): void {
	send(ctx, status, JSON.stringify(value), 'application/json; charset=utf-8', headers);
}

function sendXml(ctx: RequestContext, status: number, xml: string): void {
	send(ctx, status, xml, 'application/xml; charset=utf-8');
}

/** Answers an error in the shape of the API family the path belongs to. */
function sendError(ctx: RequestContext, status: number, message: string, extra: HttpError['extra'] = {}, headers: Record<string, string> = {}): void {
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

// ------------------------------------------------------------------------------------------ entry

export async function handleRequest(sim: ConcurSimulator, req: IncomingMessage, res: ServerResponse, geo: Home): Promise<void> {
	const rawUrl = req.url ?? '/';
	const q = rawUrl.indexOf('?');
	const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
	const query = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1));
	const incomingCorrelation = req.headers['concur-correlationid'];
	const correlationId = typeof incomingCorrelation === 'string' && /^[\w.-]{1,100}$/.test(incomingCorrelation) ? incomingCorrelation : randomUUID();
	const authHeader = req.headers.authorization;
	const log: LoggedRequest = {
		method: req.method ?? 'GET',
		path,
		query: Object.fromEntries(query.entries()),
		geo,
		host: String(req.headers.host ?? ''),
		authScheme: typeof authHeader === 'string' ? (authHeader.split(' ')[0] ?? null) : null,
		correlationId,
		at: new Date().toISOString(),
	};
	const ctx: RequestContext = { req, res, method: log.method, path, query, geo, base: sim.geoBaseUrl(geo), correlationId, body: Buffer.alloc(0), log };
	const isAdmin = path.startsWith('/_sim/');
	if (!isAdmin) sim.requests.push(log);
	try {
		ctx.body = await readBody(req);
	} catch (error) {
		sendError(ctx, error instanceof HttpError ? error.status : 400, (error as Error).message);
		return;
	}
	try {
		if (!isAdmin) {
			if (sim.faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, sim.faults.latencyMs));
			if (sim.faults.takeHang(path)) {
				sim.hungResponses.add(res);
				res.on('close', () => sim.hungResponses.delete(res));
				return; // never answered
			}
			const fault = sim.faults.takeStatus(path);
			if (fault) {
				const headers: Record<string, string> = {};
				const retryAfter = fault.retryAfter ?? (fault.status === 429 ? '0' : undefined);
				if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
				if (fault.status === 429) {
					// §6: the gateway's rate-limit body, whatever the API.
					sendJson(
						ctx,
						429,
						{ timestamp: new Date().toISOString(), httpStatus: '429 - Too Many Requests', error: { id: 'security.rate.limit.reached', message: 'Too many requests' }, path },
						headers,
					);
				} else sendError(ctx, fault.status, STATUS_TEXT[fault.status] ?? 'Injected fault', {}, headers);
				return;
			}
		}
		await route(sim, ctx);
	} catch (error) {
		if (error instanceof HttpError) sendError(ctx, error.status, error.message, error.extra);
		else if (error instanceof OAuthError) sendJson(ctx, error.httpStatus, error.body());
		else if (error instanceof TransitionError) sendError(ctx, 400, error.message);
		else {
			sendError(ctx, 500, 'Internal simulator error');
			sim.internalErrors.push(error as Error);
		}
	}
}

function readBody(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				reject(new HttpError(413, 'Request body too large'));
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

// ------------------------------------------------------------------------------------------ routes

async function route(sim: ConcurSimulator, ctx: RequestContext): Promise<void> {
	const { method, path } = ctx;
	let m: RegExpExecArray | null;

	if (path.startsWith('/_sim/')) return adminRoute(sim, ctx);

	if (path === '/oauth2/v0/token') {
		if (method !== 'POST') throw new HttpError(405, 'Method not allowed');
		return tokenEndpoint(sim, ctx);
	}

	// v3 reports
	if (path === '/api/v3.0/expense/reports' || path === '/api/v3.0/expense/reports/') {
		requireMethod(ctx, 'GET');
		return v3List(sim, ctx, authenticate(sim, ctx, 'resource'));
	}
	if ((m = /^\/api\/v3\.0\/expense\/reports\/([^/]+)$/.exec(path))) {
		requireMethod(ctx, 'GET');
		return v3Get(sim, ctx, authenticate(sim, ctx, 'resource'), m[1]);
	}

	// v1.1 legacy XML
	if ((m = /^\/api\/expense\/expensereport\/v1\.1\/reportfulldetails\/([^/]+)$/i.exec(path))) {
		requireMethod(ctx, 'GET');
		authenticate(sim, ctx, 'resource');
		return v11FullDetails(sim, ctx, m[1]);
	}
	if ((m = /^\/api\/expense\/expensereport\/v1\.1\/report\/([^/]+)\/exceptions$/i.exec(path))) {
		requireMethod(ctx, 'POST');
		authenticate(sim, ctx, 'resource');
		return v11Exceptions(sim, ctx, m[1]);
	}
	if ((m = /^\/api\/expense\/expensereport\/v1\.1\/report\/([^/]+)\/workflowaction$/i.exec(path))) {
		requireMethod(ctx, 'POST');
		const claims = authenticate(sim, ctx, 'resource');
		return v11WorkflowAction(sim, ctx, m[1], claims);
	}

	// notifications
	if (/^\/api\/platform\/notifications\/v1\.0\/notification\/?$/i.test(path)) {
		requireMethod(ctx, 'GET');
		authenticate(sim, ctx, 'resource');
		return notificationsList(sim, ctx);
	}
	if ((m = /^\/api\/platform\/notifications\/v1\.0\/notification\/([^/]+)$/i.exec(path))) {
		requireMethod(ctx, 'DELETE');
		authenticate(sim, ctx, 'resource');
		const index = sim.tenant.notifications.findIndex((n) => n.id === m![1]);
		if (index < 0) throw new HttpError(404, `Notification ${m[1]} not found`);
		sim.tenant.notifications.splice(index, 1);
		return send(ctx, 200, null);
	}

	// v4 expense reports
	if ((m = /^\/expensereports\/v4\/users\/([^/]+)\/context\/([^/]+)\/reports\/([^/]+)$/.exec(path))) {
		requireMethod(ctx, 'GET');
		const claims = authenticate(sim, ctx, 'resource');
		return v4Get(sim, ctx, claims, m[1], m[2], m[3]);
	}
	if ((m = /^\/expensereports\/v4\/reports\/([^/]+)\/(approve|sendBack)$/.exec(path))) {
		requireMethod(ctx, 'PATCH');
		const claims = authenticate(sim, ctx, 'resource');
		return v4Workflow(sim, ctx, claims, m[1], m[2] as 'approve' | 'sendBack');
	}
	if ((m = /^\/expensereports\/v4\/users\/([^/]+)\/context\/([^/]+)\/reports\/([^/]+)\/(approve|sendBack|recall)$/.exec(path))) {
		requireMethod(ctx, 'PATCH');
		const claims = authenticate(sim, ctx, 'resource');
		checkV4Context(sim, m[1], m[2]);
		return v4Workflow(sim, ctx, claims, m[3], m[4] as 'approve' | 'sendBack' | 'recall');
	}
	if ((m = /^\/expensereports\/v4\/users\/([^/]+)\/reports\/([^/]+)\/submit$/.exec(path))) {
		requireMethod(ctx, 'PATCH');
		const claims = authenticate(sim, ctx, 'resource');
		return v4Workflow(sim, ctx, claims, m[2], 'submit');
	}
	if ((m = /^\/expensereports\/v4\/reports\/([^/]+)\/exceptions$/.exec(path))) {
		authenticate(sim, ctx, 'resource');
		const report = sim.tenant.reportById(m[1]);
		if (!report) throw new HttpError(404, `Report ${m[1]} not found`);
		if (method === 'GET') {
			return sendJson(
				ctx,
				200,
				report.exceptions.map((e) => ({ exceptionCode: e.exceptionCode, exceptionVisibility: e.exceptionVisibility, objectType: e.objectType, objectId: e.objectId })),
			);
		}
		if (method === 'PUT') {
			const body = jsonBody(ctx) as { exceptionCode?: unknown; exceptionVisibility?: unknown };
			const validationErrors: Array<{ id: string; message: string; source: string }> = [];
			if (typeof body.exceptionCode !== 'string' || !body.exceptionCode)
				validationErrors.push({ id: 'exceptionCode', message: 'exceptionCode is required', source: 'exceptionCode' });
			if (body.exceptionVisibility !== undefined && !['ALL', 'APPROVER_PROCESSOR', 'PROCESSOR'].includes(String(body.exceptionVisibility)))
				validationErrors.push({ id: 'exceptionVisibility', message: 'exceptionVisibility must be ALL, APPROVER_PROCESSOR or PROCESSOR', source: 'exceptionVisibility' });
			if (validationErrors.length) throw new HttpError(400, 'Validation failed', { validationErrors });
			const added = sim.tenant.addException(report, {
				exceptionCode: body.exceptionCode as string,
				exceptionVisibility: String(body.exceptionVisibility ?? 'ALL'),
				objectType: 'Report',
				objectId: null,
				source: 'v4',
			});
			if (!added)
				throw new HttpError(400, `Invalid exception code ${String(body.exceptionCode)}`, {
					validationErrors: [{ id: 'exceptionCode', message: 'Invalid Exception Code', source: 'exceptionCode' }],
				});
			return send(ctx, 200, null);
		}
		throw new HttpError(405, 'Method not allowed');
	}
	if ((m = /^\/expensereports\/v4\/reports\/([^/]+)\/exceptions\/([^/]+)$/.exec(path))) {
		requireMethod(ctx, 'DELETE');
		authenticate(sim, ctx, 'resource');
		const report = sim.tenant.reportById(m[1]);
		if (!report) throw new HttpError(404, `Report ${m[1]} not found`);
		if (!sim.tenant.removeException(report, safeDecode(m[2]))) throw new HttpError(404, `Exception ${m[2]} not found on report ${m[1]}`);
		return send(ctx, 204, null);
	}

	// ESS subscription management
	if (path.startsWith('/events/v4/')) {
		const claims = authenticate(sim, ctx, 'app');
		return essRoute(sim, ctx, claims);
	}

	throw new HttpError(404, `No such resource: ${method} ${path}`);
}

/** Percent-decodes a path segment (for ids that are not Concur keys); malformed input is a 400. */
function safeDecode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		throw new HttpError(400, `Malformed path segment: ${segment}`);
	}
}

function requireMethod(ctx: RequestContext, method: string): void {
	if (ctx.method !== method) throw new HttpError(405, `Method ${ctx.method} not allowed`);
}

function jsonBody(ctx: RequestContext): Record<string, unknown> {
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
function authenticate(sim: ConcurSimulator, ctx: RequestContext, kind: 'resource' | 'app'): AccessClaims {
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

function tokenUser(sim: ConcurSimulator, claims: AccessClaims): SimUser | undefined {
	return claims['concur.type'] === 'user' ? sim.tenant.userByUuid(claims.sub) : undefined;
}

/** Company tokens and Web Services Admin users may act on every user's reports. */
function isAdmin(sim: ConcurSimulator, claims: AccessClaims): boolean {
	return claims['concur.type'] === 'company' || !!tokenUser(sim, claims)?.admin;
}

// ------------------------------------------------------------------------------------------ OAuth

function tokenEndpoint(sim: ConcurSimulator, ctx: RequestContext): void {
	const contentType = String(ctx.req.headers['content-type'] ?? '');
	const oauthError = (status: number, code: number, error: string, description: string, geolocation = ctx.base) =>
		new OAuthError(status, code, error, description, geolocation);
	if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded'))
		throw oauthError(400, 135, 'invalid_request', 'unsupported request format: use application/x-www-form-urlencoded');
	const form = new URLSearchParams(ctx.body.toString('utf8'));
	const seed = sim.seed;
	const clientId = form.get('client_id') ?? '';
	const clientSecret = form.get('client_secret') ?? '';
	if (!clientId || !constantTimeEqual(clientId, seed.clientId) || !constantTimeEqual(clientSecret, seed.clientSecret))
		throw oauthError(401, 64, 'invalid_client', 'invalid client credentials');
	if (sim.clientDisabled) throw oauthError(400, 59, 'unauthorized_client', 'client disabled');
	const allowedScopes = sim.clientScopes;
	const requested = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
	const unknownScope = requested.find((s) => !allowedScopes.includes(s));
	if (unknownScope) throw oauthError(400, 54, 'invalid_scope', `invalid scope: ${unknownScope}`);
	const scope = (requested.length ? requested : allowedScopes).join(' ');
	const grantType = form.get('grant_type');
	const tokens = sim.tokenAuthority;
	const expiresIn = String(tokens.settings.lifetimeSeconds);

	if (grantType === 'password') {
		const credtype = form.get('credtype') ?? 'password';
		const username = form.get('username') ?? '';
		const password = form.get('password') ?? '';
		if (credtype === 'password') {
			const user = sim.tenant.userByLogin(username);
			if (!user || !constantTimeEqual(password, user.password)) throw oauthError(400, 5, 'invalid_grant', 'Incorrect Credentials. Please Retry');
			const home = sim.geoBaseUrl(user.home);
			if (home !== ctx.base) throw oauthError(400, 16, 'invalid_request', 'user lives elsewhere', home);
			return sendJson(ctx, 200, {
				expires_in: expiresIn,
				scope,
				token_type: 'Bearer',
				access_token: tokens.issueAccessToken('user', user.uuid, home, scope, sim.tenant.companyUuid),
				refresh_token: tokens.issueRefreshToken({ type: 'user', subject: user.uuid, geolocation: home, scope }),
				id_token: tokens.issueIdToken('user', user.uuid, home, clientId),
				geolocation: home,
			});
		}
		if (credtype === 'authtoken') {
			const tenant = sim.tenant;
			const fresh = Date.now() - tenant.requestTokenIssuedAt < 24 * 3600 * 1000;
			if (!constantTimeEqual(username, tenant.companyUuid) || !constantTimeEqual(password, tenant.requestToken) || !fresh)
				throw oauthError(400, 5, 'invalid_grant', 'Incorrect Credentials. Please Retry');
			if (!tenant.companyEnabledForClient) throw oauthError(400, 53, 'unauthorized_client', 'company not enabled for client');
			// Company grants go to a global host that answers with the company's geolocation.
			const home = sim.geoBaseUrl(tenant.companyHome);
			return sendJson(ctx, 200, {
				expires_in: expiresIn,
				scope,
				token_type: 'Bearer',
				access_token: tokens.issueAccessToken('company', tenant.companyUuid, home, scope, tenant.companyUuid),
				refresh_token: tokens.issueRefreshToken({ type: 'company', subject: tenant.companyUuid, geolocation: home, scope }),
				id_token: tokens.issueIdToken('company', tenant.companyUuid, home, clientId),
				geolocation: home,
			});
		}
		throw oauthError(400, 135, 'invalid_request', `unsupported credtype ${credtype}`);
	}

	if (grantType === 'refresh_token') {
		const presented = form.get('refresh_token') ?? '';
		const record = sim.tokenAuthority.peekRefreshToken(presented);
		if (!record) throw oauthError(400, 108, 'invalid_grant', 'bad or expired refresh token');
		const home = sim.geoBaseUrl(record.type === 'user' ? (sim.tenant.userByUuid(record.subject)?.home ?? 'primary') : sim.tenant.companyHome);
		if (home !== ctx.base && record.type === 'user') throw oauthError(400, 16, 'invalid_request', 'user lives elsewhere', home);
		tokens.consumeRefreshToken(presented);
		const refreshScope = requested.length ? scope : record.scope;
		return sendJson(ctx, 200, {
			expires_in: expiresIn,
			scope: refreshScope,
			token_type: 'Bearer',
			access_token: tokens.issueAccessToken(record.type, record.subject, home, refreshScope, sim.tenant.companyUuid),
			refresh_token: tokens.issueRefreshToken({ type: record.type, subject: record.subject, geolocation: home, scope: refreshScope }),
			id_token: tokens.issueIdToken(record.type, record.subject, home, clientId),
			geolocation: home,
		});
	}

	if (grantType === 'client_credentials') {
		return sendJson(ctx, 200, {
			expires_in: expiresIn,
			scope,
			token_type: 'Bearer',
			access_token: tokens.issueAccessToken('app', sim.seed.applicationId, ctx.base, scope),
			geolocation: ctx.base,
		});
	}

	throw oauthError(400, 135, 'unsupported_grant_type', `unsupported grant_type ${grantType ?? '(missing)'}`);
}

function constantTimeEqual(a: string, b: string): boolean {
	// Simulated secrets are compared in constant time too, so the simulator is no bad example.
	const ha = createHash('sha256').update(a).digest();
	const hb = createHash('sha256').update(b).digest();
	return timingSafeEqual(ha, hb) && a.length === b.length;
}

// ------------------------------------------------------------------------------------------ v3

const DATE_FILTER_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?)?$/;

/** Parses `yyyy-MM-dd` or `yyyy-MM-ddTHH:mm:ss[.SSS]` as UTC. */
export function parseV3Date(name: string, value: string): number {
	const m = DATE_FILTER_RE.exec(value);
	const ms = m
		? Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), m[7] ? +m[7].padEnd(3, '0') : 0)
		: NaN;
	// Reject overflowing parts (month 13, hour 25...) instead of letting Date.UTC roll them over.
	const roundTrip = Number.isNaN(ms) ? '' : new Date(ms).toISOString();
	const expected = m ? `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}` : '-';
	if (!m || !roundTrip.startsWith(expected))
		throw new HttpError(400, `Invalid value for ${name}: ${value}. Use yyyy-MM-dd or yyyy-MM-ddTHH:mm:ss.SSS (UTC)`);
	return ms;
}

const V3_DATE_FILTERS: Array<[string, (r: SimReport) => number | null]> = [
	['modifiedDate', (r) => r.lastModified],
	['createDate', (r) => r.createDate],
	['submitDate', (r) => r.submitDate],
	['paidDate', (r) => r.paidDate],
	['processingPaymentDate', (r) => r.processingPaymentDate],
];

export function v3Item(sim: ConcurSimulator, report: SimReport): Record<string, unknown> {
	const owner = sim.tenant.ownerOf(report);
	const total = reportTotal(report);
	const item: Record<string, unknown> = {
		Name: report.name,
		Total: total,
		CurrencyCode: report.currency,
		Country: report.country,
		CountrySubdivision: null,
		CreateDate: v3Timestamp(report.createDate),
		SubmitDate: v3TimestampOrNull(report.submitDate),
		ProcessingPaymentDate: v3TimestampOrNull(report.processingPaymentDate),
		PaidDate: v3TimestampOrNull(report.paidDate),
		ReceiptsReceived: report.entries.every((e) => e.receiptReceived || !e.receiptRequired),
		UserDefinedDate: v3Date(report.createDate),
		LastComment: report.comments.length ? report.comments[report.comments.length - 1] : null,
		OwnerLoginID: owner.loginId,
		OwnerName: owner.name,
		ApproverLoginID: report.approverLoginId,
		ApproverName: report.approverLoginId ? (sim.tenant.userByLogin(report.approverLoginId)?.name ?? null) : null,
		ApprovalStatusName: APPROVAL_STATUS_NAMES[report.approvalStatusCode] ?? report.approvalStatusCode,
		ApprovalStatusCode: report.approvalStatusCode,
		PaymentStatusName: PAYMENT_STATUS_NAMES[report.paymentStatusCode] ?? report.paymentStatusCode,
		PaymentStatusCode: report.paymentStatusCode,
		LastModifiedDate: v3Timestamp(report.lastModified),
		PersonalAmount: 0,
		AmountDueEmployee: amountDueEmployee(report),
		AmountDueCompanyCard: 0,
		TotalClaimedAmount: total,
		TotalApprovedAmount: report.approvalStatusCode === 'A_APPR' ? total : 0,
		LedgerName: 'Default',
		PolicyID: report.policyId,
		EverSentBack: report.everSentBack,
		HasException: report.exceptions.length > 0,
		WorkflowActionUrl: `${LEGACY_HOST}/api/expense/expensereport/v1.1/report/${report.wfKey}/WorkFlowAction`,
	};
	for (let i = 1; i <= 6; i++) item[`OrgUnit${i}`] = null;
	for (let i = 1; i <= 20; i++) item[`Custom${i}`] = null;
	item.OrgUnit1 = { Type: 'List', Value: 'Sales', Code: 'SLS', ListItemID: null, Href: null };
	item.ID = report.id;
	item.URI = `${LEGACY_HOST}/api/v3.0/expense/reports/${report.id}`;
	return item;
}

function v3List(sim: ConcurSimulator, ctx: RequestContext, claims: AccessClaims): void {
	const q = ctx.query;
	const limitRaw = q.get('limit');
	let limit = 25;
	if (limitRaw !== null) {
		if (!/^\d+$/.test(limitRaw) || +limitRaw < 1) throw new HttpError(400, `Invalid limit: ${limitRaw}`);
		limit = Math.min(100, +limitRaw);
	}
	const offsetRaw = q.get('offset');
	let offset = 0;
	if (offsetRaw !== null && offsetRaw !== '') {
		if (!/^\d+$/.test(offsetRaw)) throw new HttpError(400, `Invalid offset: ${offsetRaw}`);
		offset = +offsetRaw;
	}
	const userParam = q.get('user');
	let ownerUuid: string | undefined;
	if (userParam === null || userParam === '') {
		const user = tokenUser(sim, claims);
		ownerUuid = user?.uuid; // company tokens without `user` see every report
	} else if (userParam.toUpperCase() === 'ALL') {
		if (!isAdmin(sim, claims)) throw new HttpError(403, 'user=ALL requires the Web Services Administrator role');
	} else {
		const target = sim.tenant.userByLogin(userParam);
		if (!isAdmin(sim, claims) && tokenUser(sim, claims)?.loginId.toLowerCase() !== userParam.toLowerCase())
			throw new HttpError(403, 'Reading other users\' reports requires the Web Services Administrator role');
		if (!target) throw new HttpError(400, `Invalid user: ${userParam}`);
		ownerUuid = target.uuid;
	}
	const ranges: Array<[(r: SimReport) => number | null, number, number]> = [];
	for (const [name, getter] of V3_DATE_FILTERS) {
		const after = q.get(`${name}After`);
		const before = q.get(`${name}Before`);
		if (after || before)
			ranges.push([getter, after ? parseV3Date(`${name}After`, after) : -Infinity, before ? parseV3Date(`${name}Before`, before) : Infinity]);
	}
	const equals: Array<[string, (r: SimReport) => string | null]> = [
		['approvalStatusCode', (r) => r.approvalStatusCode],
		['paymentStatusCode', (r) => r.paymentStatusCode],
		['currencyCode', (r) => r.currency],
		['countryCode', (r) => r.country],
		['approverLoginID', (r) => r.approverLoginId],
	];
	const equalFilters = equals.filter(([name]) => q.get(name)).map(([name, get]) => [q.get(name)!.toLowerCase(), get] as const);
	const matches = v3Matches(sim, q, ownerUuid, ranges, equalFilters);
	const items = matches.slice(offset, offset + limit);
	const more = offset + limit < matches.length;
	let nextPage: string | null = null;
	if (more) {
		const next = new URLSearchParams(q);
		next.set('offset', String(offset + items.length));
		next.set('limit', String(limit));
		nextPage = `${ctx.base}/api/v3.0/expense/reports?${next.toString()}`;
	}
	sendJson(ctx, 200, { Items: items.map((r) => v3Item(sim, r)), NextPage: nextPage });
}

/**
 * Reports matching a v3 query, in list order. Offset paging re-runs the same query for every page,
 * so the result is cached per query until the tenant changes (polling benchmarks drain 100,000
 * reports page by page).
 */
function v3Matches(
	sim: ConcurSimulator,
	q: URLSearchParams,
	ownerUuid: string | undefined,
	ranges: Array<[(r: SimReport) => number | null, number, number]>,
	equalFilters: ReadonlyArray<readonly [string, (r: SimReport) => string | null]>,
): SimReport[] {
	const filterKey = new URLSearchParams(q);
	filterKey.delete('offset');
	filterKey.delete('limit');
	filterKey.sort();
	const key = `${ownerUuid ?? '*'}|${filterKey.toString()}`;
	const cached = sim.v3QueryCache.get(key);
	if (cached && cached.version === sim.tenant.version) return cached.matches;
	const all = sim.tenant.reportsInOrder();
	// modifiedDateAfter is the polling cursor: start with a binary search instead of a full scan.
	const modifiedAfter = q.get('modifiedDateAfter');
	let start = 0;
	if (modifiedAfter) {
		const threshold = parseV3Date('modifiedDateAfter', modifiedAfter);
		let lo = 0;
		let hi = all.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (all[mid].lastModified < threshold) lo = mid + 1;
			else hi = mid;
		}
		start = lo;
	}
	const matches: SimReport[] = [];
	for (let i = start; i < all.length; i++) {
		const r = all[i];
		if (ownerUuid && r.ownerUuid !== ownerUuid) continue;
		// After is inclusive (≥), Before exclusive (<): documented in the README.
		if (!ranges.every(([get, lo, hi]) => { const v = get(r); return v !== null && v >= lo && v < hi; })) continue;
		if (!equalFilters.every(([want, get]) => (get(r) ?? '').toLowerCase() === want)) continue;
		matches.push(r);
	}
	if (sim.v3QueryCache.size >= 50) sim.v3QueryCache.clear();
	sim.v3QueryCache.set(key, { version: sim.tenant.version, matches });
	return matches;
}

function v3Get(sim: ConcurSimulator, ctx: RequestContext, claims: AccessClaims, id: string): void {
	const userParam = ctx.query.get('user');
	if (userParam && userParam.toUpperCase() === 'ALL')
		throw new HttpError(400, 'Parameter equal to ALL (user=ALL) is not allowed when operating on a single resource');
	const report = sim.tenant.reportById(id);
	if (!report) throw new HttpError(404, `Report ${id} not found`);
	const owner = sim.tenant.ownerOf(report);
	if (userParam) {
		if (!isAdmin(sim, claims) && tokenUser(sim, claims)?.loginId.toLowerCase() !== userParam.toLowerCase())
			throw new HttpError(403, 'Reading other users\' reports requires the Web Services Administrator role');
		if (owner.loginId.toLowerCase() !== userParam.toLowerCase()) throw new HttpError(404, `Report ${id} not found for user ${userParam}`);
	} else if (claims['concur.type'] === 'user' && claims.sub !== owner.uuid) {
		throw new HttpError(404, `Report ${id} not found`);
	}
	sendJson(ctx, 200, v3Item(sim, report));
}

// ------------------------------------------------------------------------------------------ v1.1

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

function v11FullDetails(sim: ConcurSimulator, ctx: RequestContext, key: string): void {
	const report = sim.tenant.reportByRptKey(key);
	if (!report) throw new HttpError(404, `Report ${key} not found`);
	sendXml(ctx, 200, reportFullDetailsXml(sim, report));
}

function v11Exceptions(sim: ConcurSimulator, ctx: RequestContext, key: string): void {
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

function v11WorkflowAction(sim: ConcurSimulator, ctx: RequestContext, key: string, claims: AccessClaims): void {
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
		sim.tenant.applyChange(found.report.id, mapped, { comment: comment || undefined, actingUserId: claims['concur.type'] === 'user' ? claims.sub : null });
	} catch (error) {
		if (error instanceof TransitionError) return failure(`The report is not in a workflow step that allows this action (${found.report.approvalStatusCode}).`);
		throw error;
	}
	sendXml(ctx, 200, actionStatusXml('SUCCESS!', 'SUCCESS!'));
}

// ------------------------------------------------------------------------------------------ notifications

function notificationsList(sim: ConcurSimulator, ctx: RequestContext): void {
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

// ------------------------------------------------------------------------------------------ v4

function checkV4Context(sim: ConcurSimulator, userId: string, context: string): SimUser {
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

function v4Get(sim: ConcurSimulator, ctx: RequestContext, claims: AccessClaims, userId: string, context: string, reportId: string): void {
	const user = checkV4Context(sim, userId, context);
	const report = sim.tenant.reportById(reportId);
	if (!report) throw new HttpError(404, `Report ${reportId} not found`);
	if (context === 'TRAVELER' && report.ownerUuid !== user.uuid) throw new HttpError(404, `Report ${reportId} not found for user ${userId}`);
	if (claims['concur.type'] === 'user' && claims.sub !== user.uuid && !isAdmin(sim, claims))
		throw new HttpError(403, 'The token does not belong to this user');
	sendJson(ctx, 200, v4Report(sim, report, ctx.base, context));
}

function v4Workflow(sim: ConcurSimulator, ctx: RequestContext, claims: AccessClaims, reportId: string, action: 'approve' | 'sendBack' | 'recall' | 'submit'): void {
	const body = jsonBody(ctx);
	const report = sim.tenant.reportById(reportId);
	if (!report) throw new HttpError(404, `Report ${reportId} not found`);
	const comment = typeof body.comment === 'string' ? body.comment : undefined;
	if (action === 'sendBack' && !comment?.trim())
		throw new HttpError(400, 'comment is required', { validationErrors: [{ id: 'comment', message: 'must not be blank', source: 'comment' }] });
	if (comment && comment.length > 2000)
		throw new HttpError(400, 'comment is too long', { validationErrors: [{ id: 'comment', message: 'size must be at most 2000', source: 'comment' }] });
	try {
		sim.tenant.applyChange(report.id, action, { comment, actingUserId: claims['concur.type'] === 'user' ? claims.sub : null });
	} catch (error) {
		if (error instanceof TransitionError)
			throw new HttpError(409, `The report is not in a workflow step that allows ${action} (${report.approvalStatusCode})`, { errorId: 'expense.report.workflow.invalidState' });
		throw error;
	}
	send(ctx, 204, null);
}

// ------------------------------------------------------------------------------------------ ESS

const SUBSCRIPTION_ID_RE = /^[a-z0-9.-]{1,100}$/;

function essRoute(sim: ConcurSimulator, ctx: RequestContext, claims: AccessClaims): void {
	const { method, path } = ctx;
	const tenant = sim.tenant;
	const mine = () => tenant.subscriptions.filter((s) => s.applicationId === claims.sub);
	if (path === '/events/v4/topics') {
		requireMethod(ctx, 'GET');
		return sendJson(ctx, 200, sim.topicsFor(claims['concur.scopes']));
	}
	if (path === '/events/v4/subscriptions') {
		requireMethod(ctx, 'GET');
		return sendJson(ctx, 200, mine());
	}
	if (path === '/events/v4/subscriptions/webhook') {
		requireMethod(ctx, 'PUT');
		const body = jsonBody(ctx);
		const id = body.id;
		const topic = body.topic;
		const filter = body.filter ?? '.*';
		const endpoint = (body.webHookConfig as { endpoint?: unknown } | undefined)?.endpoint;
		if (typeof id !== 'string' || !SUBSCRIPTION_ID_RE.test(id))
			throw new HttpError(400, 'id must use lowercase letters, numbers, "." and "-"', { errorId: 'subscription.id.invalid' });
		if (typeof topic !== 'string' || !sim.topicsFor(claims['concur.scopes']).includes(topic))
			throw new HttpError(400, `Unknown or unauthorised topic ${String(topic)}`, { errorId: 'subscription.topic.invalid' });
		if (typeof filter !== 'string') throw new HttpError(400, 'filter must be a regular expression string', { errorId: 'subscription.filter.invalid' });
		try {
			new RegExp(filter);
		} catch {
			throw new HttpError(400, `filter is not a valid regular expression: ${filter}`, { errorId: 'subscription.filter.invalid' });
		}
		if (typeof endpoint !== 'string' || !/^https?:\/\/[^\s]+$/.test(endpoint))
			throw new HttpError(400, 'webHookConfig.endpoint must be an absolute URL', { errorId: 'subscription.endpoint.invalid' });
		if (tenant.foreignSubscriptionIds.has(id) || tenant.subscriptions.some((s) => s.id === id && s.applicationId !== claims.sub))
			throw new HttpError(409, `Subscription id '${id}' is already taken`, { errorId: 'subscription.id.taken' });
		const existing = tenant.subscriptions.find((s) => s.id === id);
		if (existing) {
			existing.topic = topic;
			existing.filter = filter;
			existing.webHookConfig = { endpoint };
		} else {
			if (mine().length >= 5) throw new HttpError(400, 'An application may have at most 5 subscriptions', { errorId: 'subscription.limit.reached' });
			tenant.subscriptions.push({
				id,
				topic,
				filter,
				webHookConfig: { endpoint },
				applicationId: claims.sub,
				scope: claims['concur.scopes'].filter((s) => s !== 'events.topic.read'),
				groups: [],
				companyIds: [tenant.companyUuid],
			});
		}
		return sendJson(ctx, 200, { message: `Subscription '${id}' saved successfully` });
	}
	const m = /^\/events\/v4\/subscriptions\/([^/]+)$/.exec(path);
	if (m) {
		const id = safeDecode(m[1]);
		const subscription = mine().find((s) => s.id === id);
		if (method === 'GET') {
			if (!subscription) throw new HttpError(404, `Subscription '${id}' not found`, { errorId: 'subscription.not.found' });
			return sendJson(ctx, 200, [subscription]);
		}
		if (method === 'DELETE') {
			if (!subscription) throw new HttpError(404, `Subscription '${id}' not found`, { errorId: 'subscription.not.found' });
			tenant.subscriptions = tenant.subscriptions.filter((s) => s !== subscription);
			return sendJson(ctx, 200, { message: `Subscription '${id}' marked for deletion` });
		}
		throw new HttpError(405, 'Method not allowed');
	}
	throw new HttpError(404, `No such resource: ${method} ${path}`);
}

// ------------------------------------------------------------------------------------------ admin

async function adminRoute(sim: ConcurSimulator, ctx: RequestContext): Promise<void> {
	const { method, path } = ctx;
	const body = method === 'GET' || method === 'DELETE' ? {} : jsonBody(ctx);
	let m: RegExpExecArray | null;
	if (path === '/_sim/info' && method === 'GET') return sendJson(ctx, 200, sim.info());
	if (path === '/_sim/seed' && method === 'POST') {
		const count = Number(body.count ?? 12);
		if (!Number.isInteger(count) || count < 0 || count > 200_000) throw new HttpError(400, 'count must be an integer 0..200000');
		const ids = body.action === 'submit' || body.changed ? sim.reports.bulk(count, body.action === 'submit' ? 'submit' : 'create', !!body.queueEvents) : sim.tenant.seedReports(count);
		return sendJson(ctx, 200, { created: ids.length, reportIds: ids.length <= 1000 ? ids : ids.slice(0, 1000), total: sim.tenant.reportCount });
	}
	if (path === '/_sim/reports' && method === 'GET') {
		return sendJson(ctx, 200, sim.tenant.reportsInOrder().slice(-Number(ctx.query.get('last') ?? 1000)).map((r) => adminReport(sim, r)));
	}
	if (path === '/_sim/reports' && method === 'POST') {
		const report = sim.reports.create({
			ownerLoginId: typeof body.ownerLoginId === 'string' ? body.ownerLoginId : undefined,
			name: typeof body.name === 'string' ? body.name : undefined,
			amount: typeof body.amount === 'number' ? body.amount : undefined,
			receipts: typeof body.receipts === 'boolean' ? body.receipts : undefined,
		});
		return sendJson(ctx, 201, adminReport(sim, report));
	}
	if ((m = /^\/_sim\/reports\/([^/]+)$/.exec(path)) && method === 'GET') {
		const report = sim.tenant.reportById(m[1]) ?? sim.tenant.reportByRptKey(m[1]);
		if (!report) throw new HttpError(404, `Report ${m[1]} not found`);
		return sendJson(ctx, 200, adminReport(sim, report));
	}
	if ((m = /^\/_sim\/reports\/([^/]+)\/([A-Za-z]+)$/.exec(path)) && method === 'POST') {
		const actions: Record<string, ReportAction> = { submit: 'submit', approve: 'approve', sendback: 'sendBack', pay: 'pay', recall: 'recall', touch: 'touch' };
		const action = actions[m[2].toLowerCase()];
		if (!action) throw new HttpError(400, `Unknown action ${m[2]}: use submit, approve, sendback, pay, recall or touch`);
		try {
			const report = sim.tenant.applyChange(m[1], action, { comment: typeof body.comment === 'string' ? body.comment : action === 'sendBack' ? 'Sent back by the simulator' : undefined });
			return sendJson(ctx, 200, adminReport(sim, report));
		} catch (error) {
			if (error instanceof TransitionError) throw new HttpError(409, error.message);
			throw error;
		}
	}
	if (path === '/_sim/events' && method === 'GET') return sendJson(ctx, 200, { pending: sim.tenant.pendingEvents, total: sim.tenant.allEvents.length });
	if (path === '/_sim/callouts' && method === 'GET') return sendJson(ctx, 200, { pending: sim.tenant.pendingCallouts, total: sim.tenant.allCallouts.length });
	if (path === '/_sim/notifications' && method === 'GET') return sendJson(ctx, 200, sim.tenant.notifications);
	if (path === '/_sim/deliveries' && method === 'GET') return sendJson(ctx, 200, sim.sender.attempts);
	if (path === '/_sim/requests' && method === 'GET') return sendJson(ctx, 200, sim.requests);
	if (path === '/_sim/requests' && method === 'DELETE') {
		sim.requests.length = 0;
		return send(ctx, 204, null);
	}
	if (path === '/_sim/send-events' && method === 'POST') {
		const url = typeof body.url === 'string' ? body.url : '';
		if (!url) throw new HttpError(400, 'url is required');
		const results = await sim.sendEvents(url, { all: !!body.all, eventIds: Array.isArray(body.eventIds) ? body.eventIds.map(String) : undefined });
		return sendJson(ctx, 200, results);
	}
	if (path === '/_sim/send-callout' && method === 'POST') {
		const url = typeof body.url === 'string' ? body.url : '';
		if (!url || typeof body.user !== 'string' || typeof body.password !== 'string') throw new HttpError(400, 'url, user and password are required');
		const results = await sim.sendCallouts(url, { user: body.user, password: body.password }, { reportId: typeof body.reportId === 'string' ? body.reportId : undefined });
		return sendJson(ctx, 200, results);
	}
	if (path === '/_sim/auto-deliver' && (method === 'GET' || method === 'POST')) {
		if (method === 'POST') {
			if (body.enabled === false) sim.autoDelivery.disable();
			else {
				const calloutUrl = typeof body.calloutUrl === 'string' ? body.calloutUrl : undefined;
				sim.autoDelivery.enable({
					subscriptions: body.subscriptions !== false,
					eventsUrl: typeof body.eventsUrl === 'string' ? body.eventsUrl : undefined,
					callout: calloutUrl
						? {
								url: calloutUrl,
								user: typeof body.user === 'string' ? body.user : sim.seed.calloutUser,
								password: typeof body.password === 'string' ? body.password : sim.seed.calloutPassword,
							}
						: undefined,
				});
			}
		}
		const settings = sim.autoDelivery.settings();
		// The callout password is not echoed back.
		return sendJson(ctx, 200, settings ? { enabled: true, ...settings, callout: settings.callout ? { url: settings.callout.url, user: settings.callout.user } : undefined } : { enabled: false });
	}
	if (path === '/_sim/test-connection' && method === 'POST') {
		const url = typeof body.url === 'string' ? body.url : '';
		if (!url) throw new HttpError(400, 'url is required');
		const status = await testConnection(url, {
			user: typeof body.user === 'string' ? body.user : sim.seed.calloutUser,
			password: typeof body.password === 'string' ? body.password : sim.seed.calloutPassword,
		});
		return sendJson(ctx, 200, { url, status, verified: status === 200 });
	}
	if (path === '/_sim/faults' && method === 'GET') return sendJson(ctx, 200, sim.faults.describe());
	if (path === '/_sim/faults' && method === 'POST') {
		if (body.status !== undefined) {
			const count = Number(body.count ?? 1);
			try {
				sim.faults.inject({
					status: Number(body.status),
					count: count < 0 ? Infinity : count,
					pathPrefix: typeof body.pathPrefix === 'string' ? body.pathPrefix : undefined,
					retryAfter: body.retryAfter as string | number | undefined,
				});
			} catch (error) {
				throw new HttpError(400, (error as Error).message);
			}
		}
		if (body.latencyMs !== undefined) sim.faults.latency(Number(body.latencyMs));
		if (body.timeout !== undefined) sim.faults.timeout(Number(body.timeout), typeof body.pathPrefix === 'string' ? body.pathPrefix : undefined);
		return sendJson(ctx, 200, sim.faults.describe());
	}
	if (path === '/_sim/faults' && method === 'DELETE') {
		sim.faults.clear();
		return send(ctx, 204, null);
	}
	if (path === '/_sim/tokens' && method === 'POST') {
		if (body.expireAll) sim.tokens.expireAll();
		if (body.expiredStatus !== undefined) {
			if (body.expiredStatus !== 401 && body.expiredStatus !== 403) throw new HttpError(400, 'expiredStatus must be 401 or 403');
			sim.tokens.setExpiredStatus(body.expiredStatus);
		}
		if (body.lifetimeSeconds !== undefined) sim.tokens.setLifetimeSeconds(Number(body.lifetimeSeconds));
		if (body.revokeRefreshTokens) sim.tokens.revokeRefreshTokens();
		return sendJson(ctx, 200, sim.tokens.describe());
	}
	if (path === '/_sim/geo' && method === 'POST') {
		const home = body.home === 'secondary' ? 'secondary' : 'primary';
		if (body.loginId !== undefined) {
			const user = sim.tenant.userByLogin(String(body.loginId));
			if (!user) throw new HttpError(404, `Unknown user ${String(body.loginId)}`);
			user.home = home;
		}
		if (body.company) sim.tenant.companyHome = home;
		return sendJson(ctx, 200, { primary: sim.baseUrl, secondary: sim.secondaryBaseUrl });
	}
	throw new HttpError(404, `No such admin endpoint: ${method} ${path}`);
}

function adminReport(sim: ConcurSimulator, report: SimReport): Record<string, unknown> {
	return {
		...v3Item(sim, report),
		RptKey: report.rptKey,
		WorkflowStepKey: report.wfKey,
		OwnerUserId: report.ownerUuid,
		Exceptions: report.exceptions,
		Entries: report.entries,
	};
}
