/** Helpers shared by the end-to-end suites (not a test file). */
import { randomUUID } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import type { N8nExecution, N8nHost, N8nInstance, WorkflowJson } from '../../scripts/lib/n8n';
import type { PlaygroundCredentials } from '../../scripts/lib/playground';

export interface HostEntry {
	version: string;
	host?: N8nHost;
	skipped?: string;
}

/** What globalSetup installed (or why a version is skipped). */
export function installedHosts(): HostEntry[] {
	return JSON.parse(process.env.E2E_N8N_HOSTS ?? '[]') as HostEntry[];
}

export function packedTarball(): string {
	const tarball = process.env.E2E_TARBALL;
	if (!tarball) throw new Error('E2E_TARBALL is not set: run through `npm run test:e2e` (jest.e2e.config.js)');
	return tarball;
}

export async function sleep(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` every 200 ms until it holds. */
export async function waitUntil(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(200);
	}
}

/**
 * Polls n8n's public API until `workflowId` has at least `count` finished executions, and returns
 * all of them (oldest first). Fails with n8n's log tail when they do not show up.
 */
export async function waitForExecutions(
	n8n: N8nInstance,
	workflowId: string,
	count: number,
	timeoutMs = 60_000,
): Promise<N8nExecution[]> {
	const deadline = Date.now() + timeoutMs;
	let executions: N8nExecution[] = [];
	while (Date.now() < deadline) {
		executions = await n8n.executions(workflowId);
		const done = executions.filter((e) => e.finished || (e.status && !['new', 'running', 'waiting'].includes(e.status)));
		if (done.length >= count && done.length === executions.length) return executions;
		await sleep(500);
	}
	throw new Error(
		`workflow ${workflowId}: expected ${count} finished executions, found ${executions.length} ` +
			`(${executions.map((e) => `${e.id}:${e.status}`).join(', ')})\n${n8n.logTail(40)}`,
	);
}

/** The JSON items a node emitted in an execution (first run, all outputs). */
export function outputOf(execution: N8nExecution, nodeName: string): any[] {
	const runs = execution.data?.resultData.runData[nodeName];
	if (!runs?.length) return [];
	return (runs[0].data?.main ?? []).flatMap((items) => (items ?? []).map((item) => item.json));
}

/** The error message of a failed execution (or of its failing node). */
export function errorOf(execution: N8nExecution): string | undefined {
	const result = execution.data?.resultData;
	if (result?.error?.message) return result.error.message;
	for (const runs of Object.values(result?.runData ?? {})) {
		for (const run of runs) if (run.error?.message) return run.error.message as string;
	}
	return undefined;
}

type Creds = { [type: string]: { id: string; name: string } } | PlaygroundCredentials;

function node(
	name: string,
	type: string,
	typeVersion: number,
	position: [number, number],
	parameters: Record<string, unknown>,
	extra: Record<string, unknown> = {},
): Record<string, unknown> {
	return { id: randomUUID(), name, type, typeVersion, position, parameters, ...extra };
}

export function chain(names: string[]): Record<string, unknown> {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < names.length - 1; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

/** A workflow that is only the Concur Trigger (ESS or callout), so executions map 1:1 to accepted requests. */
export function triggerWorkflow(source: 'eventSubscription' | 'callout', credentials: Creds): WorkflowJson {
	const credentialType = source === 'callout' ? 'concurCalloutApi' : 'concurEventSubscriptionApi';
	return {
		name: `e2e ${source} trigger`,
		nodes: [
			node(
				'Concur Trigger',
				'n8n-nodes-concur.concurTrigger',
				1,
				[0, 0],
				{ source },
				{ webhookId: randomUUID(), credentials: { [credentialType]: (credentials as Record<string, unknown>)[credentialType] } },
			),
		],
		connections: {},
	};
}

/**
 * Webhook → Get report → Add exception (v4) → Approve (v4), answering with the last node's items.
 * The webhook body is { reportId }.
 */
export function actionWorkflow(credentials: Creds, webhookPath: string): WorkflowJson {
	const oauth = { concurOAuth2Api: credentials.concurOAuth2Api };
	const reportId = "={{ $('Start').item.json.body.reportId }}";
	return {
		name: 'e2e action node',
		nodes: [
			node(
				'Start',
				'n8n-nodes-base.webhook',
				2,
				[0, 0],
				{ httpMethod: 'POST', path: webhookPath, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
				{ webhookId: randomUUID() },
			),
			node(
				'Get Report',
				'n8n-nodes-concur.concur',
				1,
				[220, 0],
				{ resource: 'report', operation: 'get', by: 'id', reportId, simplify: true },
				{ credentials: oauth },
			),
			node(
				'Add Exception',
				'n8n-nodes-concur.concur',
				1,
				[440, 0],
				{
					resource: 'report',
					operation: 'addExceptions',
					api: 'v4',
					reportId,
					reportExceptions: { exception: [{ exceptionCode: 'OVERLIMIT', exceptionVisibility: 'ALL' }] },
				},
				{ credentials: oauth },
			),
			node(
				'Approve',
				'n8n-nodes-concur.concur',
				1,
				[660, 0],
				{ resource: 'report', operation: 'approve', api: 'v4', reportId, comment: 'Approved by the n8n e2e test' },
				{ credentials: oauth },
			),
		],
		connections: chain(['Start', 'Get Report', 'Add Exception', 'Approve']),
	};
}

/**
 * Polling trigger for reports in `approvalStatus`, polled at 12 fixed seconds of every minute
 * (n8n refuses a single sub-minute cron, but accepts several once-a-minute ones).
 */
export function pollingWorkflow(credentials: Creds, approvalStatus: string): WorkflowJson {
	return pollingTriggerWorkflow(credentials, { resource: 'expenseReport', event: 'createdOrUpdated', approvalStatus, user: 'ALL' });
}

/** A Concur Polling Trigger polling every 5 seconds ("Start From Now") with these parameters. */
export function pollingTriggerWorkflow(credentials: Creds, parameters: IDataObject): WorkflowJson {
	const pollTimes = {
		item: Array.from({ length: 12 }, (_, i) => ({ mode: 'custom', cronExpression: `${i * 5} * * * * *` })),
	};
	return {
		name: `e2e polling trigger (${String(parameters.resource)})`,
		nodes: [
			node(
				'Concur Polling Trigger',
				'n8n-nodes-concur.concurPollingTrigger',
				1,
				[0, 0],
				{
					pollTimes,
					...parameters,
					firstRun: 'now',
					options: {},
				},
				{ credentials: { concurOAuth2Api: credentials.concurOAuth2Api } },
			),
		],
		connections: {},
	};
}
