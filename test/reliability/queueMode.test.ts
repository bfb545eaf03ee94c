/**
 * The ESS soak again, in n8n's queue mode: PostgreSQL and Redis (Debian packages, started here on
 * loopback), one main, two workers and one webhook processor. Events go to the webhook processor;
 * the webhook processor and one worker are restarted in the middle. Same bar: 0 missing,
 * 0 duplicated executions per event id. QUEUE_SOAK_EVENTS sets the size (default 10,000).
 *
 * As in the single-process soak, the webhook processor sits behind the readiness-gated front,
 * drained before the webhook processor and the worker are restarted; SOAK_FRONT=bare leaves the
 * front out (a measurement, the exactly-once checks are expected to fail).
 */
import { describeExactlyOnce, frontTitle, logReport, runEssSoak, soakFront, type SoakReport } from './essSoak';
import { QueueModeN8n, queueModeUnavailable } from './lib/queueMode';

const EVENTS = Number(process.env.QUEUE_SOAK_EVENTS ?? 10_000);
const FRONT = soakFront();
const unavailable = queueModeUnavailable();
const describeQueue = unavailable ? describe.skip : describe;

if (unavailable) console.warn(`[queue] skipped: ${unavailable}`);

describeQueue(`ESS soak in queue mode (main + 2 workers + webhook processor): ${EVENTS} events, ${frontTitle(FRONT)}`, () => {
	const cluster = new QueueModeN8n();
	let report: SoakReport;

	beforeAll(async () => {
		await cluster.start({ N8N_EXPRESSION_ENGINE: 'legacy' });
		report = await runEssSoak(
			{ api: () => cluster.main, webhookPort: cluster.webhookPort, restart: () => cluster.restartWebhookAndWorker() },
			{ events: EVENTS, front: FRONT, log: (line) => console.log(line) },
		);
		logReport(report, (line) => console.log(line), '[queue-soak]');
	});

	afterAll(async () => {
		await cluster.stop();
	});

	it('really restarted the webhook processor and a worker mid-stream', () => {
		expect(cluster.restarts).toBe(1);
		expect(report.deliveredAfterRestart).toBeGreaterThan(0);
	});

	(FRONT === 'gate' ? it : it.skip)('held deliveries back at the front while the webhook processor restarted; every forwarded request got its whole answer', () => {
		expect(report.gate?.answered503.draining).toBeGreaterThan(0);
		// Drained before the stop: no request the front had forwarded was cut off by the restart.
		expect(report.gate?.upstreamErrors).toBe(0);
		expect(report.gate?.upstreamTimeouts).toBe(0);
	});

	it('delivered every event in the end', () => {
		expect(report.gaveUp).toBe(0);
	});

	describeExactlyOnce(() => report, EVENTS);
});
