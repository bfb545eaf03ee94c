/**
 * The ESS soak again, in n8n's queue mode: PostgreSQL and Redis (Debian packages, started here on
 * loopback), one main, two workers and one webhook processor. Events go to the webhook processor;
 * the webhook processor and one worker are restarted in the middle. Same bar: 0 missing,
 * 0 duplicated executions per event id. QUEUE_SOAK_EVENTS sets the size (default 10,000).
 */
import { describeExactlyOnce, runEssSoak, type SoakReport } from './essSoak';
import { QueueModeN8n, queueModeUnavailable } from './lib/queueMode';

const EVENTS = Number(process.env.QUEUE_SOAK_EVENTS ?? 10_000);
const unavailable = queueModeUnavailable();
const describeQueue = unavailable ? describe.skip : describe;

if (unavailable) console.warn(`[queue] skipped: ${unavailable}`);

describeQueue(`ESS soak in queue mode (main + 2 workers + webhook processor): ${EVENTS} events`, () => {
	const cluster = new QueueModeN8n();
	let report: SoakReport;

	beforeAll(async () => {
		await cluster.start({ N8N_EXPRESSION_ENGINE: 'legacy' });
		report = await runEssSoak(
			{ api: () => cluster.main, webhookPort: cluster.webhookPort, restart: () => cluster.restartWebhookAndWorker() },
			{ events: EVENTS, log: (line) => console.log(line) },
		);
		console.log(`[queue-soak] report ${JSON.stringify({ ...report, missing: report.missing.length, duplicated: report.duplicated.length, unexpected: report.unexpected.length })}`);
	});

	afterAll(async () => {
		await cluster.stop();
	});

	it('really restarted the webhook processor and a worker mid-stream', () => {
		expect(cluster.restarts).toBe(1);
		expect(report.deliveredAfterRestart).toBeGreaterThan(0);
	});

	it('delivered every event in the end', () => {
		expect(report.gaveUp).toBe(0);
	});

	describeExactlyOnce(() => report, EVENTS);
});
