/**
 * User Provisioning v4 requests are asynchronous: `/Bulk` answers 202 with a provisioning request
 * (`Provision:Status`), and `GET /profile/v4/provisions/{id}/status` tells when it is done
 * (docs: user-provisioning/v4.user-provisioning, "Retrieve a Summary / Detailed Provisioning
 * Request Status"). Reading and waiting, as plain data and an injectable sleep.
 */
import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { isObject, objectOf } from '../../helpers/values';

/**
 * How Wait for Completion polls: first read at once, then after 1 s, 2 s, 4 s … (at most 15 s
 * apart) until the wait limit is spent. `sleep` is replaced by tests, so none waits in real time.
 */
export const provisioningPolicy = {
	initialDelayMs: 1000,
	maxDelayMs: 15_000,
	sleep: async (ms: number): Promise<void> => {
		await sleep(ms);
	},
};

/** The delays Wait for Completion sleeps between reads, for a wait limit (their sum never exceeds it). */
export function provisioningDelays(maxWaitMs: number, initialDelayMs: number, maxDelayMs: number): number[] {
	const delays: number[] = [];
	let spent = 0;
	let delay = Math.max(1, initialDelayMs);
	while (spent < maxWaitMs) {
		const next = Math.min(delay, maxWaitMs - spent);
		delays.push(next);
		spent += next;
		delay = Math.min(delay * 2, Math.max(maxDelayMs, 1));
	}
	return delays;
}

const text = (value: unknown): string | undefined =>
	typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/** Whether Concur has finished the request (`status.completed`). */
export function isProvisionCompleted(status: IDataObject): boolean {
	return objectOf(status.status).completed === true;
}

/** `status.success`: true, false, or null while the request runs. */
export function provisionSucceeded(status: IDataObject): boolean | null {
	const success = objectOf(status.status).success;
	return typeof success === 'boolean' ? success : null;
}

function messagesOf(value: unknown): string[] {
	if (!Array.isArray(value)) return [];
	return value
		.filter(isObject)
		.map((message) => [text(message.code), text(message.message)].filter(Boolean).join(': '))
		.filter((message) => message !== '');
}

/**
 * What went wrong, from the detailed status (`attributes=operations`): each failed operation's
 * messages and each extension that answered `error`, with its HTTP code.
 */
export function provisionErrors(status: IDataObject): string[] {
	const errors: string[] = [...messagesOf(status.messages)];
	const operations = Array.isArray(status.operations) ? status.operations.filter(isObject) : [];
	for (const operation of operations) {
		const label = text(operation.bulkId) ?? text(operation.id);
		const own = messagesOf(operation.messages);
		for (const extension of Array.isArray(operation.extensions) ? operation.extensions.filter(isObject) : []) {
			const extensionStatus = objectOf(extension.status);
			if (extensionStatus.result !== 'error' && extensionStatus.success !== false) continue;
			const messages = messagesOf(extension.messages);
			// Concur may repeat the operation's message on the extension that failed: say it once.
			if (messages.length && messages.every((message) => own.includes(message))) continue;
			const detail = messages.join('; ') || `HTTP ${String(extensionStatus.code ?? 'error')}`;
			own.push(`${text(extension.name) ?? 'extension'}: ${detail}`);
		}
		if (own.length === 0 && objectOf(operation.status).success === false) own.push('failed without a message');
		errors.push(...own.map((message) => (label ? `operation ${label}: ${message}` : message)));
	}
	return errors;
}

/** The IDs of the users the request's operations created or changed (detailed status only). */
export function provisionedUserIds(status: IDataObject): string[] {
	const operations = Array.isArray(status.operations) ? status.operations.filter(isObject) : [];
	return operations.map((operation) => text(objectOf(operation.resource).id)).filter((id): id is string => !!id);
}

/**
 * The node's output for a provisioning request: Concur's status with the request ID, whether it is
 * done, and the user it is about, first. `statusUrl` is `meta.location`.
 */
export function describeProvision(status: IDataObject, userId?: string): IDataObject {
	const meta = objectOf(status.meta);
	const userIds = provisionedUserIds(status);
	const errors = provisionErrors(status);
	const out: IDataObject = {
		provisionId: text(status.id),
		userId: userId ?? userIds[0],
		completed: isProvisionCompleted(status),
		success: provisionSucceeded(status),
		operationsCount: objectOf(status.operationsCount),
		statusUrl: text(meta.location),
	};
	if (userIds.length > 1) out.userIds = userIds;
	if (errors.length) out.errors = errors;
	for (const [key, value] of Object.entries(status)) {
		if (!['id', 'status', 'operationsCount'].includes(key) && !(key in out)) out[key] = value;
	}
	for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
	return out;
}

export interface ProvisioningWait {
	/** The last status read. */
	status: IDataObject;
	/** Whether Concur said it was completed before the limit was spent. */
	completed: boolean;
	/** How long was slept between reads (the sum of the delays, not the clock). */
	waitedMs: number;
	reads: number;
}

/**
 * Reads the status until Concur says it is completed, sleeping `provisioningDelays` between reads.
 * The limit is the sum of the delays slept, never the clock.
 */
export async function waitForProvisioning(
	readStatus: () => Promise<IDataObject>,
	maxWaitMs: number,
	policy: { initialDelayMs: number; maxDelayMs: number; sleep: (ms: number) => Promise<void> } = provisioningPolicy,
): Promise<ProvisioningWait> {
	const delays = provisioningDelays(maxWaitMs, policy.initialDelayMs, policy.maxDelayMs);
	let waitedMs = 0;
	for (let reads = 1; ; reads++) {
		const status = await readStatus();
		if (isProvisionCompleted(status)) return { status, completed: true, waitedMs, reads };
		if (reads > delays.length) return { status, completed: false, waitedMs, reads };
		await policy.sleep(delays[reads - 1]);
		waitedMs += delays[reads - 1];
	}
}
