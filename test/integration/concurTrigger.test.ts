import type { ICredentialsDecrypted, ICredentialTestFunctions, IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { CONCUR_PUBLISHED_SIGNING_PEMS } from '../../credentials/ConcurEventSubscriptionApi.credentials';
import { ConcurTrigger } from '../../nodes/Concur/ConcurTrigger.node';
import { forgetAllSeenEvents } from '../../nodes/Concur/helpers/dedupe';
import { CLOCK_TOLERANCE_MS } from '../../nodes/Concur/helpers/freshness';
import { cachedKeySetCount, clearPublicKeyCache } from '../../nodes/Concur/helpers/keys';
import { pinClock, unpinClock } from '../harness/clock';
import { capturedLogs, TriggerHarness } from '../harness/webhook';
import { basicAuthorization, CALLOUT_NOTIFICATION_NAMESPACED_XML, CALLOUT_NOTIFICATION_OUTPUT, CALLOUT_NOTIFICATION_XML, essHeaders, expenseStatusChangedEvent, generateSigningKey, requestEvent, signPkcs1 } from '../fixtures/concurEvents';

const current = generateSigningKey();
const previous = generateSigningKey();
const CALLOUT = { username: 'concur-callout-user', password: 'Callout-Password-123' };

function essTrigger(parameters: IDataObject = {}, extra: Partial<ConstructorParameters<typeof TriggerHarness>[0]> = {}) {
	return new TriggerHarness({
		nodeType: new ConcurTrigger(),
		parameters: { source: 'eventSubscription', ...parameters },
		credentials: { concurEventSubscriptionApi: { publicKeys: `${current.publicPem}\n${previous.publicPem}` } },
		...extra,
	});
}

function calloutTrigger() {
	return new TriggerHarness({
		nodeType: new ConcurTrigger(),
		parameters: { source: 'callout' },
		credentials: { concurCalloutApi: { ...CALLOUT } },
	});
}

function signedDelivery(event: IDataObject, key = current.privateKey) {
	const body = JSON.stringify(event);
	return { body, headers: essHeaders(body, key) };
}

const HOUR = 3_600_000;

/**
 * An ESS timeStamp `offsetMs` from the process clock now (negative: in the past). Built from the
 * clock the trigger reads, never from a written date, so the cases hold on any day and under the
 * shifted-clock run.
 */
function stampedAt(offsetMs: number): string {
	return new Date(Date.now() + offsetMs).toISOString();
}

/** Runs `fn` with the process clock `offsetMs` ahead of now (a later delivery), then restores it. */
async function later<T>(offsetMs: number, fn: () => Promise<T>): Promise<T> {
	pinClock(Date.now() + offsetMs);
	try {
		return await fn();
	} finally {
		unpinClock();
	}
}

describe('Concur Trigger description', () => {
	const { description, webhookMethods } = new ConcurTrigger();

	it('shows exactly one inbound credential per source, both tested by the node', () => {
		// As n8n decides it: parameters resolved with their defaults, then NodeHelpers.displayParameter.
		const shownFor = (parameters: INodeParameters) => {
			const node = { typeVersion: 1 };
			const resolved = NodeHelpers.getNodeParameters(description.properties, parameters, true, false, node, description)!;
			return description.credentials!
				.filter((credential) => NodeHelpers.displayParameter(resolved, credential, node, description))
				.map((c) => c.name);
		};
		expect(shownFor({})).toEqual(['concurEventSubscriptionApi']);
		expect(shownFor({ source: 'eventSubscription' })).toEqual(['concurEventSubscriptionApi']);
		expect(shownFor({ source: 'callout' })).toEqual(['concurCalloutApi']);
		// n8n's editor hides a parameter that credentials `show` on (its "main auth field") and offers
		// every credential type in one dropdown; Source must stay a visible parameter that defaults to ESS.
		expect(description.credentials!.filter((credential) => credential.displayOptions?.show)).toEqual([]);
		expect(description.properties.find((property) => property.name === 'source')?.default).toBe('eventSubscription');
		const methods = new ConcurTrigger().methods.credentialTest;
		for (const credential of description.credentials!) {
			expect(typeof methods[credential.testedBy as keyof typeof methods]).toBe('function');
		}
	});

	it('declares the POST endpoint, the notify alias and both Test Connection GETs, each with lifecycle methods', () => {
		expect(description.webhooks!.map((webhook) => `${webhook.name} ${webhook.httpMethod} ${webhook.path}`)).toEqual([
			'default POST webhook',
			'default POST webhook/concur/v1.0/notify',
			'setup GET webhook',
			'setup GET webhook/system/v1.0/testconnection',
		]);
		for (const webhook of description.webhooks!) {
			expect(webhook.responseMode).toBe('onReceived');
			const group = webhookMethods[webhook.name as keyof typeof webhookMethods];
			expect(Object.keys(group).sort()).toEqual(['checkExists', 'create', 'delete']);
		}
	});

	it('lifecycle methods register nothing, report success and say registration is manual', async () => {
		const logs: string[] = [];
		const hook = {
			getNodeParameter: (name: string) => (name === 'source' ? 'callout' : undefined),
			logger: { info: (message: string) => logs.push(message) },
		};
		expect(await webhookMethods.default.checkExists.call(hook as never)).toBe(true);
		expect(await webhookMethods.default.create.call(hook as never)).toBe(true);
		expect(await webhookMethods.setup.delete.call(hook as never)).toBe(true);
		expect(logs.join('\n')).toMatch(/by hand/);
	});
});

describe('credential tests (run locally by the node)', () => {
	const tests = new ConcurTrigger().methods.credentialTest;
	const context = {} as ICredentialTestFunctions;
	const credential = (data: IDataObject) => ({ id: '1', name: 'c', type: 't', data }) as ICredentialsDecrypted;

	it("accepts Concur's published keys and names each key", async () => {
		const result = await tests.concurEventSubscriptionApiTest.call(context, credential({ publicKeys: CONCUR_PUBLISHED_SIGNING_PEMS }));
		expect(result.status).toBe('OK');
		expect(result.message).toMatch(/^2 public key\(s\) parsed: 2048-bit RSA [0-9a-f]{16}, 2048-bit RSA [0-9a-f]{16}$/);
	});

	it('reports a broken key', async () => {
		const result = await tests.concurEventSubscriptionApiTest.call(
			context,
			credential({ publicKeys: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' }),
		);
		expect(result).toMatchObject({ status: 'Error' });
		expect(result.message).toMatch(/Key 1 is not a valid PEM public key/);
	});

	it.each([[512], [1024]])('refuses a %i-bit key, naming it and its size', async (bits) => {
		const { generateKeyPairSync } = await import('node:crypto');
		const weak = generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
		const result = await tests.concurEventSubscriptionApiTest.call(context, credential({ publicKeys: `${current.publicPem}\n${weak}` }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(new RegExp(`^Key 2 \\([0-9a-f]{16}\\) is a ${bits}-bit RSA key; keys shorter than 2048 bits are refused`));
	});

	it('checks the 10–50 character rule of callout credentials without echoing them', async () => {
		expect((await tests.concurCalloutApiTest.call(context, credential({ ...CALLOUT }))).status).toBe('OK');
		const bad = await tests.concurCalloutApiTest.call(context, credential({ username: 'short', password: 'tiny-secret' }));
		expect(bad.status).toBe('Error');
		expect(bad.message).toMatch(/User name must be 10 to 50 characters/);
		expect(bad.message).not.toContain('tiny-secret');
	});
});

describe('ESS events', () => {
	beforeEach(() => forgetAllSeenEvents());

	it('accepts a signed event, answers 200 and outputs the event with convenience fields', async () => {
		const trigger = essTrigger();
		const event = expenseStatusChangedEvent();
		const result = await trigger.call(signedDelivery(event));
		expect(result.status).toBe(200);
		// The trigger answers accepted events itself (so n8n 2.40 saves the dedupe id): 200 with `{}`.
		expect(result.body).toBe('{}');
		expect(result.executed).toBe(true);
		expect(result.hung).toBe(false);
		expect(result.items).toEqual([
			{
				...event,
				reportId: 'CB899F7D9F73420A8D8B',
				companyId: '12fc85ee-6f43-4d85-ba0d-94e844849dc1',
				href: (event.facts as IDataObject).href,
				concurCorrelationId: '610425c5-4c2e-4bdb-ab5d-02775e23c7c9',
			},
		]);
	});

	it('outputs requestId for request events and the header as correlationId when the body has none', async () => {
		const event = requestEvent('statusChange.APPROVED');
		delete event.correlationId;
		const result = await essTrigger().call(signedDelivery(event));
		expect(result.items[0]).toMatchObject({ requestId: '7A1B2C3D', correlationId: '610425c5-4c2e-4bdb-ab5d-02775e23c7c9' });
		expect(result.items[0].reportId).toBeUndefined();
	});

	it('accepts an event signed with the previous key (rotation)', async () => {
		const result = await essTrigger().call(signedDelivery(expenseStatusChangedEvent(), previous.privateKey));
		expect(result).toMatchObject({ status: 200, executed: true });
	});

	it('reads the raw body itself when n8n has not stored it yet', async () => {
		const result = await essTrigger().call({ ...signedDelivery(expenseStatusChangedEvent()), withoutRawBody: true });
		expect(result).toMatchObject({ status: 200, executed: true });
	});

	it('verifies the raw bytes, not n8n\'s parsed body (whitespace and key order kept)', async () => {
		const body = `{ "topic": "public.concur.expense.report",\n  "id": "raw-bytes-1", "eventType": "statusChanged", "facts": {} }`;
		const result = await essTrigger().call({ body, headers: essHeaders(body, current.privateKey), parsedBody: { other: true } });
		expect(result).toMatchObject({ status: 200, executed: true });
		expect(result.items[0].id).toBe('raw-bytes-1');
	});

	it.each([
		['a missing signature', (body: string) => ({ 'content-type': 'application/json' }) as Record<string, string>],
		['a PKCS#1 v1.5 signature', (body: string) => ({ 'concur-signature': signPkcs1(body, current.privateKey) })],
		['a signature of another key', (body: string) => essHeaders(body, generateSigningKey().privateKey)],
	])('answers 401 without running for %s', async (_label, headersFor) => {
		const body = JSON.stringify(expenseStatusChangedEvent());
		const result = await essTrigger().call({ body, headers: headersFor(body) });
		expect(result).toMatchObject({ status: 401, executed: false, hung: false, staticDataWritten: false });
		expect(JSON.parse(result.body)).toEqual({ message: 'Missing or invalid Concur-Signature' });
	});

	it('answers 401 for a tampered body', async () => {
		const { body, headers } = signedDelivery(expenseStatusChangedEvent());
		const result = await essTrigger().call({ body: body.replace('A_PEND', 'A_APPR'), headers });
		expect(result).toMatchObject({ status: 401, executed: false });
	});

	it.each([
		['an array', [{ id: 'x', topic: 't' }]],
		['an object without id', { topic: 'public.concur.expense.report' }],
		['an object without topic', { id: 'abc' }],
		['a string', 'hello'],
	])('answers 400 for a signed body that is %s', async (_label, value) => {
		const body = JSON.stringify(value);
		const result = await essTrigger().call({ body, headers: essHeaders(body, current.privateKey) });
		expect(result).toMatchObject({ status: 400, executed: false, hung: false });
	});

	it('answers 400 for signed bytes that are not JSON', async () => {
		const body = 'id=1&topic=x';
		const result = await essTrigger().call({ body, headers: essHeaders(body, current.privateKey, { 'content-type': 'text/plain' }) });
		expect(result).toMatchObject({ status: 400, executed: false });
	});

	it('answers 200 {} without running or writing static data for a filtered-out event', async () => {
		const trigger = essTrigger({ transitions: ['expensePaid'], topics: ['public.concur.expense.report'] });
		const result = await trigger.call(signedDelivery(expenseStatusChangedEvent()));
		expect(result).toMatchObject({ status: 200, executed: false, hung: false, staticDataWritten: false });
		expect(JSON.parse(result.body)).toEqual({});
		const paid = await trigger.call(signedDelivery(expenseStatusChangedEvent({}, { currentPaymentStatus: 'P_PAID' })));
		expect(paid.executed).toBe(true);
	});

	it('applies topic, event type and step code filters from the node parameters', async () => {
		const trigger = essTrigger({
			topics: [],
			additionalFilters: { customTopics: 'public.concur.request', eventTypes: 'statusChange.PENDING.ExternalValidation', stepCodes: 'EXTVAL' },
		});
		expect((await trigger.call(signedDelivery(expenseStatusChangedEvent()))).executed).toBe(false);
		expect((await trigger.call(signedDelivery(requestEvent('statusChange.PENDING.ExternalValidation')))).executed).toBe(false);
		expect(
			(await trigger.call(signedDelivery(requestEvent('statusChange.PENDING.ExternalValidation', { stepCode: 'EXTVAL' })))).executed,
		).toBe(true);
	});

	it('runs once for 24 concurrent deliveries of the same event; the repeats get 200', async () => {
		const trigger = essTrigger();
		const delivery = signedDelivery(expenseStatusChangedEvent());
		const results = await Promise.all(Array.from({ length: 24 }, () => trigger.call(delivery)));
		expect(results.filter((result) => result.executed)).toHaveLength(1);
		expect(results.every((result) => result.status === 200 && !result.hung)).toBe(true);
		expect(results.filter((result) => result.staticDataWritten)).toHaveLength(1);
	});

	it('drops a redelivery after a restart (static data), past the window until the event is stale, and then as stale', async () => {
		const trigger = essTrigger({ options: { duplicateWindowHours: 72 } });
		const delivery = signedDelivery(expenseStatusChangedEvent());
		expect((await trigger.call(delivery)).executed).toBe(true);
		forgetAllSeenEvents(); // new n8n process
		expect((await trigger.call(delivery)).executed).toBe(false);

		// Past the 72 h window but inside the tolerance: the id is still remembered (static data).
		const inGap = await later(72 * HOUR + CLOCK_TOLERANCE_MS / 2, async () => {
			forgetAllSeenEvents();
			return await trigger.call(delivery);
		});
		expect(inGap).toMatchObject({ status: 200, executed: false, hung: false });
		// Then the event itself is too old: stale, whatever the record says.
		const stale = await later(72 * HOUR + CLOCK_TOLERANCE_MS + 60_000, async () => {
			forgetAllSeenEvents();
			return await trigger.call(delivery);
		});
		expect(stale).toMatchObject({ status: 200, executed: false, hung: false, staticDataWritten: false });
	});

	it('with Remember Across Restarts off, drops repeats in memory without writing static data', async () => {
		const trigger = essTrigger({ options: { duplicateWindowHours: 72, persistSeenEvents: false } });
		const delivery = signedDelivery(expenseStatusChangedEvent());
		const accepted = await trigger.call(delivery);
		expect(accepted.executed).toBe(true);
		expect(accepted.body).toBe(''); // nothing to save: n8n answers (after it started the execution)
		expect((await trigger.call(delivery)).executed).toBe(false);
		expect(trigger.staticDataWrites).toBe(0);
		// New n8n process: nothing was persisted, so the repeat runs (the limitation the option's
		// description states); once the event is stale it no longer can.
		forgetAllSeenEvents();
		expect((await trigger.call(delivery)).executed).toBe(true);
		const stale = await later(73 * HOUR, async () => {
			forgetAllSeenEvents();
			return await trigger.call(delivery);
		});
		expect(stale.executed).toBe(false);
	});

	it('does not drop repeats when the window is 0 or while listening for a test event', async () => {
		const delivery = signedDelivery(expenseStatusChangedEvent());
		const off = essTrigger({ options: { duplicateWindowHours: 0 } });
		expect((await off.call(delivery)).executed).toBe(true);
		expect((await off.call(delivery)).executed).toBe(true);
		const manual = essTrigger({}, { mode: 'manual' });
		expect((await manual.call(delivery)).executed).toBe(true);
		expect((await manual.call(delivery)).executed).toBe(true);
	});

	describe('event age (the signed timeStamp)', () => {
		const staleLog = () => capturedLogs.filter((line) => line.level === 'warn' && /is stale/.test(line.message));

		it('acknowledges an event older than the window plus the tolerance without running or writing anything', async () => {
			const before = staleLog().length;
			const event = expenseStatusChangedEvent({ timeStamp: stampedAt(-(72 * HOUR + CLOCK_TOLERANCE_MS + 60_000)) });
			const result = await essTrigger().call(signedDelivery(event));
			expect(result).toMatchObject({ status: 200, executed: false, hung: false, staticDataWritten: false });
			expect(JSON.parse(result.body)).toEqual({});
			const logged = staleLog().slice(before);
			expect(logged).toHaveLength(1);
			expect(logged[0].message).toMatch(/^Concur Trigger: ESS event \S+ is stale \(stamped 73 h ago, more than the 72 h duplicate window plus 1 h\)/);
		});

		it('runs a first delivery Concur retried for 72 hours, and one stamped up to the tolerance ahead', async () => {
			const retried = expenseStatusChangedEvent({ timeStamp: stampedAt(-72 * HOUR) });
			expect((await essTrigger().call(signedDelivery(retried))).executed).toBe(true);
			const ahead = expenseStatusChangedEvent({ timeStamp: stampedAt(CLOCK_TOLERANCE_MS - 60_000) });
			expect((await essTrigger().call(signedDelivery(ahead))).executed).toBe(true);
		});

		it('follows the configured window', async () => {
			const trigger = essTrigger({ options: { duplicateWindowHours: 24 } });
			expect((await trigger.call(signedDelivery(expenseStatusChangedEvent({ timeStamp: stampedAt(-24.5 * HOUR) })))).executed).toBe(true);
			expect((await trigger.call(signedDelivery(expenseStatusChangedEvent({ timeStamp: stampedAt(-25.5 * HOUR) })))).executed).toBe(false);
		});

		it('checks nothing with a window of 0: an old event runs, every time', async () => {
			const trigger = essTrigger({ options: { duplicateWindowHours: 0 } });
			const delivery = signedDelivery(expenseStatusChangedEvent({ timeStamp: '2021-03-18T23:11:51.034Z' }));
			expect((await trigger.call(delivery)).executed).toBe(true);
			expect((await trigger.call(delivery)).executed).toBe(true);
		});

		it('drops a stale event while listening for a test event too', async () => {
			const event = expenseStatusChangedEvent({ timeStamp: stampedAt(-100 * HOUR) });
			const result = await essTrigger({}, { mode: 'manual' }).call(signedDelivery(event));
			expect(result).toMatchObject({ status: 200, executed: false });
		});

		it.each([
			['without a timeStamp', undefined],
			['with a timeStamp that is not RFC 3339', 'March 18, 2021'],
		])('runs an event %s once (its age cannot be judged), with a warning', async (_label, timeStamp) => {
			const before = capturedLogs.length;
			const event = expenseStatusChangedEvent();
			if (timeStamp === undefined) delete event.timeStamp;
			else event.timeStamp = timeStamp;
			const trigger = essTrigger();
			const delivery = signedDelivery(event);
			expect((await trigger.call(delivery)).executed).toBe(true);
			expect((await trigger.call(delivery)).executed).toBe(false);
			expect(capturedLogs.slice(before).some((line) => line.level === 'warn' && /has no RFC 3339 timeStamp/.test(line.message))).toBe(true);
		});

		it('runs an event stamped hours ahead (clocks disagree), says so, and remembers it until it is stale by this clock', async () => {
			const before = capturedLogs.length;
			const trigger = essTrigger();
			const delivery = signedDelivery(expenseStatusChangedEvent({ timeStamp: stampedAt(5 * HOUR) }));
			expect((await trigger.call(delivery)).executed).toBe(true);
			expect(capturedLogs.slice(before).some((line) => line.level === 'warn' && /stamped 5 h in the future/.test(line.message))).toBe(true);
			// 77 h later by this clock the event is 72 h old: not stale, and still remembered.
			const replay = await later(77 * HOUR, async () => {
				forgetAllSeenEvents();
				return await trigger.call(delivery);
			});
			expect(replay.executed).toBe(false);
		});
	});

	it('parses the credential keys once for many requests', async () => {
		clearPublicKeyCache();
		const trigger = essTrigger();
		for (let i = 0; i < 5; i++) await trigger.call(signedDelivery(expenseStatusChangedEvent()));
		expect(cachedKeySetCount()).toBe(1);
	});

	it('answers 500 (Concur retries) when the credential holds no usable key', async () => {
		const trigger = new TriggerHarness({
			nodeType: new ConcurTrigger(),
			parameters: { source: 'eventSubscription' },
			credentials: { concurEventSubscriptionApi: { publicKeys: 'not a key' } },
		});
		const result = await trigger.call(signedDelivery(expenseStatusChangedEvent()));
		expect(result).toMatchObject({ status: 500, executed: false, hung: false });
		expect(capturedLogs.some((line) => line.level === 'error' && /no usable public key/.test(line.message))).toBe(true);
	});

	it('answers GET on the Test Connection paths with 405 (ESS only POSTs)', async () => {
		const result = await essTrigger().call({ method: 'GET', path: 'webhook/system/v1.0/testconnection' });
		expect(result).toMatchObject({ status: 405, executed: false, hung: false });
		expect(result.headers.allow).toBe('POST');
	});
});

describe('legacy callouts', () => {
	const auth = { authorization: basicAuthorization(CALLOUT.username, CALLOUT.password) };

	it('accepts the documented notification and outputs its fields', async () => {
		const result = await calloutTrigger().call({
			headers: { ...auth, 'content-type': 'application/xml' },
			body: CALLOUT_NOTIFICATION_XML,
			// What n8n's xml2js parse would hand over: lower-cased tags. The node must not use it.
			parsedBody: { notification: { eventtype: 'x' } },
		});
		expect(result).toMatchObject({ status: 200, executed: true, hung: false });
		expect(result.items).toEqual([CALLOUT_NOTIFICATION_OUTPUT]);
	});

	it.each([['text/xml; charset=utf-8'], ['application/txt'], [undefined]])(
		'accepts a namespaced notification with content type %s',
		async (contentType) => {
			const headers: Record<string, string> = { ...auth };
			if (contentType) headers['content-type'] = contentType;
			const result = await calloutTrigger().call({ headers, body: CALLOUT_NOTIFICATION_NAMESPACED_XML });
			expect(result.executed).toBe(true);
			expect(result.items[0]).toMatchObject({ eventDateTime: '2012-11-14T19:45:25', workflowStep: 'REPORT SUBMITTED' });
		},
	);

	it('accepts notifications on the /concur/v1.0/notify alias', async () => {
		const result = await calloutTrigger().call({ path: 'webhook/concur/v1.0/notify', headers: auth, body: CALLOUT_NOTIFICATION_XML });
		expect(result.executed).toBe(true);
	});

	it.each([
		['no Authorization header', {}],
		['a wrong password', { authorization: basicAuthorization(CALLOUT.username, 'Wrong-Password-123') }],
		['a wrong user name', { authorization: basicAuthorization('someone-else-1', CALLOUT.password) }],
		['a Bearer token', { authorization: 'Bearer abc.def.ghi' }],
	])('answers 401 with a Basic challenge for %s', async (_label, headers) => {
		const result = await calloutTrigger().call({ headers, body: CALLOUT_NOTIFICATION_XML });
		expect(result).toMatchObject({ status: 401, executed: false, hung: false });
		expect(result.headers['www-authenticate']).toBe('Basic realm="Concur"');
	});

	it.each([['webhook'], ['webhook/system/v1.0/testconnection']])(
		'answers Test Connection (GET %s) with 200 and no execution',
		async (path) => {
			const result = await calloutTrigger().call({ method: 'GET', path, headers: auth });
			expect(result).toMatchObject({ status: 200, executed: false, hung: false, body: 'OK' });
			const refused = await calloutTrigger().call({ method: 'GET', path });
			expect(refused).toMatchObject({ status: 401, executed: false });
		},
	);

	it.each([
		['a DTD with an external entity', '<?xml version="1.0"?><!DOCTYPE n [<!ENTITY x SYSTEM "file:///etc/passwd">]><Notification><EventType>&x;</EventType></Notification>'],
		['an entity bomb', '<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Notification><Context>&b;</Context></Notification>'],
		['garbage', '\u0000\u0001garbage'],
		['JSON', '{"EventType":"x"}'],
	])('answers 400 for %s and does not run', async (_label, body) => {
		const result = await calloutTrigger().call({ headers: { ...auth, 'content-type': 'application/xml' }, body });
		expect(result).toMatchObject({ status: 400, executed: false, hung: false });
		expect(result.body).not.toContain('/etc/passwd');
	});
});
