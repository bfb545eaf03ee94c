import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { fetchConcurToken, REQUEST_TOKEN_WINDOW_MS, tokenSourceFingerprint } from '../../nodes/Concur/transport/grants';
import { GLZ_TOKEN_HOST, resolveTokenHost } from '../../nodes/Concur/transport/hosts';
import { routeConcurRequest } from '../../nodes/Concur/transport/routing';
import { ConcurTokenError } from '../../nodes/Concur/transport/tokenError';

interface TokenCall {
	url: string;
	form: Record<string, string>;
	options: IHttpRequestOptions;
}

type Answer = { status: number; body: unknown; headers?: Record<string, string> } | Error;

/** A stand-in for this.helpers.httpRequest that answers token requests from a script. */
function tokenEndpoint(...answers: Answer[]) {
	const calls: TokenCall[] = [];
	const httpRequest = async (options: IHttpRequestOptions) => {
		calls.push({
			url: options.url,
			form: Object.fromEntries(new URLSearchParams(String(options.body))),
			options,
		});
		const answer = answers.shift();
		if (!answer) throw new Error('unexpected token request');
		if (answer instanceof Error) throw answer;
		return { statusCode: answer.status, body: answer.body, headers: answer.headers ?? {} };
	};
	return { calls, httpRequest };
}

const ok = (access: string, refresh: string | undefined, geolocation = 'https://us.api.concursolutions.com') => ({
	status: 200,
	body: { expires_in: '3600', token_type: 'Bearer', access_token: access, ...(refresh ? { refresh_token: refresh } : {}), geolocation },
});

const oauthError = (code: number, description: string, status = 400, geolocation = 'https://us.api.concursolutions.com') => ({
	status,
	body: { code, error: 'invalid_grant', error_description: description, geolocation },
	headers: { 'concur-correlationid': 'corr-1' },
});

const company: ICredentialDataDecryptedObject = {
	grantType: 'companyRequestToken',
	tokenHostUrl: GLZ_TOKEN_HOST,
	clientId: 'client-id',
	clientSecret: 'client-secret-value',
	companyUuid: 'company-uuid',
	requestToken: 'request-token-value',
};

/** What n8n would store after preAuthentication returned `state`. */
const persisted = (credentials: ICredentialDataDecryptedObject, state: object) => ({ ...credentials, ...state });

describe('company request token grant', () => {
	it('exchanges the request token at the token host with credtype=authtoken', async () => {
		const { calls, httpRequest } = tokenEndpoint(ok('access-1', 'refresh-1', 'https://emea.api.concursolutions.com'));
		const now = Date.parse('2026-01-01T00:00:00Z');
		const state = await fetchConcurToken(httpRequest, company, now);

		expect(calls).toHaveLength(1);
		expect(calls[0].url).toBe(`${GLZ_TOKEN_HOST}/oauth2/v0/token`);
		expect(calls[0].options.method).toBe('POST');
		expect(calls[0].options.headers).toMatchObject({ 'Content-Type': 'application/x-www-form-urlencoded' });
		expect(calls[0].form).toEqual({
			grant_type: 'password',
			client_id: 'client-id',
			client_secret: 'client-secret-value',
			username: 'company-uuid',
			password: 'request-token-value',
			credtype: 'authtoken',
		});
		expect(state).toEqual({
			accessToken: 'access-1',
			rotatedRefreshToken: 'refresh-1',
			geolocation: 'https://emea.api.concursolutions.com',
			tokenSource: tokenSourceFingerprint(company),
			requestTokenExchangedAt: '2026-01-01T00:00:00.000Z',
		});
	});

	it('afterwards uses the refresh grant at the geolocation and keeps the newest refresh token', async () => {
		const { calls, httpRequest } = tokenEndpoint(
			ok('access-1', 'refresh-1', 'https://emea.api.concursolutions.com'),
			ok('access-2', 'refresh-2', 'https://emea.api.concursolutions.com'),
			ok('access-3', 'refresh-3', 'https://eu2.api.concursolutions.com'),
		);
		const first = persisted(company, await fetchConcurToken(httpRequest, company));
		const second = persisted(first, await fetchConcurToken(httpRequest, first));
		const third = persisted(second, await fetchConcurToken(httpRequest, second));

		expect(calls[1].url).toBe('https://emea.api.concursolutions.com/oauth2/v0/token');
		expect(calls[1].form).toEqual({
			grant_type: 'refresh_token',
			client_id: 'client-id',
			client_secret: 'client-secret-value',
			refresh_token: 'refresh-1',
		});
		expect(calls[2].form.refresh_token).toBe('refresh-2');
		expect(second.rotatedRefreshToken).toBe('refresh-2');
		expect(third).toMatchObject({
			accessToken: 'access-3',
			rotatedRefreshToken: 'refresh-3',
			// "store the geolocation and the refresh token as they may have changed"
			geolocation: 'https://eu2.api.concursolutions.com',
		});
		// The exchange time of the request token survives refreshes (it bounds the 24 h window).
		expect(third.requestTokenExchangedAt).toBe(first.requestTokenExchangedAt);
	});

	it('falls back to the request token when the refresh token is rejected inside the 24 h window', async () => {
		const exchangedAt = Date.parse('2026-01-01T00:00:00Z');
		const { calls, httpRequest } = tokenEndpoint(
			oauthError(108, 'bad or expired refresh token'),
			ok('access-9', 'refresh-9'),
		);
		const stored = {
			...company,
			rotatedRefreshToken: 'refresh-dead',
			geolocation: 'https://us.api.concursolutions.com',
			tokenSource: tokenSourceFingerprint(company),
			requestTokenExchangedAt: new Date(exchangedAt).toISOString(),
		};
		const state = await fetchConcurToken(httpRequest, stored, exchangedAt + REQUEST_TOKEN_WINDOW_MS - 60_000);

		expect(calls.map((call) => call.form.grant_type)).toEqual(['refresh_token', 'password']);
		expect(calls[1].form.credtype).toBe('authtoken');
		expect(state.rotatedRefreshToken).toBe('refresh-9');
	});

	it('asks to reconnect when the fallback to the request token fails too', async () => {
		const exchangedAt = Date.parse('2026-01-01T00:00:00Z');
		const { calls, httpRequest } = tokenEndpoint(
			oauthError(108, 'bad or expired refresh token'),
			oauthError(5, 'Incorrect Credentials. Please Retry'),
		);
		const stored = {
			...company,
			rotatedRefreshToken: 'refresh-dead',
			geolocation: 'https://us.api.concursolutions.com',
			tokenSource: tokenSourceFingerprint(company),
			requestTokenExchangedAt: new Date(exchangedAt).toISOString(),
		};
		await expect(fetchConcurToken(httpRequest, stored, exchangedAt + 60_000)).rejects.toThrow(
			/reconnect the company through App Center and paste a new request token/,
		);
		expect(calls.map((call) => call.form.grant_type)).toEqual(['refresh_token', 'password']);
	});

	it('asks to reconnect through App Center when the refresh token is rejected after the window', async () => {
		const exchangedAt = Date.parse('2026-01-01T00:00:00Z');
		const { calls, httpRequest } = tokenEndpoint(oauthError(108, 'bad or expired refresh token'));
		const stored = {
			...company,
			rotatedRefreshToken: 'refresh-dead',
			geolocation: 'https://us.api.concursolutions.com',
			tokenSource: tokenSourceFingerprint(company),
			requestTokenExchangedAt: new Date(exchangedAt).toISOString(),
		};
		const failure = fetchConcurToken(httpRequest, stored, exchangedAt + REQUEST_TOKEN_WINDOW_MS + 1);

		await expect(failure).rejects.toThrow(
			/refresh token expired or was revoked.*reconnect the company through App Center and paste a new request token/,
		);
		expect(calls).toHaveLength(1);
	});

	it('ignores the stale rotated token once the user edits the inputs', async () => {
		const { calls, httpRequest } = tokenEndpoint(ok('access-1', 'refresh-1'), ok('access-2', 'refresh-2'));
		const first = persisted(company, await fetchConcurToken(httpRequest, company));
		const edited = { ...first, requestToken: 'a-new-request-token' };
		const state = await fetchConcurToken(httpRequest, edited);

		expect(calls[1].form).toMatchObject({ grant_type: 'password', password: 'a-new-request-token' });
		expect(calls[1].url).toBe(`${GLZ_TOKEN_HOST}/oauth2/v0/token`);
		expect(state.tokenSource).toBe(tokenSourceFingerprint(edited));
		expect(state.tokenSource).not.toBe(first.tokenSource);
	});

	it('retries once at the returned geolocation on code 16', async () => {
		const { calls, httpRequest } = tokenEndpoint(
			oauthError(16, 'user lives elsewhere', 400, 'https://eu2.api.concursolutions.com'),
			ok('access-1', 'refresh-1', 'https://eu2.api.concursolutions.com'),
		);
		const state = await fetchConcurToken(httpRequest, company);

		expect(calls.map((call) => call.url)).toEqual([
			`${GLZ_TOKEN_HOST}/oauth2/v0/token`,
			'https://eu2.api.concursolutions.com/oauth2/v0/token',
		]);
		expect(calls[1].form).toEqual(calls[0].form);
		expect(state.geolocation).toBe('https://eu2.api.concursolutions.com');
	});

	it('does not bounce between data centers: a second code 16 is an error', async () => {
		const { calls, httpRequest } = tokenEndpoint(
			oauthError(16, 'user lives elsewhere', 400, 'https://eu2.api.concursolutions.com'),
			oauthError(16, 'user lives elsewhere', 400, 'https://us2.api.concursolutions.com'),
		);
		await expect(fetchConcurToken(httpRequest, company)).rejects.toThrow(/another data center/);
		expect(calls).toHaveLength(2);
	});

	it('asks for the company fields when they are empty', async () => {
		const { calls, httpRequest } = tokenEndpoint();
		await expect(fetchConcurToken(httpRequest, { ...company, requestToken: '' })).rejects.toThrow(
			/company UUID and the request token/,
		);
		expect(calls).toHaveLength(0);
	});
});

describe('user password grant', () => {
	const user: ICredentialDataDecryptedObject = {
		grantType: 'password',
		tokenHostUrl: 'https://us.api.concursolutions.com',
		clientId: 'client-id',
		clientSecret: 'client-secret-value',
		username: 'jane@example.com',
		password: 'user-password-value',
	};

	it('sends credtype=password to the chosen host, then refreshes', async () => {
		const { calls, httpRequest } = tokenEndpoint(ok('access-1', 'refresh-1'), ok('access-2', 'refresh-2'));
		const first = persisted(user, await fetchConcurToken(httpRequest, user));
		const second = await fetchConcurToken(httpRequest, first);

		expect(calls[0].url).toBe('https://us.api.concursolutions.com/oauth2/v0/token');
		expect(calls[0].form).toMatchObject({
			grant_type: 'password',
			username: 'jane@example.com',
			password: 'user-password-value',
			credtype: 'password',
		});
		expect(calls[1].form).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'refresh-1' });
		expect(second.rotatedRefreshToken).toBe('refresh-2');
	});

	it('signs in again when the refresh token is rejected', async () => {
		const { calls, httpRequest } = tokenEndpoint(
			oauthError(108, 'bad or expired refresh token'),
			ok('access-2', 'refresh-2'),
		);
		const stored = { ...user, rotatedRefreshToken: 'dead', tokenSource: tokenSourceFingerprint(user), geolocation: 'https://us.api.concursolutions.com' };
		const state = await fetchConcurToken(httpRequest, stored);
		expect(calls.map((call) => call.form.grant_type)).toEqual(['refresh_token', 'password']);
		expect(state.accessToken).toBe('access-2');
	});
});

describe('pasted refresh token grant', () => {
	const pasted: ICredentialDataDecryptedObject = {
		grantType: 'refreshToken',
		tokenHostUrl: 'https://us2.api.concursolutions.com',
		clientId: 'client-id',
		clientSecret: 'client-secret-value',
		refreshToken: 'pasted-refresh',
	};

	it('uses the pasted token first and the rotated one afterwards', async () => {
		const { calls, httpRequest } = tokenEndpoint(
			ok('access-1', 'refresh-1', 'https://us2.api.concursolutions.com'),
			ok('access-2', 'refresh-2', 'https://us2.api.concursolutions.com'),
		);
		const first = persisted(pasted, await fetchConcurToken(httpRequest, pasted));
		await fetchConcurToken(httpRequest, first);
		expect(calls.map((call) => call.form.refresh_token)).toEqual(['pasted-refresh', 'refresh-1']);
		expect(calls[0].url).toBe('https://us2.api.concursolutions.com/oauth2/v0/token');
	});

	it('asks for a new refresh token when Concur rejects it', async () => {
		const { httpRequest } = tokenEndpoint(oauthError(108, 'bad or expired refresh token'));
		await expect(fetchConcurToken(httpRequest, pasted)).rejects.toThrow(/paste a new refresh token/);
	});
});

describe('client credentials grant', () => {
	it('requests an app token and stores no refresh token', async () => {
		const credentials = { grantType: 'clientCredentials', tokenHostUrl: GLZ_TOKEN_HOST, clientId: 'app', clientSecret: 'app-secret' };
		const { calls, httpRequest } = tokenEndpoint(ok('app-token', undefined), ok('app-token-2', undefined));
		const first = persisted(credentials, await fetchConcurToken(httpRequest, credentials));
		await fetchConcurToken(httpRequest, first);
		expect(calls.map((call) => call.form)).toEqual([
			{ grant_type: 'client_credentials', client_id: 'app', client_secret: 'app-secret' },
			{ grant_type: 'client_credentials', client_id: 'app', client_secret: 'app-secret' },
		]);
		expect(first.rotatedRefreshToken).toBe('');
		expect(first.accessToken).toBe('app-token');
	});
});

describe('actionable token errors', () => {
	const cases: Array<[number, RegExp]> = [
		[5, /rejected the company credentials.*client ID, client secret, company UUID and request token/],
		[53, /company has not enabled this app.*App Center/],
		[54, /scope is missing/],
		[59, /client is disabled/],
		[61, /does not know this client \(code 61\).*client ID and client secret/],
		[64, /does not know this client \(code 64\)/],
		[136, /not issued for this app/],
		[139, /must change their password/],
		[42, /answered HTTP 400, code 42/],
	];
	it.each(cases)('code %i', async (code, message) => {
		const { httpRequest } = tokenEndpoint(oauthError(code, `Concur says ${code}`));
		const failure = await fetchConcurToken(httpRequest, company).catch((error: unknown) => error);
		expect(failure).toBeInstanceOf(ConcurTokenError);
		expect((failure as Error).message).toMatch(message);
		expect((failure as Error).message).toContain(`Concur says ${code}`);
		expect((failure as ConcurTokenError).concurCode).toBe(code);
		expect((failure as ConcurTokenError).correlationId).toBe('corr-1');
	});

	it('never repeats a secret, even when Concur echoes it', async () => {
		const { httpRequest } = tokenEndpoint(oauthError(5, 'Incorrect Credentials for request-token-value / client-secret-value'));
		const failure = (await fetchConcurToken(httpRequest, company).catch((error: unknown) => error)) as Error;
		expect(failure.message).toContain('Incorrect Credentials');
		expect(failure.message).not.toContain('request-token-value');
		expect(failure.message).not.toContain('client-secret-value');
	});

	it('redacts secret values only, not words that happen to be form keywords', async () => {
		const user = { grantType: 'password', tokenHostUrl: GLZ_TOKEN_HOST, clientId: 'client-id', clientSecret: 'client-secret-value', username: 'jane', password: 'pw-value-123' };
		const { httpRequest } = tokenEndpoint(oauthError(139, 'password must be changed for pw-value-123'));
		const failure = (await fetchConcurToken(httpRequest, user).catch((error: unknown) => error)) as Error;
		expect(failure.message).toContain('"password must be changed for [redacted]"');
	});

	it('reports an unreachable token host without secrets', async () => {
		const { httpRequest } = tokenEndpoint(new Error('connect ECONNREFUSED 127.0.0.1:9'));
		await expect(fetchConcurToken(httpRequest, company)).rejects.toThrow(
			/Could not reach the Concur token endpoint at https:\/\/glz\.api\.concursolutions\.com: connect ECONNREFUSED/,
		);
	});

	it('accepts expires_in as a number and a 200 without access token is an error', async () => {
		const { httpRequest } = tokenEndpoint({ status: 200, body: { expires_in: 3600 } });
		await expect(fetchConcurToken(httpRequest, company)).rejects.toThrow(/without an access token/);
	});
});

describe('token host', () => {
	it('uses the custom host when chosen and rejects one that is not a base URL', () => {
		expect(resolveTokenHost({ tokenHostUrl: 'custom', customTokenHostUrl: 'http://127.0.0.1:4010/' })).toBe('http://127.0.0.1:4010');
		expect(() => resolveTokenHost({ tokenHostUrl: 'custom', customTokenHostUrl: 'not a url' })).toThrow(/cannot be used/);
		expect(resolveTokenHost({})).toBe(GLZ_TOKEN_HOST);
	});
});

describe('routing and the Authorization header', () => {
	const credentials = {
		...company,
		accessToken: 'the-access-token',
		geolocation: 'https://us2.api.concursolutions.com',
	};

	it('sends a path to the geolocation with a Bearer token', () => {
		const routed = routeConcurRequest(credentials, { method: 'GET', url: '/api/v3.0/expense/reports', headers: { Accept: 'application/json' } });
		expect(routed.baseURL).toBeUndefined();
		expect(routed.url).toBe('https://us2.api.concursolutions.com/api/v3.0/expense/reports');
		expect(routed.disableFollowRedirect).toBe(true);
		expect(routed.headers).toEqual({ Accept: 'application/json', Authorization: 'Bearer the-access-token' });
	});

	it.each([
		'https://www.concursolutions.com',
		'http://www.concursolutions.com',
		'https://eu1.concursolutions.com',
		'https://implementation.concursolutions.com',
		'http://eu1imp.concursolutions.com',
		'HTTPS://WWW.CONCURSOLUTIONS.COM',
	])('rewrites legacy host %s to the geolocation, path and query byte for byte', (legacy) => {
		const path = '/api/expense/expensereport/v1.1/report/nx2WRNzp18$wjehk%wqEL6EDHRwi9r$paQS1UqyL6a454QitqQ/workflowaction?x=%24a$b';
		const routed = routeConcurRequest(credentials, { method: 'POST', url: `${legacy}${path}` });
		expect(routed.url).toBe(`https://us2.api.concursolutions.com${path}`);
		expect(routed.baseURL).toBeUndefined();
	});

	it('keeps absolute URLs on Concur API hosts', () => {
		const href = 'https://us.api.concursolutions.com/expensereports/v4/users/u/context/TRAVELER/reports/r';
		expect(routeConcurRequest(credentials, { method: 'GET', url: href }).url).toBe(href);
	});

	it('refuses to send the token anywhere else', () => {
		expect(() => routeConcurRequest(credentials, { method: 'GET', url: 'https://evil.example.com/steal' })).toThrow(
			/Refusing to send the Concur access token to "https:\/\/evil\.example\.com"/,
		);
		expect(() =>
			routeConcurRequest(credentials, { method: 'GET', url: 'https://www.concursolutions.com.evil.example/x' }),
		).toThrow(/Refusing/);
		// Plain http is only accepted for a custom token host on loopback (the simulator).
		expect(() => routeConcurRequest(credentials, { method: 'GET', url: 'http://us.api.concursolutions.com/x' })).toThrow(/Refusing/);
	});

	it('sends no token issued for inputs the user has since edited, so Concur answers 401 and n8n refreshes', () => {
		const issued = { ...credentials, tokenSource: tokenSourceFingerprint(credentials) };
		expect(routeConcurRequest(issued, { method: 'GET', url: '/x' }).headers).toEqual({ Authorization: 'Bearer the-access-token' });
		const edited = { ...issued, companyUuid: 'another-company' };
		expect(routeConcurRequest(edited, { method: 'GET', url: '/x', headers: { Authorization: 'x' } }).headers).toEqual({});
	});

	it('accepts the credential’s own custom host over http', () => {
		const local = { ...credentials, tokenHostUrl: 'custom', customTokenHostUrl: 'http://127.0.0.1:4010', geolocation: 'http://127.0.0.1:4010' };
		expect(routeConcurRequest(local, { method: 'GET', url: 'http://127.0.0.1:4010/api/v3.0/expense/reports?offset=a$b%c' }).url).toBe(
			'http://127.0.0.1:4010/api/v3.0/expense/reports?offset=a$b%c',
		);
	});
});
