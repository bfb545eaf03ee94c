/**
 * Tests that write calendar dates (a notification of 2026-11-22, a start date) pin the process
 * clock next to them, so they pass on any day. Only `Date` is faked: timers, `performance` and
 * I/O stay real (the simulator and n8n-core's engine run over real sockets), and time flows on
 * from the pinned instant, as it does in production.
 */
export function pinClock(at: string | number): void {
	jest.useFakeTimers({
		now: typeof at === 'string' ? Date.parse(at) : at,
		advanceTimers: true,
		doNotFake: [
			'hrtime',
			'nextTick',
			'performance',
			'queueMicrotask',
			'requestAnimationFrame',
			'cancelAnimationFrame',
			'requestIdleCallback',
			'cancelIdleCallback',
			'setImmediate',
			'clearImmediate',
			'setInterval',
			'clearInterval',
			'setTimeout',
			'clearTimeout',
		],
	});
}

export function unpinClock(): void {
	jest.useRealTimers();
}
