/**
 * Attack suite for the Concur Trigger, run through n8n-core's real WebhookContext.
 *
 * Every hostile request must get its documented answer (401 for anything not signed or not
 * authenticated, 400 for signed/authenticated bodies that are not a Concur event), must not
 * throw, must not leave the caller hanging, must not start an execution; and no secret (the
 * callout password, the Authorization header, a presented signature) may appear in any response
 * or in any logger call.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { ConcurTrigger } from '../../nodes/Concur/ConcurTrigger.node';
import { forgetAllSeenEvents } from '../../nodes/Concur/helpers/dedupe';
import { capturedLogs, TriggerHarness, type WebhookCallResult, type WebhookRequestSpec } from '../harness/webhook';
import { basicAuthorization, CALLOUT_NOTIFICATION_XML, essHeaders, expenseStatusChangedEvent, generateSigningKey, signPkcs1, signPss } from '../fixtures/concurEvents';

const concurKey = generateSigningKey();
const CALLOUT = { username: 'concur-callout-user', password: 'Callout-Pa55word-Secret' };
const GOOD_AUTH = basicAuthorization(CALLOUT.username, CALLOUT.password);

/** Every string a response or log line must never contain. */
const secrets = new Set<string>([CALLOUT.password, GOOD_AUTH, GOOD_AUTH.slice('Basic '.length)]);

const all: WebhookCallResult[] = [];

function essTrigger() {
	return new TriggerHarness({
		nodeType: new ConcurTrigger(),
		parameters: { source: 'eventSubscription' },
		credentials: { concurEventSubscriptionApi: { publicKeys: concurKey.publicPem } },
	});
}

function calloutTrigger() {
	return new TriggerHarness({
		nodeType: new ConcurTrigger(),
		parameters: { source: 'callout' },
		credentials: { concurCalloutApi: { ...CALLOUT } },
	});
}

async function send(trigger: TriggerHarness, spec: WebhookRequestSpec): Promise<WebhookCallResult> {
	for (const value of Object.values(spec.headers ?? {})) {
		const text = Array.isArray(value) ? value.join(',') : value;
		if (/signature|basic/i.test(text) || text.length > 40) secrets.add(text);
	}
	const signature = spec.headers?.['concur-signature'];
	if (typeof signature === 'string' && signature.length > 8) secrets.add(signature);
	const result = await trigger.call(spec);
	all.push(result);
	return result;
}

/** The invariants every refused request shares. */
function expectRefused(result: WebhookCallResult, status: number) {
	expect(result.thrown).toBeUndefined();
	expect(result.hung).toBe(false);
	expect(result.executed).toBe(false);
	expect(result.staticDataWritten).toBe(false);
	expect(result.status).toBe(status);
}

const event = expenseStatusChangedEvent();
const body = JSON.stringify(event);
const goodSignature = signPss(body, concurKey.privateKey);

beforeEach(() => forgetAllSeenEvents());

describe('forged ESS signatures → 401, nothing runs', () => {
	it('flipping any single bit of a valid signature', async () => {
		const trigger = essTrigger();
		const bytes = Buffer.from(goodSignature, 'base64');
		// 64 positions spread over the whole signature, first and last byte included.
		const positions = Array.from({ length: 64 }, (_, i) => Math.floor((i * (bytes.length * 8 - 1)) / 63));
		for (const bit of positions) {
			const forged = Buffer.from(bytes);
			forged[bit >> 3] ^= 1 << (bit & 7);
			expectRefused(await send(trigger, { body, headers: { 'concur-signature': forged.toString('base64') } }), 401);
		}
	});

	it('signatures made with other keys (1024 and 2048 bits)', async () => {
		const trigger = essTrigger();
		for (const modulusLength of [1024, 2048]) {
			const { privateKey } = generateKeyPairSync('rsa', { modulusLength });
			expectRefused(await send(trigger, { body, headers: { 'concur-signature': signPss(body, privateKey) } }), 401);
		}
	});

	it('PKCS#1 v1.5 signature by the right key', async () => {
		expectRefused(await send(essTrigger(), { body, headers: { 'concur-signature': signPkcs1(body, concurKey.privateKey) } }), 401);
	});

	it.each([
		['truncated to half', goodSignature.slice(0, goodSignature.length / 2)],
		['missing its last byte', Buffer.from(goodSignature, 'base64').subarray(0, 255).toString('base64')],
		['with padding removed', goodSignature.replace(/=+$/, '')],
		['empty', ''],
		['whitespace', '   '],
		['non-base64', '%%%not-base64%%%'],
		['a Stripe-style header', `t=1700000000,v1=${'ab'.repeat(32)}`],
		['a JWS', 'eyJhbGciOiJQUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'],
		['unicode', 'ＳＩＧＮＡＴＵＲＥ'],
		['huge (100 KB)', 'A'.repeat(100 * 1024)],
		['huge valid base64 (8 KB of bytes)', randomBytes(8192).toString('base64')],
		['the right signature twice', `${goodSignature},${goodSignature}`],
	])('a signature header that is %s', async (_label, header) => {
		expectRefused(await send(essTrigger(), { body, headers: { 'concur-signature': header } }), 401);
	});

	it('a repeated header (array value)', async () => {
		expectRefused(await send(essTrigger(), { body, headers: { 'concur-signature': [goodSignature, goodSignature] } }), 401);
	});

	it('a valid signature replayed on another body, or on the body with one extra byte', async () => {
		const trigger = essTrigger();
		const other = JSON.stringify(expenseStatusChangedEvent());
		expectRefused(await send(trigger, { body: other, headers: { 'concur-signature': goodSignature } }), 401);
		expectRefused(await send(trigger, { body: `${body}\n`, headers: { 'concur-signature': goodSignature } }), 401);
		expectRefused(await send(trigger, { body: ` ${body}`, headers: { 'concur-signature': goodSignature } }), 401);
	});

	it('a signature over the body as n8n re-serialises it', async () => {
		const spaced = JSON.stringify(event, null, 2);
		const signatureOfCompact = signPss(JSON.stringify(JSON.parse(spaced)), concurKey.privateKey);
		expectRefused(await send(essTrigger(), { body: spaced, headers: { 'concur-signature': signatureOfCompact } }), 401);
	});
});

describe('hostile ESS bodies', () => {
	it('unsigned garbage, oversized and empty bodies → 401', async () => {
		const trigger = essTrigger();
		for (const payload of [randomBytes(4096), Buffer.alloc(5 * 1024 * 1024, 0x41), Buffer.alloc(0), '{"id":']) {
			expectRefused(await send(trigger, { body: payload, headers: { 'content-type': 'application/json' } }), 401);
		}
	});

	it('signed garbage, truncated JSON and a signed 5 MB non-event → 400', async () => {
		const trigger = essTrigger();
		const payloads = [
			randomBytes(4096),
			Buffer.from('{"id":"x","topic":'),
			Buffer.from(JSON.stringify({ filler: 'x'.repeat(5 * 1024 * 1024) })),
			Buffer.from('null'),
			Buffer.from('[]'),
			Buffer.from('\uFEFF'),
		];
		for (const payload of payloads) {
			expectRefused(await send(trigger, { body: payload, headers: { 'concur-signature': signPss(payload, concurKey.privateKey) } }), 400);
		}
	});

	it('a signed event with a prototype-pollution key is passed on as data, nothing is polluted', async () => {
		const hostile = `{"id":"proto-1","topic":"public.concur.expense.report","__proto__":{"polluted":true},"facts":{"constructor":{"prototype":{"polluted":true}}}}`;
		const result = await send(essTrigger(), { body: hostile, headers: { 'concur-signature': signPss(hostile, concurKey.privateKey) } });
		expect(result.executed).toBe(true);
		expect(({} as IDataObject).polluted).toBeUndefined();
	});

	it.each([['text/plain'], ['application/xml'], ['multipart/form-data; boundary=x'], [undefined]])(
		'content type %s does not matter: the signature over the raw bytes decides',
		async (contentType) => {
			const headers = essHeaders(body, concurKey.privateKey);
			if (contentType) headers['content-type'] = contentType;
			else delete headers['content-type'];
			const accepted = await send(essTrigger(), { body, headers });
			expect(accepted).toMatchObject({ status: 200, executed: true, hung: false });
			const forged = await send(essTrigger(), { body, headers: { ...headers, 'concur-signature': signPkcs1(body, concurKey.privateKey) } });
			expectRefused(forged, 401);
		},
	);
});

describe('wrong or missing Basic Auth on callouts → 401 with a challenge, nothing runs', () => {
	const variants: Array<[string, Record<string, string | string[]>]> = [
		['no header', {}],
		['an empty header', { authorization: '' }],
		['"Basic" alone', { authorization: 'Basic' }],
		['"Basic " with nothing', { authorization: 'Basic ' }],
		['user name only', { authorization: `Basic ${Buffer.from(CALLOUT.username).toString('base64')}` }],
		['user name and empty password', { authorization: basicAuthorization(CALLOUT.username, '') }],
		['user name and password swapped', { authorization: basicAuthorization(CALLOUT.password, CALLOUT.username) }],
		['the password in another case', { authorization: basicAuthorization(CALLOUT.username, CALLOUT.password.toUpperCase()) }],
		['the password with a trailing space', { authorization: basicAuthorization(CALLOUT.username, `${CALLOUT.password} `) }],
		['the password as a prefix', { authorization: basicAuthorization(CALLOUT.username, CALLOUT.password.slice(0, 10)) }],
		['the user name in another case', { authorization: basicAuthorization(CALLOUT.username.toUpperCase(), CALLOUT.password) }],
		['a Bearer token', { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln' }],
		['Digest auth', { authorization: 'Digest username="concur-callout-user"' }],
		['non-base64 credentials', { authorization: 'Basic ***' }],
		['a 64 KB header', { authorization: `Basic ${'QUFB'.repeat(16 * 1024)}` }],
		['the right header twice', { authorization: [GOOD_AUTH, GOOD_AUTH] }],
		['unicode look-alike password', { authorization: basicAuthorization(CALLOUT.username, CALLOUT.password.replace('a', 'а')) }],
	];

	it.each(variants)('%s (notification)', async (_label, headers) => {
		const result = await send(calloutTrigger(), { headers: { ...headers, 'content-type': 'application/xml' }, body: CALLOUT_NOTIFICATION_XML });
		expectRefused(result, 401);
		expect(result.headers['www-authenticate']).toBe('Basic realm="Concur"');
	});

	it.each(variants)('%s (Test Connection)', async (_label, headers) => {
		const result = await send(calloutTrigger(), { method: 'GET', path: 'webhook/system/v1.0/testconnection', headers });
		expectRefused(result, 401);
		expect(result.headers['www-authenticate']).toBe('Basic realm="Concur"');
	});
});

describe('hostile XML on an authenticated callout → 400, nothing runs, nothing expands', () => {
	const auth = { authorization: GOOD_AUTH };
	const notification = (inner: string) => `<Notification>${inner}<ObjectType>EXPRPT</ObjectType><ObjectURI>https://x/y/KEY</ObjectURI></Notification>`;
	const nested = (depth: number) => `${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}`;

	const payloads: Array<[string, string | Buffer]> = [
		['an internal DTD subset', `<!DOCTYPE Notification [<!ELEMENT Notification ANY>]>${notification('<EventType>x</EventType>')}`],
		['an external DTD', `<!DOCTYPE Notification SYSTEM "http://127.0.0.1:1/evil.dtd">${notification('<EventType>x</EventType>')}`],
		['an external entity (file)', `<!DOCTYPE n [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${notification('<EventType>&xxe;</EventType>')}`],
		['an external entity (http)', `<!DOCTYPE n [<!ENTITY xxe SYSTEM "http://127.0.0.1:1/x">]>${notification('<EventType>&xxe;</EventType>')}`],
		['a parameter entity', `<!DOCTYPE n [<!ENTITY % p SYSTEM "http://127.0.0.1:1/p.dtd"> %p;]>${notification('<EventType>x</EventType>')}`],
		[
			'a billion-laughs bomb',
			`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]>${notification('<EventType>&lol9;</EventType>')}`,
		],
		['a quadratic blow-up', `<!DOCTYPE n [<!ENTITY a "${'x'.repeat(50_000)}">]>${notification(`<EventType>${'&a;'.repeat(2000)}</EventType>`)}`],
		['an undeclared entity', notification('<EventType>&nbsp;</EventType>')],
		['a misplaced XML declaration', `${notification('<EventType>x</EventType>')}<?xml version="1.0"?>`],
		['a second XML declaration', `<?xml version="1.0"?><?xml version="1.0"?>${notification('<EventType>x</EventType>')}`],
		['100,000 levels of nesting', `<Notification>${nested(100_000)}</Notification>`],
		['a million elements', `<Notification>${'<a/>'.repeat(1_000_000)}</Notification>`],
		['5 MB of text', notification(`<EventType>${'x'.repeat(5 * 1024 * 1024)}</EventType>`)],
		['an unclosed document', '<Notification><EventType>x</EventType>'],
		['two root elements', `${notification('<EventType>x</EventType>')}<Notification/>`],
		['random bytes', randomBytes(2048)],
		['an empty body', ''],
		['JSON', JSON.stringify({ Notification: { EventType: 'x' } })],
		['HTML', '<html><body><Notification>x</Notification></body></html>'],
		['UTF-16 encoded XML', Buffer.from(`\uFEFF${CALLOUT_NOTIFICATION_XML}`, 'utf16le')],
		['a notification without ObjectURI', '<Notification><EventType>x</EventType><ObjectType>EXPRPT</ObjectType></Notification>'],
	];

	it.each(payloads)('%s', async (_label, payload) => {
		const result = await send(calloutTrigger(), { headers: { ...auth, 'content-type': 'application/xml' }, body: payload });
		expectRefused(result, 400);
		expect(result.body).not.toMatch(/root:|lollol/);
	});

	it.each([['application/json'], ['text/plain'], ['application/x-www-form-urlencoded'], ['multipart/form-data; boundary=z'], ['image/png']])(
		'a genuine notification sent as %s is read from the raw bytes and accepted',
		async (contentType) => {
			const result = await send(calloutTrigger(), { headers: { ...auth, 'content-type': contentType }, body: CALLOUT_NOTIFICATION_XML, parsedBody: {} });
			expect(result).toMatchObject({ status: 200, executed: true, hung: false });
			expect(result.items[0].reportKey).toBe('3%Rek29$wsIY12Di3LS9$gjei%KL23');
		},
	);

	it('a stylesheet processing instruction is valid XML, skipped: nothing is fetched', async () => {
		const xml = `<?xml version="1.0"?><?xml-stylesheet href="http://127.0.0.1:1/x.xsl"?>${notification('<EventType>x</EventType>')}`;
		const result = await send(calloutTrigger(), { headers: auth, body: xml });
		expect(result).toMatchObject({ status: 200, executed: true, hung: false });
		expect(JSON.stringify(result.items)).not.toMatch(/stylesheet|x\.xsl/);
	});

	it('XInclude and CDATA are inert data, not instructions', async () => {
		const xml = `<Notification xmlns:xi="http://www.w3.org/2001/XInclude"><EventType><![CDATA[<!ENTITY x SYSTEM "file:///etc/passwd">]]></EventType><ObjectType>EXPRPT</ObjectType><ObjectURI>https://x/y/KEY</ObjectURI><Context><xi:include href="file:///etc/passwd" parse="text"/></Context></Notification>`;
		const result = await send(calloutTrigger(), { headers: auth, body: xml });
		expect(result.executed).toBe(true);
		expect(result.items[0].eventType).toBe('<!ENTITY x SYSTEM "file:///etc/passwd">');
		expect(JSON.stringify(result.items)).not.toMatch(/root:/);
	});
});

describe('no secret leaks', () => {
	it('no response, output item or log line contains a password, an Authorization header or a presented signature', async () => {
		// Make sure there is something successful to inspect as well.
		await send(calloutTrigger(), { headers: { authorization: GOOD_AUTH }, body: CALLOUT_NOTIFICATION_XML });
		await send(essTrigger(), { body, headers: essHeaders(body, concurKey.privateKey) });
		expect(all.length).toBeGreaterThan(100);
		expect(capturedLogs.length).toBeGreaterThan(0);

		const haystacks = [
			...all.map((result) => JSON.stringify({ body: result.body, headers: result.headers, items: result.items })),
			...capturedLogs.map((line) => JSON.stringify(line)),
		];
		for (const secret of secrets) {
			if (secret.length < 8) continue;
			for (const haystack of haystacks) {
				if (haystack.includes(secret)) throw new Error(`a secret leaked: ${haystack.slice(0, 200)}`);
			}
		}
	});
});
