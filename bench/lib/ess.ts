/**
 * Signed Concur ESS events for the benchmarks and the soak: the Concur's Event Subscription Service docs, events envelope (expense report
 * `statusChanged`), compact JSON bytes and a `Concur-Signature` made with the simulator's signer
 * (RSASSA-PSS, SHA-256, maximum salt), so what n8n receives is byte for byte what Concur sends.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';

import { eventBody, signBody } from '../../test/simulator/sender';
import type { EssEvent } from '../../test/simulator/state';
import type { PreparedRequest } from './load';

export interface EssKeyPair {
	privateKeyPem: string;
	publicKeyPem: string;
}

export function essKeyPair(): EssKeyPair {
	const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	return {
		privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
		publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
	};
}

const COMPANY_ID = '12fc85ee-6f43-4d85-ba0d-94e844849dc1';
const USER_ID = 'f2d07d5f-7a6f-44fa-98c7-c4b405bd6ca3';

/** A report id as Concur shows them: 20 upper-case hex characters. */
function reportIdFor(n: number): string {
	return n.toString(16).toUpperCase().padStart(20, '0');
}

export type Transition = 'submitted' | 'approved';

/**
 * An expense-report statusChanged event. `submitted` matches the trigger's "Expense Report
 * Submitted" preset (previous approval status A_NOTF); `approved` does not.
 */
export function statusChangedEvent(n: number, transition: Transition): EssEvent {
	const reportId = reportIdFor(n);
	const submitted = transition === 'submitted';
	return {
		id: randomUUID(),
		correlationId: randomUUID(),
		route: 'stable',
		eventType: 'statusChanged',
		topic: 'public.concur.expense.report',
		timeStamp: new Date().toISOString(),
		facts: {
			currentApprovalStatus: submitted ? 'A_PEND' : 'A_APPR',
			reportId,
			stepCode: submitted ? 'MANAGER' : null,
			lastModifiedDate: new Date().toISOString(),
			userId: USER_ID,
			reportType: 'Regular',
			previousPaymentStatus: 'P_NOTP',
			companyId: COMPANY_ID,
			processId: '0211A2F15CD6354C8552FB9D7D83B331',
			currentPaymentStatus: 'P_NOTP',
			previousApprovalStatus: submitted ? 'A_NOTF' : 'A_PEND',
			actingUserId: null,
			href: `https://us.api.concursolutions.com/expensereports/v4/users/${USER_ID}/context/TRAVELER/reports/${reportId}`,
		},
	};
}

/** The exact request Concur's sender makes for `event`. */
export function signedRequest(event: EssEvent, privateKeyPem: string): PreparedRequest {
	const body = eventBody(event);
	return {
		body,
		headers: {
			'Content-Type': 'application/json',
			'Concur-Signature': signBody(body, privateKeyPem),
			'Concur-Correlationid': event.correlationId,
		},
	};
}

/** `count` accepted events: each a new submitted report. */
export function acceptedStream(count: number, privateKeyPem: string, offset = 0): PreparedRequest[] {
	return Array.from({ length: count }, (_, i) =>
		signedRequest(statusChangedEvent(offset + i, 'submitted'), privateKeyPem),
	);
}

/**
 * A realistic stream: `acceptedShare` new submitted events, the rest split between events the
 * filter drops (approvals) and redeliveries of earlier submitted events (same bytes, same
 * signature: Concur retries deliver the identical request). Deterministic order: each
 * redelivery comes after its original.
 */
export function mixedStream(
	count: number,
	privateKeyPem: string,
	{ acceptedShare = 0.2, offset = 0 } = {},
): { requests: PreparedRequest[]; accepted: number } {
	const requests: PreparedRequest[] = [];
	const originals: PreparedRequest[] = [];
	let accepted = 0;
	for (let i = 0; i < count; i++) {
		// Every 1/acceptedShare-th request is new; the others alternate filtered / redelivered.
		const slot = i % Math.round(1 / acceptedShare);
		if (slot === 0 || originals.length === 0) {
			const request = signedRequest(statusChangedEvent(offset + i, 'submitted'), privateKeyPem);
			originals.push(request);
			requests.push(request);
			accepted++;
		} else if (slot % 2 === 1) {
			requests.push(signedRequest(statusChangedEvent(offset + i, 'approved'), privateKeyPem));
		} else {
			requests.push(originals[(i * 7919) % originals.length]);
		}
	}
	return { requests, accepted };
}
