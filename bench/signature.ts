/**
 * Signature path benchmark: events per second through the Concur Trigger's ESS verification and
 * parsing against a bare `crypto.verify` with a cached KeyObject, on the same signed bodies, in
 * the same process, rounds interleaved (the order rotates every round) to spread noise evenly.
 *
 *   bare     crypto.verify(PSS, AUTO salt) with one cached KeyObject: the floor
 *   verifyParse  the trigger's verification and parsing alone: cached key lookup by credential
 *            text, header checks + verify (helpers/signature.ts), JSON.parse, envelope check, filters
 *   trigger  what the trigger does per event, minus n8n: cached key lookup by credential text,
 *            header checks + verify (helpers/signature.ts), JSON.parse, envelope check, filters,
 *            atomic dedupe with static-data persistence (helpers/dedupe.ts)
 *   webhook  the trigger's webhook() called through n8n-core's WebhookContext (test/harness/
 *            webhook.ts): adds what n8n itself does per request (a Workflow object, the context,
 *            credential and parameter resolution) — shown for context, it is n8n's cost
 */
import { constants, createPublicKey, verify } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { ConcurTrigger } from '../nodes/Concur/ConcurTrigger.node.js'; // .js: a bare name would resolve to the codex .node.json
import { acceptOnce } from '../nodes/Concur/helpers/dedupe';
import { isEssEvent, matchesEssFilters, type EssFilters } from '../nodes/Concur/helpers/essFilters';
import { getCachedPublicKeys } from '../nodes/Concur/helpers/keys';
import { verifyConcurSignature } from '../nodes/Concur/helpers/signature';
import { TriggerHarness } from '../test/harness/webhook';
import { essKeyPair, statusChangedEvent, signedRequest } from './lib/ess';
import type { PreparedRequest } from './lib/load';
import { median } from './lib/stats';

export type SignatureVariant = 'bare' | 'verifyParse' | 'trigger' | 'webhook';

export interface SignatureResult {
	events: number;
	rounds: number;
	/** Median events/s per variant over the rounds. */
	eventsPerSecond: Record<SignatureVariant, number>;
	/** Every round's events/s, per variant. */
	perRound: Record<SignatureVariant, number[]>;
	/** Cost relative to the bare verify (bare rate / variant rate): 1.0 = free. */
	costRatio: { verifyParse: number; trigger: number; webhook: number };
	accepted: Record<SignatureVariant, number>;
}

const FILTERS: EssFilters = { topics: ['public.concur.expense.report'], eventTypes: [], transitions: ['expenseSubmitted'], stepCodes: [] };

export async function runSignatureBench({
	quick = false,
	log = (_line: string) => undefined,
}: { quick?: boolean; log?: (line: string) => void } = {}): Promise<SignatureResult> {
	const events = quick ? 500 : 2000;
	const rounds = quick ? 3 : 7;
	const keys = essKeyPair();
	// A credential as users have it by default: Concur's current key first, then the previous one
	// (kept for rotations). Events signed with the current key verify on the first try.
	const previousKey = essKeyPair().publicKeyPem;
	const credentialPem = `${keys.publicKeyPem}\n${previousKey}`;
	log(`[signature] signing ${events} events`);
	const requests: PreparedRequest[] = Array.from({ length: events }, (_, i) =>
		signedRequest(statusChangedEvent(i, 'submitted'), keys.privateKeyPem),
	);
	const bareKey = createPublicKey(keys.publicKeyPem);
	// The workflow's static data as n8n keeps it, one workflow per round.
	const staticDatas = new Map<number, IDataObject>();
	const staticDataFor = (round: number) => {
		if (!staticDatas.has(round)) staticDatas.set(round, {});
		return staticDatas.get(round) as IDataObject;
	};
	// One trigger harness (one workflow) per round, so every round sees each event id once.
	const harnesses = new Map<number, TriggerHarness>();
	const harnessFor = (round: number) => {
		let harness = harnesses.get(round);
		if (!harness) {
			harness = new TriggerHarness({
				nodeType: new ConcurTrigger(),
				workflowId: `bench-signature-webhook-${round}`,
				parameters: { source: 'eventSubscription', topics: [], transitions: ['expenseSubmitted'], options: {} },
				credentials: { concurEventSubscriptionApi: { publicKeys: credentialPem } },
			});
			harnesses.set(round, harness);
		}
		return harness;
	};

	const runners: Record<SignatureVariant, (round: number, slice: PreparedRequest[]) => Promise<number>> = {
		bare: async (_round, slice) => {
			let ok = 0;
			for (const { body, headers } of slice) {
				const valid = verify(
					'sha256',
					body,
					{ key: bareKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
					Buffer.from(headers['Concur-Signature'], 'base64'),
				);
				if (valid) ok++;
			}
			return ok;
		},
		verifyParse: async (_round, slice) => {
			let ok = 0;
			for (const { body, headers } of slice) {
				const parsedKeys = getCachedPublicKeys(credentialPem);
				const check = verifyConcurSignature(body, headers['Concur-Signature'], parsedKeys.map((k) => k.key));
				if (!check.valid) continue;
				const event: unknown = JSON.parse(body.toString('utf8'));
				if (isEssEvent(event) && matchesEssFilters(event, FILTERS)) ok++;
			}
			return ok;
		},
		trigger: async (round, slice) => {
			let ok = 0;
			const staticData = staticDataFor(round);
			for (const { body, headers } of slice) {
				const parsedKeys = getCachedPublicKeys(credentialPem);
				const check = verifyConcurSignature(body, headers['Concur-Signature'], parsedKeys.map((k) => k.key));
				if (!check.valid) continue;
				const event: unknown = JSON.parse(body.toString('utf8'));
				if (!isEssEvent(event) || !matchesEssFilters(event, FILTERS)) continue;
				if (acceptOnce(`bench-signature-${round}`, staticData, event.id, 72 * 3_600_000, Date.now())) ok++;
			}
			return ok;
		},
		webhook: async (round, slice) => {
			const harness = harnessFor(round);
			let ok = 0;
			for (const { body, headers } of slice) {
				const result = await harness.call({
					method: 'POST',
					headers: { 'content-type': 'application/json', 'concur-signature': headers['Concur-Signature'] },
					body,
				});
				if (result.executed) ok++;
			}
			return ok;
		},
	};

	const variants: SignatureVariant[] = ['bare', 'verifyParse', 'trigger', 'webhook'];
	const perRound: Record<SignatureVariant, number[]> = { bare: [], verifyParse: [], trigger: [], webhook: [] };
	const accepted: Record<SignatureVariant, number> = { bare: 0, verifyParse: 0, trigger: 0, webhook: 0 };
	// Warm-up round (JIT, key cache), not counted.
	for (const variant of variants) await runners[variant](-1, requests);
	// Fine-grained interleaving: each round walks the events in chunks and runs every variant on
	// each chunk, in an order that rotates, so a burst of load from elsewhere hits all variants.
	const CHUNK = 50;
	for (let round = 0; round < rounds; round++) {
		const nanos: Record<SignatureVariant, bigint> = { bare: BigInt(0), verifyParse: BigInt(0), trigger: BigInt(0), webhook: BigInt(0) };
		for (const variant of variants) accepted[variant] = 0;
		for (let start = 0, chunk = 0; start < requests.length; start += CHUNK, chunk++) {
			const slice = requests.slice(start, start + CHUNK);
			const order = variants.map((_, i) => variants[(i + chunk + round) % variants.length]);
			for (const variant of order) {
				const started = process.hrtime.bigint();
				accepted[variant] += await runners[variant](round, slice);
				nanos[variant] += process.hrtime.bigint() - started;
			}
		}
		for (const variant of variants) perRound[variant].push(events / (Number(nanos[variant]) / 1e9));
		log(
			`[signature] round ${round + 1}/${rounds}: ` +
				variants.map((v) => `${v} ${perRound[v][round].toFixed(0)}/s`).join(', '),
		);
	}
	const eventsPerSecond = {
		bare: median(perRound.bare),
		verifyParse: median(perRound.verifyParse),
		trigger: median(perRound.trigger),
		webhook: median(perRound.webhook),
	};
	for (const variant of variants) {
		if (accepted[variant] !== events) throw new Error(`${variant} accepted ${accepted[variant]} of ${events} signed events`);
	}
	return {
		events,
		rounds,
		eventsPerSecond,
		perRound,
		costRatio: {
			verifyParse: eventsPerSecond.bare / eventsPerSecond.verifyParse,
			trigger: eventsPerSecond.bare / eventsPerSecond.trigger,
			webhook: eventsPerSecond.bare / eventsPerSecond.webhook,
		},
		accepted,
	};
}
