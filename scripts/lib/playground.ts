/**
 * What `npm run dev`, the screenshots and the end-to-end tests set up inside a running n8n:
 * the three Concur credentials pointed at the simulator, and the example workflows imported with
 * those credentials and local settings (chat webhook URL...).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { ConcurSimulator } from '../../test/simulator';
import { REPO_ROOT, type N8nInstance, type WorkflowJson } from './n8n';

export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

export interface CreatedCredential {
	id: string;
	name: string;
}

export interface PlaygroundCredentials {
	concurOAuth2Api: CreatedCredential;
	concurEventSubscriptionApi: CreatedCredential;
	concurCalloutApi: CreatedCredential;
}

/**
 * n8n 1.x builds the public API's credential schema from the first displayOptions condition
 * only: with grantType companyRequestToken it also demands the fields of the other grants, and
 * it demands allowedDomains unless the domain restriction is stated. Empty values satisfy it and
 * mean "not set" to the credential. (n8n 2.x rejects these extra fields, so 1.x only.)
 */
const N8N_1_SCHEMA_PADDING = { username: '', password: '', refreshToken: '', allowedHttpRequestDomains: 'all' };

/**
 * Creates the three Concur credentials through n8n's public API, pointed at the simulator: the
 * company request-token grant on the simulator's token host, the simulator's ESS signing key, and
 * the Basic Auth pair the simulator sends with legacy callouts.
 */
export async function createSimulatorCredentials(n8n: N8nInstance, sim: ConcurSimulator): Promise<PlaygroundCredentials> {
	const create = async (name: string, type: string, data: Record<string, unknown>) => {
		const { id } = await n8n.createCredential(name, type, data);
		return { id, name };
	};
	return {
		concurOAuth2Api: await create('Concur (simulator)', 'concurOAuth2Api', {
			...(n8n.major < 2 ? N8N_1_SCHEMA_PADDING : {}),
			grantType: 'companyRequestToken',
			tokenHostUrl: 'custom',
			customTokenHostUrl: sim.baseUrl,
			clientId: sim.seed.clientId,
			clientSecret: sim.seed.clientSecret,
			companyUuid: sim.seed.companyUuid,
			requestToken: sim.seed.requestToken,
		}),
		concurEventSubscriptionApi: await create('Concur ESS keys (simulator)', 'concurEventSubscriptionApi', {
			publicKeys: sim.publicKeyPem,
		}),
		concurCalloutApi: await create('Concur callout (simulator)', 'concurCalloutApi', {
			username: sim.seed.calloutUser,
			password: sim.seed.calloutPassword,
		}),
	};
}

export function exampleFiles(): string[] {
	return fs
		.readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort();
}

export function loadExample(file: string): WorkflowJson {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as WorkflowJson;
}

/**
 * A copy of `workflow` that uses the given credentials (matched by credential type) and local
 * values for settings fields (matched by field name in every Set node, e.g. chatWebhookUrl).
 */
export function localizeWorkflow(
	workflow: WorkflowJson,
	credentials: Partial<PlaygroundCredentials>,
	settings: Record<string, string | number | boolean> = {},
): WorkflowJson {
	const copy = JSON.parse(JSON.stringify(workflow)) as WorkflowJson;
	for (const node of copy.nodes) {
		for (const type of Object.keys(node.credentials ?? {})) {
			const created = credentials[type as keyof PlaygroundCredentials];
			if (created) node.credentials[type] = { id: created.id, name: created.name };
		}
		if (node.type === 'n8n-nodes-base.set') {
			for (const assignment of node.parameters?.assignments?.assignments ?? []) {
				if (assignment.name in settings) assignment.value = settings[assignment.name];
			}
		}
	}
	return copy;
}

/** The production URL of a trigger node's main webhook (n8n: /webhook/<webhookId>/<path>). */
export function webhookUrl(n8n: N8nInstance, workflow: WorkflowJson, nodeName: string, suffix = 'webhook'): string {
	const node = workflow.nodes.find((candidate) => candidate.name === nodeName);
	if (!node?.webhookId) throw new Error(`${workflow.name}: no webhook node named ${nodeName}`);
	return `${n8n.baseUrl}/webhook/${node.webhookId as string}/${suffix}`;
}

/** The production webhooks (path after /webhook/, method) of a workflow's enabled webhook nodes. */
export function workflowWebhooks(workflow: WorkflowJson): Array<{ path: string; method: string }> {
	const hooks: Array<{ path: string; method: string }> = [];
	for (const node of workflow.nodes) {
		if (node.disabled || !node.webhookId) continue;
		if (node.type === 'n8n-nodes-base.webhook') {
			hooks.push({ path: String(node.parameters.path), method: String(node.parameters.httpMethod ?? 'GET') });
		} else if (node.type === 'n8n-nodes-concur.concurTrigger') {
			hooks.push({ path: `${node.webhookId as string}/webhook`, method: 'POST' });
		}
	}
	return hooks;
}

/** Activates a workflow and waits until n8n serves its webhooks. */
export async function activateAndWait(n8n: N8nInstance, id: string, workflow: WorkflowJson): Promise<void> {
	await n8n.activateWorkflow(id);
	for (const hook of workflowWebhooks(workflow)) await n8n.waitForWebhook(hook.path, hook.method);
}

export interface ImportedExample {
	file: string;
	id: string;
	name: string;
	workflow: WorkflowJson;
	active: boolean;
	/** Why activation failed, when it did. */
	activationError?: string;
	/** Why it was imported without activating it, when `activate` said so. */
	inactiveReason?: string;
}

/**
 * Whether a workflow acts on the External Validation step of expense reports: a Concur Trigger
 * for legacy callouts (Concur sends them at that step) or for ESS events with the External
 * Validation transition. Concur lets one automation act on a step; two would both try to approve.
 */
export function handlesExternalValidation(workflow: WorkflowJson): boolean {
	return workflow.nodes.some(
		(node) =>
			node.type === 'n8n-nodes-concur.concurTrigger' &&
			!node.disabled &&
			(node.parameters?.source === 'callout' ||
				(Array.isArray(node.parameters?.transitions) && node.parameters.transitions.includes('expenseExternalValidation'))),
	);
}

/**
 * Imports every example (localized) and activates it, unless `activate` is false or returns a
 * reason not to (the reason is kept in `inactiveReason`).
 */
export async function importExamples(
	n8n: N8nInstance,
	credentials: PlaygroundCredentials,
	settings: Record<string, string | number | boolean>,
	{
		activate = true,
	}: { activate?: boolean | ((example: { file: string; workflow: WorkflowJson }, imported: ImportedExample[]) => true | string) } = {},
): Promise<ImportedExample[]> {
	const imported: ImportedExample[] = [];
	for (const file of exampleFiles()) {
		const workflow = localizeWorkflow(loadExample(file), credentials, settings);
		const { id } = await n8n.createWorkflow(workflow);
		const entry: ImportedExample = { file, id, name: workflow.name, workflow, active: false };
		const decision = typeof activate === 'function' ? activate({ file, workflow }, imported) : activate;
		if (typeof decision === 'string') entry.inactiveReason = decision;
		if (decision === true) {
			try {
				await activateAndWait(n8n, id, workflow);
				entry.active = true;
			} catch (error) {
				entry.activationError = (error as Error).message;
			}
		}
		imported.push(entry);
	}
	return imported;
}
