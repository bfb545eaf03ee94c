/**
 * Time-bomb guard: with `CONCUR_TEST_CLOCK_SHIFT_DAYS` set, every test file sees a process clock
 * moved that many days (`Date.now()`, `new Date()`, `Date()`; luxon and n8n-core read the same
 * global). A test that mixes calendar dates written in its source with the real clock passes on
 * the day it is written and fails on this run, instead of on some later day on every machine.
 * `.ci/run` runs the unit and integration suites shifted +400 and −400 days (`npm run test:shifted`).
 *
 * Timers, `performance` and I/O are untouched: only the calendar moves. Tests that pin the clock
 * with jest's fake timers (test/harness/clock.ts) replace this Date and are unaffected.
 */
const shiftDays = Number(process.env.CONCUR_TEST_CLOCK_SHIFT_DAYS ?? 0);

if (!Number.isFinite(shiftDays)) {
	throw new Error(`CONCUR_TEST_CLOCK_SHIFT_DAYS must be a number of days, got "${process.env.CONCUR_TEST_CLOCK_SHIFT_DAYS}"`);
}

if (shiftDays !== 0) {
	const RealDate = Date;
	const offsetMs = Math.round(shiftDays * 86_400_000);
	const shiftedNow = () => RealDate.now() + offsetMs;
	// A Proxy keeps `Date.prototype`, `instanceof Date`, `Date.UTC`, `Date.parse` exactly as they are.
	globalThis.Date = new Proxy(RealDate, {
		construct(target, args: unknown[], newTarget) {
			return Reflect.construct(target, args.length === 0 ? [shiftedNow()] : args, newTarget);
		},
		apply() {
			return new RealDate(shiftedNow()).toString();
		},
		get(target, property, receiver) {
			return property === 'now' ? shiftedNow : Reflect.get(target, property, receiver);
		},
	}) as DateConstructor;
}

export {};
