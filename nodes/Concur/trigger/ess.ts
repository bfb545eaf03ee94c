import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { answerBeforeExecution } from '../compat/n8n';
import { acceptOnce, DEFAULT_DEDUPE_WINDOW_HOURS, DEFAULT_PERSISTED_EVENTS } from '../helpers/dedupe';
import {
	isEssEvent,
	matchesEssFilters,
	splitList,
	type EssEvent,
	type EssFilters,
	type EssTransition,
} from '../helpers/essFilters';
import { CLOCK_TOLERANCE_MS, essFreshness } from '../helpers/freshness';
import { getCachedPublicKeys } from '../helpers/keys';
import { headerValue, verifyConcurSignature } from '../helpers/signature';
import { workflowNodeKey } from '../helpers/values';
import { answer, rawBodyOf, type WebhookResponse } from './response';

function readFilters(this: IWebhookFunctions): EssFilters {
	const additional = this.getNodeParameter('additionalFilters', {}) as IDataObject;
	return {
		topics: [
			...splitList(this.getNodeParameter('topics', [])),
			...splitList(additional.customTopics),
		],
		eventTypes: splitList(additional.eventTypes),
		transitions: splitList(this.getNodeParameter('transitions', [])) as EssTransition[],
		stepCodes: splitList(additional.stepCodes),
	};
}

/** Milliseconds as hours with one decimal, for log lines. */
function hours(ms: number): string {
	return (Math.round(ms / 360_000) / 10).toString();
}

function essOutput(event: EssEvent, correlationHeader: string | undefined): IDataObject {
	const facts =
		event.facts !== null && typeof event.facts === 'object' ? (event.facts as IDataObject) : {};
	const output: IDataObject = { ...event };
	// Convenience copies of the facts workflows need most; never overwrite what Concur sent.
	for (const name of ['reportId', 'requestId', 'companyId', 'href']) {
		if (output[name] === undefined && facts[name] !== undefined) output[name] = facts[name];
	}
	if (output.correlationId === undefined && correlationHeader !== undefined) {
		output.correlationId = correlationHeader;
	}
	output.concurCorrelationId = correlationHeader ?? null;
	return output;
}

/**
 * One ESS delivery, in the order that keeps the hot path short and lets nothing unsigned decide
 * anything: keys, signature over the raw bytes (401, Concur retries), event shape (400), age
 * (stale: 200, nothing runs), filters (200), duplicates (200), then the execution.
 */
export async function receiveEssEvent(
	this: IWebhookFunctions,
	res: WebhookResponse,
): Promise<IWebhookResponseData> {
	const logContext = { workflowId: this.getWorkflow().id, node: this.getNode().name };
	const credentials = await this.getCredentials('concurEventSubscriptionApi');
	let keys;
	try {
		keys = getCachedPublicKeys(String(credentials.publicKeys ?? ''));
	} catch (error) {
		this.logger.error(
			`Concur Trigger: the Concur Event Subscription API credential has no usable public key (${(error as Error).message})`,
			logContext,
		);
	}
	if (keys === undefined) {
		// 5xx: Concur retries, so nothing is lost while the credential is fixed.
		return answer(res, 500, { message: 'The signature keys of this trigger are not usable' });
	}

	const headers = this.getHeaderData();
	const rawBody = await rawBodyOf(this.getRequestObject());
	const check = verifyConcurSignature(
		rawBody,
		headers['concur-signature'],
		keys.map((parsed) => parsed.key),
	);
	if (!check.valid) {
		this.logger.warn(`Concur Trigger: ESS request refused (signature ${check.reason})`, logContext);
		// 401: Concur retries it, so a key that still has to be added loses no events.
		return answer(res, 401, { message: 'Missing or invalid Concur-Signature' });
	}

	let event: unknown;
	try {
		event = JSON.parse(rawBody.toString('utf8'));
	} catch {
		event = undefined;
	}
	if (!isEssEvent(event)) {
		this.logger.warn('Concur Trigger: signed request is not an ESS event (no id or topic)', logContext);
		return answer(res, 400, { message: 'Not a Concur ESS event: an object with id and topic is expected' });
	}

	const options = this.getNodeParameter('options', {}) as IDataObject;
	const windowHours = Number(options.duplicateWindowHours ?? DEFAULT_DEDUPE_WINDOW_HOURS);
	const windowMs = windowHours * 3_600_000;
	const now = Date.now();
	// How long the duplicate check keeps the id: until the event turns stale (see freshness.ts).
	let rememberMs = windowMs;
	if (windowHours > 0) {
		// Only after the signature (nothing unsigned reaches this point) and before the duplicate
		// check: a signed event older than the window plus the clock tolerance is a replay, since
		// Concur no longer sends it. It is acknowledged (200, so nothing retries) and starts nothing.
		// Also while listening for a test event: a captured event must not run there either.
		const freshness = essFreshness(event.timeStamp, now, windowMs);
		if (freshness.state === 'stale') {
			this.logger.warn(
				`Concur Trigger: ESS event ${event.id} is stale (stamped ${hours(freshness.ageMs)} h ago, more than the ${windowHours} h duplicate window plus ${hours(CLOCK_TOLERANCE_MS)} h), acknowledged without running`,
				logContext,
			);
			return answer(res, 200, {});
		}
		if (freshness.state === 'undated') {
			this.logger.warn(
				`Concur Trigger: ESS event ${event.id} has no RFC 3339 timeStamp, so its age cannot be checked; it runs once (duplicate check only)`,
				logContext,
			);
		} else if (freshness.futureMs > 0) {
			this.logger.warn(
				`Concur Trigger: ESS event ${event.id} is stamped ${hours(freshness.futureMs + CLOCK_TOLERANCE_MS)} h in the future: the clocks of Concur and this n8n host disagree; check the host's time synchronisation`,
				logContext,
			);
		}
		rememberMs = freshness.rememberMs;
	}

	if (!matchesEssFilters(event, readFilters.call(this))) {
		this.logger.debug(`Concur Trigger: ESS event ${event.id} filtered out`, logContext);
		return answer(res, 200, {});
	}

	const persist = options.persistSeenEvents !== false;
	let persisted = false;
	// Listening for a test event replays freely; duplicates are only dropped for active workflows.
	if (windowHours > 0 && this.getMode() !== 'manual') {
		const first = acceptOnce(
			workflowNodeKey(this.getWorkflow().id, this.getNode()),
			this.getWorkflowStaticData('node'),
			event.id,
			rememberMs,
			now,
			{ persist, persistLimit: Number(options.persistedEventLimit ?? DEFAULT_PERSISTED_EVENTS) },
		);
		if (!first) {
			this.logger.debug(`Concur Trigger: ESS event ${event.id} already received, skipped`, logContext);
			return answer(res, 200, {});
		}
		persisted = persist;
	}

	const workflowData = [
		this.helpers.returnJsonArray([essOutput(event, headerValue(headers['concur-correlationid']))]),
	];
	if (persisted) {
		// Otherwise n8n 2.40 never stores the id just persisted (see compat/n8n.ts).
		return answerBeforeExecution(answer(res, 200, {}), workflowData);
	}
	return { workflowData };
}
