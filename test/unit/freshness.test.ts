/**
 * The freshness check of ESS events (helpers/freshness.ts). Pure: every call gets its `now`, so
 * nothing here reads the process clock.
 */
import { CLOCK_TOLERANCE_MS, essFreshness, parseEssTimestamp } from '../../nodes/Concur/helpers/freshness';

const HOUR = 3_600_000;
const WINDOW = 72 * HOUR;
/** An arbitrary instant used as "now"; any other would do. */
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

describe('parseEssTimestamp', () => {
	it.each([
		['2021-03-18T23:11:51.034Z', Date.UTC(2021, 2, 18, 23, 11, 51, 34)],
		['2021-03-18T23:11:51Z', Date.UTC(2021, 2, 18, 23, 11, 51)],
		['2021-03-18T23:11:51.1Z', Date.UTC(2021, 2, 18, 23, 11, 51, 100)],
		['2021-03-18T23:11:51.123456789Z', Date.UTC(2021, 2, 18, 23, 11, 51, 123)],
		['2021-03-19T01:11:51.034+02:00', Date.UTC(2021, 2, 18, 23, 11, 51, 34)],
		['2021-03-18T20:41:51.034-02:30', Date.UTC(2021, 2, 18, 23, 11, 51, 34)],
		['2021-03-18t23:11:51.034z', Date.UTC(2021, 2, 18, 23, 11, 51, 34)],
		['2021-03-18 23:11:51.034Z', Date.UTC(2021, 2, 18, 23, 11, 51, 34)],
		['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
		['2016-12-31T23:59:60Z', Date.UTC(2016, 11, 31, 23, 59, 59)],
	])('reads %s', (text, expected) => {
		expect(parseEssTimestamp(text)).toBe(expected);
	});

	it('reads years before 100 as written (not as 19xx)', () => {
		expect(new Date(parseEssTimestamp('0050-01-01T00:00:00Z') as number).getUTCFullYear()).toBe(50);
	});

	it.each([
		['no zone', '2021-03-18T23:11:51.034'],
		['a date only', '2021-03-18'],
		['30 February', '2021-02-30T00:00:00Z'],
		['29 February of a common year', '2023-02-29T00:00:00Z'],
		['month 13', '2021-13-01T00:00:00Z'],
		['hour 24', '2021-03-18T24:00:00Z'],
		['minute 60', '2021-03-18T23:60:00Z'],
		['an offset hour of 24', '2021-03-18T23:11:51+24:00'],
		['an offset without colon', '2021-03-18T23:11:51+0200'],
		['an English date Date.parse would read', 'March 18, 2021 23:11:51 GMT'],
		['an RFC 2822 date', 'Thu, 18 Mar 2021 23:11:51 GMT'],
		['epoch milliseconds as text', '1616109111034'],
		['trailing text', '2021-03-18T23:11:51Z and more'],
		['an empty string', ''],
		['a huge string', `2021-03-18T23:11:51.${'1'.repeat(100)}Z`],
	])('refuses %s', (_label, text) => {
		expect(parseEssTimestamp(text)).toBeUndefined();
	});

	it.each([[undefined], [null], [1616109111034], [{}], [['2021-03-18T23:11:51Z']], [true]])('refuses the non-string %p', (value) => {
		expect(parseEssTimestamp(value)).toBeUndefined();
	});
});

describe('essFreshness', () => {
	const HORIZON = WINDOW + CLOCK_TOLERANCE_MS;

	it('uses a one-hour tolerance', () => {
		expect(CLOCK_TOLERANCE_MS).toBe(HOUR);
	});

	it('an event stamped now is fresh and its id is kept until it turns stale', () => {
		expect(essFreshness(iso(NOW), NOW, WINDOW)).toEqual({ state: 'fresh', ageMs: 0, rememberMs: HORIZON, futureMs: 0 });
	});

	it('an event just inside the window plus tolerance is fresh; one millisecond more is stale', () => {
		expect(essFreshness(iso(NOW - HORIZON + 1), NOW, WINDOW)).toEqual({ state: 'fresh', ageMs: HORIZON - 1, rememberMs: WINDOW, futureMs: 0 });
		expect(essFreshness(iso(NOW - HORIZON), NOW, WINDOW)).toEqual({ state: 'stale', ageMs: HORIZON });
		// The Concur sample of 2021 is stale at any "now" of these tests.
		expect(essFreshness('2021-03-18T23:11:51.034Z', NOW, WINDOW).state).toBe('stale');
	});

	it('a late first delivery (Concur retrying for 71 hours) is fresh and remembered at least the window', () => {
		const late = essFreshness(iso(NOW - 71 * HOUR), NOW, WINDOW);
		expect(late).toEqual({ state: 'fresh', ageMs: 71 * HOUR, rememberMs: WINDOW, futureMs: 0 });
	});

	it('a clock disagreement up to the tolerance is not reported; beyond it, by how much', () => {
		expect(essFreshness(iso(NOW + 30 * 60_000), NOW, WINDOW)).toMatchObject({ state: 'fresh', futureMs: 0 });
		const ahead = essFreshness(iso(NOW + 5 * HOUR), NOW, WINDOW);
		expect(ahead).toEqual({ state: 'fresh', ageMs: -5 * HOUR, rememberMs: HORIZON + 5 * HOUR, futureMs: 4 * HOUR });
	});

	it('an event dated far in the future is accepted and its id kept until it turns stale by this clock', () => {
		const stamped = Date.UTC(2099, 0, 1);
		const result = essFreshness(iso(stamped), NOW, WINDOW);
		expect(result).toMatchObject({ state: 'fresh', rememberMs: stamped + HORIZON - NOW });
	});

	it.each([[undefined], [''], ['not a date'], [1616109111034], [null]])('%p is undated, remembered like an event stamped now', (value) => {
		expect(essFreshness(value, NOW, WINDOW)).toEqual({ state: 'undated', rememberMs: HORIZON });
	});

	it('follows the window and an explicit tolerance', () => {
		expect(essFreshness(iso(NOW - 2 * HOUR), NOW, HOUR).state).toBe('stale');
		expect(essFreshness(iso(NOW - 2 * HOUR + 1), NOW, HOUR).state).toBe('fresh');
		expect(essFreshness(iso(NOW - HOUR), NOW, HOUR, 0).state).toBe('stale');
		expect(essFreshness(iso(NOW - 10 * HOUR), NOW, 5 * HOUR, 6 * HOUR)).toMatchObject({ state: 'fresh', rememberMs: 5 * HOUR });
	});

	it('leaves no gap: once accepted, every later delivery is remembered or stale', () => {
		// The invariant the trigger relies on, over stamps from 80 h old to 10 h ahead and
		// arrivals up to 200 h later, in 20-minute steps.
		const STEP = 20 * 60_000;
		for (let offset = -80 * HOUR; offset <= 10 * HOUR; offset += 2 * HOUR + 7 * STEP) {
			const stamped = NOW + offset;
			const first = essFreshness(iso(stamped), NOW, WINDOW);
			if (first.state !== 'fresh') continue;
			const rememberedUntil = NOW + first.rememberMs;
			for (let later = NOW; later <= NOW + 200 * HOUR; later += STEP) {
				const repeat = essFreshness(iso(stamped), later, WINDOW);
				if (later >= rememberedUntil) expect(repeat.state).toBe('stale');
			}
		}
	});
});
