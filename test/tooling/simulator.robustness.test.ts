// Bad input gets a clear error from the simulator: never a crash, a hang or a 500.
import * as net from 'node:net';
import { startSimulator, type ConcurSimulator } from '../simulator';
import { call, companyToken, tokenRequest } from '../simulator/testing';

let sim: ConcurSimulator;
let token: string;
beforeAll(async () => {
	sim = await startSimulator({ port: 0 });
	token = (await companyToken(sim)).access_token;
});
afterAll(async () => {
	await sim.close();
});
afterEach(() => {
	expect(sim.internalErrors).toEqual([]);
});

describe('hostile or malformed requests', () => {
	it.each([
		['GET', '/api/v3.0/expense/reports?modifiedDateAfter=2024-13-01', 400],
		['GET', '/api/v3.0/expense/reports?modifiedDateAfter=2024-02-30', 400],
		['GET', '/api/v3.0/expense/reports?createDateBefore=2024-01-01T25:00:00', 400],
		['GET', '/api/v3.0/expense/reports?limit=0', 400],
		['GET', '/api/v3.0/expense/reports?user=nobody@nowhere', 400],
		['DELETE', '/api/v3.0/expense/reports', 405],
		['GET', '/api/v3.0/expense/reports/%E0%A4%A', 404],
		['DELETE', '/expensereports/v4/reports/X/exceptions/%E0%A4%A', 404],
		['GET', '/api/expense/expensereport/v1.1/reportfulldetails/%%%', 404],
		['GET', '/nothing/here', 404],
		['GET', '/oauth2/v0/token', 405],
	])('%s %s → %i', async (method, path, status) => {
		const response = await call(`${sim.baseUrl}${path}`, { method, token });
		expect(response.status).toBe(status);
		expect(response.headers.get('concur-correlationid')).toBeTruthy();
	});

	it('a malformed percent escape in an id that is decoded is a 400', async () => {
		const first = sim.seed.reportIds[0];
		const response = await call(`${sim.baseUrl}/expensereports/v4/reports/${first}/exceptions/%E0%A4%A`, { method: 'DELETE', token });
		expect(response.status).toBe(400);
		expect(response.json().errorMessage).toMatch(/Malformed/);
	});

	it('bad JSON bodies are 400 with the v4 error shape', async () => {
		const id = sim.seed.reportIds[0];
		const response = await call(`${sim.baseUrl}/expensereports/v4/reports/${id}/exceptions`, {
			method: 'PUT',
			token,
			body: '{"exceptionCode":',
			headers: { 'Content-Type': 'application/json' },
		});
		expect(response.status).toBe(400);
		expect(response.json()).toHaveProperty('errorMessage');
	});

	it('XML entity tricks and junk are refused with a 400 <Error>', async () => {
		const report = sim.reports.get(sim.seed.reportIds[0])!;
		const url = `${sim.baseUrl}/api/expense/expensereport/v1.1/report/${report.rptKey}/Exceptions`;
		for (const body of [
			'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><Exceptions>&lol2;</Exceptions>',
			'<Exceptions><Exception>&xxe;</Exception></Exceptions>',
			'<Exceptions><Exception>',
			'not xml at all',
			'<' + 'a>'.repeat(100) ,
			'',
		]) {
			const response = await call(url, { method: 'POST', token, body, headers: { 'Content-Type': 'application/xml' } });
			expect(response.status).toBe(400);
			expect(response.text).toMatch(/^<\?xml[^>]*>\s*<Error>/);
		}
		expect(report.exceptions).toEqual([]);
	});

	it('a body over 1 MB is refused', async () => {
		const big = 'x'.repeat(1_100_000);
		const outcome = await call(`${sim.baseUrl}/oauth2/v0/token`, { method: 'POST', body: big, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }).then(
			(r) => r.status,
			() => 'connection closed',
		);
		expect([413, 'connection closed']).toContain(outcome);
	});

	it('token endpoint: missing fields and unknown grants are OAuth errors, not crashes', async () => {
		expect((await tokenRequest(sim, { grant_type: 'password' })).json().code).toBe(5);
		expect((await tokenRequest(sim, { grant_type: 'password', credtype: 'weird', username: 'a', password: 'b' })).json().code).toBe(135);
		expect((await tokenRequest(sim, { grant_type: 'implicit' })).json()).toMatchObject({ code: 135, error: 'unsupported_grant_type' });
		expect((await tokenRequest(sim, { grant_type: 'refresh_token' })).json().code).toBe(108);
		const noClient = await call(`${sim.baseUrl}/oauth2/v0/token`, { method: 'POST', body: 'grant_type=client_credentials', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
		expect(noClient.status).toBe(401);
	});

	it('a raw garbage request line does not take the server down', async () => {
		await new Promise<void>((resolve) => {
			const socket = net.connect(Number(new URL(sim.baseUrl).port), '127.0.0.1', () => socket.end('GARBAGE\r\n\r\n'));
			socket.on('data', () => undefined);
			socket.on('close', () => resolve());
			socket.on('error', () => resolve());
		});
		expect((await call(`${sim.baseUrl}/api/v3.0/expense/reports`, { token })).status).toBe(200);
	});
});
