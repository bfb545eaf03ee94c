/**
 * End-to-end benchmark in a real n8n (2.40.7, installed by scripts/n8n-host.sh, this package
 * installed from its packed tarball as a community package), driven by 24 concurrent senders on
 * loopback, runs alternating between the two workflows of a pair (A B B A ...):
 *   (a) every event accepted: Concur Trigger (ESS, signed) → Set  vs  n8n's Webhook → Set
 *   (b) 80% filtered out or redelivered: Concur Trigger (submitted + dedupe) → Set  vs
 *       Webhook → Code (verify signature) → IF → Remove Duplicates → Set
 * once with n8n's default expression engine and once with N8N_EXPRESSION_ENGINE=legacy.
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

export interface E2eEngineResult {
	engine: Engine;
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
	{ quick = false, log = () => undefined }: E2eOptions,
): Promise<E2eEngineResult> {
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

		const events = quick ? 150 : 500;
		const rounds = quick ? 1 : 2;
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
		return { engine, runs, executions };
	} finally {
		await n8n.stop();
		fs.rmSync(n8n.userFolder, { recursive: true, force: true });
	}
}

export async function runE2eBench(options: E2eOptions = {}): Promise<E2eEngineResult[]> {
	const log = options.log ?? (() => undefined);
	const packDir = options.tarball ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'concur-bench-pack-'));
	const tarball = options.tarball ?? (await buildAndPack(packDir as string));
	const keys = essKeyPair();
	const results: E2eEngineResult[] = [];
	try {
		for (const engine of options.engines ?? (['default', 'legacy'] as Engine[])) {
			results.push(await benchEngine(engine, tarball, keys, { ...options, log }));
		}
	} finally {
		if (packDir) fs.rmSync(packDir, { recursive: true, force: true });
	}
	return results;
}
