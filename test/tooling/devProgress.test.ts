// Progress output of `npm run dev` (scripts/lib/progress.ts) and the install progress count
// (scripts/lib/n8n.ts). The clock is injected: nothing here reads the wall clock.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { hostDirFor, installedPackageCount } from '../../scripts/lib/n8n';
import { formatDuration, startStep } from '../../scripts/lib/progress';

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');
const plain = (text: string) => text.replace(ANSI, '');

describe('formatDuration', () => {
	it.each([
		[0, '0 s'],
		[42_400, '42 s'],
		[59_600, '1 min 00 s'],
		[185_000, '3 min 05 s'],
		[8 * 60_000, '8 min 00 s'],
	])('%d ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('startStep', () => {
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());

	function run(isTTY: boolean) {
		let now = 1_000_000;
		let count = 0;
		const out: string[] = [];
		const step = startStep('installing n8n 2.40.7', {
			now: () => now,
			write: (text) => out.push(plain(text)),
			isTTY,
			expected: 'took about 6 min',
			detail: () => (count ? `${count} packages so far` : undefined),
			logEveryMs: 30_000,
		});
		// The clock moves with the timers, a second at a time.
		const advance = (ms: number) => {
			for (let left = ms; left > 0; left -= 1000) {
				now += Math.min(1000, left);
				jest.advanceTimersByTime(Math.min(1000, left));
			}
		};
		return { step, out, advance, setCount: (n: number) => (count = n) };
	}

	it('in a log: a line every 30 s with the elapsed time and what is in place, then ✓ and the duration', () => {
		const { step, out, advance, setCount } = run(false);
		advance(30_000);
		setCount(812);
		advance(30_000);
		step.log('[n8n-host] building sqlite3');
		advance(5_000);
		expect(step.done()).toBe(65_000);
		expect(out.join('')).toBe(
			[
				'▸ installing n8n 2.40.7',
				'  … 30 s elapsed, took about 6 min',
				'  … 1 min 00 s elapsed, took about 6 min; 812 packages so far',
				'  [n8n-host] building sqlite3',
				'✓ installing n8n 2.40.7 (1 min 05 s)',
				'',
			].join('\n'),
		);
		advance(60_000);
		expect(out.join('')).not.toMatch(/2 min/); // stopped
	});

	it('on a terminal: one status line rewritten every second, cleared before log lines and at the end', () => {
		const { step, out, advance } = run(true);
		advance(2_000);
		expect(out.slice(1)).toEqual(['\r  … 1 s elapsed, took about 6 min', '\r  … 2 s elapsed, took about 6 min']);
		step.log('phase two');
		expect(out.slice(-2)).toEqual(['\r', '  phase two\n']);
		expect(step.fail()).toBe(2_000);
		expect(out.join('')).not.toMatch(/✓/);
	});
});

describe('installedPackageCount', () => {
	const saved = process.env.N8N_HOST_DIR;
	let base: string;
	beforeEach(() => {
		base = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-host-count-'));
		process.env.N8N_HOST_DIR = base;
	});
	afterEach(() => {
		if (saved === undefined) delete process.env.N8N_HOST_DIR;
		else process.env.N8N_HOST_DIR = saved;
		fs.rmSync(base, { recursive: true, force: true });
	});

	it('counts top-level and scoped packages of an install in progress, 0 before it starts', () => {
		expect(hostDirFor('2.40.7')).toBe(path.join(base, 'n8n-2.40.7'));
		expect(installedPackageCount('2.40.7')).toBe(0);
		const modules = path.join(base, 'n8n-2.40.7', 'node_modules');
		for (const name of ['n8n', 'luxon', '@n8n/config', '@n8n/di', '@types/node', '.bin', '.package-lock.json'])
			if (name.endsWith('.json')) fs.writeFileSync(path.join(modules, name), '{}');
			else fs.mkdirSync(path.join(modules, name), { recursive: true });
		expect(installedPackageCount('2.40.7')).toBe(5);
	});
});
