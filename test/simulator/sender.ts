// Delivers ESS events and legacy callouts the way Concur does (Concur's Event Notification (callout) docs; Concur's Event Subscription Service docs, delivery and retries; Concur's Event Subscription Service docs, signature):
// - ESS: POST of one compact JSON event, `Concur-Signature` = base64 RSASSA-PSS (SHA-256,
//   MGF1-SHA-256, maximum salt length) over the exact body bytes, `Concur-Correlationid`.
// - Legacy callout: POST of the <Notification> XML with HTTP Basic Auth.
// - Success on 2xx; retry on 5xx, 401, 403, 429 and connection errors with backoff; stop on
//   other 4xx; at most `concurrency` (default 24) deliveries in flight at once.
import { constants, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { EssEvent, LegacyCallout } from './state';

export interface DeliveryAttempt {
	kind: 'ess' | 'callout';
	/** ESS event id or callout id. */
	itemId: string;
	url: string;
	attempt: number;
	/** HTTP status, or null when the connection failed or timed out. */
	status: number | null;
	error?: string;
	at: string;
	outcome: 'delivered' | 'retry' | 'gave-up' | 'rejected';
}

export interface DeliveryResult {
	itemId: string;
	kind: 'ess' | 'callout';
	delivered: boolean;
	attempts: number;
	lastStatus: number | null;
}

export interface SenderOptions {
	/** PEM of the RSA private key that signs ESS events. */
	privateKeyPem: string;
	/** Max deliveries in flight at once (Concur: 24 threads). */
	concurrency?: number;
	/** Attempts per item before giving up (Concur retries for days; default 5). */
	maxAttempts?: number;
	/** Delay before retry n (1-based). Default: 200 ms · 2^(n-1), capped at 5 s. */
	backoffMs?: (retry: number) => number;
	/** Per-request timeout in ms (Concur: 60 s; default 10 s). */
	requestTimeoutMs?: number;
}

/** Concur's ESS retry rule (Concur's Event Subscription Service docs, delivery and retries): 5xx, 401, 403, 429 and I/O errors are retried; other 4xx are not. */
export function isRetryable(status: number | null): boolean {
	if (status === null) return true;
	return status >= 500 || status === 401 || status === 403 || status === 429;
}

/** Compact JSON bytes of an event: exactly what is signed and sent. */
export function eventBody(event: EssEvent): Buffer {
	return Buffer.from(JSON.stringify(event), 'utf8');
}

/** base64 RSASSA-PSS SHA-256 / MGF1-SHA-256 / maximum salt length over `body`. */
export function signBody(body: Buffer, privateKey: KeyObject | string): string {
	return sign('sha256', body, {
		key: typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey,
		padding: constants.RSA_PKCS1_PSS_PADDING,
		saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN,
	}).toString('base64');
}

interface RawResponse {
	status: number | null;
	error?: string;
}

function postRaw(url: string, body: Buffer, headers: Record<string, string>, timeoutMs: number, method = 'POST'): Promise<RawResponse> {
	return new Promise((resolve) => {
		let settled = false;
		const done = (value: RawResponse) => {
			if (!settled) {
				settled = true;
				resolve(value);
			}
		};
		let target: URL;
		try {
			target = new URL(url);
		} catch {
			done({ status: null, error: `invalid URL ${url}` });
			return;
		}
		const transport = target.protocol === 'https:' ? https : http;
		const req = transport.request(
			target,
			{ method, headers: method === 'GET' ? headers : { ...headers, 'Content-Length': String(body.length) }, agent: false },
			(res) => {
				res.resume();
				res.on('end', () => done({ status: res.statusCode ?? null }));
				res.on('error', (error) => done({ status: res.statusCode ?? null, error: error.message }));
			},
		);
		req.setTimeout(timeoutMs, () => {
			req.destroy(new Error(`timeout after ${timeoutMs} ms`));
		});
		req.on('error', (error) => done({ status: null, error: error.message }));
		req.end(method === 'GET' ? undefined : body);
	});
}

/**
 * Concur's application-connector "Test Connection": GET `{host}/system/v1.0/testconnection` with
 * the connector's Basic Auth pair (Concur's Application Connector docs (Basic Auth)). Pass the full URL. Resolves with the HTTP status (null
 * when unreachable).
 */
export async function testConnection(url: string, auth: { user: string; password: string }, timeoutMs = 10_000): Promise<number | null> {
	const authorization = 'Basic ' + Buffer.from(`${auth.user}:${auth.password}`, 'utf8').toString('base64');
	const response = await postRaw(url, Buffer.alloc(0), { Authorization: authorization }, timeoutMs, 'GET');
	return response.status;
}

/** A counting semaphore: at most `limit` holders at once. */
class Semaphore {
	private active = 0;
	private readonly waiting: Array<() => void> = [];
	constructor(private readonly limit: number) {}
	async acquire(): Promise<void> {
		if (this.active < this.limit) {
			this.active++;
			return;
		}
		await new Promise<void>((resolve) => this.waiting.push(resolve));
	}
	release(): void {
		const next = this.waiting.shift();
		if (next) next();
		else this.active--;
	}
}

export class Sender {
	/** Every attempt ever made, in order. */
	readonly attempts: DeliveryAttempt[] = [];
	private readonly privateKey: KeyObject;
	private readonly semaphore: Semaphore;
	readonly concurrency: number;
	maxAttempts: number;
	backoffMs: (retry: number) => number;
	requestTimeoutMs: number;
	private closed = false;
	private readonly timers = new Set<NodeJS.Timeout>();

	constructor(options: SenderOptions) {
		this.privateKey = createPrivateKey(options.privateKeyPem);
		this.concurrency = options.concurrency ?? 24;
		this.semaphore = new Semaphore(this.concurrency);
		this.maxAttempts = options.maxAttempts ?? 5;
		this.backoffMs = options.backoffMs ?? ((retry) => Math.min(5000, 200 * 2 ** (retry - 1)));
		this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
	}

	/** Signs and delivers each event to `url`. Resolves when every event is delivered or given up. */
	deliverEvents(url: string, events: EssEvent[], extraHeaders: Record<string, string> = {}): Promise<DeliveryResult[]> {
		return Promise.all(
			events.map((event) => {
				const body = eventBody(event);
				const headers = {
					'Content-Type': 'application/json',
					'Concur-Signature': signBody(body, this.privateKey),
					'Concur-Correlationid': event.correlationId,
					...extraHeaders,
				};
				return this.deliver('ess', event.id, url, body, headers);
			}),
		);
	}

	/**
	 * Delivers legacy callouts with HTTP Basic Auth. `onGaveUp` is told about callouts that could
	 * not be delivered (the simulator turns them into FAILED notifications).
	 */
	deliverCallouts(
		url: string,
		callouts: LegacyCallout[],
		auth: { user: string; password: string },
		onGaveUp?: (callout: LegacyCallout) => void,
	): Promise<DeliveryResult[]> {
		const authorization = 'Basic ' + Buffer.from(`${auth.user}:${auth.password}`, 'utf8').toString('base64');
		return Promise.all(
			callouts.map(async (callout) => {
				const result = await this.deliver('callout', callout.id, url, Buffer.from(callout.xml, 'utf8'), {
					'Content-Type': 'application/xml',
					Authorization: authorization,
				});
				if (!result.delivered) onGaveUp?.(callout);
				return result;
			}),
		);
	}

	/** Stops pending backoff waits (used by ConcurSimulator.close()). */
	close(): void {
		this.closed = true;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
	}

	private wait(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				resolve();
			}, ms);
			this.timers.add(timer);
		});
	}

	private async deliver(kind: 'ess' | 'callout', itemId: string, url: string, body: Buffer, headers: Record<string, string>): Promise<DeliveryResult> {
		let lastStatus: number | null = null;
		let made = 0;
		for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
			if (this.closed) break;
			// Each attempt holds a delivery slot only while its request is in flight, like a worker thread.
			await this.semaphore.acquire();
			let response: RawResponse;
			try {
				response = await postRaw(url, body, headers, this.requestTimeoutMs);
			} finally {
				this.semaphore.release();
			}
			lastStatus = response.status;
			made = attempt;
			const ok = response.status !== null && response.status >= 200 && response.status < 300;
			const retryable = !ok && isRetryable(response.status);
			const outcome: DeliveryAttempt['outcome'] = ok ? 'delivered' : !retryable ? 'rejected' : attempt < this.maxAttempts ? 'retry' : 'gave-up';
			this.attempts.push({
				kind,
				itemId,
				url,
				attempt,
				status: response.status,
				...(response.error ? { error: response.error } : {}),
				at: new Date().toISOString(),
				outcome,
			});
			if (ok) return { itemId, kind, delivered: true, attempts: attempt, lastStatus };
			if (!retryable) return { itemId, kind, delivered: false, attempts: attempt, lastStatus };
			if (attempt < this.maxAttempts) await this.wait(this.backoffMs(attempt));
		}
		return { itemId, kind, delivered: false, attempts: made, lastStatus };
	}
}
