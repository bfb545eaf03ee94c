/**
 * The workflows the end-to-end benchmark and the soak create in a real n8n through its public
 * API. Each pair is equivalent in what it lets through:
 * - every event accepted: Concur Trigger (ESS, signed) → Set   vs   Webhook → Set
 * - filter + dedupe:      Concur Trigger (submitted, dedupe) → Set   vs   Webhook → Code (verify
 *   the signature) → IF (valid and a submission) → Remove Duplicates (event id) → Set
 */
import { randomUUID } from 'node:crypto';

import { DEFAULT_PERSISTED_EVENTS, eventKey, STATIC_DATA_KEY } from '../../nodes/Concur/helpers/dedupe';
import type { WorkflowJson } from '../../scripts/lib/n8n';

export const CONCUR_TRIGGER_TYPE = 'n8n-nodes-concur.concurTrigger';

function setNode(position: [number, number]): Record<string, unknown> {
	return {
		id: randomUUID(),
		name: 'Set',
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position,
		parameters: {
			mode: 'manual',
			assignments: {
				assignments: [
					{ id: randomUUID(), name: 'eventId', value: '={{ $json.id ?? $json.body?.id }}', type: 'string' },
				],
			},
			options: {},
		},
	};
}

function chain(names: string[]): Record<string, unknown> {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < names.length - 1; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

export interface ConcurTriggerOptions {
	credentialId: string;
	/** Trigger "Transitions" filter (empty: every event). */
	transitions?: string[];
	/** Dedupe window in hours (undefined: the node's default, 72 h). */
	duplicateWindowHours?: number;
	/** Remember Across Restarts (undefined: the node's default, on). */
	persistSeenEvents?: boolean;
	/**
	 * Start with a full persisted dedupe record (the node's default 10,000 ids), as a trigger that
	 * has been running for a while carries: every accepted event then writes a record of that size.
	 */
	steadyStateRecord?: boolean;
}

/** A persisted dedupe record holding `count` ids that will not be seen (format: helpers/dedupe.ts). */
export function fullDedupeRecord(count = DEFAULT_PERSISTED_EVENTS): Record<string, unknown> {
	const expiry = Math.ceil((Date.now() + 72 * 3_600_000) / 600_000) * 600;
	let keys = '';
	for (let i = 0; i < count; i++) keys += eventKey(`steady-state-${randomUUID()}`);
	return { v: 2, writer: 'bench-seed', buckets: [[expiry, keys]] };
}

/** Concur Trigger (ESS) → Set. Its production URL is `/webhook/<webhookId>/webhook`. */
export function concurTriggerWorkflow(
	name: string,
	{ credentialId, transitions = [], duplicateWindowHours, persistSeenEvents, steadyStateRecord }: ConcurTriggerOptions,
): { workflow: WorkflowJson; webhookPath: string } {
	const webhookId = randomUUID();
	const options: Record<string, unknown> = {};
	if (duplicateWindowHours !== undefined) options.duplicateWindowHours = duplicateWindowHours;
	if (persistSeenEvents !== undefined) options.persistSeenEvents = persistSeenEvents;
	return {
		webhookPath: `/webhook/${webhookId}/webhook`,
		workflow: {
			name,
			nodes: [
				{
					id: randomUUID(),
					name: 'Concur Trigger',
					type: CONCUR_TRIGGER_TYPE,
					typeVersion: 1,
					position: [0, 0],
					webhookId,
					parameters: { source: 'eventSubscription', topics: [], transitions, options },
					credentials: { concurEventSubscriptionApi: { id: credentialId, name: 'Concur ESS keys' } },
				},
				setNode([220, 0]),
			],
			connections: chain(['Concur Trigger', 'Set']),
			...(steadyStateRecord ? { staticData: { 'node:Concur Trigger': { [STATIC_DATA_KEY]: fullDedupeRecord() } } } : {}),
		},
	};
}

function webhookNode(path: string): Record<string, unknown> {
	return {
		id: randomUUID(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
	};
}

/** n8n's Webhook → Set. URL `/webhook/<path>`. */
export function webhookWorkflow(name: string, path: string): { workflow: WorkflowJson; webhookPath: string } {
	return {
		webhookPath: `/webhook/${path}`,
		workflow: {
			name,
			nodes: [webhookNode(path), setNode([220, 0])],
			connections: chain(['Webhook', 'Set']),
		},
	};
}

/**
 * The Code node a user would write to check Concur-Signature. n8n's Webhook node hands over the
 * parsed JSON; Concur sends compact JSON, so JSON.stringify reproduces the signed bytes here (a
 * favourable shortcut for the native build: it skips reading the raw body as binary data).
 */
export const VERIFY_SIGNATURE_CODE = `
const crypto = require('crypto');
const pem = PUBLIC_KEY_PEM;
const key = crypto.createPublicKey(pem);
return $input.all().map((item) => {
  const header = item.json.headers['concur-signature'] || '';
  let valid = false;
  try {
    valid = crypto.verify('sha256', Buffer.from(JSON.stringify(item.json.body)),
      { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_AUTO },
      Buffer.from(header, 'base64'));
  } catch (e) { valid = false; }
  return { json: { ...item.json.body, signatureValid: valid } };
});
`;

/** Webhook → Code (verify) → IF (valid submission) → Remove Duplicates (id) → Set. */
export function nativeFilteredWorkflow(
	name: string,
	path: string,
	publicKeyPem: string,
): { workflow: WorkflowJson; webhookPath: string } {
	const code = VERIFY_SIGNATURE_CODE.replace('PUBLIC_KEY_PEM', JSON.stringify(publicKeyPem));
	const condition = (leftValue: string, rightValue: unknown, operator: Record<string, unknown>) => ({
		id: randomUUID(),
		leftValue,
		rightValue,
		operator,
	});
	return {
		webhookPath: `/webhook/${path}`,
		workflow: {
			name,
			nodes: [
				webhookNode(path),
				{
					id: randomUUID(),
					name: 'Verify Signature',
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					position: [220, 0],
					parameters: { mode: 'runOnceForAllItems', language: 'javaScript', jsCode: code },
				},
				{
					id: randomUUID(),
					name: 'Valid Submission',
					type: 'n8n-nodes-base.if',
					typeVersion: 2.2,
					position: [440, 0],
					parameters: {
						conditions: {
							options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
							conditions: [
								condition('={{ $json.signatureValid }}', '', {
									type: 'boolean',
									operation: 'true',
									singleValue: true,
								}),
								condition('={{ ["A_NOTF", "A_RESU"].includes($json.facts.previousApprovalStatus) }}', '', {
									type: 'boolean',
									operation: 'true',
									singleValue: true,
								}),
							],
							combinator: 'and',
						},
						options: {},
					},
				},
				{
					id: randomUUID(),
					name: 'Remove Duplicates',
					type: 'n8n-nodes-base.removeDuplicates',
					typeVersion: 2,
					position: [660, 0],
					parameters: {
						operation: 'removeItemsSeenInPreviousExecutions',
						dedupeValue: '={{ $json.id }}',
						options: { historySize: 100000 },
					},
				},
				setNode([880, 0]),
			],
			connections: {
				Webhook: { main: [[{ node: 'Verify Signature', type: 'main', index: 0 }]] },
				'Verify Signature': { main: [[{ node: 'Valid Submission', type: 'main', index: 0 }]] },
				'Valid Submission': { main: [[{ node: 'Remove Duplicates', type: 'main', index: 0 }], []] },
				'Remove Duplicates': { main: [[{ node: 'Set', type: 'main', index: 0 }]] },
			},
		},
	};
}
