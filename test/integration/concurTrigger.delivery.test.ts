/**
 * The Concur Trigger behind a loopback HTTP server, fed by the Concur simulator's Sender, which
 * delivers the way Concur does: 24 deliveries in flight, retries on 401/5xx, stop on other 4xx.
 * Each HTTP request is handed to the trigger through n8n-core's WebhookContext (TriggerHarness).
 */
import { generateKeyPairSync } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { ConcurTrigger } from '../../nodes/Concur/ConcurTrigger.node';
import { forgetAllSeenEvents } from '../../nodes/Concur/helpers/dedupe';
import { TriggerHarness } from '../harness/webhook';
import { CALLOUT_NOTIFICATION_XML } from '../fixtures/concurEvents';
import { Sender } from '../simulator/sender';
import type { EssEvent, LegacyCallout } from '../simulator/state';

const concur = generateKeyPairSync('rsa', { modulusLength: 2048 });
const concurPublicPem = concur.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const concurPrivatePem = concur.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const otherPublicPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
	.publicKey.export({ type: 'spki', format: 'pem' })
	.toString();

const WEBHOOK_PREFIX = '/webhook/f0f0f0f0-1111-2222-3333-444444444444/';

/** Serves one trigger over loopback HTTP; the matched webhook follows n8n's path layout. */
async function serve(trigger: TriggerHarness): Promise<{ url: string; close: () => Promise<void> }> {
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const path = (req.url ?? '').slice(WEBHOOK_PREFIX.length);
			const headers: Record<string, string> = {};
			for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
			trigger
				.call({ method: req.method === 'GET' ? 'GET' : 'POST', path, headers, body: Buffer.concat(chunks) })
				.then((result) => {
					res.writeHead(result.hung ? 504 : result.status, result.headers);
					res.end(result.body);
				}, () => {
					res.writeHead(500);
					res.end();
				});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}${WEBHOOK_PREFIX}`,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

function event(id: string): EssEvent {
	return {
		id,
		correlationId: `corr-${id}`,
		route: 'stable',
		topic: 'public.concur.expense.report',
		eventType: 'statusChanged',
		// From the process clock: the trigger drops events older than its duplicate window.
		timeStamp: new Date().toISOString(),
		facts: { reportId: `R-${id}`, companyId: 'c0mpany', previousApprovalStatus: 'A_NOTF', currentApprovalStatus: 'A_PEND' },
	};
}

const fastRetries = { privateKeyPem: concurPrivatePem, backoffMs: () => 5, maxAttempts: 6 };

afterEach(() => forgetAllSeenEvents());

it('delivers a burst with duplicates at 24 in flight: every event runs exactly once', async () => {
	let executions = 0;
	const trigger = new TriggerHarness({
		nodeType: new ConcurTrigger(),
		parameters: { source: 'eventSubscription' },
		credentials: { concurEventSubscriptionApi: { publicKeys: concurPublicPem } },
	});
	const originalCall = trigger.call.bind(trigger);
	trigger.call = async (spec) => {
		const result = await originalCall(spec);
		if (result.executed) executions++;
		return result;
	};
	const server = await serve(trigger);
	try {
		const unique = Array.from({ length: 20 }, (_, i) => event(`burst-${i}`));
		// Every event three times, interleaved, as at-least-once delivery may do.
		const burst = [...unique, ...unique, ...unique];
		const results = await new Sender(fastRetries).deliverEvents(`${server.url}webhook`, burst);
		expect(results.every((result) => result.delivered && result.lastStatus === 200)).toBe(true);
		expect(executions).toBe(20);
	} finally {
		await server.close();
	}
});

it('a key that still has to be added loses nothing: 401s are retried and succeed once it is there', async () => {
	const credential = { publicKeys: otherPublicPem };
	const trigger = new TriggerHarness({
		nodeType: new ConcurTrigger(),
		parameters: { source: 'eventSubscription' },
		credentials: { concurEventSubscriptionApi: credential },
	});
	let refused = 0;
	const originalCall = trigger.call.bind(trigger);
	trigger.call = async (spec) => {
		const result = await originalCall(spec);
		if (result.status === 401) {
			refused++;
			// The administrator adds Concur's new key after the first refusals.
			credential.publicKeys = `${otherPublicPem}\n${concurPublicPem}`;
		}
		return result;
	};
	const server = await serve(trigger);
	try {
		const sender = new Sender({ ...fastRetries, concurrency: 1 });
		const results = await sender.deliverEvents(`${server.url}webhook`, [event('rotated-1'), event('rotated-2')]);
		expect(refused).toBeGreaterThanOrEqual(1);
		expect(results.map((result) => result.delivered)).toEqual([true, true]);
		expect(sender.attempts.filter((attempt) => attempt.status === 401).length).toBe(refused);
	} finally {
		await server.close();
	}
});

it('legacy callouts: Test Connection and notifications with Basic Auth; a wrong pair is retried, never run', async () => {
	const trigger = new TriggerHarness({
		nodeType: new ConcurTrigger(),
		parameters: { source: 'callout' },
		credentials: { concurCalloutApi: { username: 'concur-callout-user', password: 'Callout-Password-123' } },
	});
	let executions = 0;
	const originalCall = trigger.call.bind(trigger);
	trigger.call = async (spec) => {
		const result = await originalCall(spec);
		if (result.executed) executions++;
		return result;
	};
	const server = await serve(trigger);
	try {
		const { testConnection } = await import('../simulator/sender');
		const auth = { user: 'concur-callout-user', password: 'Callout-Password-123' };
		expect(await testConnection(`${server.url}webhook/system/v1.0/testconnection`, auth)).toBe(200);
		expect(await testConnection(`${server.url}webhook/system/v1.0/testconnection`, { ...auth, password: 'Wrong-Password-123' })).toBe(401);

		const callout = { id: 'c1', xml: CALLOUT_NOTIFICATION_XML } as LegacyCallout;
		const sender = new Sender({ ...fastRetries, maxAttempts: 2 });
		const [delivered] = await sender.deliverCallouts(`${server.url}webhook/concur/v1.0/notify`, [callout], auth);
		expect(delivered).toMatchObject({ delivered: true, lastStatus: 200 });
		expect(executions).toBe(1);
		const gaveUp: string[] = [];
		const [refused] = await sender.deliverCallouts(
			`${server.url}webhook`,
			[callout],
			{ ...auth, password: 'Wrong-Password-123' },
			(failed) => gaveUp.push(failed.id),
		);
		expect(refused).toMatchObject({ delivered: false, lastStatus: 401, attempts: 2 });
		expect(gaveUp).toEqual(['c1']);
		expect(executions).toBe(1);
	} finally {
		await server.close();
	}
});
