/**
 * Freshness of a Concur ESS event, judged by its `timeStamp`.
 *
 * `Concur-Signature` covers the whole body, `timeStamp` included, but carries no time of its own:
 * a captured signed event stays valid for ever. Duplicate suppression drops a repeat of an id for
 * the duplicate window only, so without this check a captured event could start a new execution
 * once the window has passed (or after a restart that emptied the in-memory record). An event
 * whose signed `timeStamp` is as old as the duplicate window plus CLOCK_TOLERANCE_MS is stale:
 * Concur itself no longer sends it (it keeps an event for 72 hours), so it can only be a replay.
 *
 * The other half of the invariant is in the trigger: an accepted event's id is remembered at
 * least until the moment this check starts calling the event stale (`rememberMs`), so between
 * the two checks a replay never finds a gap while the id is remembered.
 *
 * Pure: the caller passes `now` (read once per request).
 */

/**
 * The allowance on top of the duplicate window, for everything that makes a genuine delivery
 * look older by n8n's clock than the window says:
 * - the clocks of Concur and of the n8n host disagree (nothing guarantees they agree; a host
 *   without time synchronisation drifts by minutes, a time-zone or daylight-saving slip by an hour);
 * - Concur's 72-hour retention runs from publication, which may follow the event's `timeStamp`,
 *   and Concur documents its retries as lasting "at least" three days;
 * - the request spends time in flight and in n8n's queue.
 * One hour covers all of these with room to spare, and it is the longest a replay stays possible
 * after a restart that lost the record (window + 1 h after the event), so it is kept short.
 * Larger disagreements are logged (see `futureMs`) so they can be fixed at the clock.
 */
export const CLOCK_TOLERANCE_MS = 60 * 60 * 1000;

/**
 * RFC 3339 date-time as Concur writes it ("2021-03-18T23:11:51.034Z"), with any fraction and a
 * numeric offset accepted too. Strict on purpose: Date.parse accepts many other shapes and reads
 * some of them differently per runtime, and a misread date would turn genuine events stale.
 */
const RFC3339 =
	/^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Epoch milliseconds of an RFC 3339 `timeStamp`, or undefined when it is not one. */
export function parseEssTimestamp(value: unknown): number | undefined {
	if (typeof value !== 'string' || value.length > 40) return undefined;
	const match = RFC3339.exec(value);
	if (match === null) return undefined;
	const [, year, month, day, hour, minute, second, fraction, zulu, sign, offsetHour, offsetMinute] = match;
	const y = Number(year);
	const mo = Number(month);
	const d = Number(day);
	const h = Number(hour);
	const mi = Number(minute);
	// A leap second (":60") is read as the last instant of its minute.
	const s = Math.min(Number(second), 59);
	if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || Number(second) > 60) return undefined;
	const ms = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
	// setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
	const date = new Date(Date.UTC(2000, 0, 1, h, mi, s, ms));
	date.setUTCFullYear(y, mo - 1, d);
	// Dates roll 31 April over to 1 May: only a date that reads back the same is real.
	if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
	const utc = date.getTime();
	let offsetMs = 0;
	if (zulu === undefined) {
		const oh = Number(offsetHour);
		const om = Number(offsetMinute);
		if (oh > 23 || om > 59) return undefined;
		offsetMs = (sign === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
	}
	return utc - offsetMs;
}

export type EssFreshness =
	/** Young enough to be Concur's own delivery: dedupe it, remembering the id for `rememberMs`. */
	| { state: 'fresh'; ageMs: number; rememberMs: number; futureMs: number }
	/** Older than the window plus the tolerance: acknowledge, start nothing. */
	| { state: 'stale'; ageMs: number }
	/** No usable `timeStamp`: its age cannot be judged (see essFreshness). */
	| { state: 'undated'; rememberMs: number };

/**
 * Judges an event's `timeStamp` at `now` for a duplicate window of `windowMs` (> 0).
 *
 * - As old as `windowMs + toleranceMs` or older: stale.
 * - Otherwise fresh, with `rememberMs` = how long the duplicate check must keep its id so that it
 *   is remembered until it turns stale: max(window, timeStamp + window + tolerance − now). A
 *   timeStamp in the future (n8n's clock behind Concur's) is fresh and its id is kept until it
 *   turns stale by n8n's clock, however far away that is: dropping it would lose Concur's events
 *   for as long as the clocks disagree, and forgetting it sooner would let it be replayed later.
 *   `futureMs` says by how much it is ahead beyond the tolerance (0 normally), for the log.
 * - No timeStamp, or one that is not RFC 3339: undated, remembered like an event stamped `now`.
 *   The body is signed, so such an event was made by Concur without a timeStamp: an attacker
 *   cannot remove or garble the timeStamp of a captured event without breaking the signature,
 *   so accepting undated events opens no way around this check for events that have one. Dropping
 *   them would silently lose every event if Concur ever changed the field; they still pass the
 *   duplicate check, and the caller logs them.
 */
export function essFreshness(
	timeStamp: unknown,
	now: number,
	windowMs: number,
	toleranceMs: number = CLOCK_TOLERANCE_MS,
): EssFreshness {
	const horizonMs = windowMs + toleranceMs;
	const stamped = parseEssTimestamp(timeStamp);
	if (stamped === undefined) return { state: 'undated', rememberMs: horizonMs };
	const ageMs = now - stamped;
	// At exactly the horizon the duplicate check has just let the id go (it keeps an id while its
	// expiry is later than now), so that instant already counts as stale: no gap of even 1 ms.
	if (ageMs >= horizonMs) return { state: 'stale', ageMs };
	return {
		state: 'fresh',
		ageMs,
		rememberMs: Math.max(windowMs, horizonMs - ageMs),
		futureMs: Math.max(0, -ageMs - toleranceMs),
	};
}
