/**
 * The end-to-end suite, run once per n8n version (n8n-2.test.ts, n8n-1.test.ts): a real n8n
 * server with the packed package installed as a community package, the Concur simulator in this
 * process, credentials and workflows created through n8n's public API, and every claim proven by
 * executions read back from n8n.
 */
import { generateKeyPairSync } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

import { eventKey, STATIC_DATA_KEY } from '../../nodes/Concur/helpers/dedupe';
import { startN8n, type N8nInstance, type WorkflowJson } from '../../scripts/lib/n8n';
import {
	activateAndWait,
	createSimulatorCredentials,
	importExamples,
	loadExample,
	localizeWorkflow,
	webhookUrl,
	type PlaygroundCredentials,
} from '../../scripts/lib/playground';
import { eventBody, expenseIdOf, listsOf, receiptImageIdOf, seededReceipt, signBody, startSimulator, travelRequestsOf, type ConcurSimulator, type EssEvent } from '../simulator';
import { approvalsWorkflow } from './approvals';
import { listsE2e } from './lists';
import { usersCase } from './users';
import {
	actionWorkflow,
	errorOf,
	installedHosts,
	outputOf,
	packedTarball,
	pollingTriggerWorkflow,
	pollingWorkflow,
	triggerWorkflow,
	waitForExecutions,
	waitUntil,
} from './helpers';

const PACKAGE_NODE_TYPES = [
	'n8n-nodes-concur.concur',
	'n8n-nodes-concur.concurTrigger',
	'n8n-nodes-concur.concurPollingTrigger',
];

export function describeN8n(version: string): void {
	const entry = installedHosts().find((candidate) => candidate.version === version);
	if (!entry?.host) {
		describe(`n8n ${version}`, () => {
			test.skip(`not tested: ${entry?.skipped ?? 'not requested (E2E_N8N_VERSIONS)'}`, () => undefined);
		});
		return;
	}
	const host = entry.host;

	describe(`n8n ${version} with the packed n8n-nodes-concur installed as a community package`, () => {
		let sim: ConcurSimulator;
		let n8n: N8nInstance;
		let credentials: PlaygroundCredentials;

		/** Creates and activates a workflow; returns its id and the workflow as sent. */
		async function deploy(workflow: WorkflowJson): Promise<{ id: string; workflow: WorkflowJson }> {
			const { id } = await n8n.createWorkflow(workflow);
			await activateAndWait(n8n, id, workflow);
			return { id, workflow };
		}

		/** A fresh report, submitted: it enters external validation (A_EXTV) and queues an ESS event and a callout. */
		function submittedReport(amount = 120, receipts = true): { id: string; rptKey: string } {
			const report = sim.reports.create({ amount, receipts });
			sim.reports.submit(report.id);
			return { id: report.id, rptKey: report.rptKey };
		}

		function pendingEventFor(reportId: string): EssEvent {
			const event = sim.events
				.pending()
				.filter((candidate) => candidate.facts.reportId === reportId)
				.pop();
			if (!event) throw new Error(`no ESS event queued for report ${reportId}`);
			return event;
		}

		beforeAll(async () => {
			sim = await startSimulator({ port: 0, sender: { maxAttempts: 3, backoffMs: () => 100 } });
			n8n = await startN8n({ host, tarball: packedTarball() });
			credentials = await createSimulatorCredentials(n8n, sim);
		}, 300_000);

		afterAll(async () => {
			await n8n?.stop();
			await sim?.close();
		});

		test('n8n loads the package: its node types are listed by the editor API', async () => {
			const names = (await n8n.nodeTypeNames()).filter((name) => name.startsWith('n8n-nodes-concur.'));
			expect(names).toEqual(expect.arrayContaining(PACKAGE_NODE_TYPES));
		});

		test('ESS: a signed event runs the workflow once, its redelivery does not, a bad signature gets 401', async () => {
			const { id, workflow } = await deploy(triggerWorkflow('eventSubscription', credentials));
			const url = webhookUrl(n8n, workflow, 'Concur Trigger');

			const first = submittedReport();
			const event = pendingEventFor(first.id);
			const [delivered] = await sim.sendEvents(url, { eventIds: [event.id] });
			expect(delivered).toMatchObject({ delivered: true, lastStatus: 200, attempts: 1 });
			let executions = await waitForExecutions(n8n, id, 1);
			expect(executions).toHaveLength(1);
			expect(executions[0].status).toBe('success');
			expect(outputOf(executions[0], 'Concur Trigger')).toEqual([
				expect.objectContaining({ id: event.id, topic: event.topic, reportId: first.id }),
			]);

			// Concur redelivers the same event (same id, same signed bytes): acknowledged, not run.
			const [redelivered] = await sim.sendEvents(url, { eventIds: [event.id] });
			expect(redelivered).toMatchObject({ delivered: true, lastStatus: 200 });

			// A body signed with another key, and one without a signature: 401, nothing runs.
			const { privateKey: foreignKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
			const second = submittedReport();
			const secondEvent = pendingEventFor(second.id);
			const body = eventBody(secondEvent);
			const forged = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'concur-signature': signBody(body, foreignKey) },
				body,
			});
			expect(forged.status).toBe(401);
			const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
			expect(unsigned.status).toBe(401);

			// A genuine new event afterwards runs once more; nothing ran in between.
			const [sentinel] = await sim.sendEvents(url, { eventIds: [secondEvent.id] });
			expect(sentinel).toMatchObject({ delivered: true, lastStatus: 200 });
			executions = await waitForExecutions(n8n, id, 2);
			expect(executions).toHaveLength(2);
			expect(outputOf(executions[1], 'Concur Trigger')).toEqual([
				expect.objectContaining({ id: secondEvent.id, reportId: second.id }),
			]);

			// Both accepted ids reached n8n's database (static data), so a restart does not forget
			// them. n8n 2.40.7 drops static data changed by a webhook whose execution it starts
			// before answering; the trigger answers first so n8n saves it.
			const stored = await n8n.api<{ staticData?: IDataObject | string | null }>('GET', `/workflows/${id}`);
			const staticData = (typeof stored.staticData === 'string' ? JSON.parse(stored.staticData) : stored.staticData) as IDataObject;
			const record = (staticData?.['node:Concur Trigger'] as IDataObject | undefined)?.[STATIC_DATA_KEY] as
				| { buckets: Array<[number, string]> }
				| undefined;
			const storedKeys = (record?.buckets ?? []).map(([, keys]) => keys).join('');
			expect(storedKeys).toContain(eventKey(event.id));
			expect(storedKeys).toContain(eventKey(secondEvent.id));
		});

		test('legacy callout: Basic Auth runs the workflow, Test Connection gets 200, wrong credentials 401', async () => {
			const { id, workflow } = await deploy(triggerWorkflow('callout', credentials));
			const base = webhookUrl(n8n, workflow, 'Concur Trigger');
			const basic = (user: string, password: string) =>
				'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
			const goodAuth = basic(sim.seed.calloutUser, sim.seed.calloutPassword);

			const testConnection = await fetch(`${base}/system/v1.0/testconnection`, {
				headers: { authorization: goodAuth },
			});
			expect(testConnection.status).toBe(200);
			const wrongTestConnection = await fetch(`${base}/system/v1.0/testconnection`, {
				headers: { authorization: basic(sim.seed.calloutUser, 'not-the-password-123') },
			});
			expect(wrongTestConnection.status).toBe(401);

			const report = submittedReport();
			const callout = sim.events.pendingCallouts().find((candidate) => candidate.reportId === report.id);
			expect(callout).toBeDefined();
			const refused = await fetch(`${base}/concur/v1.0/notify`, {
				method: 'POST',
				headers: { 'content-type': 'application/xml', authorization: basic(sim.seed.calloutUser, 'wrong-password-12') },
				body: callout!.xml,
			});
			expect(refused.status).toBe(401);

			const [delivered] = await sim.sendCallouts(`${base}/concur/v1.0/notify`, undefined, { reportId: report.id });
			expect(delivered).toMatchObject({ delivered: true, lastStatus: 200 });
			const executions = await waitForExecutions(n8n, id, 1);
			expect(executions).toHaveLength(1);
			expect(executions[0].status).toBe('success');
			expect(outputOf(executions[0], 'Concur Trigger')).toEqual([
				expect.objectContaining({ objectType: 'EXPRPT', objectUri: callout!.objectUri, reportKey: report.rptKey }),
			]);
		});

		test('polling trigger: picks up a report the simulator moves to A_EXTV, once', async () => {
			const requestsBefore = sim.requests.length;
			const { id } = await deploy(pollingWorkflow(credentials, 'A_EXTV'));
			const seen = (executions: Awaited<ReturnType<typeof waitForExecutions>>, reportId: string) =>
				executions.flatMap((execution) => outputOf(execution, 'Concur Polling Trigger')).filter((item) => item.ID === reportId);
			// "Start From Now": the first poll (run by n8n on activation, asynchronously in 2.x) sets the
			// cursor. Change a report in Concur only once Concur has seen that poll.
			await waitUntil('the first poll', () =>
				sim.requests.slice(requestsBefore).some((request) => request.path.startsWith('/api/v3.0/expense/reports')),
			);
			const before = (await n8n.executions(id)).length;
			const report = submittedReport();
			let executions = await waitForExecutions(n8n, id, before + 1, 90_000);
			expect(seen(executions, report.id)).toHaveLength(1);
			expect(executions.every((execution) => execution.status === 'success')).toBe(true);

			// Polls keep running; a later change is picked up and the first report is not repeated.
			const later = submittedReport();
			const deadline = Date.now() + 90_000;
			while (seen(executions, later.id).length === 0 && Date.now() < deadline) {
				executions = await waitForExecutions(n8n, id, executions.length + 1, 90_000);
			}
			expect(seen(executions, later.id)).toHaveLength(1);
			expect(seen(executions, report.id)).toHaveLength(1);
			await n8n.deactivateWorkflow(id);
		});

		test('polling trigger, Travel Request: picks up a submitted request once, then its approval', async () => {
			const requestsBefore = sim.requests.length;
			const { id } = await deploy(pollingTriggerWorkflow(credentials, { resource: 'travelRequest', event: 'createdOrUpdated', view: 'ALL' }));
			const seen = (executions: Awaited<ReturnType<typeof waitForExecutions>>, requestId: string) =>
				executions.flatMap((execution) => outputOf(execution, 'Concur Polling Trigger')).filter((item) => item.id === requestId);
			await waitUntil('the first poll', () =>
				sim.requests.slice(requestsBefore).some((request) => request.path.startsWith('/travelrequest/v4/requests')),
			);
			const store = travelRequestsOf(sim);
			const before = (await n8n.executions(id)).length;
			const request = store.create({ name: `e2e trip ${version}` });
			store.act(request.id, 'submit', undefined);
			let executions = await waitForExecutions(n8n, id, before + 1, 90_000);
			expect(seen(executions, request.id)).toEqual([expect.objectContaining({ event: 'created', approvalStatus: expect.objectContaining({ code: 'SUBMITTED' }) })]);

			store.act(request.id, 'approve', sim.tenant.userByLogin('manager@acme-sim.example'));
			const deadline = Date.now() + 90_000;
			while (seen(executions, request.id).length < 2 && Date.now() < deadline) {
				executions = await waitForExecutions(n8n, id, executions.length + 1, 90_000);
			}
			expect(seen(executions, request.id).map((item) => [item.event, (item.approvalStatus as IDataObject).code])).toEqual([
				['created', 'SUBMITTED'],
				['updated', 'APPROVED'],
			]);
			expect(executions.every((execution) => execution.status === 'success')).toBe(true);
			await n8n.deactivateWorkflow(id);
		});

		test('action node: get, add exception and approve, across forced token expiry with refresh-token rotation', async () => {
			const path = `concur-e2e-action-${version.replace(/\./g, '-')}`;
			const { id } = await deploy(actionWorkflow(credentials, path));
			const run = async (reportId: string) => await n8n.request('POST', `/webhook/${path}`, { body: { reportId } });

			// 1. First use: the company request token is exchanged.
			const first = submittedReport(5000);
			const response = await run(first.id);
			expect(response.status).toBe(200);
			let executions = await waitForExecutions(n8n, id, 1);
			expect(executions[0].status).toBe('success');
			expect(outputOf(executions[0], 'Get Report')).toEqual([
				expect.objectContaining({ id: first.id, approvalStatusCode: 'A_EXTV' }),
			]);
			let report = sim.reports.get(first.id)!;
			expect(report.exceptions).toEqual(
				expect.arrayContaining([expect.objectContaining({ exceptionCode: 'OVERLIMIT', source: 'v4' })]),
			);
			expect(report.approvalStatusCode).toBe('A_PEND');
			const afterFirst = sim.tokens.describe();
			expect(afterFirst.activeRefreshTokens).toBe(1);

			// 2. Every access token expires (answered 401): n8n refreshes, Concur rotates the refresh token.
			sim.tokens.setExpiredStatus(401);
			sim.tokens.expireAll();
			const second = submittedReport(80);
			expect((await run(second.id)).status).toBe(200);
			executions = await waitForExecutions(n8n, id, 2);
			expect(executions[1].status).toBe('success');
			expect(sim.reports.get(second.id)!.approvalStatusCode).toBe('A_PEND');
			const afterSecond = sim.tokens.describe();
			expect(afterSecond.refreshes).toBe(afterFirst.refreshes + 1);
			expect(afterSecond.activeRefreshTokens).toBe(1);

			// 3. The request token can no longer be exchanged and tokens expire again: only the rotated
			// refresh token n8n persisted in the credential can work. n8n 2.x also refreshes when Concur
			// answers the expired token with 403 (n8n 1.x refreshes on 401 only: see the test below).
			sim.tenant.requestTokenIssuedAt = Date.now() - 25 * 3600 * 1000;
			sim.tokens.setExpiredStatus(n8n.major >= 2 ? 403 : 401);
			sim.tokens.expireAll();
			const third = submittedReport(60);
			const thirdResponse = await run(third.id);
			executions = await waitForExecutions(n8n, id, 3);
			expect(errorOf(executions[2])).toBeUndefined();
			expect(thirdResponse.status).toBe(200);
			expect(executions[2].status).toBe('success');
			report = sim.reports.get(third.id)!;
			expect(report.approvalStatusCode).toBe('A_PEND');
			expect(outputOf(executions[2], 'Approve')).toHaveLength(1);
			const afterThird = sim.tokens.describe();
			expect(afterThird.refreshes).toBe(afterSecond.refreshes + 1);
			expect(afterThird.activeRefreshTokens).toBe(1);
			sim.tokens.setExpiredStatus(401);
			sim.tenant.requestTokenIssuedAt = Date.now();
			await n8n.deactivateWorkflow(id);
		});

		if (version.startsWith('1.')) {
			// n8n 1.x calls preAuthentication again only on 401 (n8n 2.x honours
			// preAuthenticationRetryStatusCode [401, 403]); the transport forces the refresh itself when
			// n8n left the token unchanged, so a token Concur answers with 403 is replaced on 1.x too.
			test('n8n 1.x refreshes a token that Concur rejects with 403', async () => {
				const path = 'concur-e2e-403';
				const { id } = await deploy(actionWorkflow(credentials, path));
				try {
					sim.tokens.setExpiredStatus(403);
					sim.tokens.expireAll();
					const refreshesBefore = sim.tokens.describe().refreshes;
					const report = submittedReport(50);
					await n8n.request('POST', `/webhook/${path}`, { body: { reportId: report.id } });
					const executions = await waitForExecutions(n8n, id, 1);
					expect(errorOf(executions[0])).toBeUndefined();
					// One refresh (with rotation) replaced the token Concur refused with 403.
					expect(sim.tokens.describe().refreshes).toBe(refreshesBefore + 1);
				} finally {
					sim.tokens.setExpiredStatus(401);
					await n8n.deactivateWorkflow(id);
				}
			});
		}

		test('examples: import and activate through the public API, and each one does its job', async () => {
			const messages: string[] = [];
			const chat = http.createServer((req, res) => {
				const chunks: Buffer[] = [];
				req.on('data', (chunk: Buffer) => chunks.push(chunk));
				req.on('end', () => {
					messages.push((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string }).text);
					res.writeHead(200, { 'content-type': 'application/json' });
					res.end('{"ok":true}');
				});
			});
			await new Promise<void>((resolve) => chat.listen(0, '127.0.0.1', resolve));
			const chatUrl = `http://127.0.0.1:${(chat.address() as AddressInfo).port}/chat`;
			try {
				const examples = await importExamples(n8n, credentials, { chatWebhookUrl: chatUrl });
				expect(examples.map((example) => [example.file, example.activationError ?? 'active'])).toEqual([
					['01-ess-report-submitted-to-chat.json', 'active'],
					['02-callout-policy-check.json', 'active'],
					['03-consultant-client-template.json', 'active'],
					['04-travel-request-auto-approve.json', 'active'],
					['05-list-sync-cost-centers.json', 'active'],
				]);
				const [toChat, policy, template] = examples;

				// 1. ESS "report submitted" → get the report by facts.href → summary in the chat.
				const submitted = submittedReport(321);
				const [delivered] = await sim.sendEvents(webhookUrl(n8n, toChat.workflow, 'Concur Trigger'), {
					eventIds: [pendingEventFor(submitted.id).id],
				});
				expect(delivered).toMatchObject({ delivered: true, lastStatus: 200 });
				const chatRuns = await waitForExecutions(n8n, toChat.id, 1);
				expect(errorOf(chatRuns[0])).toBeUndefined();
				expect(messages).toHaveLength(1);
				expect(messages[0]).toContain(sim.reports.get(submitted.id)!.name);
				expect(messages[0]).toContain(submitted.id);
				// Get Owner (User > Get) addresses the owner's manager.
				expect(messages[0]).toMatch(/^Martin Manager, for your approval: /);

				// 2. Legacy callout → full details → policy: send back, exception + approve, approve.
				const notifyUrl = webhookUrl(n8n, policy.workflow, 'Concur Callout', 'webhook/concur/v1.0/notify');
				const missingReceipts = submittedReport(200, false);
				const overLimit = submittedReport(1500);
				const clean = submittedReport(40);
				for (const report of [missingReceipts, overLimit, clean]) {
					const [callout] = await sim.sendCallouts(notifyUrl, undefined, { reportId: report.id });
					expect(callout).toMatchObject({ delivered: true, lastStatus: 200 });
				}
				const policyRuns = await waitForExecutions(n8n, policy.id, 3);
				expect(policyRuns.map(errorOf)).toEqual([undefined, undefined, undefined]);
				const sentBack = sim.reports.get(missingReceipts.id)!;
				expect(sentBack.approvalStatusCode).toBe('A_RESU');
				expect(sentBack.comments.join(' ')).toContain('Receipts are missing for 1 expense(s)');
				const flagged = sim.reports.get(overLimit.id)!;
				expect(flagged.approvalStatusCode).toBe('A_PEND');
				expect(flagged.exceptions.map((exception) => exception.exceptionCode)).toContain('OVERLIMIT');
				const approved = sim.reports.get(clean.id)!;
				expect(approved.approvalStatusCode).toBe('A_PEND');
				expect(approved.exceptions.map((exception) => exception.exceptionCode)).not.toContain('OVERLIMIT');

				// 3. Client template: an external-validation event above the client's limit is sent back
				// with the client's comment, and the client's chat is told.
				const aboveLimit = submittedReport(3000);
				const [event] = await sim.sendEvents(webhookUrl(n8n, template.workflow, 'Concur Trigger'), {
					eventIds: [pendingEventFor(aboveLimit.id).id],
				});
				expect(event).toMatchObject({ delivered: true, lastStatus: 200 });
				const templateRuns = await waitForExecutions(n8n, template.id, 1);
				expect(errorOf(templateRuns[0])).toBeUndefined();
				const templated = sim.reports.get(aboveLimit.id)!;
				expect(templated.approvalStatusCode).toBe('A_RESU');
				expect(templated.comments.join(' ')).toContain('pre-approval');
				expect(messages).toHaveLength(2);
				expect(messages[1]).toMatch(/^\[Acme Corp\] Sent back: /);

				// 4. Travel request pending: a small one is approved for its approver, a large one is asked about in the chat.
				const requests = travelRequestsOf(sim);
				const pendingRequest = (amount: number) => {
					const request = requests.create({ ownerLoginId: 'bob@acme-sim.example' });
					request.amount = amount;
					requests.act(request.id, 'submit', sim.tenant.userByLogin('bob@acme-sim.example'));
					const requestEvent = sim.events.pending().filter((candidate) => candidate.facts.id === request.id).pop()!;
					return { request, requestEvent };
				};
				const travel = examples[3];
				const small = pendingRequest(400);
				const large = pendingRequest(4000);
				const travelDeliveries = await sim.sendEvents(webhookUrl(n8n, travel.workflow, 'Concur Trigger'), {
					eventIds: [small.requestEvent.id, large.requestEvent.id],
				});
				expect(travelDeliveries.every((delivery) => delivery.delivered)).toBe(true);
				const travelRuns = await waitForExecutions(n8n, travel.id, 2);
				expect(travelRuns.map(errorOf)).toEqual([undefined, undefined]);
				expect(requests.get(small.request.id)!.status).toBe('APPROVED');
				expect(requests.get(large.request.id)!.status).toBe('SUBMITTED');
				expect(messages).toHaveLength(3);
				expect(messages[2]).toContain(large.request.requestId);
			} finally {
				await new Promise<void>((resolve) => chat.close(() => resolve()));
			}
		});

		test('example 05: the scheduled cost-center sync, first as a dry run, then for real, then unchanged', async () => {
			const messages: string[] = [];
			const csv = 'code,name\nCC1000,Sales EMEA\nCC9100,Sustainability\nCC9200,Data Platform\n';
			const server = http.createServer((req, res) => {
				if (req.method === 'GET') {
					res.writeHead(200, { 'content-type': 'text/csv' });
					res.end(csv);
					return;
				}
				const chunks: Buffer[] = [];
				req.on('data', (chunk: Buffer) => chunks.push(chunk));
				req.on('end', () => {
					messages.push((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string }).text);
					res.writeHead(200, { 'content-type': 'application/json' });
					res.end('{"ok":true}');
				});
			});
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
			const lists = listsOf(sim);
			const listId = lists.costCenterListId;
			const codes = () => lists.itemsOf(listId).map((item) => `${item.shortCode}=${item.value}`).sort();
			const before = codes();
			// The example as shipped, polled every 5 seconds instead of every morning.
			const scheduled = (dryRun: boolean) => {
				const workflow = localizeWorkflow(loadExample('05-list-sync-cost-centers.json'), credentials, {
					chatWebhookUrl: `${base}/chat`,
					costCentersCsvUrl: `${base}/cost-centers.csv`,
					listId,
					dryRun,
				});
				const trigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.scheduleTrigger')!;
				trigger.parameters = { rule: { interval: [{ field: 'seconds', secondsInterval: 5 }] } };
				workflow.name = `${workflow.name} (${dryRun ? 'dry run' : 'live'}, every 5 s)`;
				return workflow;
			};
			try {
				const dry = await deploy(scheduled(true));
				const dryRuns = await waitForExecutions(n8n, dry.id, 1, 60_000);
				await n8n.deactivateWorkflow(dry.id);
				expect(errorOf(dryRuns[0])).toBeUndefined();
				expect(messages[0]).toBe(`[Dry run, nothing changed] Cost centers → Concur list ${listId}: 2 created, 1 updated, 0 deleted, 0 unchanged, 0 failed, 0 skipped.`);
				expect(codes()).toEqual(before);

				const live = await deploy(scheduled(false));
				const liveRuns = await waitForExecutions(n8n, live.id, 2, 60_000);
				await n8n.deactivateWorkflow(live.id);
				expect(liveRuns.slice(0, 2).map(errorOf)).toEqual([undefined, undefined]);
				const liveMessages = messages.slice(1, 3);
				expect(liveMessages[0]).toBe(`Cost centers → Concur list ${listId}: 2 created, 1 updated, 0 deleted, 0 unchanged, 0 failed, 0 skipped.`);
				expect(liveMessages[1]).toBe(`Cost centers → Concur list ${listId}: 0 created, 0 updated, 0 deleted, 3 unchanged, 0 failed, 0 skipped.`);
				// Delete Items Not in Input is off in the example: the list's other cost centers stay.
				expect(codes()).toEqual(expect.arrayContaining(['CC1000=Sales EMEA', 'CC9100=Sustainability', 'CC9200=Data Platform']));
				expect(codes()).toHaveLength(before.length + 2);
			} finally {
				await new Promise<void>((resolve) => server.close(() => resolve()));
			}
		});

		listsE2e(() => ({ n8n, sim, credentials, version, deploy }));

		test('approvals: Expense Get Many, Receipt Get as a binary file and Travel Request Get in one workflow', async () => {
			const path = `concur-e2e-approvals-${version.replace(/\./g, '-')}`;
			const { id } = await deploy(approvalsWorkflow(credentials, path));
			const report = sim.reports.list().find((candidate) => candidate.entries.length >= 2 && candidate.entries.some((entry) => entry.receiptReceived))!;
			const withReceipt = report.entries.find((entry) => entry.receiptReceived)!;
			const request = travelRequestsOf(sim).requests[0];
			const response = await n8n.request('POST', `/webhook/${path}`, {
				body: { userId: report.ownerUuid, reportId: report.id, receiptImageId: receiptImageIdOf(withReceipt), requestId: request.id },
			});
			expect(response.status).toBe(200);
			const [execution] = await waitForExecutions(n8n, id, 1);
			expect(errorOf(execution)).toBeUndefined();
			expect(outputOf(execution, 'Expenses').map((expense) => expense.id)).toEqual(report.entries.map(expenseIdOf));
			const receipt = seededReceipt(report, withReceipt);
			expect(outputOf(execution, 'Receipt')).toEqual([expect.objectContaining({ of: 'receiptImage', mimeType: receipt.mimeType })]);
			const receiptItem = (execution.data!.resultData.runData.Receipt[0].data!.main[0] as Array<{ binary?: Record<string, { mimeType: string; fileName: string }> }>)[0];
			expect(receiptItem.binary?.data).toEqual(expect.objectContaining({ mimeType: receipt.mimeType, fileName: expect.stringMatching(/^receipt-/) }));
			expect(outputOf(execution, 'Travel Request')).toEqual([expect.objectContaining({ id: request.id, requestId: request.requestId })]);
			await n8n.deactivateWorkflow(id);
		});

		test('users: every User operation (Get, Search, Create, Update, Get Provisioning Status, Deactivate, Get Many)', async () => await usersCase({ n8n, sim, credentials, deploy, version }));
	});
}
