// /_sim/ admin endpoints: drive a simulator running in another process (CLI, e2e tests).
import type { ConcurSimulator } from './index';
import {
	currentStep,
	TransitionError,
	type ReportAction,
	type SimReport,
} from './state';
import { testConnection } from './sender';
import { HttpError, jsonBody, send, sendJson, type RequestContext } from './http';
import { v3Item } from './v3';

export async function adminRoute(sim: ConcurSimulator, ctx: RequestContext): Promise<void> {
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
		// 404 for an unknown report; 409 only for a report whose status does not allow the action.
		if (!sim.tenant.reportById(m[1])) throw new HttpError(404, `Report ${m[1]} not found`);
		try {
			// The admin acts as whoever the report's step waits for: the System role at external
			// validation, the approver (the manager) at A_PEND, who then appears as actingUserId.
			const step = currentStep(sim.tenant.reportById(m[1])!);
			const approver = step && !step.system && step.approverLoginId ? sim.tenant.userByLogin(step.approverLoginId) : undefined;
			const report = sim.tenant.applyChange(m[1], action, {
				comment: typeof body.comment === 'string' ? body.comment : action === 'sendBack' ? 'Sent back by the simulator' : undefined,
				actingUserId: (action === 'approve' || action === 'sendBack') && approver ? approver.uuid : null,
			});
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
