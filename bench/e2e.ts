/**
 * End-to-end benchmark in a real n8n (2.40.7, installed by scripts/n8n-host.sh, this package
 * installed from its packed tarball as a community package), driven by 24 concurrent senders on
 * loopback, runs alternating between the two workflows of a pair (A B B A ...):
 *   (a) every event accepted: Concur Trigger (ESS, signed) → Set  vs  n8n's Webhook → Set
 *   (b) 80% filtered out or redelivered: Concur Trigger (submitted + dedupe) → Set  vs
 *       Webhook → Code (verify signature) → IF → Remove Duplicates → Set
 * once with n8n's default expression engine and once with N8N_EXPRESSION_ENGINE=legacy.
 *
 * Pool-size comparison (issue 13): (a) only, in four n8n instances booted side by side (the
 * default engine with N8N_EXPRESSION_ENGINE_POOL_SIZE=1, 2 and 4, and the legacy engine as the
 * reference), measured one at a time in alternating order (1 2 4 L, then L 4 2 1, ...), each run on
 * a quiet n8n, so every configuration sees the same machine load.
 *
 * Which parts run: BENCH_E2E=engines|pool (comma-separated; both by default). When only one part
 * runs, the other part's entries of the previous bench/results/e2e.json are kept (marked
 * `carriedOver`). BENCH_E2E_EVENTS / BENCH_E2E_ROUNDS override the events per run and the rounds;
 * BENCH_TARBALL reuses a packed tarball instead of building one.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { buildAndPack, ensureN8nHost, N8N_V2, type N8nInstance } from '../scripts/lib/n8n';
import { bootN8n } from './lib/n8nBoot';
import { acceptedStream, essKeyPair, mixedStream, type EssKeyPair } from './lib/ess';
import { runLoad, type LoadResult, type PreparedRequest } from './lib/load';
import { concurTriggerWorkflow, nativeFilteredWorkflow, webhookWorkflow } from './lib/workflows';
import { listExecutions, waitForExecutions } from './lib/executions';

export type Engine = 'default' | 'legacy';

export interface E2eRun {
	engine: Engine;
	scenario: 'accepted' | 'filtered';
	/** concurMemoryOnly: the trigger with Remember Across Restarts off (no static-data write). */
	variant: 'concur' | 'native' | 'concurMemoryOnly';
	round: number;
	events: number;
	/** Requests acknowledged per second (what the 24 senders saw). */
	eventsPerSecond: number;
	/**
	 * Requests per second until the last execution they started had finished: the rate n8n really
	 * processed them at. The trigger answers some requests before n8n stores their execution, so
	 * the acknowledgement rate alone would flatter it.
	 */
	processedPerSecond?: number;
	p50Ms: number;
	p99Ms: number;
	statuses: Record<number, number>;
}

export type E2eComparison = 'engines' | 'poolSize';

export interface E2eEngineResult {
	engine: Engine;
	/** Which comparison the entry belongs to (absent in results from before the pool-size one: 'engines'). */
	comparison?: E2eComparison;
	/** N8N_EXPRESSION_ENGINE_POOL_SIZE of the default engine (pool-size comparison only; n8n's default is 1). */
	poolSize?: number;
	/** Set when the entry was kept from an earlier run because only the other part re-ran. */
	carriedOver?: { date: string; quick: boolean };
	/** 1-minute load average sampled before each measured run (pool-size comparison). */
	loadAverages?: number[];
	runs: E2eRun[];
	/** Executions n8n stored per workflow after all rounds (the trigger's drops cost none). */
	executions: Record<string, { expected: number; counted: number; statuses: Record<string, number> }>;
}

export interface E2eOptions {
	quick?: boolean;
	engines?: Engine[];
	log?: (line: string) => void;
	/** Reuse a tarball (otherwise the package is built and packed once). */
	tarball?: string;
	/** Which comparisons to run (default: BENCH_E2E, or both). */
	parts?: E2eComparison[];
	/** Events per run and rounds (defaults: 500 and 2, quick 150 and 1). */
	events?: number;
	rounds?: number;
}

const POOL_SIZES = [1, 2, 4];

function eventsAndRounds({ quick = false, events, rounds }: E2eOptions): { events: number; rounds: number } {
	const fromEnv = (name: string) => (Number(process.env[name]) > 0 ? Number(process.env[name]) : undefined);
	return {
		events: events ?? fromEnv('BENCH_E2E_EVENTS') ?? (quick ? 150 : 500),
		rounds: rounds ?? fromEnv('BENCH_E2E_ROUNDS') ?? (quick ? 1 : 2),
	};
}

interface Target {
	workflowId: string;
	url: string;
}

function summary(result: LoadResult): string {
	const statuses = Object.entries(result.statuses)
		.map(([status, count]) => `${status}×${count}`)
		.join(' ');
	return `${result.eventsPerSecond.toFixed(1)}/s p50 ${result.p50Ms.toFixed(0)} ms p99 ${result.p99Ms.toFixed(0)} ms [${statuses}]`;
}

async function benchEngine(
	engine: Engine,
	tarball: string,
	keys: EssKeyPair,
	options: E2eOptions,
): Promise<E2eEngineResult> {
	const { quick = false, log = () => undefined } = options;
	const host = await ensureN8nHost(N8N_V2);
	const env: NodeJS.ProcessEnv = { NODE_FUNCTION_ALLOW_BUILTIN: 'crypto', EXECUTIONS_DATA_PRUNE: 'false' };
	if (engine === 'legacy') env.N8N_EXPRESSION_ENGINE = 'legacy';
	log(`[e2e:${engine}] starting n8n ${N8N_V2}`);
	const n8n: N8nInstance = await bootN8n({ host, tarball, env, log });
	try {
		const credential = await n8n.createCredential('Concur ESS keys', 'concurEventSubscriptionApi', {
			publicKeys: keys.publicKeyPem,
		});
		const suffix = `${engine}-${Date.now()}`;
		const definitions = {
			// The Concur workflows start with a full persisted dedupe record, as a trigger that has run
			// for a while carries, so every accepted event writes a record of the default size.
			concurAccepted: concurTriggerWorkflow(`bench concur accepted ${engine}`, {
				credentialId: credential.id,
				steadyStateRecord: true,
			}),
			concurAcceptedMemoryOnly: concurTriggerWorkflow(`bench concur accepted memory-only ${engine}`, {
				credentialId: credential.id,
				persistSeenEvents: false,
			}),
			webhookAccepted: webhookWorkflow(`bench webhook accepted ${engine}`, `bench-accepted-${suffix}`),
			concurFiltered: concurTriggerWorkflow(`bench concur filtered ${engine}`, {
				credentialId: credential.id,
				transitions: ['expenseSubmitted'],
				steadyStateRecord: true,
			}),
			nativeFiltered: nativeFilteredWorkflow(`bench native filtered ${engine}`, `bench-native-${suffix}`, keys.publicKeyPem),
		};
		const targets = {} as Record<keyof typeof definitions, Target>;
		for (const [key, { workflow, webhookPath }] of Object.entries(definitions)) {
			const { id } = await n8n.createWorkflow(workflow);
			await n8n.activateWorkflow(id);
			targets[key as keyof typeof definitions] = { workflowId: id, url: n8n.baseUrl + webhookPath };
		}
		// Webhook registration finishes shortly after activation returns.
		await new Promise((resolve) => setTimeout(resolve, 3000));
		const expected: Record<string, number> = {
			concurAccepted: 0,
			concurAcceptedMemoryOnly: 0,
			webhookAccepted: 0,
			concurFiltered: 0,
			nativeFiltered: 0,
		};

		const { events, rounds } = eventsAndRounds({ ...options, quick });
		let offset = 0;
		const runs: E2eRun[] = [];
		const runOne = async (
			scenario: E2eRun['scenario'],
			variant: E2eRun['variant'],
			key: keyof typeof definitions,
			round: number,
			requests: PreparedRequest[],
			expectedExecutions: number,
		) => {
			const before = new Set((await listExecutions(n8n, targets[key].workflowId)).map((execution) => execution.id));
			const loadStarted = Date.now();
			const result = await runLoad(targets[key].url, requests);
			const loadEnded = loadStarted + result.wallMs;
			expected[key] += expectedExecutions;
			// Let the executions this run started finish, so the next run starts on a quiet n8n.
			await waitForExecutions(n8n, targets[key].workflowId, expected[key], { pollMs: 200 });
			const lastStopped = (await listExecutions(n8n, targets[key].workflowId))
				.filter((execution) => !before.has(execution.id))
				.reduce((latest, execution) => Math.max(latest, Date.parse(execution.stoppedAt ?? '') || 0), 0);
			const processedPerSecond = (requests.length / (Math.max(loadEnded, lastStopped) - loadStarted)) * 1000;
			log(`[e2e:${engine}] ${scenario} ${variant} round ${round}: ${summary(result)}, processed ${processedPerSecond.toFixed(1)}/s`);
			runs.push({
				engine,
				scenario,
				variant,
				round,
				events: requests.length,
				eventsPerSecond: result.eventsPerSecond,
				processedPerSecond,
				p50Ms: result.p50Ms,
				p99Ms: result.p99Ms,
				statuses: result.statuses,
			});
		};

		// Warm-up (JIT, database, key cache), not measured.
		for (const key of Object.keys(targets) as Array<keyof typeof definitions>) {
			const warm = acceptedStream(20, keys.privateKeyPem, (offset += 20));
			await runLoad(targets[key].url, warm);
			expected[key] += 20;
			await waitForExecutions(n8n, targets[key].workflowId, expected[key]);
		}
		log(`[e2e:${engine}] warmed up`);

		for (let round = 1; round <= rounds; round++) {
			// Alternate which side goes first: A B in odd rounds, B A in even ones.
			const order: Array<'concur' | 'native'> = round % 2 === 1 ? ['concur', 'native'] : ['native', 'concur'];
			const acceptedOrder: Array<E2eRun['variant']> =
				round % 2 === 1 ? ['concur', 'native', 'concurMemoryOnly'] : ['concurMemoryOnly', 'native', 'concur'];
			const acceptedWorkflow = { concur: 'concurAccepted', native: 'webhookAccepted', concurMemoryOnly: 'concurAcceptedMemoryOnly' } as const;
			for (const variant of acceptedOrder) {
				const requests = acceptedStream(events, keys.privateKeyPem, (offset += events));
				await runOne('accepted', variant, acceptedWorkflow[variant], round, requests, events);
			}
			for (const variant of order) {
				const { requests, accepted } = mixedStream(events, keys.privateKeyPem, { offset: (offset += events) });
				const key = variant === 'concur' ? 'concurFiltered' : 'nativeFiltered';
				// The native build starts an execution for every request; the trigger only for new submissions.
				await runOne('filtered', variant, key, round, requests, variant === 'concur' ? accepted : events);
			}
		}

		const executions: E2eEngineResult['executions'] = {};
		for (const key of Object.keys(targets) as Array<keyof typeof definitions>) {
			const all = await listExecutions(n8n, targets[key].workflowId);
			const statuses: Record<string, number> = {};
			for (const execution of all) statuses[execution.status ?? 'unknown'] = (statuses[execution.status ?? 'unknown'] ?? 0) + 1;
			executions[key] = { expected: expected[key], counted: all.length, statuses };
		}
		return { engine, comparison: 'engines', runs, executions };
	} finally {
		await n8n.stop();
		fs.rmSync(n8n.userFolder, { recursive: true, force: true });
	}
}

interface PoolInstance {
	engine: Engine;
	poolSize?: number;
	label: string;
	n8n: N8nInstance;
	targets: { concur: Target; native: Target };
	expected: { concur: number; native: number };
	runs: E2eRun[];
	loadAverages: number[];
}

/**
 * (a) Concur Trigger → Set vs Webhook → Set with the default engine at each pool size and with the
 * legacy engine, all instances up at once and measured one at a time, alternating.
 */
async function benchPoolSizes(tarball: string, keys: EssKeyPair, options: E2eOptions): Promise<E2eEngineResult[]> {
	const { log = () => undefined } = options;
	const { events, rounds } = eventsAndRounds(options);
	const host = await ensureN8nHost(N8N_V2);
	const configs: Array<{ engine: Engine; poolSize?: number; label: string }> = [
		...POOL_SIZES.map((poolSize) => ({ engine: 'default' as const, poolSize, label: `pool ${poolSize}` })),
		{ engine: 'legacy', label: 'legacy' },
	];
	const instances: PoolInstance[] = [];
	try {
		for (const config of configs) {
			const env: NodeJS.ProcessEnv = { NODE_FUNCTION_ALLOW_BUILTIN: 'crypto', EXECUTIONS_DATA_PRUNE: 'false' };
			if (config.engine === 'legacy') env.N8N_EXPRESSION_ENGINE = 'legacy';
			else env.N8N_EXPRESSION_ENGINE_POOL_SIZE = String(config.poolSize);
			log(`[e2e:${config.label}] starting n8n ${N8N_V2}`);
			const n8n = await bootN8n({ host, tarball, env, log });
			const instance: PoolInstance = {
				...config,
				n8n,
				targets: {} as PoolInstance['targets'],
				expected: { concur: 0, native: 0 },
				runs: [],
				loadAverages: [],
			};
			instances.push(instance);
			const credential = await n8n.createCredential('Concur ESS keys', 'concurEventSubscriptionApi', {
				publicKeys: keys.publicKeyPem,
			});
			const suffix = `${config.label.replace(/\s/g, '')}-${Date.now()}`;
			const definitions = {
				concur: concurTriggerWorkflow(`bench concur accepted ${config.label}`, {
					credentialId: credential.id,
					steadyStateRecord: true,
				}),
				native: webhookWorkflow(`bench webhook accepted ${config.label}`, `bench-accepted-${suffix}`),
			};
			for (const variant of ['concur', 'native'] as const) {
				const { workflow, webhookPath } = definitions[variant];
				const { id } = await n8n.createWorkflow(workflow);
				await n8n.activateWorkflow(id);
				instance.targets[variant] = { workflowId: id, url: n8n.baseUrl + webhookPath };
			}
		}
		await new Promise((resolve) => setTimeout(resolve, 3000));

		let offset = 1_000_000;
		for (const instance of instances) {
			for (const variant of ['concur', 'native'] as const) {
				await runLoad(instance.targets[variant].url, acceptedStream(20, keys.privateKeyPem, (offset += 20)));
				instance.expected[variant] += 20;
				await waitForExecutions(instance.n8n, instance.targets[variant].workflowId, instance.expected[variant]);
			}
		}
		log('[e2e:pool] warmed up');

		for (let round = 1; round <= rounds; round++) {
			const order = round % 2 === 1 ? instances : [...instances].reverse();
			const variants = round % 2 === 1 ? (['concur', 'native'] as const) : (['native', 'concur'] as const);
			for (const instance of order) {
				for (const variant of variants) {
					const target = instance.targets[variant];
					const requests = acceptedStream(events, keys.privateKeyPem, (offset += events));
					instance.loadAverages.push(Math.round(os.loadavg()[0] * 100) / 100);
					const before = new Set((await listExecutions(instance.n8n, target.workflowId)).map((e) => e.id));
					const loadStarted = Date.now();
					const result = await runLoad(target.url, requests);
					const loadEnded = loadStarted + result.wallMs;
					instance.expected[variant] += events;
					await waitForExecutions(instance.n8n, target.workflowId, instance.expected[variant], { pollMs: 200 });
					const lastStopped = (await listExecutions(instance.n8n, target.workflowId))
						.filter((execution) => !before.has(execution.id))
						.reduce((latest, execution) => Math.max(latest, Date.parse(execution.stoppedAt ?? '') || 0), 0);
					const processedPerSecond = (requests.length / (Math.max(loadEnded, lastStopped) - loadStarted)) * 1000;
					log(
						`[e2e:${instance.label}] accepted ${variant} round ${round}: ${summary(result)}, processed ${processedPerSecond.toFixed(1)}/s (load ${instance.loadAverages.at(-1)})`,
					);
					instance.runs.push({
						engine: instance.engine,
						scenario: 'accepted',
						variant,
						round,
						events: requests.length,
						eventsPerSecond: result.eventsPerSecond,
						processedPerSecond,
						p50Ms: result.p50Ms,
						p99Ms: result.p99Ms,
						statuses: result.statuses,
					});
				}
			}
		}

		const results: E2eEngineResult[] = [];
		for (const instance of instances) {
			const executions: E2eEngineResult['executions'] = {};
			for (const variant of ['concur', 'native'] as const) {
				const all = await listExecutions(instance.n8n, instance.targets[variant].workflowId);
				const statuses: Record<string, number> = {};
				for (const execution of all) statuses[execution.status ?? 'unknown'] = (statuses[execution.status ?? 'unknown'] ?? 0) + 1;
				executions[variant === 'concur' ? 'concurAccepted' : 'webhookAccepted'] = {
					expected: instance.expected[variant],
					counted: all.length,
					statuses,
				};
			}
			results.push({
				engine: instance.engine,
				comparison: 'poolSize',
				...(instance.poolSize !== undefined ? { poolSize: instance.poolSize } : {}),
				loadAverages: instance.loadAverages,
				runs: instance.runs,
				executions,
			});
		}
		return results;
	} finally {
		for (const instance of instances) {
			await instance.n8n.stop();
			fs.rmSync(instance.n8n.userFolder, { recursive: true, force: true });
		}
	}
}

/** The previous e2e.json's entries of the parts that did not run this time. */
function carriedOver(parts: E2eComparison[]): E2eEngineResult[] {
	const file = path.join(__dirname, 'results', 'e2e.json');
	if (!fs.existsSync(file)) return [];
	const previous = JSON.parse(fs.readFileSync(file, 'utf8')) as {
		quick: boolean;
		machine: { date: string };
		data: E2eEngineResult[];
	};
	return previous.data
		.filter((entry) => !parts.includes(entry.comparison ?? 'engines'))
		.map((entry) => ({ ...entry, carriedOver: entry.carriedOver ?? { date: previous.machine.date, quick: previous.quick } }));
}

export async function runE2eBench(options: E2eOptions = {}): Promise<E2eEngineResult[]> {
	const log = options.log ?? (() => undefined);
	options = { ...options, tarball: options.tarball ?? process.env.BENCH_TARBALL };
	const packDir = options.tarball ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'concur-bench-pack-'));
	const tarball = options.tarball ?? (await buildAndPack(packDir as string));
	const keys = essKeyPair();
	const parts =
		options.parts ??
		((process.env.BENCH_E2E ?? 'engines,pool')
			.split(',')
			.map((part) => (part.trim() === 'pool' ? 'poolSize' : part.trim()))
			.filter((part): part is E2eComparison => part === 'engines' || part === 'poolSize'));
	const results: E2eEngineResult[] = carriedOver(parts);
	try {
		if (parts.includes('engines')) {
			for (const engine of options.engines ?? (['default', 'legacy'] as Engine[])) {
				results.push(await benchEngine(engine, tarball, keys, { ...options, log }));
			}
		}
		if (parts.includes('poolSize')) results.push(...(await benchPoolSizes(tarball, keys, { ...options, log })));
	} finally {
		if (packDir) fs.rmSync(packDir, { recursive: true, force: true });
	}
	return results;
}
