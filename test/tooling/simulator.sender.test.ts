// The simulator's sender (signed ESS events, Basic-Auth callouts, Concur's retry rules and
// concurrency), fault injection, the /_sim/ admin endpoints and the CLI.
import { constants, verify } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseXml } from '../../nodes/Concur/helpers/xml';
import { startSimulator, type ConcurSimulator } from '../simulator';
import { main as cli, parseArgs } from '../simulator/cli';
import { isRetryable, testConnection } from '../simulator/sender';
import { call, companyToken } from '../simulator/testing';

interface Received {
	headers: http.IncomingHttpHeaders;
	body: Buffer;
}

/** A loopback receiver answering with scripted statuses (then 200), recording raw bodies. */
async function receiver(script: number[] = [], hold?: (res: http.ServerResponse) => boolean) {
	const received: Received[] = [];
	const statuses = [...script];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			received.push({ headers: req.headers, body: Buffer.concat(chunks) });
			if (hold?.(res)) return;
			res.writeHead(statuses.shift() ?? 200);
			res.end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
	const close = () =>
		new Promise<void>((resolve) => {
			server.closeAllConnections();
			server.close(() => resolve());
		});
	return { url, received, close };
}

let sim: ConcurSimulator;
beforeEach(async () => {
	sim = await startSimulator({ port: 0, sender: { backoffMs: () => 1, maxAttempts: 4 } });
});
afterEach(async () => {
	expect(sim.internalErrors).toEqual([]);
	await sim.close();
});

function submitNew(): string {
	const report = sim.reports.create();
	sim.reports.submit(report.id);
	return report.id;
}

describe('ESS delivery', () => {
	it('sends compact JSON signed with RSA-PSS max salt: verifiable with AUTO salt, not with DIGEST', async () => {
		const target = await receiver();
		try {
			submitNew();
			const pending = sim.events.pending();
			const results = await sim.sendEvents(target.url);
			expect(results.every((r) => r.delivered && r.attempts === 1)).toBe(true);
			expect(target.received).toHaveLength(pending.length);
			expect(sim.events.pending()).toEqual([]);
			for (const { headers, body } of target.received) {
				const event = pending.find((e) => e.id === JSON.parse(body.toString()).id)!;
				expect(body.toString('utf8')).toBe(JSON.stringify(event));
				expect(headers['content-type']).toBe('application/json');
				expect(headers['concur-correlationid']).toBe(event.correlationId);
				const signature = Buffer.from(String(headers['concur-signature']), 'base64');
				expect(signature).toHaveLength(256);
				const key = { key: sim.publicKeyPem, padding: constants.RSA_PKCS1_PSS_PADDING };
				expect(verify('sha256', body, { ...key, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, signature)).toBe(true);
				expect(verify('sha256', body, key, signature)).toBe(true);
				expect(verify('sha256', body, { ...key, saltLength: 222 }, signature)).toBe(true);
				expect(verify('sha256', body, { ...key, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature)).toBe(false);
				const tampered = Buffer.from(body.toString().replace('"route":"stable"', '"route":"other"'));
				expect(verify('sha256', tampered, { ...key, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, signature)).toBe(false);
			}
			// Redelivery sends the same bytes again.
			await sim.sendEvents(target.url, { eventIds: [pending[0].id] });
			expect(target.received[target.received.length - 1].body.toString()).toBe(JSON.stringify(pending[0]));
		} finally {
			await target.close();
		}
	});

	it.each([500, 503, 401, 403, 429])('retries after %i and succeeds', async (status) => {
		const target = await receiver([status]);
		try {
			submitNew();
			const [created] = sim.events.pending();
			const results = await sim.sendEvents(target.url, { eventIds: [created.id] });
			expect(results).toEqual([{ itemId: created.id, kind: 'ess', delivered: true, attempts: 2, lastStatus: 200 }]);
			expect(sim.sender.attempts.filter((a) => a.itemId === created.id).map((a) => [a.attempt, a.status, a.outcome])).toEqual([
				[1, status, 'retry'],
				[2, 200, 'delivered'],
			]);
		} finally {
			await target.close();
		}
	});

	it.each([400, 404, 410])('does not retry %i', async (status) => {
		const target = await receiver([status]);
		try {
			submitNew();
			const [created] = sim.events.pending();
			const [result] = await sim.sendEvents(target.url, { eventIds: [created.id] });
			expect(result).toMatchObject({ delivered: false, attempts: 1, lastStatus: status });
			expect(target.received).toHaveLength(1);
		} finally {
			await target.close();
		}
	});

	it('retries connection errors up to maxAttempts, then gives up', async () => {
		const target = await receiver();
		await target.close(); // nothing listens on this port any more
		submitNew();
		const [created] = sim.events.pending();
		const [result] = await sim.sendEvents(target.url, { eventIds: [created.id] });
		expect(result).toMatchObject({ delivered: false, attempts: 4, lastStatus: null });
		expect(sim.sender.attempts.map((a) => a.outcome)).toEqual(['retry', 'retry', 'retry', 'gave-up']);
	});

	it('isRetryable follows the Event Subscription Service docs, delivery and retries', () => {
		expect([500, 502, 503, 401, 403, 429, null].every(isRetryable)).toBe(true);
		expect([200, 400, 404, 405, 409, 413, 422].some(isRetryable)).toBe(false);
	});

	it('has at most 24 deliveries in flight', async () => {
		const held: http.ServerResponse[] = [];
		let reached24!: () => void;
		const twentyFour = new Promise<void>((resolve) => (reached24 = resolve));
		const target = await receiver([], (res) => {
			held.push(res);
			if (held.length === 24) reached24();
			return true;
		});
		try {
			sim.reports.bulk(30, 'create', true);
			expect(sim.events.pending()).toHaveLength(30);
			const sending = sim.sendEvents(target.url);
			await twentyFour;
			// Give a 25th request every chance to arrive if the cap were missing.
			await new Promise((resolve) => setTimeout(resolve, 150));
			expect(held).toHaveLength(24);
			for (const res of held.splice(0)) res.writeHead(200).end();
			// The remaining 6 arrive as slots free up.
			while (target.received.length < 30) {
				await new Promise((resolve) => setTimeout(resolve, 10));
				for (const res of held.splice(0)) res.writeHead(200).end();
			}
			const results = await sending;
			expect(results.filter((r) => r.delivered)).toHaveLength(30);
		} finally {
			await target.close();
		}
	});
});

describe('delivery to ESS subscriptions', () => {
	it('sends pending events to subscriptions whose topic and filter match the event type', async () => {
		const all = await receiver();
		const onlyStatus = await receiver();
		try {
			sim.tenant.subscriptions.push(
				{ id: 'all', topic: 'public.concur.expense.report', filter: '.*', webHookConfig: { endpoint: all.url }, applicationId: sim.seed.applicationId, scope: [], groups: [], companyIds: [] },
				{ id: 'status', topic: 'public.concur.expense.report', filter: 'statusChanged', webHookConfig: { endpoint: onlyStatus.url }, applicationId: sim.seed.applicationId, scope: [], groups: [], companyIds: [] },
				{ id: 'other', topic: 'public.test', filter: '.*', webHookConfig: { endpoint: onlyStatus.url }, applicationId: sim.seed.applicationId, scope: [], groups: [], companyIds: [] },
			);
			submitNew(); // reportCreated + statusChanged
			const results = await sim.sendEventsToSubscriptions();
			expect(results).toHaveLength(3);
			expect(all.received.map((r) => JSON.parse(r.body.toString()).eventType).sort()).toEqual(['reportCreated', 'statusChanged']);
			expect(onlyStatus.received.map((r) => JSON.parse(r.body.toString()).eventType)).toEqual(['statusChanged']);
		} finally {
			await all.close();
			await onlyStatus.close();
		}
	});
});

describe('auto-delivery', () => {
	it('delivers events to subscriptions and callouts by itself after a change, and stops when disabled', async () => {
		const hook = await receiver();
		const callouts = await receiver();
		try {
			sim.tenant.subscriptions.push({ id: 'n8n', topic: 'public.concur.expense.report', filter: 'statusChanged', webHookConfig: { endpoint: hook.url }, applicationId: sim.seed.applicationId, scope: [], groups: [], companyIds: [] });
			const settled = new Promise<void>((resolve) => {
				const check = setInterval(() => {
					if (hook.received.length >= 1 && callouts.received.length >= 1) {
						clearInterval(check);
						resolve();
					}
				}, 5);
			});
			sim.autoDelivery.enable({ subscriptions: true, callout: { url: callouts.url, user: 'callout-user-123', password: 'callout-pass-456' } });
			const id = submitNew();
			await settled;
			expect(JSON.parse(hook.received[0].body.toString()).facts).toMatchObject({ reportId: id, stepCode: 'EXTVAL' });
			expect(callouts.received[0].headers.authorization).toBe('Basic ' + Buffer.from('callout-user-123:callout-pass-456').toString('base64'));
			expect(sim.events.pending()).toEqual([]);

			sim.autoDelivery.disable();
			sim.reports.touch(id);
			await new Promise((resolve) => setImmediate(resolve));
			expect(sim.events.pending()).toHaveLength(1);
		} finally {
			await hook.close();
			await callouts.close();
		}
	});
});

describe('legacy callouts', () => {
	it('POSTs the Notification XML with HTTP Basic Auth', async () => {
		const target = await receiver();
		try {
			const id = submitNew();
			const [result] = await sim.sendCallouts(target.url, { user: 'callout-user-123', password: 'callout-pass-456' });
			expect(result.delivered).toBe(true);
			const [{ headers, body }] = target.received;
			expect(headers.authorization).toBe('Basic ' + Buffer.from('callout-user-123:callout-pass-456').toString('base64'));
			expect(headers['content-type']).toBe('application/xml');
			const xml = parseXml(body.toString());
			expect(xml.name).toBe('Notification');
			expect(xml.children.map((c) => c.name)).toEqual(['EventType', 'ObjectType', 'ObjectURI', 'EventDateTime', 'Context']);
			expect(xml.children[2].text).toContain(sim.reports.get(id)!.rptKey);
			expect(sim.tenant.notifications).toEqual([]);
		} finally {
			await target.close();
		}
	});

	it('Test Connection GETs the URL with Basic Auth and reports the status', async () => {
		const target = await receiver([401]);
		try {
			expect(await testConnection(target.url, { user: 'connector-user-1', password: 'connector-pass-1' })).toBe(401);
			expect(await testConnection(target.url, { user: 'connector-user-1', password: 'connector-pass-1' })).toBe(200);
			expect(target.received[0].headers.authorization).toBe('Basic ' + Buffer.from('connector-user-1:connector-pass-1').toString('base64'));
			expect(target.received[0].body).toHaveLength(0);
		} finally {
			await target.close();
		}
		expect(await testConnection(target.url, { user: 'a', password: 'b' })).toBeNull();
	});

	it('a callout rejected with 401 until attempts run out becomes a FAILED notification', async () => {
		const target = await receiver([401, 401, 401, 401]);
		try {
			submitNew();
			const [result] = await sim.sendCallouts(target.url, { user: 'wrong-user-000', password: 'wrong-pass-000' });
			expect(result).toMatchObject({ delivered: false, attempts: 4, lastStatus: 401 });
			expect(sim.tenant.notifications).toHaveLength(1);
		} finally {
			await target.close();
		}
	});
});

describe('fault injection', () => {
	it('429 with Retry-After: 0 and the documented rate-limit body, only on the chosen path and count', async () => {
		const { access_token } = await companyToken(sim);
		sim.faults.inject({ status: 429, count: 2, pathPrefix: '/api/v3.0/' });
		const url = `${sim.baseUrl}/api/v3.0/expense/reports?user=ALL`;
		for (let i = 0; i < 2; i++) {
			const limited = await call(url, { token: access_token });
			expect(limited.status).toBe(429);
			expect(limited.headers.get('retry-after')).toBe('0');
			expect(limited.headers.get('concur-correlationid')).toBeTruthy();
			const body = limited.json();
			expect(body).toMatchObject({ httpStatus: '429 - Too Many Requests', error: { id: 'security.rate.limit.reached', message: 'Too many requests' }, path: '/api/v3.0/expense/reports' });
			expect(typeof body.timestamp).toBe('string');
		}
		expect((await call(url, { token: access_token })).status).toBe(200);
	});

	it('500/503 in the family error shape, latency, and a request that never answers', async () => {
		const { access_token } = await companyToken(sim);
		const report = sim.reports.get(sim.seed.reportIds[0])!;
		sim.faults.inject({ status: 503, pathPrefix: '/api/expense/' });
		const unavailable = await call(`${sim.baseUrl}/api/expense/expensereport/v1.1/reportfulldetails/${report.rptKey}`, { token: access_token });
		expect(unavailable.status).toBe(503);
		expect(parseXml(unavailable.text).name).toBe('Error');
		sim.faults.inject({ status: 500, pathPrefix: '/expensereports/' });
		const failed = await call(`${sim.baseUrl}/expensereports/v4/reports/${report.id}/exceptions`, { token: access_token });
		expect(failed.status).toBe(500);
		expect(failed.json()).toHaveProperty('errorMessage');

		sim.faults.latency(20);
		expect((await call(`${sim.baseUrl}/api/v3.0/expense/reports`, { token: access_token })).status).toBe(200);
		sim.faults.latency(0);

		sim.faults.timeout(1);
		await expect(fetch(`${sim.baseUrl}/api/v3.0/expense/reports`, { headers: { Authorization: `Bearer ${access_token}` }, signal: AbortSignal.timeout(300) })).rejects.toThrow();
		expect(sim.faults.served.hang).toBe(1);
		expect((await call(`${sim.baseUrl}/api/v3.0/expense/reports`, { token: access_token })).status).toBe(200);
	});

	it('without a path prefix a fault hits the next API calls, never a token request (pathPrefix /oauth2 does)', async () => {
		// `npm run sim -- fault --status 429 --count 2` says "throttle the next two API calls": an n8n
		// that needs a token first must still meet both 429s on its API calls.
		const admin = (path: string, body: object) => call(`${sim.baseUrl}/_sim/${path}`, { method: 'POST', body });
		await admin('faults', { status: 429, count: 2 });
		const { access_token } = await companyToken(sim);
		const url = `${sim.baseUrl}/api/v3.0/expense/reports?user=ALL`;
		expect((await call(url, { token: access_token })).status).toBe(429);
		await companyToken(sim);
		expect((await call(url, { token: access_token })).status).toBe(429);
		expect((await call(url, { token: access_token })).status).toBe(200);
		expect(sim.faults.served.status).toBe(2);

		sim.faults.timeout(1);
		await companyToken(sim); // answered: time-outs without a prefix spare token requests too
		expect(sim.faults.describe().timeouts).toEqual([{ remaining: 1, pathPrefix: null }]);
		sim.faults.clear();

		await admin('faults', { status: 429, count: 1, pathPrefix: '/oauth2' });
		await expect(companyToken(sim)).rejects.toThrow(/company grant failed/);
		await companyToken(sim);
		expect((await call(url, { token: access_token })).status).toBe(200);
	});
});

describe('admin endpoints and CLI', () => {
	it('drive changes, faults, tokens and deliveries over /_sim/', async () => {
		const admin = (path: string, method = 'GET', body?: object) => call(`${sim.baseUrl}/_sim/${path}`, { method, body });
		const info = (await admin('info')).json();
		expect(info).toMatchObject({ baseUrl: sim.baseUrl, publicKeyPem: sim.publicKeyPem });
		const created = (await admin('reports', 'POST', { ownerLoginId: 'carol@acme-sim.example', amount: 42 })).json();
		expect(created.OwnerLoginID).toBe('carol@acme-sim.example');
		expect((await admin(`reports/${created.ID}/submit`, 'POST', {})).json().ApprovalStatusCode).toBe('A_EXTV');
		expect((await admin(`reports/${created.ID}/pay`, 'POST', {})).status).toBe(409);
		// An unknown report is 404 (409 is only for a status that does not allow the change).
		const unknown = await admin('reports/NOSUCHREPORT00000000/approve', 'POST', {});
		expect(unknown.status).toBe(404);
		expect(unknown.json().error.message).toBe('Report NOSUCHREPORT00000000 not found');
		expect((await admin('reports/NOSUCHREPORT00000000')).status).toBe(404);
		expect((await admin('events')).json().pending.map((e: any) => e.eventType)).toEqual(['reportCreated', 'statusChanged']);
		expect((await admin('callouts')).json().pending).toHaveLength(1);

		const target = await receiver();
		try {
			const sent = (await admin('send-events', 'POST', { url: target.url })).json();
			expect(sent).toHaveLength(2);
			expect((await admin('deliveries')).json()).toHaveLength(2);
		} finally {
			await target.close();
		}

		await admin('faults', 'POST', { status: 503, count: 1, pathPrefix: '/api/v3.0/' });
		const { access_token } = await companyToken(sim);
		expect((await call(`${sim.baseUrl}/api/v3.0/expense/reports`, { token: access_token })).status).toBe(503);
		await admin('tokens', 'POST', { expireAll: true, expiredStatus: 403 });
		expect((await call(`${sim.baseUrl}/api/v3.0/expense/reports`, { token: access_token })).status).toBe(403);
		expect((await admin('seed', 'POST', { count: 5 })).json().created).toBe(5);
		expect(sim.requests.some((r) => r.path.startsWith('/_sim/'))).toBe(false);
	});

	it('`change <id> approve` acts as the step\'s approver: the System role at A_EXTV, then the manager', async () => {
		const admin = (path: string) => call(`${sim.baseUrl}/_sim/${path}`, { method: 'POST', body: {} });
		const report = sim.reports.create();
		sim.reports.submit(report.id);
		expect((await admin(`reports/${report.id}/approve`)).json().ApprovalStatusCode).toBe('A_PEND');
		expect((await admin(`reports/${report.id}/approve`)).json().ApprovalStatusCode).toBe('A_APPR');
		const acting = sim.events.pending().filter((e) => e.facts.reportId === report.id).map((e) => [e.facts.currentApprovalStatus, e.facts.actingUserId]);
		expect(acting.slice(-2)).toEqual([
			['A_PEND', null],
			['A_APPR', sim.tenant.userByLogin('manager@acme-sim.example')!.uuid],
		]);
	});

	it('parses arguments and runs commands against a running simulator', async () => {
		expect(parseArgs(['change', 'ABC', 'approve', '--comment', 'ok', '--all', '--url=http://x'])).toEqual({
			positional: ['change', 'ABC', 'approve'],
			flags: { comment: 'ok', all: true, url: 'http://x' },
		});
		const output: string[] = [];
		const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => {
			output.push(String(chunk));
			return true;
		});
		try {
			const report = sim.reports.create();
			await cli(['change', report.id, 'submit', '--sim', sim.baseUrl]);
			expect(JSON.parse(output.join(''))).toMatchObject({ ID: report.id, ApprovalStatusCode: 'A_EXTV' });
			await expect(cli(['change', report.id, 'pay', '--sim', sim.baseUrl])).rejects.toThrow(/409/);
		} finally {
			spy.mockRestore();
		}
	});
});
