// The simulator's OAuth2 endpoint and resource authentication (Concur's Authentication API).
import jwt from 'jsonwebtoken';
import { startSimulator, type ConcurSimulator } from '../simulator';
import { appToken, call, companyToken, tokenRequest } from '../simulator/testing';

let sim: ConcurSimulator;
beforeEach(async () => {
	sim = await startSimulator({ port: 0 });
});
afterEach(async () => {
	expect(sim.internalErrors).toEqual([]);
	await sim.close();
});

const reportsUrl = () => `${sim.baseUrl}/api/v3.0/expense/reports?user=ALL&limit=1`;

describe('token grants', () => {
	it('password grant returns the documented response shape with an RS256 user JWT', async () => {
		const response = await tokenRequest(sim, { grant_type: 'password', username: sim.seed.username, password: sim.seed.password, credtype: 'password' });
		expect(response.status).toBe(200);
		const body = response.json();
		expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'geolocation', 'id_token', 'refresh_token', 'scope', 'token_type']);
		expect(body.expires_in).toBe('3600');
		expect(body.token_type).toBe('Bearer');
		expect(body.geolocation).toBe(sim.baseUrl);
		const header = jwt.decode(body.access_token, { complete: true })!.header;
		expect(header.alg).toBe('RS256');
		const claims = jwt.verify(body.access_token, sim.jwtPublicKeyPem, { algorithms: ['RS256'] }) as jwt.JwtPayload;
		expect(claims.sub).toBe(sim.seed.userId);
		expect(claims.iss).toBe(sim.baseUrl);
		expect(claims['concur.type']).toBe('user');
		expect(claims.exp! - claims.iat!).toBe(3600);
		expect(response.headers.get('concur-correlationid')).toBeTruthy();
	});

	it('company grant (credtype=authtoken) issues a company token and the request token can be reused', async () => {
		const first = await companyToken(sim);
		const second = await companyToken(sim);
		expect(first.access_token).not.toBe(second.access_token);
		const claims = jwt.decode(first.access_token) as jwt.JwtPayload;
		expect(claims['concur.type']).toBe('company');
		expect(claims.sub).toBe(sim.seed.companyUuid);
	});

	it('refresh rotates: the new refresh token works, the old one gets code 108', async () => {
		const initial = await companyToken(sim);
		const refreshed = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: initial.refresh_token });
		expect(refreshed.status).toBe(200);
		const body = refreshed.json();
		expect(body.refresh_token).toBeTruthy();
		expect(body.refresh_token).not.toBe(initial.refresh_token);
		expect(body.geolocation).toBe(sim.baseUrl);
		expect(sim.tokens.wasRotated(initial.refresh_token)).toBe(true);

		const reuse = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: initial.refresh_token });
		expect(reuse.status).toBe(400);
		expect(reuse.json()).toEqual({ code: 108, error: 'invalid_grant', error_description: 'bad or expired refresh token', geolocation: sim.baseUrl });

		const again = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: body.refresh_token });
		expect(again.status).toBe(200);
	});

	it('client credentials returns an app token without a refresh token', async () => {
		const response = await tokenRequest(sim, { grant_type: 'client_credentials' });
		expect(response.status).toBe(200);
		const body = response.json();
		expect(body.refresh_token).toBeUndefined();
		expect((jwt.decode(body.access_token) as jwt.JwtPayload)['concur.type']).toBe('app');
	});

	it('wrong password → 400 code 5; wrong client → 401 code 64', async () => {
		const wrongPassword = await tokenRequest(sim, { grant_type: 'password', username: sim.seed.username, password: 'nope' });
		expect(wrongPassword.status).toBe(400);
		expect(wrongPassword.json()).toEqual({ code: 5, error: 'invalid_grant', error_description: 'Incorrect Credentials. Please Retry', geolocation: sim.baseUrl });
		const wrongRequestToken = await tokenRequest(sim, { grant_type: 'password', credtype: 'authtoken', username: sim.seed.companyUuid, password: 'nope' });
		expect(wrongRequestToken.json().code).toBe(5);
		const wrongClient = await tokenRequest(sim, { grant_type: 'client_credentials', client_secret: 'bad' });
		expect(wrongClient.status).toBe(401);
		expect(wrongClient.json()).toMatchObject({ code: 64, error: 'invalid_client' });
	});

	it('a user living on the other geolocation gets code 16 with that geolocation, and succeeds there', async () => {
		const here = await tokenRequest(sim, { grant_type: 'password', username: sim.seed.remoteUsername, password: sim.seed.password });
		expect(here.status).toBe(400);
		expect(here.json()).toEqual({ code: 16, error: 'invalid_request', error_description: 'user lives elsewhere', geolocation: sim.secondaryBaseUrl });
		const there = await tokenRequest(sim, { grant_type: 'password', username: sim.seed.remoteUsername, password: sim.seed.password }, sim.secondaryBaseUrl);
		expect(there.status).toBe(200);
		const token = there.json();
		expect(token.geolocation).toBe(sim.secondaryBaseUrl);
		// The token works on its own geolocation only.
		expect((await call(`${sim.secondaryBaseUrl}/api/v3.0/expense/reports`, { token: token.access_token })).status).toBe(200);
		expect((await call(`${sim.baseUrl}/api/v3.0/expense/reports`, { token: token.access_token })).status).toBe(401);
	});

	it('refreshing a user token on the wrong geolocation gets code 16 and keeps the refresh token valid', async () => {
		const token = (await tokenRequest(sim, { grant_type: 'password', username: sim.seed.remoteUsername, password: sim.seed.password }, sim.secondaryBaseUrl)).json();
		const wrongHost = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: token.refresh_token });
		expect(wrongHost.json()).toMatchObject({ code: 16, geolocation: sim.secondaryBaseUrl });
		const rightHost = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: token.refresh_token }, sim.secondaryBaseUrl);
		expect(rightHost.status).toBe(200);
	});

	it('/_sim/geo moves a user to the other geolocation', async () => {
		const moved = await call(`${sim.baseUrl}/_sim/geo`, { method: 'POST', body: { loginId: 'alice@acme-sim.example', home: 'secondary' } });
		expect(moved.status).toBe(200);
		const grant = await tokenRequest(sim, { grant_type: 'password', username: 'alice@acme-sim.example', password: sim.seed.password });
		expect(grant.json()).toMatchObject({ code: 16, geolocation: sim.secondaryBaseUrl });
	});

	it('company grant answers with the company geolocation when the company lives elsewhere', async () => {
		sim.tenant.companyHome = 'secondary';
		const token = await companyToken(sim);
		expect(token.geolocation).toBe(sim.secondaryBaseUrl);
	});

	it('codes 53, 54, 59 and 135', async () => {
		const badScope = await tokenRequest(sim, { grant_type: 'client_credentials', scope: 'events.topic.read not.a.scope' });
		expect(badScope.status).toBe(400);
		expect(badScope.json()).toMatchObject({ code: 54, error: 'invalid_scope' });

		sim.tenant.companyEnabledForClient = false;
		const notEnabled = await tokenRequest(sim, { grant_type: 'password', credtype: 'authtoken', username: sim.seed.companyUuid, password: sim.seed.requestToken });
		expect(notEnabled.json().code).toBe(53);

		sim.clientDisabled = true;
		const disabled = await tokenRequest(sim, { grant_type: 'client_credentials' });
		expect(disabled.json().code).toBe(59);

		const json = await call(`${sim.baseUrl}/oauth2/v0/token`, { method: 'POST', body: { grant_type: 'client_credentials' } });
		expect(json.status).toBe(400);
		expect(json.json().code).toBe(135);
	});

	it('setLifetimeSeconds changes expires_in (a string) and exp', async () => {
		sim.tokens.setLifetimeSeconds(5);
		const response = await tokenRequest(sim, { grant_type: 'client_credentials' });
		const body = response.json();
		expect(body.expires_in).toBe('5');
		const claims = jwt.decode(body.access_token) as jwt.JwtPayload;
		expect(claims.exp! - claims.iat!).toBe(5);
	});
});

describe('resource authentication', () => {
	it('missing header → 401; Bearer and OAuth schemes both accepted', async () => {
		const missing = await call(reportsUrl());
		expect(missing.status).toBe(401);
		expect(missing.json()).toHaveProperty('Message');
		expect(missing.headers.get('concur-correlationid')).toBeTruthy();
		const { access_token } = await companyToken(sim);
		expect((await call(reportsUrl(), { token: access_token })).status).toBe(200);
		expect((await call(reportsUrl(), { token: access_token, scheme: 'OAuth' })).status).toBe(200);
		expect((await call(reportsUrl(), { token: access_token, scheme: 'Basic' })).status).toBe(401);
	});

	it('expireAll makes issued tokens fail with 401, or 403 when switched; new tokens work', async () => {
		const { access_token } = await companyToken(sim);
		sim.tokens.expireAll();
		expect((await call(reportsUrl(), { token: access_token })).status).toBe(401);
		sim.tokens.setExpiredStatus(403);
		const forbidden = await call(reportsUrl(), { token: access_token });
		expect(forbidden.status).toBe(403);
		expect(forbidden.json().Message).toMatch(/expired/i);
		const fresh = await companyToken(sim);
		expect((await call(reportsUrl(), { token: fresh.access_token })).status).toBe(200);
	});

	it('a token signed by another key is rejected', async () => {
		const forged = jwt.sign({ sub: sim.seed.companyUuid, iss: sim.baseUrl, 'concur.type': 'company' }, 'not-the-key', { algorithm: 'HS256' });
		expect((await call(reportsUrl(), { token: forged })).status).toBe(401);
	});

	it('app tokens work only on the ESS management API; company tokens not there', async () => {
		const app = await appToken(sim);
		const company = await companyToken(sim);
		expect((await call(reportsUrl(), { token: app })).status).toBe(403);
		expect((await call(`${sim.baseUrl}/events/v4/topics`, { token: app })).status).toBe(200);
		expect((await call(`${sim.baseUrl}/events/v4/topics`, { token: company.access_token })).status).toBe(403);
	});

	it('echoes a given Concur-Correlationid and logs requests without credentials', async () => {
		const { access_token } = await companyToken(sim);
		const response = await call(reportsUrl(), { token: access_token, headers: { 'concur-correlationid': 'my-correlation-1' } });
		expect(response.headers.get('concur-correlationid')).toBe('my-correlation-1');
		const logged = sim.requests.find((r) => r.correlationId === 'my-correlation-1')!;
		expect(logged).toMatchObject({ method: 'GET', path: '/api/v3.0/expense/reports', authScheme: 'Bearer', query: { user: 'ALL', limit: '1' } });
		expect(JSON.stringify(sim.requests)).not.toContain(access_token);
		expect(JSON.stringify(sim.requests)).not.toContain(sim.seed.clientSecret);
	});
});
