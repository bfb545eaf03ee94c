// OAuth2 token endpoint (Concur's Authentication API, grants; Concur's Authentication API, response codes).
import type { ConcurSimulator } from './index';
import { OAuthError } from './tokens';
import { sendJson, constantTimeEqual, type RequestContext } from './http';

export function tokenEndpoint(sim: ConcurSimulator, ctx: RequestContext): void {
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

