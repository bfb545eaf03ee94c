import { DateTime } from 'luxon';

/** The timestamp format Concur's v3 list filters accept (`modifiedDateAfter` and friends), always UTC. */
export const CONCUR_DATE_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSS";

/** Formats epoch milliseconds as Concur expects them: `yyyy-MM-ddTHH:mm:ss.SSS` in UTC. */
export function toConcurDate(epochMs: number): string {
	return DateTime.fromMillis(epochMs, { zone: 'utc' }).toFormat(CONCUR_DATE_FORMAT);
}

/** The date-time form the Travel Request v4 list filters document: `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`, UTC. */
export function toRequestDate(epochMs: number): string {
	return DateTime.fromMillis(epochMs, { zone: 'utc' }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");
}

// Concur writes timestamps without a zone ("2026-11-22T20:48:32" or "...32.123") and means UTC.
// The legacy notification list documents "YYYY-MM-DD:HH:MM:SS", so that shape is accepted too.
const LEGACY_FORMATS = ['yyyy-MM-dd:HH:mm:ss', 'yyyy-MM-dd HH:mm:ss', 'yyyy-MM-dd HH:mm:ss.SSS'];

/**
 * Parses a Concur timestamp as UTC and returns epoch milliseconds, or undefined when the value is
 * not a recognisable date. An explicit zone or offset in the value is honoured.
 */
export function parseConcurDate(value: unknown): number | undefined {
	return parseDateInZone(value, 'utc');
}

/**
 * Parses a date as n8n's date fields hold it: a value without a zone or offset is a wall-clock
 * time in `zone` (the workflow's time zone); an explicit zone or offset is honoured. Epoch ms, or
 * undefined when the value is not a recognisable date (or the zone is unknown).
 */
export function parseDateInZone(value: unknown, zone: string): number | undefined {
	if (value instanceof Date) {
		const ms = value.getTime();
		return Number.isNaN(ms) ? undefined : ms;
	}
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (text === '') return undefined;
	const iso = DateTime.fromISO(text, { zone });
	if (iso.isValid) return iso.toMillis();
	for (const format of LEGACY_FORMATS) {
		const parsed = DateTime.fromFormat(text, format, { zone });
		if (parsed.isValid) return parsed.toMillis();
	}
	return undefined;
}

/** Milliseconds in a number of minutes / seconds / days (keeps unit conversions readable). */
export const minutesToMs = (minutes: number): number => minutes * 60_000;
export const secondsToMs = (seconds: number): number => seconds * 1_000;
export const daysToMs = (days: number): number => days * 86_400_000;
