/**
 * Token refresh under load in a real n8n: 24 executions start at once (24 concurrent webhook
 * calls into Webhook → Concur "Get report") right after the simulator declared every access token
 * expired, with refresh-token rotation on (each refresh invalidates the refresh token it used).
 * Bar: all 24 executions succeed, and the credential keeps working afterwards — including after
 * yet another expiry, which proves the refresh token n8n stored is the newest one (the simulator
 * rejects a rotated-away token with code 108). Three bursts in a row.
 */
import { randomUUID } from 'node:crypto';

import { executionsWithData, waitForExecutions } from '../../bench/lib/executions';
import { nodeOutput, type N8nExecution, type WorkflowJson } from '../../scripts/lib/n8n';
import { createSimulatorCredentials } from '../../scripts/lib/playground';
import { startSimulator, type ConcurSimulator } from '../simulator';
import { RestartableN8n } from './lib/n8n';

const BURST = 24;
const BURSTS = 3;

function loadWorkflow(credential: { id: string; name: string }, path: string): WorkflowJson {
	return {
		name: 'token refresh under load',
		nodes: [
			{
				id: randomUUID(),
				name: 'Start',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
			},
			{
				id: randomUUID(),
				name: 'Get Report',
				type: 'n8n-nodes-concur.concur',
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					resource: 'report',
					operation: 'get',
					by: 'id',
					reportId: '={{ $json.body.reportId }}',
					simplify: true,
				},
				credentials: { concurOAuth2Api: credential },
			},
		],
		connections: { Start: { main: [[{ node: 'Get Report', type: 'main', index: 0 }]] } },
	};
}

function errorMessage(execution: N8nExecution): string | undefined {
	const data = execution.data?.resultData;
	return data?.error?.message ?? (data?.runData['Get Report']?.[0]?.error as { message?: string } | undefined)?.message;
}

describe('token refresh under load: 24 executions at once meet an expired token (rotation on)', () => {
	let sim: ConcurSimulator;
	let n8n: RestartableN8n;
	let workflowId: string;
	let url: string;
	let reportIds: string[];
	let sent = 0;

	async function fire(count: number): Promise<number[]> {
		const statuses = await Promise.all(
			Array.from({ length: count }, async (_, i) => {
				const response = await fetch(url, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ reportId: reportIds[(sent + i) % reportIds.length] }),
				});
				await response.text();
				return response.status;
			}),
		);
		sent += count;
		return statuses;
	}

	async function executions(): Promise<N8nExecution[]> {
		await waitForExecutions(n8n.instance, workflowId, sent, { quietMs: 20_000 });
		return await executionsWithData(n8n.instance, workflowId);
	}

	beforeAll(async () => {
		sim = await startSimulator({ port: 0 });
		n8n = await RestartableN8n.start({ N8N_EXPRESSION_ENGINE: 'legacy' });
		const credentials = await createSimulatorCredentials(n8n.instance, sim);
		const path = `token-load-${randomUUID()}`;
		const { id } = await n8n.instance.createWorkflow(loadWorkflow(credentials.concurOAuth2Api, path));
		await n8n.instance.activateWorkflow(id);
		workflowId = id;
		url = `${n8n.baseUrl}/webhook/${path}`;
		reportIds = sim.seed.reportIds;
		await new Promise((resolve) => setTimeout(resolve, 3000));
	}, 300_000);

	afterAll(async () => {
		await n8n?.stop();
		await sim?.close();
	});

	it('works before the expiry (first token obtained)', async () => {
		expect(await fire(1)).toEqual([200]);
		const [first] = await executions();
		expect(errorMessage(first)).toBeUndefined();
		expect(first.status).toBe('success');
		expect(nodeOutput(first, 'Get Report')[0]?.id).toBe(reportIds[0]);
	});

	for (let burst = 1; burst <= BURSTS; burst++) {
		it(`burst ${burst}: all ${BURST} concurrent executions succeed after every token expired`, async () => {
			const before = sim.tokens.describe();
			sim.tokens.expireAll();
			const startedAt = sent;
			expect(await fire(BURST)).toEqual(Array(BURST).fill(200));
			const burstExecutions = (await executions()).slice(startedAt);
			expect(burstExecutions).toHaveLength(BURST);
			const failures = burstExecutions.filter((e) => e.status !== 'success').map((e) => errorMessage(e) ?? e.status);
			expect(failures).toEqual([]);
			for (const execution of burstExecutions) {
				// The report n8n fetched is the one this call asked for.
				expect(nodeOutput(execution, 'Get Report')[0]?.id).toBe(nodeOutput(execution, 'Start')[0].body.reportId);
			}
			const after = sim.tokens.describe();
			console.log(`[token] burst ${burst}: ${JSON.stringify({ before, after })}`);
			// The expiry really forced new tokens (a refresh or a new grant) during the burst.
			expect(after.issuedAccessTokens).toBeGreaterThan(before.issuedAccessTokens);
		});
	}

	it('keeps working afterwards, with and without another expiry (the stored refresh token is the newest)', async () => {
		const startedAt = sent;
		expect(await fire(1)).toEqual([200]);
		sim.tokens.expireAll();
		expect(await fire(1)).toEqual([200]);
		const last = (await executions()).slice(startedAt);
		expect(last.map((e) => errorMessage(e) ?? e.status)).toEqual(['success', 'success']);
		expect(sim.internalErrors).toEqual([]);
	});
});
