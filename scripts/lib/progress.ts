/**
 * Progress for the long steps of the dev tooling (`npm run dev`): what is running and for how
 * long. On a terminal one status line is rewritten every second; in a log (no TTY) a line is
 * printed every 30 seconds, so a CI log or `npm run dev > file` stays readable.
 */

/** "42 s", "3 min 05 s". */
export function formatDuration(ms: number): string {
	const seconds = Math.round(ms / 1000);
	if (seconds < 60) return `${seconds} s`;
	return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

export interface Step {
	/** Prints a line above the status line (e.g. a phase reported by a child process). */
	log(line: string): void;
	/** Ends the step with "✓ label (duration)"; returns the duration in ms. */
	done(note?: string): number;
	/** Ends the step without the ✓ line (it failed); returns the duration in ms. */
	fail(): number;
}

export interface StepOptions {
	/** Extra text after the elapsed time, computed at every tick (e.g. packages installed so far). */
	detail?: () => string | undefined;
	/** How the step usually takes, shown next to the elapsed time. */
	expected?: string;
	/** Interval of progress lines when stdout is not a terminal (default 30 s). */
	logEveryMs?: number;
	/** Injected for tests: the clock and the output. */
	now?: () => number;
	write?: (text: string) => void;
	isTTY?: boolean;
}

const CYAN = '\x1b[36m';
const GREEN = '\x1b[32m';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

/** Starts a step: prints "▸ label" and keeps its elapsed time on screen until done(). */
export function startStep(label: string, options: StepOptions = {}): Step {
	const now = options.now ?? Date.now;
	const write = options.write ?? ((text: string) => process.stdout.write(text));
	const tty = options.isTTY ?? !!process.stdout.isTTY;
	const started = now();
	let statusShown = false;

	const status = () => {
		const detail = options.detail?.();
		const expected = options.expected ? `, ${options.expected}` : '';
		return `  ${DIM}… ${formatDuration(now() - started)} elapsed${expected}${detail ? `; ${detail}` : ''}${RESET}`;
	};
	const clearStatus = () => {
		if (tty && statusShown) write('\r\x1b[2K');
		statusShown = false;
	};

	write(`${CYAN}▸${RESET} ${label}\n`);
	const timer = setInterval(
		() => {
			if (tty) {
				write(`\r\x1b[2K${status()}`);
				statusShown = true;
			} else write(`${status()}\n`);
		},
		tty ? 1000 : (options.logEveryMs ?? 30_000),
	);
	timer.unref();

	const stop = () => {
		clearInterval(timer);
		clearStatus();
		return now() - started;
	};
	return {
		log(line: string) {
			clearStatus();
			write(`  ${DIM}${line}${RESET}\n`);
		},
		done(note?: string) {
			const elapsed = stop();
			write(`${GREEN}✓${RESET} ${label} ${DIM}(${formatDuration(elapsed)}${note ? `, ${note}` : ''})${RESET}\n`);
			return elapsed;
		},
		fail() {
			return stop();
		},
	};
}
