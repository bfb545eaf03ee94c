/**
 * The `concurOAuth2Api` credential and the transport, run through n8n-core's real engine
 * (WorkflowExecute → httpRequestWithAuthentication → the harness credentials helper) against the
 * Concur simulator.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { concurRetryPolicy } from '../../nodes/Concur/transport';
import { concurCredentials, type ConcurGrant } from '../harness/concurCredentials';
import { HarnessCredentialsHelper, HarnessNodeTypes, runNode, testCredential } from '../harness/engine';
import { PROBE_NODE_TYPE, registerProbe } from '../harness/probe';
import { forgetSharedGrants } from '../../nodes/Concur/transport/sharedGrants';
import { startSimulator, type ConcurSimulator } from '../simulator';

const REPORTS = '/api/v3.0/expense/reports';

let sim: ConcurSimulator;
const nodeTypes = new HarnessNodeTypes();
registerProbe(nodeTypes);
const defaultPolicy = { ...concurRetryPolicy };

beforeAll(async () => {
	sim = await startSimulator({ port: 0 });
});

afterAll(async () => {
	await sim.close();
});

beforeEach(() => {
	forgetSharedGrants();
	sim.faults.clear();
	sim.requests.length = 0;
	sim.tokens.setExpiredStatus(401);
	sim.clientDisabled = false;
	sim.tenant.companyEnabledForClient = true;
	Object.assign(concurRetryPolicy, defaultPolicy, { retryAfterFloorMs: 5, maxDelayMs: 50 });
});

afterAll(() => {
	Object.assign(concurRetryPolicy, defaultPolicy);
});

/** Runs the probe node once with the given request; reuse `helper` + `credentialId` for later runs. */
async function probe(
	request: IDataObject,
	setup: { helper?: HarnessCredentialsHelper; credentialId?: string; credentials?: ICredentialDataDecryptedObject; all?: boolean; limit?: number } = {},
) {
	const helper = setup.helper ?? new HarnessCredentialsHelper();
	const result = await runNode({
		type: PROBE_NODE_TYPE,
		nodeTypes,
		parameters: { request: JSON.stringify(request), all: setup.all ?? false, limit: setup.limit ?? 0 },
		credentialsHelper: helper,
		...(setup.credentialId
			? { credentialIds: { concurOAuth2Api: setup.credentialId } }
			: { credentials: { concurOAuth2Api: setup.credentials ?? concurCredentials(sim) } }),
	});
	const credentialId = result.credentialIds.concurOAuth2Api;
	return { ...result, helper, credentialId, stored: helper.store.data(credentialId) };
}

const apiCalls = (path: string) => sim.requests.filter((request) => request.path.split('?')[0] === path);
const tokenCalls = () => sim.requests.filter((request) => request.path === '/oauth2/v0/token');

/** Every secret a credential holds after a run, to check none leaks into errors. */
function secretsOf(data: ICredentialDataDecryptedObject): string[] {
	return ['accessToken', 'rotatedRefreshToken', 'clientSecret', 'requestToken', 'password', 'refreshToken']
		.map((key) => data[key])
		.filter((value): value is string => typeof value === 'string' && value.length > 0);
}

function expectNoSecrets(error: unknown, secrets: string[]) {
	const serialized = JSON.stringify(error, Object.getOwnPropertyNames(error ?? {})) + String((error as Error)?.message) + String((error as { description?: string })?.description);
	for (const secret of secrets) expect(serialized).not.toContain(secret);
}

describe('grants through the engine', () => {
	it('company request token: exchanges it, calls the API at the geolocation, persists the token state', async () => {
		const { output, nodeError, stored } = await probe({ method: 'GET', url: REPORTS, qs: { user: 'ALL', limit: 2 } });

		expect(nodeError).toBeUndefined();
		expect(Array.isArray(output[0].Items)).toBe(true);
		expect((output[0].Items as IDataObject[]).length).toBe(2);
		expect(tokenCalls()).toHaveLength(1);
		expect(apiCalls(REPORTS)[0].authScheme).toBe('Bearer');
		expect(stored.accessToken).toEqual(expect.any(String));
		expect(stored.rotatedRefreshToken).toEqual(expect.any(String));
		expect(stored.geolocation).toBe(sim.baseUrl);
		expect(stored.tokenSource).toMatch(/^[0-9a-f]{64}$/);
		expect(Date.parse(String(stored.requestTokenExchangedAt))).not.toBeNaN();
	});

	it.each([401, 403] as const)(
		'an expired token answered %i is refreshed once, the call retried, and the rotated refresh token persisted',
		async (status) => {
			sim.tokens.setExpiredStatus(status);
			const first = await probe({ method: 'GET', url: REPORTS, qs: { limit: 1 } });
			const firstRefresh = String(first.stored.rotatedRefreshToken);
			sim.requests.length = 0;

			sim.tokens.expireAll();
			const second = await probe({ method: 'GET', url: REPORTS, qs: { limit: 1 } }, { helper: first.helper, credentialId: first.credentialId });

			expect(second.nodeError).toBeUndefined();
			expect(sim.requests.map((request) => [request.method, request.path.split('?')[0], request.status])).toEqual([
				['GET', REPORTS, status],
				['POST', '/oauth2/v0/token', 200],
				['GET', REPORTS, 200],
			]);
			expect(second.helper.preAuthenticationCalls.at(-1)).toEqual({ type: 'concurOAuth2Api', expired: true, testing: false });
			expect(second.stored.rotatedRefreshToken).not.toBe(firstRefresh);
			expect(sim.tokens.wasRotated(firstRefresh)).toBe(true);

			// A third round rotates again, from the token persisted by the second.
			const secondRefresh = String(second.stored.rotatedRefreshToken);
			sim.tokens.expireAll();
			const third = await probe({ method: 'GET', url: REPORTS, qs: { limit: 1 } }, { helper: first.helper, credentialId: first.credentialId });
			expect(third.nodeError).toBeUndefined();
			expect(sim.tokens.wasRotated(secondRefresh)).toBe(true);
			expect(third.stored.rotatedRefreshToken).not.toBe(secondRefresh);
		},
	);

	it('an old (rotated) refresh token is rejected, and without a fresh request token that is an actionable error', async () => {
		const first = await probe({ method: 'GET', url: REPORTS, qs: { limit: 1 } });
		const oldRefresh = String(first.stored.rotatedRefreshToken);
		sim.tokens.expireAll();
		await probe({ method: 'GET', url: REPORTS, qs: { limit: 1 } }, { helper: first.helper, credentialId: first.credentialId });

		// Put the rotated-away token back, as a stale copy would, and age the request token past 24 h.
		first.helper.store.edit(first.credentialId, {
			rotatedRefreshToken: oldRefresh,
			requestTokenExchangedAt: new Date(Date.now() - 25 * 3600 * 1000).toISOString(),
		});
		sim.tokens.expireAll();
		sim.requests.length = 0;
		// Another n8n process (or one past the shared-grant reuse time) knows nothing of the rotation.
		forgetSharedGrants();
		const stale = await probe({ method: 'GET', url: REPORTS }, { helper: first.helper, credentialId: first.credentialId });

		expect(sim.requests.find((request) => request.path === '/oauth2/v0/token')?.status).toBe(400);
		expect(stale.nodeError?.message).toMatch(
			/refresh token expired or was revoked.*reconnect the company through App Center and paste a new request token/,
		);
		expectNoSecrets(stale.nodeError, secretsOf(stale.stored));
	});

	it('concurrent executions holding the same refresh token share one refresh instead of spending it twice', async () => {
		const first = await probe({ method: 'GET', url: REPORTS, qs: { limit: 1 } });
		// Past the request token's 24 h window, so a spent refresh token cannot fall back to it.
		const stored = { ...first.stored, requestTokenExchangedAt: new Date(Date.now() - 25 * 3600 * 1000).toISOString() };
		sim.tokens.expireAll();
		const refreshesBefore = sim.tokens.describe().refreshes;
		// 24 executions start from the same stored state, as n8n's concurrent executions do.
		const runs = await Promise.all(
			Array.from({ length: 24 }, async () => {
				first.helper.store.edit(first.credentialId, { ...stored });
				return await probe({ method: 'GET', url: REPORTS, qs: { limit: 1 } }, { helper: first.helper, credentialId: first.credentialId });
			}),
		);
		expect(runs.map((run) => run.nodeError?.message)).toEqual(Array(24).fill(undefined));
		expect(sim.tokens.describe().refreshes).toBe(refreshesBefore + 1);
		// A stale copy that still holds the rotated-away token, shortly after: no second refresh, no 108.
		first.helper.store.edit(first.credentialId, { ...stored });
		const late = await probe({ method: 'GET', url: REPORTS, qs: { limit: 1 } }, { helper: first.helper, credentialId: first.credentialId });
		expect(late.nodeError).toBeUndefined();
		expect(sim.tokens.describe().refreshes).toBe(refreshesBefore + 1);
	});

	it('after the user edits the credential, the old token is not used: the next call gets a token for the new inputs', async () => {
		const first = await probe({ method: 'GET', url: REPORTS, qs: { limit: 1 } });
		// The user switches the saved credential to the password grant; n8n keeps the hidden fields.
		first.helper.store.edit(first.credentialId, { grantType: 'password', username: sim.seed.username, password: sim.seed.password });
		sim.requests.length = 0;
		const second = await probe({ method: 'GET', url: REPORTS, qs: { limit: 1 } }, { helper: first.helper, credentialId: first.credentialId });

		expect(second.nodeError).toBeUndefined();
		expect(sim.requests.map((request) => [request.method, request.path.split('?')[0], request.authScheme, request.status])).toEqual([
			['GET', REPORTS, null, 401],
			['POST', '/oauth2/v0/token', null, 200],
			['GET', REPORTS, 'Bearer', 200],
		]);
		expect(second.stored.tokenSource).not.toBe(first.stored.tokenSource);
		expect(second.stored.accessToken).not.toBe(first.stored.accessToken);
	});

	it('a revoked refresh token falls back to the request token while it is inside its 24 h window', async () => {
		const first = await probe({ method: 'GET', url: REPORTS, qs: { limit: 1 } });
		sim.tokens.revokeRefreshTokens();
		sim.tokens.expireAll();
		sim.requests.length = 0;
		const second = await probe({ method: 'GET', url: REPORTS, qs: { limit: 1 } }, { helper: first.helper, credentialId: first.credentialId });

		expect(second.nodeError).toBeUndefined();
		expect(tokenCalls().map((request) => request.status)).toEqual([400, 200]);
		expect(second.stored.rotatedRefreshToken).not.toBe(first.stored.rotatedRefreshToken);
	});

	it('user password grant: code 16 is retried at the returned geolocation, where the API is then called', async () => {
		const remote = sim.seed.users.find((user) => user.loginId === sim.seed.remoteUsername);
		expect(remote).toBeDefined();
		const { nodeError, stored } = await probe(
			{ method: 'GET', url: REPORTS, qs: { limit: 1 } },
			{ credentials: concurCredentials(sim, 'password', { username: remote!.loginId, password: remote!.password }) },
		);

		expect(nodeError).toBeUndefined();
		expect(tokenCalls().map((request) => [request.geo, request.status])).toEqual([
			['primary', 400],
			['secondary', 200],
		]);
		expect(stored.geolocation).toBe(sim.secondaryBaseUrl);
		expect(apiCalls(REPORTS).map((request) => request.geo)).toEqual(['secondary']);
	});

	it('pasted refresh token: used once, then the rotated one', async () => {
		const seeded = await probe({ method: 'GET', url: REPORTS, qs: { limit: 1 } });
		const pasted = String(seeded.stored.rotatedRefreshToken);
		sim.requests.length = 0;

		const first = await probe(
			{ method: 'GET', url: REPORTS, qs: { limit: 1 } },
			{ credentials: concurCredentials(sim, 'refreshToken', { refreshToken: pasted }) },
		);
		expect(first.nodeError).toBeUndefined();
		expect(sim.tokens.wasRotated(pasted)).toBe(true);
		const rotated = String(first.stored.rotatedRefreshToken);
		expect(rotated).not.toBe(pasted);

		sim.tokens.expireAll();
		const second = await probe({ method: 'GET', url: REPORTS, qs: { limit: 1 } }, { helper: first.helper, credentialId: first.credentialId });
		expect(second.nodeError).toBeUndefined();
		expect(sim.tokens.wasRotated(rotated)).toBe(true);
	});

	it('client credentials: an app token for the event subscription API', async () => {
		const { output, nodeError, stored } = await probe(
			{ method: 'GET', url: '/events/v4/topics' },
			{ credentials: concurCredentials(sim, 'clientCredentials') },
		);
		expect(nodeError).toBeUndefined();
		expect(output[0].items).toEqual(expect.arrayContaining(['public.concur.expense.report']));
		expect(stored.rotatedRefreshToken).toBe('');
	});
});

describe('token errors reach the node as actionable messages', () => {
	const cases: Array<[string, () => void, ConcurGrant, ICredentialDataDecryptedObject, RegExp]> = [
		['wrong client secret (64)', () => undefined, 'companyRequestToken', { clientSecret: 'wrong-secret-value' }, /does not know this client \(code 64\).*client ID and client secret/],
		['wrong request token (5)', () => undefined, 'companyRequestToken', { requestToken: 'wrong-request-token' }, /rejected the company credentials/],
		['wrong user password (5)', () => undefined, 'password', { password: 'wrong-password-value' }, /rejected the username or password/],
		['client disabled (59)', () => { sim.clientDisabled = true; }, 'companyRequestToken', {}, /client is disabled/],
		['company not enabled (53)', () => { sim.tenant.companyEnabledForClient = false; }, 'companyRequestToken', {}, /company has not enabled this app.*App Center/],
	];

	it.each(cases)('%s', async (_name, arrange, grant, overrides, message) => {
		arrange();
		const credentials = concurCredentials(sim, grant, overrides);
		const { nodeError } = await probe({ method: 'GET', url: REPORTS }, { credentials });
		expect(nodeError?.message).toMatch(message);
		expect(nodeError?.message).toMatch(/^Concur authentication failed: /);
		expectNoSecrets(nodeError, secretsOf(credentials));
		expect(apiCalls(REPORTS)).toHaveLength(0);
	});
});

describe('transport through the engine', () => {
	it('rewrites a legacy www.concursolutions.com URL to the geolocation, keeping $ and % byte for byte, and parses XML', async () => {
		const report = sim.reports.get(sim.seed.reportIds[0])!;
		expect(report.rptKey).toMatch(/[$%]/);
		const path = `/api/expense/expensereport/v1.1/reportfulldetails/${report.rptKey}`;
		const { output, nodeError } = await probe({ method: 'GET', url: `https://www.concursolutions.com${path}`, format: 'xml' });

		expect(nodeError).toBeUndefined();
		expect(apiCalls(path)).toHaveLength(1);
		expect(apiCalls(path)[0].path).toBe(path);
		expect(apiCalls(path)[0].geo).toBe('primary');
		const body = JSON.stringify(output[0]);
		expect(body).toContain(report.rptKey);
		expect(body).not.toMatch(/xmlns/);
	});

	it('a legacy XML <Error> becomes a NodeApiError with Concur’s <Message>', async () => {
		const { nodeError } = await probe({
			method: 'GET',
			url: 'https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/nope$nope%zz',
			format: 'xml',
		});
		const logged = sim.requests.at(-1)!;
		expect(logged.path).toBe('/api/expense/expensereport/v1.1/reportfulldetails/nope$nope%zz');
		expect(logged.status).toBe(404);
		expect(nodeError?.httpCode).toBe('404');
		expect(nodeError?.message).toBe('Report nope$nope%zz not found');
	});

	it('follows NextPage until it is empty, and a limit stops early', async () => {
		const everything = sim.reports.list().length;
		const all = await probe({ method: 'GET', url: REPORTS, qs: { user: 'ALL', limit: 2 } }, { all: true });
		expect(all.output).toHaveLength(everything);
		expect(apiCalls(REPORTS)).toHaveLength(Math.ceil(everything / 2));

		sim.requests.length = 0;
		const limited = await probe({ method: 'GET', url: REPORTS, qs: { user: 'ALL', limit: 2 } }, { all: true, limit: 3 });
		expect(limited.output).toHaveLength(3);
		expect(apiCalls(REPORTS)).toHaveLength(2);
	});

	it('429 with Retry-After 0 is retried after the floor and then succeeds', async () => {
		sim.faults.inject({ status: 429, count: 2, pathPrefix: REPORTS, retryAfter: 0 });
		const { nodeError, output } = await probe({ method: 'GET', url: REPORTS, qs: { limit: 1 } });
		expect(nodeError).toBeUndefined();
		expect(output[0].Items).toBeDefined();
		expect(apiCalls(REPORTS).map((request) => request.status)).toEqual([429, 429, 200]);
	});

	it('429 for ever stops after the bounded retries with a clear error', async () => {
		sim.faults.inject({ status: 429, count: Infinity, pathPrefix: REPORTS, retryAfter: 0 });
		const { nodeError, stored } = await probe({ method: 'GET', url: REPORTS });
		expect(nodeError?.message).toMatch(/kept answering 429 Too Many Requests after 3 retries/);
		expect(nodeError?.httpCode).toBe('429');
		expect(apiCalls(REPORTS)).toHaveLength(1 + concurRetryPolicy.maxRetries);
		expectNoSecrets(nodeError, secretsOf(stored));
	});

	it('503 fails at once with the maintenance message', async () => {
		sim.faults.inject({ status: 503, count: Infinity, pathPrefix: REPORTS });
		const { nodeError } = await probe({ method: 'GET', url: REPORTS });
		expect(nodeError?.message).toBe('Concur is down for maintenance: it asks callers to wait 5 minutes');
		expect(apiCalls(REPORTS)).toHaveLength(1);
	});

	it('a time-out fails at once with a clear message', async () => {
		concurRetryPolicy.timeoutMs = 300;
		sim.faults.timeout(5, REPORTS);
		const { nodeError } = await probe({ method: 'GET', url: REPORTS });
		expect(nodeError?.message).toMatch(/^Concur did not answer within 300 ms \(GET \/api\/v3\.0\/expense\/reports\): it asks callers to wait 5 minutes/);
		expect(apiCalls(REPORTS)).toHaveLength(1);
	});

	it('API errors carry Concur’s own message, the HTTP code and the correlation id, never a token', async () => {
		const { nodeError, stored } = await probe({ method: 'GET', url: `${REPORTS}/NOPE`, qs: { user: 'ALL' } });
		expect(nodeError?.message).toBe('Parameter equal to ALL (user=ALL) is not allowed when operating on a single resource');
		expect(nodeError?.httpCode).toBe('400');
		const correlationId = sim.requests.at(-1)?.correlationId;
		expect(String(nodeError?.description)).toContain(`Concur-Correlationid: ${correlationId}`);
		expectNoSecrets(nodeError, secretsOf(stored));
	});

	it('a 403 that is not about the token: one refresh and one retry (n8n cannot tell), then Concur’s own message', async () => {
		const { nodeError } = await probe(
			{ method: 'GET', url: '/events/v4/topics' },
			{ credentials: concurCredentials(sim, 'companyRequestToken') },
		);
		expect(nodeError?.message).toBe('This API requires an application (client credentials) token');
		expect(nodeError?.httpCode).toBe('403');
		expect(sim.requests.map((request) => [request.path, request.status])).toEqual([
			['/oauth2/v0/token', 200],
			['/events/v4/topics', 403],
			['/oauth2/v0/token', 200],
			['/events/v4/topics', 403],
		]);
	});

	it('never sends the token to a host that is not Concur', async () => {
		const { nodeError } = await probe({ method: 'GET', url: 'https://attacker.example/api' });
		expect(nodeError?.message).toMatch(/^Refusing to send the Concur access token to "https:\/\/attacker\.example"/);
		expect(sim.requests.filter((request) => request.path !== '/oauth2/v0/token')).toHaveLength(0);
	});
});

describe('credential test (n8n’s tester: mock noOp node + RoutingNode)', () => {
	it('runs preAuthentication even with a stored token, resolves the url expression, and succeeds', async () => {
		const helper = new HarnessCredentialsHelper();
		const { id } = helper.store.add('concurOAuth2Api', { ...concurCredentials(sim), accessToken: 'stale-token' });
		const result = await testCredential('concurOAuth2Api', id!, helper);

		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(helper.preAuthenticationCalls).toEqual([{ type: 'concurOAuth2Api', expired: false, testing: true }]);
		expect(apiCalls(REPORTS).at(-1)?.query).toEqual({ limit: '1' });
		expect(helper.store.data(id!).accessToken).not.toBe('stale-token');
	});

	it('tests an app token against the topics endpoint', async () => {
		const helper = new HarnessCredentialsHelper();
		const { id } = helper.store.add('concurOAuth2Api', concurCredentials(sim, 'clientCredentials'));
		const result = await testCredential('concurOAuth2Api', id!, helper);
		expect(result.status).toBe('OK');
		expect(apiCalls('/events/v4/topics')).toHaveLength(1);
		expect(apiCalls(REPORTS)).toHaveLength(0);
	});

	it('reports a rejected credential with the actionable message', async () => {
		const helper = new HarnessCredentialsHelper();
		const { id } = helper.store.add('concurOAuth2Api', concurCredentials(sim, 'companyRequestToken', { clientSecret: 'nope-nope-nope' }));
		const result = await testCredential('concurOAuth2Api', id!, helper);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/does not know this client/);
		expect(result.message).not.toContain('nope-nope-nope');
	});
});
