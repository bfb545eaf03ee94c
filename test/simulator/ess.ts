// ESS subscription management (Concur's Event Subscription Service docs, subscriptions), app tokens only.
import type { ConcurSimulator } from './index';
import type { AccessClaims } from './tokens';
import { HttpError, requireMethod, jsonBody, safeDecode, sendJson, type RequestContext } from './http';

const SUBSCRIPTION_ID_RE = /^[a-z0-9.-]{1,100}$/;

export function essRoute(sim: ConcurSimulator, ctx: RequestContext, claims: AccessClaims): void {
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

