/**
 * Replays of captured, genuinely signed ESS events, and signature keys too short to trust, run
 * through n8n-core's real WebhookContext like the rest of the attack suite.
 *
 * An attacker who captured a delivery (a proxy log, a leaked request dump) holds a body and a
 * Concur-Signature that stay valid for ever: the signature carries no time. Before the freshness
 * check, such an event was dropped as a duplicate for the duplicate window only, and started a new
 * execution whenever it was sent after that (or after a restart with Remember Across Restarts
 * off). Now the signed timeStamp bounds it: at window + tolerance the event is stale, and until
 * then its id stays remembered.
 *
 * Times are built from the process clock the trigger reads (never written dates), and later
 * deliveries move that clock with jest's fake Date (test/harness/clock.ts).
 */
import { generateKeyPairSync } from 'node:crypto';

import type { ICredentialsDecrypted, ICredentialTestFunctions, IDataObject } from 'n8n-workflow';

import { ConcurTrigger } from '../../nodes/Concur/ConcurTrigger.node';
import { forgetAllSeenEvents } from '../../nodes/Concur/helpers/dedupe';
import { CLOCK_TOLERANCE_MS } from '../../nodes/Concur/helpers/freshness';
import { clearPublicKeyCache } from '../../nodes/Concur/helpers/keys';
import { pinClock, unpinClock } from '../harness/clock';
import { capturedLogs, TriggerHarness, type WebhookCallResult } from '../harness/webhook';
import { essHeaders, expenseStatusChangedEvent, generateSigningKey, signPss } from '../fixtures/concurEvents';

const HOUR = 3_600_000;
const WINDOW = 72 * HOUR;
const concurKey = generateSigningKey();

function essTrigger(options: IDataObject = {}, publicKeys = concurKey.publicPem) {
	return new TriggerHarness({
		nodeType: new ConcurTrigger(),
		parameters: { source: 'eventSubscription', options },
		credentials: { concurEventSubscriptionApi: { publicKeys } },
	});
}

/** A delivery as an attacker captured it: Concur's body and Concur's signature, stamped `offsetMs` from now. */
function captured(offsetMs = 0) {
	const event = expenseStatusChangedEvent({ timeStamp: new Date(Date.now() + offsetMs).toISOString() });
	const body = JSON.stringify(event);
	return { body, headers: essHeaders(body, concurKey.privateKey) };
}

/** Sends `delivery` with the process clock `offsetMs` ahead, after `restart` emptied the in-memory record. */
async function replayLater(trigger: TriggerHarness, delivery: ReturnType<typeof captured>, offsetMs: number, restart = true) {
	pinClock(Date.now() + offsetMs);
	try {
		if (restart) forgetAllSeenEvents();
		return await trigger.call(delivery);
	} finally {
		unpinClock();
	}
}

function expectAcknowledgedNotRun(result: WebhookCallResult) {
	expect(result.thrown).toBeUndefined();
	expect(result.hung).toBe(false);
	expect(result.status).toBe(200);
	expect(result.executed).toBe(false);
	expect(result.staticDataWritten).toBe(false);
}

const signatures = new Set<string>();
function remember(delivery: ReturnType<typeof captured>) {
	signatures.add(delivery.headers['concur-signature']);
	return delivery;
}

beforeEach(() => forgetAllSeenEvents());

describe('a captured, validly signed ESS event replayed later', () => {
	it('older than the window plus the tolerance: answered 200, nothing runs, logged as stale', async () => {
		const before = capturedLogs.length;
		for (const age of [WINDOW + CLOCK_TOLERANCE_MS, WINDOW + CLOCK_TOLERANCE_MS + 60_000, 30 * 24 * HOUR, 400 * 24 * HOUR]) {
			expectAcknowledgedNotRun(await essTrigger().call(remember(captured(-age))));
		}
		const stale = capturedLogs.slice(before).filter((line) => line.level === 'warn' && /is stale/.test(line.message));
		expect(stale).toHaveLength(4);
	});

	it('inside the window: runs once; every replay after that is dropped, through restarts, until it is stale', async () => {
		const trigger = essTrigger();
		const delivery = remember(captured());
		expect((await trigger.call(delivery)).executed).toBe(true);
		expectAcknowledgedNotRun(await trigger.call(delivery));
		// Each replay after a restart: the record in static data, then the timeStamp, stop it.
		// The old code ran the ones past 72 h again.
		for (const offset of [HOUR, 71 * HOUR, WINDOW + 1, WINDOW + CLOCK_TOLERANCE_MS / 2, WINDOW + CLOCK_TOLERANCE_MS, 200 * HOUR]) {
			const replay = await replayLater(trigger, delivery, offset);
			expect({ offset, executed: replay.executed, status: replay.status }).toEqual({ offset, executed: false, status: 200 });
		}
	});

	it('with Remember Across Restarts off, a restart opens the replay only until the event is stale', async () => {
		const trigger = essTrigger({ persistSeenEvents: false });
		const delivery = remember(captured());
		expect((await trigger.call(delivery)).executed).toBe(true);
		// Documented limitation: the in-memory record is gone after a restart.
		expect((await replayLater(trigger, delivery, HOUR)).executed).toBe(true);
		expectAcknowledgedNotRun(await replayLater(trigger, delivery, WINDOW + CLOCK_TOLERANCE_MS));
		expectAcknowledgedNotRun(await replayLater(trigger, delivery, 30 * 24 * HOUR));
	});

	it('a duplicate window of 0 keeps the behaviour before the check: every delivery runs, however old', async () => {
		const trigger = essTrigger({ duplicateWindowHours: 0 });
		const delivery = remember(captured(-400 * 24 * HOUR));
		expect((await trigger.call(delivery)).executed).toBe(true);
		expect((await trigger.call(delivery)).executed).toBe(true);
	});

	it('the timeStamp cannot be moved: a re-dated body fails the signature', async () => {
		const stale = captured(-(WINDOW + 2 * HOUR));
		const redated = stale.body.replace(/"timeStamp":"[^"]+"/, `"timeStamp":"${new Date().toISOString()}"`);
		expect(redated).not.toBe(stale.body);
		const result = await essTrigger().call({ body: redated, headers: stale.headers });
		expect(result).toMatchObject({ status: 401, executed: false });
	});
});

describe('RSA keys shorter than 2048 bits', () => {
	const tests = new ConcurTrigger().methods.credentialTest;
	const credential = (publicKeys: string) => ({ id: '1', name: 'c', type: 't', data: { publicKeys } }) as ICredentialsDecrypted;
	const weakKeys = [512, 1024].map((bits) => ({ bits, ...generateKeyPairSync('rsa', { modulusLength: bits }) }));

	it.each(weakKeys.map((key) => [key.bits, key] as const))('a %i-bit key fails the credential test, named with its size', async (bits, key) => {
		const pem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
		const alone = await tests.concurEventSubscriptionApiTest.call({} as ICredentialTestFunctions, credential(pem));
		expect(alone.status).toBe('Error');
		expect(alone.message).toMatch(new RegExp(`^Key 1 \\([0-9a-f]{16}\\) is a ${bits}-bit RSA key; keys shorter than 2048 bits are refused`));
		const withGood = await tests.concurEventSubscriptionApiTest.call({} as ICredentialTestFunctions, credential(`${concurKey.publicPem}\n${pem}`));
		expect(withGood).toMatchObject({ status: 'Error' });
		expect(withGood.message).toMatch(new RegExp(`^Key 2 .* ${bits}-bit`));
	});

	it.each(weakKeys.map((key) => [key.bits, key] as const))('the trigger will not verify with a %i-bit key: 500 (Concur retries), nothing runs', async (bits, key) => {
		clearPublicKeyCache();
		const pem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
		const event = expenseStatusChangedEvent();
		const body = JSON.stringify(event);
		// A signature the weak key's holder (or whoever factored it) can make.
		const signature = signPss(body, key.privateKey);
		const before = capturedLogs.length;
		const result = await essTrigger({}, pem).call({ body, headers: { 'content-type': 'application/json', 'concur-signature': signature } });
		expect(result).toMatchObject({ status: 500, executed: false, hung: false, staticDataWritten: false });
		expect(capturedLogs.slice(before).some((line) => line.level === 'error' && new RegExp(`${bits}-bit RSA key`).test(line.message))).toBe(true);
	});
});

it('no log line carries a presented signature', () => {
	expect(signatures.size).toBeGreaterThan(3);
	for (const line of capturedLogs) {
		const text = JSON.stringify(line);
		for (const signature of signatures) expect(text.includes(signature)).toBe(false);
	}
});
