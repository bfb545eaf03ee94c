/**
 * The ESS soak, shared by the single-process test and the queue-mode test: `events` signed ESS
 * events delivered by the simulator's sender (24 at once, Concur's retry rules) through a proxy
 * that resets some connections, 5% of the events delivered twice more on purpose, and a restart
 * of n8n in the middle. Afterwards it reads every execution back from n8n and counts executions
 * per event id.
 *
 * The path of a delivery: sender → ResetProxy → front → n8n. The front is the deployment the
 * README recommends (`SOAK_FRONT=gate`, the default): a ReadinessGate that routes only to a ready
 * n8n and is drained before n8n is stopped. `SOAK_FRONT=bare` leaves it out (the proxy talks to
 * n8n directly and n8n is restarted undrained), to measure what a bare n8n restart loses.
 */
import { countBy, executionsWithData, waitForExecutions } from '../../bench/lib/executions';
import { essKeyPair, statusChangedEvent } from '../../bench/lib/ess';
import { concurTriggerWorkflow } from '../../bench/lib/workflows';
import { nodeOutput, type N8nInstance } from '../../scripts/lib/n8n';
import { prng } from '../simulator/state';
import { Sender } from '../simulator/sender';
import { ReadinessGate } from './lib/readinessGate';
import { ResetProxy } from './lib/resetProxy';

/** What stands between Concur and n8n: the readiness-gated, drained front, or nothing. */
export type SoakFront = 'gate' | 'bare';

/** SOAK_FRONT: `gate` (default) or `bare`. */
export function soakFront(value = process.env.SOAK_FRONT): SoakFront {
	if (value === undefined || value === '' || value === 'gate') return 'gate';
	if (value === 'bare') return 'bare';
	throw new Error(`SOAK_FRONT must be "gate" or "bare", not "${value}"`);
}

/** For test titles. */
export function frontTitle(front: SoakFront): string {
	return front === 'gate'
		? 'behind a readiness-gated front, drained before the restart'
		: 'bare n8n, no front (a measurement: the exactly-once checks are expected to fail)';
}

export interface SoakTarget {
	/** The n8n whose public API creates the workflow and reads executions (the main). */
	api: () => N8nInstance;
	/** Port webhooks are delivered to (the main, or the webhook processor in queue mode). */
	webhookPort: number;
	/** Restarts the n8n process(es) that receive webhooks. */
	restart: () => Promise<void>;
}

export interface SoakReport {
	front: SoakFront;
	events: number;
	deliveriesPlanned: number;
	attempts: number;
	retriedAttempts: number;
	gaveUp: number;
	/** Last HTTP status of the deliveries the sender gave up on (404 = not retried by Concur's rules). */
	gaveUpStatuses: Record<string, number>;
	proxy: ResetProxy['stats'];
	/** The readiness gate's counters (gate front only). */
	gate?: ReadinessGate['stats'];
	restartAfterDelivered: number;
	/** Deliveries that succeeded after n8n came back (proves the restart was mid-stream). */
	deliveredAfterRestart: number;
	/**
	 * Attempts turned away while n8n was restarting: by the gate (503 while draining or not ready,
	 * 503 on a connection error), or, bare, refused or reset connections to n8n.
	 */
	attemptsDuringDowntime: number;
	executions: number;
	executionStatuses: Record<string, number>;
	missing: string[];
	/**
	 * Ids with more than one execution, with what the sender did for them: `planned` deliveries
	 * (2 or 3 when the id was duplicated on purpose) and every attempt as "time status outcome".
	 */
	duplicated: Array<{ id: string; count: number; startedAt: string[]; planned: number; attempts: string[] }>;
	/** Where duplicated executions fell relative to the restart window. */
	duplicatePlacement: Record<string, number>;
	restartWindow: { from: string; to: string };
	unexpected: string[];
	seconds: { delivery: number; total: number };
}

export async function runEssSoak(
	target: SoakTarget,
	{
		events = 10_000,
		duplicateShare = 0.05,
		resetBefore = 0.01,
		resetAfter = 0.01,
		front = 'gate',
		log = (_line: string): void => undefined,
	}: {
		events?: number;
		duplicateShare?: number;
		resetBefore?: number;
		resetAfter?: number;
		front?: SoakFront;
		log?: (line: string) => void;
	} = {},
): Promise<SoakReport> {
	const started = Date.now();
	const rand = prng(20261122);
	const keys = essKeyPair();
	const n8n = target.api();
	const credential = await n8n.createCredential('Concur ESS soak keys', 'concurEventSubscriptionApi', {
		publicKeys: keys.publicKeyPem,
	});
	const { workflow, webhookPath } = concurTriggerWorkflow('ESS soak', { credentialId: credential.id });
	const { id: workflowId } = await n8n.createWorkflow(workflow);
	await n8n.activateWorkflow(workflowId);
	await new Promise((resolve) => setTimeout(resolve, 3000));

	const sent = Array.from({ length: events }, (_, i) => statusChangedEvent(i, 'submitted'));
	const ids = new Set(sent.map((event) => event.id));
	// Duplicates on purpose (the same event delivered again, as Concur's at-least-once does),
	// spread through the stream so some arrive concurrently with the original.
	const deliveries = [...sent];
	for (const event of sent) {
		if (rand() < duplicateShare) deliveries.splice(Math.floor(rand() * deliveries.length), 0, event);
	}

	const gate = front === 'gate' ? new ReadinessGate({ upstreamPort: target.webhookPort }) : undefined;
	const frontPort = gate ? await gate.start() : target.webhookPort;
	const proxy = new ResetProxy({ upstreamPort: frontPort, resetBefore, resetAfter, rand });
	const proxyPort = await proxy.start();
	// The drained restart: no new request reaches n8n once the restart begins, the ones already
	// forwarded get their answers before n8n is stopped, and requests reach the new n8n only once
	// its readiness endpoint says 200.
	const restart = gate
		? async () => {
				await gate.drain();
				log('[soak] front drained: restarting n8n');
				await target.restart();
				gate.resume();
			}
		: () => target.restart();
	const turnedAway = () =>
		gate ? gate.stats.answered503.notReady + gate.stats.answered503.draining + gate.stats.upstreamErrors : proxy.stats.upstreamErrors;
	const sender = new Sender({
		privateKeyPem: keys.privateKeyPem,
		concurrency: 24,
		// Concur retries for days; here enough attempts to ride out a restart.
		maxAttempts: 600,
		backoffMs: (retry) => Math.min(1000, 100 * 2 ** (retry - 1)),
		requestTimeoutMs: 60_000,
	});

	let restartAfterDelivered = 0;
	let deliveredWhenBack = 0;
	let turnedAwayBefore = 0;
	let turnedAwayWhenBack = 0;
	let restarting: Promise<void> | undefined;
	const restartWindow = { from: '', to: '' };
	const deliveredCount = () => sender.attempts.filter((a) => a.outcome === 'delivered').length;
	const watcher = setInterval(() => {
		const delivered = deliveredCount();
		if (!restarting && delivered >= deliveries.length * 0.4) {
			restartAfterDelivered = delivered;
			turnedAwayBefore = turnedAway();
			log(`[soak] ${delivered} of ${deliveries.length} deliveries done: restarting n8n (front: ${front})`);
			restartWindow.from = new Date().toISOString();
			restarting = restart().then(() => {
				restartWindow.to = new Date().toISOString();
				deliveredWhenBack = deliveredCount();
				turnedAwayWhenBack = turnedAway();
				log(`[soak] n8n is back (${deliveredWhenBack} deliveries done)`);
			});
		}
	}, 200);
	let results;
	try {
		results = await sender.deliverEvents(`http://127.0.0.1:${proxyPort}${webhookPath}`, deliveries);
		await restarting;
	} finally {
		clearInterval(watcher);
		sender.close();
		await proxy.close();
		await gate?.close();
	}
	const deliverySeconds = (Date.now() - started) / 1000;
	log(`[soak] deliveries finished after ${deliverySeconds.toFixed(0)} s; waiting for executions`);

	const api = target.api();
	await waitForExecutions(api, workflowId, events, { quietMs: 30_000, pollMs: 2000 });
	const executions = await executionsWithData(api, workflowId);
	const executionStatuses: Record<string, number> = {};
	for (const execution of executions) {
		const status = execution.status ?? 'unknown';
		executionStatuses[status] = (executionStatuses[status] ?? 0) + 1;
	}
	const seenIds = executions.map((execution) => String(nodeOutput(execution, 'Concur Trigger')[0]?.id));
	const counts = countBy(seenIds);
	const startedAtById = new Map<string, string[]>();
	executions.forEach((execution, i) => {
		const list = startedAtById.get(seenIds[i]) ?? [];
		list.push(String((execution as { startedAt?: string }).startedAt));
		startedAtById.set(seenIds[i], list);
	});
	const plannedById = countBy(deliveries.map((event) => event.id));
	const duplicated = [...counts]
		.filter(([, count]) => count > 1)
		.map(([id, count]) => ({
			id,
			count,
			startedAt: startedAtById.get(id) ?? [],
			planned: plannedById.get(id) ?? 0,
			attempts: sender.attempts.filter((a) => a.itemId === id).map((a) => `${a.at} ${a.status ?? a.error ?? 'error'} ${a.outcome}`),
		}));
	const place = (at: string) => (at < restartWindow.from ? 'before' : at > restartWindow.to ? 'after' : 'during');
	const duplicatePlacement: Record<string, number> = {};
	for (const { startedAt } of duplicated) {
		const key = startedAt.map(place).join('+');
		duplicatePlacement[key] = (duplicatePlacement[key] ?? 0) + 1;
	}
	return {
		front,
		events,
		deliveriesPlanned: deliveries.length,
		attempts: sender.attempts.length,
		retriedAttempts: sender.attempts.filter((a) => a.attempt > 1).length,
		gaveUp: results.filter((r) => !r.delivered).length,
		gaveUpStatuses: results
			.filter((r) => !r.delivered)
			.reduce<Record<string, number>>((acc, r) => ({ ...acc, [String(r.lastStatus)]: (acc[String(r.lastStatus)] ?? 0) + 1 }), {}),
		proxy: proxy.stats,
		...(gate ? { gate: gate.stats } : {}),
		restartAfterDelivered,
		deliveredAfterRestart: deliveredCount() - deliveredWhenBack,
		attemptsDuringDowntime: turnedAwayWhenBack - turnedAwayBefore,
		executions: executions.length,
		executionStatuses,
		missing: [...ids].filter((id) => !counts.has(id)),
		duplicated,
		duplicatePlacement,
		restartWindow,
		unexpected: [...counts.keys()].filter((id) => !ids.has(id)),
		seconds: { delivery: deliverySeconds, total: (Date.now() - started) / 1000 },
	};
}

/**
 * The report as one log line (id lists as counts), then up to `limit` duplicated ids with their
 * attempts, those with an execution inside the restart window first: they tell a restart that cut
 * off an answered request (the sender saw no 200 for the first run) from an id that was not
 * remembered across the restart (the sender saw the 200, a later redelivery ran again).
 */
export function logReport(report: SoakReport, log: (line: string) => void, prefix: string, limit = 20): void {
	log(`${prefix} report ${JSON.stringify({ ...report, missing: report.missing.length, duplicated: report.duplicated.length, unexpected: report.unexpected.length })}`);
	if (report.duplicated.length === 0) return;
	const { from, to } = report.restartWindow;
	const during = (d: SoakReport['duplicated'][number]) => d.startedAt.some((at) => at >= from && at <= to);
	const shown = [...report.duplicated.filter(during), ...report.duplicated.filter((d) => !during(d))].slice(0, limit);
	log(`${prefix} duplicated (${shown.length} of ${report.duplicated.length}, restart window first) ${JSON.stringify(shown)}`);
}

/** The soak's bar, the same in regular and queue mode: every event ran exactly once and succeeded. */
export function describeExactlyOnce(getReport: () => SoakReport, events: number): void {
	it('ran exactly one execution per event id: 0 missing, 0 duplicated', () => {
		const report = getReport();
		expect(report.missing).toEqual([]);
		expect(report.duplicated).toEqual([]);
		expect(report.unexpected).toEqual([]);
		expect(report.executions).toBe(events);
	});

	it('finished every execution successfully', () => {
		expect(getReport().executionStatuses).toEqual({ success: events });
	});
}
