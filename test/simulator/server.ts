// Request entry and route table of the Concur simulator. The handlers live in one file per API
// (oauth.ts, v3.ts, legacy.ts, v4.ts, ess.ts, admin.ts); every wire format follows
// Concur's public API reference (developer.concur.com). Paths are matched on the RAW request path: report keys
// contain `$` and `%` and are compared byte for byte, never percent-decoded.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConcurSimulator } from './index';
import { ReportNotFoundError, TransitionError, type Home } from './state';
import { OAuthError } from './tokens';
import { HttpError, requireMethod, jsonBody, safeDecode, send, sendJson, sendError, authenticate, STATUS_TEXT, type RequestContext, type LoggedRequest } from './http';
import { tokenEndpoint } from './oauth';
import { v3Get, v3List } from './v3';
import { notificationsList, v11Exceptions, v11FullDetails, v11WorkflowAction } from './legacy';
import { checkV4Context, v4Get, v4Workflow } from './v4';
import { essRoute } from './ess';
import { adminRoute } from './admin';
import { expenseRoute } from './expenses';
import { MAX_IMAGE_BYTES, receiptRoute } from './receipts';
import { travelRequestRoute } from './travelRequests';
import { listRoute } from './lists';
import { userRoute } from './users';

export type { LoggedRequest } from './http';

const MAX_BODY_BYTES = 1_000_000;

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
		// Image uploads may be up to 10 MB (receipts.ts answers Concur's own error above that).
		ctx.body = await readBody(req, path.startsWith('/api/image/') ? 2 * MAX_IMAGE_BYTES : MAX_BODY_BYTES);
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
					// Concur's HTTP status code and rate limit docs: the gateway's rate-limit body, whatever the API.
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
		else if (error instanceof ReportNotFoundError) sendError(ctx, 404, error.message);
		else if (error instanceof TransitionError) sendError(ctx, 400, error.message);
		else {
			sendError(ctx, 500, 'Internal simulator error');
			sim.internalErrors.push(error as Error);
		}
	}
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > maxBytes) {
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
		const user = checkV4Context(sim, m[1], m[2]);
		return v4Workflow(sim, ctx, claims, m[3], m[4] as 'approve' | 'sendBack' | 'recall', user);
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

	// Expenses (v4, v3 entries), receipt images (Image v1.0) and travel requests (Request v4).
	if (expenseRoute(sim, ctx) || receiptRoute(sim, ctx) || travelRequestRoute(sim, ctx) || listRoute(sim, ctx) || userRoute(sim, ctx)) return;

	throw new HttpError(404, `No such resource: ${method} ${path}`);
}
