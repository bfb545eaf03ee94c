/**
 * How this package waits when Concur (its API or its token endpoint) answers 429: Concur sends
 * `Retry-After: 0`, so a floor applies, and each retry doubles it.
 */

/** Exported so tests can shrink it. */
export const concurRetryPolicy = {
	maxRetries: 3,
	retryAfterFloorMs: 2_000,
	maxDelayMs: 60_000,
	/** Concur promises an answer within 60 seconds (http-status-codes doc). */
	timeoutMs: 60_000,
};

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
export function parseRetryAfterMs(value: unknown, now: number = Date.now()): number | undefined {
	const raw = Array.isArray(value) ? value[0] : value;
	if (raw === undefined || raw === null || raw === '') return undefined;
	const text = String(raw).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	const date = Date.parse(text);
	return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** Wait before retry number `retry` (0-based): Retry-After, but never below the doubling floor. */
export function retryDelayMs(retry: number, retryAfterMs: number | undefined): number {
	const floor = concurRetryPolicy.retryAfterFloorMs * 2 ** retry;
	return Math.min(Math.max(floor, retryAfterMs ?? 0), concurRetryPolicy.maxDelayMs);
}
