/**
 * The time-bomb guard (test/setup/shiftClock.ts) must really move the clock, or the shifted runs
 * in CI would prove nothing. `performance.timeOrigin + performance.now()` is the one reading of
 * the real calendar left untouched, so the difference to `Date.now()` is the shift.
 */
export {};

const shiftDays = Number(process.env.CONCUR_TEST_CLOCK_SHIFT_DAYS ?? 0);
const realNow = () => performance.timeOrigin + performance.now();
const dayMs = 86_400_000;

it(`moves Date by ${shiftDays} days and nothing else`, () => {
	const measured = (Date.now() - realNow()) / dayMs;
	expect(Math.abs(measured - shiftDays)).toBeLessThan(0.01);
	expect(Math.abs(new Date().getTime() - Date.now())).toBeLessThan(60_000);
	expect(new Date(0).toISOString()).toBe('1970-01-01T00:00:00.000Z');
	expect(Date.UTC(2030, 0, 1)).toBe(1_893_456_000_000);
	expect(new Date()).toBeInstanceOf(Date);
	expect(typeof Date()).toBe('string');
});
