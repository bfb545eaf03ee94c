/**
 * Attack suite for the outbound side: the Bearer token, the client secret and the password go to
 * Concur and nowhere else, whatever a URL, a token answer, a redirect or an error echo says.
 *
 * The Concur node and the transport run through n8n-core's real engine (WorkflowExecute →
 * httpRequestWithAuthentication → the credential's preAuthentication/authenticate) against a
 * hostile "Concur" on 127.0.0.1 that the credential's custom token host points at, and an
 * attacker's listener on 127.0.0.2 that counts every connection and records every byte. Each case
 * failed on the package before the outbound gate: the attacker's listener was reached, or a
 * secret came back in an error.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';

import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { concurRetryPolicy } from '../../nodes/Concur/transport';
import { redactSecrets } from '../../nodes/Concur/transport/redact';
import { routeConcurRequest } from '../../nodes/Concur/transport/routing';
import { forgetSharedGrants } from '../../nodes/Concur/transport/sharedGrants';
import { runNode } from '../harness/engine';
import { PROBE_NODE_TYPE, registerProbe } from '../harness/probe';
import { HarnessNodeTypes } from '../harness/engine';

const CLIENT_SECRET = 'cl1ent+secret/with=odd chars&more';
const PASSWORD = 'pa55 w/rd+ümlaut=&x';
const ACCESS_TOKEN = 'hostile-test-access-token-0123456789abcdef';
const REFRESH_TOKEN = 'hostile-test-refresh-token-abcdef0123456789';

/** Every form a secret could take in an echo. */
function secretForms(secret: string): string[] {
	const base64 = Buffer.from(secret).toString('base64');
	return [secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2), base64, base64.replace(/=+$/, ''), Buffer.from(secret).toString('base64url')];
}
const SECRET_FORMS = [CLIENT_SECRET, PASSWORD, ACCESS_TOKEN, REFRESH_TOKEN].flatMap(secretForms);

/** The attacker: a bare TCP listener that answers any HTTP request with 200 {} and records it. */
class Attacker {
	server: TcpServer;
	connections = 0;
	received = '';
	private sockets = new Set<Socket>();

	constructor() {
		this.server = createTcpServer((socket) => {
			this.connections++;
			this.sockets.add(socket);
			socket.on('data', (chunk) => {
				this.received += chunk.toString('latin1');
				if (this.received.includes('\r\n\r\n')) {
					socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
				}
			});
			socket.on('error', () => undefined);
			socket.on('close', () => this.sockets.delete(socket));
		});
	}

	get origin(): string {
		const address = this.server.address();
		return `127.0.0.2:${typeof address === 'object' && address ? address.port : 0}`;
	}

	reset(): void {
		this.connections = 0;
		this.received = '';
	}

	async close(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
	response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
	response.end(JSON.stringify(body));
};

/** A "Concur" whose token endpoint and API do what each test says. */
class HostileConcur {
	server: Server;
	tokenRequests: string[] = [];
	apiRequests: Array<{ url: string; authorization?: string }> = [];
	onToken: Handler = (_request, _body, response) => this.grant(response);
	onApi: Handler = (_request, _body, response) => json(response, 200, { Items: [], NextPage: null });

	constructor() {
		this.server = createHttpServer((request, response) => {
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => {
				const body = Buffer.concat(chunks).toString('utf8');
				if (request.url === '/oauth2/v0/token') {
					this.tokenRequests.push(body);
					this.onToken(request, body, response);
				} else {
					this.apiRequests.push({ url: request.url ?? '', authorization: request.headers.authorization });
					this.onApi(request, body, response);
				}
			});
		});
	}

	get origin(): string {
		const address = this.server.address();
		return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
	}

	grant(response: ServerResponse, geolocation = this.origin): void {
		json(response, 200, { access_token: ACCESS_TOKEN, refresh_token: REFRESH_TOKEN, expires_in: 3600, geolocation, token_type: 'Bearer' });
	}

	reset(): void {
		this.tokenRequests = [];
		this.apiRequests = [];
		this.onToken = (_request, _body, response) => this.grant(response);
		this.onApi = (_request, _body, response) => json(response, 200, { Items: [], NextPage: null });
	}
}

const attacker = new Attacker();
const concur = new HostileConcur();
const nodeTypes = new HarnessNodeTypes();
registerProbe(nodeTypes);
const originalPolicy = { ...concurRetryPolicy };

beforeAll(async () => {
	await new Promise<void>((resolve) => attacker.server.listen(0, '127.0.0.2', resolve));
	await new Promise<void>((resolve) => concur.server.listen(0, '127.0.0.1', resolve));
	Object.assign(concurRetryPolicy, { retryAfterFloorMs: 5, maxDelayMs: 50, timeoutMs: 2_000 });
});
afterAll(async () => {
	Object.assign(concurRetryPolicy, originalPolicy);
	await attacker.close();
	await new Promise<void>((resolve) => concur.server.close(() => resolve()));
});
beforeEach(() => {
	attacker.reset();
	concur.reset();
	forgetSharedGrants();
});

function credentials(): ICredentialDataDecryptedObject {
	return {
		grantType: 'password',
		tokenHostUrl: 'custom',
		customTokenHostUrl: concur.origin,
		clientId: 'attack-suite-client',
		clientSecret: CLIENT_SECRET,
		username: 'alice@example.com',
		password: PASSWORD,
	};
}

/** Everything a run leaves where users, logs or later nodes can see it. */
function visibleText(result: { run: { data: unknown } }, error: unknown): string {
	const parts = [JSON.stringify(result.run.data)];
	if (error) {
		const record = error as Record<string, unknown>;
		parts.push(String(record.message), String(record.description), JSON.stringify(error, Object.getOwnPropertyNames(error)));
		parts.push(JSON.stringify(record.cause ?? null), JSON.stringify(record.errorResponse ?? null));
	}
	return parts.join('\n');
}

function expectNoSecret(text: string) {
	for (const form of SECRET_FORMS) expect(text).not.toContain(form);
}

async function concurNode(parameters: IDataObject, continueOnFail = false) {
	const result = await runNode({
		type: 'n8n-nodes-concur.concur',
		name: 'Concur',
		parameters,
		continueOnFail,
		credentials: { concurOAuth2Api: credentials() },
	});
	const error = result.error('Concur');
	return { result, error, text: visibleText(result, error) };
}

async function probe(request: IDataObject) {
	const result = await runNode({
		type: PROBE_NODE_TYPE,
		nodeTypes,
		parameters: { request: JSON.stringify(request), all: false, limit: 0 },
		credentials: { concurOAuth2Api: credentials() },
	});
	const error = result.error('Node');
	return { result, error, text: visibleText(result, error) };
}

describe('finding 1: a URL whose text and parse disagree never carries the token', () => {
	const hosts = () => [
		`https://${attacker.origin}\\.concursolutions.com`,
		`HTTPS://${attacker.origin}\\.CONCURSOLUTIONS.COM`,
		`https://${attacker.origin}\\@x.concursolutions.com`,
		`https://${attacker.origin}/.concursolutions.com`,
		`https://${attacker.origin}%5C.concursolutions.com`,
		`https://${attacker.origin}\t.concursolutions.com`,
	];

	it.each([0, 1, 2, 3, 4, 5])('Report > Get by URL, variant %i', async (variant) => {
		const url = `${hosts()[variant]}/api/v3.0/expense/reports/R1`;
		const { error, text } = await concurNode({ resource: 'report', operation: 'get', by: 'url', url, simplify: false });
		expect(error).toBeDefined();
		expect(attacker.connections).toBe(0);
		expectNoSecret(text);
	});

	it.each([0, 1, 2])('Notification > Delete by URI, variant %i', async (variant) => {
		const notificationUri = `${hosts()[variant]}/api/platform/notifications/v1.0/notification/N1`;
		const { error } = await concurNode({ resource: 'notification', operation: 'delete', by: 'uri', notificationUri });
		expect(error).toBeDefined();
		expect(attacker.connections).toBe(0);
	});

	it.each([0, 1, 2])('Report > Approve by the legacy WorkflowActionURL, variant %i', async (variant) => {
		const workflowActionUrl = `${hosts()[variant]}/api/expense/expensereport/v1.1/report/K$1/WorkflowAction`;
		const { error } = await concurNode({ resource: 'report', operation: 'approve', api: 'legacy', workflowActionUrl, comment: 'ok' });
		expect(error).toBeDefined();
		expect(attacker.connections).toBe(0);
	});

	it.each([0, 1, 2, 3, 4, 5])('the transport itself refuses variant %i before connecting', async (variant) => {
		const { error } = await probe({ method: 'GET', url: `${hosts()[variant]}/api/v3.0/expense/reports` });
		expect(String(error?.message)).toMatch(/^Refusing to send the Concur access token/);
		expect(attacker.connections).toBe(0);
		expect(concur.apiRequests).toHaveLength(0);
	});

	it('a scheme-relative or backslash-led path is not a path', async () => {
		for (const url of [`//${attacker.origin}/x`, `\\\\${attacker.origin}/x`, `/\\${attacker.origin}/x`]) {
			const { error } = await probe({ method: 'GET', url });
			expect(String(error?.message)).toMatch(/^Refusing/);
		}
		expect(attacker.connections).toBe(0);
	});
});

describe('finding 2: a redirect never takes the token along', () => {
	it.each([301, 302, 303, 307, 308])('an API answer %i to another host is not followed', async (status) => {
		concur.onApi = (_request, _body, response) => {
			response.writeHead(status, { Location: `http://${attacker.origin}/steal?from=concur` });
			response.end();
		};
		const { error, text } = await probe({ method: 'GET', url: '/api/v3.0/expense/reports' });
		expect(String(error?.message)).toMatch(new RegExp(`answered HTTP ${status}, a redirect to http://${attacker.origin.replace(/\./g, '\\.')}.*not followed`));
		expect(attacker.connections).toBe(0);
		expect(attacker.received).not.toContain(ACCESS_TOKEN);
		expect(text).not.toContain('steal?from');
	});

	it('a redirect of the token request does not resend the client secret and password', async () => {
		concur.onToken = (_request, _body, response) => {
			response.writeHead(307, { Location: `http://${attacker.origin}/oauth2/v0/token` });
			response.end();
		};
		const { error, text } = await probe({ method: 'GET', url: '/api/v3.0/expense/reports' });
		expect(String(error?.message)).toMatch(/token endpoint .* answered HTTP 307, a redirect to http:\/\/127\.0\.0\.2.*not followed/);
		expect(attacker.connections).toBe(0);
		expectNoSecret(text);
	});
});

describe('finding 3: no plain http to Concur hosts', () => {
	const stored = {
		grantType: 'refreshToken',
		tokenHostUrl: 'https://us.api.concursolutions.com',
		geolocation: 'https://us.api.concursolutions.com',
		accessToken: ACCESS_TOKEN,
		clientId: 'c',
		clientSecret: CLIENT_SECRET,
		refreshToken: REFRESH_TOKEN,
	};

	it.each(['http://us.api.concursolutions.com/api/v3.0/expense/reports', 'http://us.api.concursolutions.com:443/x', 'https://us.api.concursolutions.com:8443/x'])(
		'refuses %s although it is the credential’s own host',
		(url) => {
			expect(() => routeConcurRequest(stored, { method: 'GET', url })).toThrow(/^Refusing to send the Concur access token/);
		},
	);

	it('plain http is refused for a custom host that is not loopback', () => {
		const custom = { ...stored, tokenHostUrl: 'custom', customTokenHostUrl: 'http://concur.example.com', geolocation: '' };
		expect(() => routeConcurRequest(custom, { method: 'GET', url: '/x' })).toThrow(/plain http is only allowed on this machine/);
	});
});

describe("finding 4: the token server's answer is checked", () => {
	it.each([
		['http', () => `http://${attacker.origin}`],
		['a foreign https host', () => 'https://attacker.example'],
		['user info', () => 'https://us.api.concursolutions.com@attacker.example'],
		['a path', () => 'https://us.api.concursolutions.com/x'],
		['a backslash', () => `https://${attacker.origin}\\.concursolutions.com`],
	])('a geolocation with %s fails the credential with a clear message', async (_name, geolocation) => {
		concur.onToken = (_request, _body, response) => concur.grant(response, geolocation());
		const { error, text } = await probe({ method: 'GET', url: '/api/v3.0/expense/reports' });
		expect(String(error?.message)).toMatch(/named ".*" as this company's geolocation, which cannot be used/);
		expect(attacker.connections).toBe(0);
		expect(concur.apiRequests).toHaveLength(0);
		expectNoSecret(text);
	});

	it('a geolocation on a Concur host is accepted (and used)', async () => {
		concur.onToken = (_request, _body, response) => concur.grant(response, 'https://us2.api.concursolutions.com/');
		const stored = { ...credentials(), accessToken: ACCESS_TOKEN, geolocation: 'https://us2.api.concursolutions.com' };
		expect(routeConcurRequest(stored, { method: 'GET', url: '/x' }).url).toBe('https://us2.api.concursolutions.com/x');
	});
});

describe('finding 5: no secret in any encoding; the token endpoint rides out 429', () => {
	it('a token endpoint echoing the url-encoded form leaks nothing', async () => {
		concur.onToken = (_request, body, response) =>
			json(response, 400, { error: 'invalid_request', error_description: `could not parse ${body} (base64 ${Buffer.from(body).toString('base64')})` });
		const { error, text } = await probe({ method: 'GET', url: '/api/v3.0/expense/reports' });
		expect(String(error?.message)).toMatch(/could not parse/);
		expect(concur.tokenRequests[0]).toContain(encodeURIComponent(PASSWORD).replace(/%20/g, '+'));
		expectNoSecret(text);
	});

	it.each([
		['as Bearer', (auth: string) => `Bad header: ${auth}`],
		['raw', (auth: string) => `token ${auth.slice('Bearer '.length)} is not valid`],
		['base64', (auth: string) => `token ${Buffer.from(auth.slice('Bearer '.length)).toString('base64')} is not valid`],
		['url-encoded', (auth: string) => `header=${encodeURIComponent(auth)}`],
	])('an API echoing the Authorization header %s leaks nothing, also with Continue On Fail', async (_name, echo) => {
		concur.onApi = (request, _body, response) => json(response, 400, { Message: echo(String(request.headers.authorization)) });
		const stopped = await probe({ method: 'GET', url: '/api/v3.0/expense/reports' });
		expect(concur.apiRequests[0].authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
		expect(stopped.error).toBeDefined();
		expectNoSecret(stopped.text);

		const continued = await concurNode({ resource: 'report', operation: 'getAll', returnAll: false, limit: 1 }, true);
		expect(JSON.stringify(continued.result.items('Concur'))).toMatch(/error/);
		expectNoSecret(continued.text);
	});

	it('429 from the token endpoint is retried after Retry-After, then the grant succeeds', async () => {
		let refused = 0;
		concur.onToken = (_request, _body, response) => {
			if (refused++ < 2) {
				json(response, 429, { timestamp: '2026-01-01T00:00:00Z', httpStatus: '429 - Too Many Requests', error: { id: 'security.rate.limit.reached', message: 'Too many requests' }, path: '/oauth2/v0/token' }, { 'Retry-After': '0' });
			} else {
				concur.grant(response);
			}
		};
		const { error } = await probe({ method: 'GET', url: '/api/v3.0/expense/reports' });
		expect(error).toBeUndefined();
		expect(concur.tokenRequests).toHaveLength(3);
		expect(concur.apiRequests).toHaveLength(1);
	});

	it("a token endpoint that keeps answering 429 fails with Concur's words, never [object Object]", async () => {
		concur.onToken = (_request, _body, response) =>
			json(response, 429, { httpStatus: '429 - Too Many Requests', error: { id: 'security.rate.limit.reached', message: 'Too many requests' } }, { 'Retry-After': '0' });
		const { error } = await probe({ method: 'GET', url: '/api/v3.0/expense/reports' });
		expect(String(error?.message)).toMatch(/HTTP 429.*Too many requests/);
		expect(String(error?.message)).not.toContain('[object Object]');
		expect(concur.tokenRequests).toHaveLength(concurRetryPolicy.maxRetries + 1);
	});

	it('redaction covers every form and keeps ordinary words', () => {
		const secret = 'a+b/c=d e&f';
		const message = [secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2), Buffer.from(secret).toString('base64'), 'Bearer abcdefgh12345678', 'client_secret=zzz', '"password":"pw"'].join(' | ');
		const redacted = redactSecrets(message, [secret]);
		expect(redacted).not.toMatch(/a\+b|a%2Bb|YStiL2M9ZCBlJmY|abcdefgh12345678|zzz|"pw"/);
		expect(redactSecrets('The user must change their password: sign in', [])).toBe('The user must change their password: sign in');
	});
});
