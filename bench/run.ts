/**
 * `npm run bench`: runs the benchmarks and writes bench/results/<section>.json, then
 * bench/results/RESULTS.md and bench/results/chart.png from every section's latest JSON.
 *
 *   npm run bench                       # signature, e2e (default + legacy engine), polling, listSync
 *   npm run bench -- --quick            # fewer events / smaller backlogs (a few minutes)
 *   npm run bench -- --only signature,polling
 *   npm run bench -- --report           # only re-render RESULTS.md and chart.png
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { runE2eBench } from './e2e';
import { runListSyncBench } from './listSync';
import { machineInfo } from './lib/machine';
import { runPollingBench } from './polling';
import { writeReport } from './report';
import { runSignatureBench } from './signature';

export const RESULTS_DIR = path.join(__dirname, 'results');

type Section = 'signature' | 'e2e' | 'polling' | 'listSync';
const SECTIONS: Section[] = ['signature', 'e2e', 'polling', 'listSync'];

function parseArgs(argv: string[]): { quick: boolean; only: Section[]; reportOnly: boolean } {
	const quick = argv.includes('--quick') || process.env.BENCH_QUICK === '1';
	const reportOnly = argv.includes('--report');
	const onlyIndex = argv.indexOf('--only');
	const only =
		onlyIndex >= 0 ? (argv[onlyIndex + 1] ?? '').split(',').filter((s): s is Section => SECTIONS.includes(s as Section)) : SECTIONS;
	return { quick, only, reportOnly };
}

function save(section: Section, data: unknown, quick: boolean): void {
	fs.mkdirSync(RESULTS_DIR, { recursive: true });
	const file = path.join(RESULTS_DIR, `${section}.json`);
	fs.writeFileSync(file, JSON.stringify({ section, quick, machine: machineInfo(), data }, null, 2) + '\n');
	console.log(`[bench] wrote ${path.relative(process.cwd(), file)}`);
}

async function main(): Promise<void> {
	const { quick, only, reportOnly } = parseArgs(process.argv.slice(2));
	const log = (line: string) => console.log(line);
	if (!reportOnly) {
		for (const section of only) {
			const started = Date.now();
			console.log(`[bench] ${section}${quick ? ' (quick)' : ''}`);
			if (section === 'signature') save(section, await runSignatureBench({ quick, log }), quick);
			if (section === 'e2e') save(section, await runE2eBench({ quick, log }), quick);
			if (section === 'polling') save(section, await runPollingBench({ quick, log }), quick);
			if (section === 'listSync') save(section, { rows: await runListSyncBench({ items: quick ? 2_000 : 10_000, log }) }, quick);
			console.log(`[bench] ${section} took ${((Date.now() - started) / 1000).toFixed(0)} s`);
		}
	}
	await writeReport(RESULTS_DIR, log);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
