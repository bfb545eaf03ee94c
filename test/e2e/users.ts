/**
 * The User resource end to end (not a test file; the suite calls `usersCase`): in real n8n with the
 * packed package, against the simulator, a webhook workflow runs every User operation (Get,
 * Search, Create, Update, Get Provisioning Status, Deactivate, Get Many) and the user it created
 * is checked in the simulator.
 */
import { randomUUID } from 'node:crypto';

import type { N8nInstance, WorkflowJson } from '../../scripts/lib/n8n';
import type { PlaygroundCredentials } from '../../scripts/lib/playground';
import { usersOf, type ConcurSimulator } from '../simulator';
import { chain, errorOf, outputOf, waitForExecutions } from './helpers';

type Creds = { [type: string]: { id: string; name: string } } | PlaygroundCredentials;

/** Webhook { userId, userName, newUserName } → User > Get → Search → Create → Update → Get Provisioning Status → Deactivate (each waiting) → Get Many. */
export function usersWorkflow(credentials: Creds, webhookPath: string): WorkflowJson {
	const oauth = { concurOAuth2Api: credentials.concurOAuth2Api };
	const body = (field: string) => `={{ $('Start').item.json.body.${field} }}`;
	const concur = (name: string, x: number, parameters: Record<string, unknown>) => ({
		id: randomUUID(),
		name,
		type: 'n8n-nodes-concur.concur',
		typeVersion: 1,
		position: [x, 0] as [number, number],
		parameters: { resource: 'user', ...parameters },
		credentials: oauth,
	});
	return {
		name: 'e2e users: every operation',
		nodes: [
			{
				id: randomUUID(),
				name: 'Start',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
				webhookId: randomUUID(),
			},
			concur('Get User', 220, { operation: 'get', userId: body('userId'), simplify: true }),
			concur('Search User', 440, { operation: 'search', searchBy: 'userName', value: body('userName'), returnAll: false, limit: 5, simplify: true }),
			concur('Create User', 660, {
				operation: 'create',
				userName: body('newUserName'),
				givenName: 'Erin',
				familyName: 'Endtoend',
				email: body('newUserName'),
				additionalFields: { employeeNumber: 'E2E-1', managerId: body('userId') },
				waitForCompletion: true,
				maxWaitSeconds: 60,
			}),
			concur('Update User', 880, {
				operation: 'update',
				userId: '={{ $json.userId }}',
				updateFields: { title: 'Auditor' },
				waitForCompletion: true,
				maxWaitSeconds: 60,
			}),
			concur('Provisioning Status', 1100, { operation: 'getProvisioningStatus', provisionId: '={{ $json.provisionId }}', includeOperations: true }),
			concur('Deactivate User', 1320, {
				operation: 'deactivate',
				userId: "={{ $('Create User').item.json.userId }}",
				terminationDate: '2026-12-31',
				waitForCompletion: true,
				maxWaitSeconds: 60,
			}),
			{ ...concur('Get Many Users', 1540, { operation: 'getAll', activeOnly: true, returnAll: true, simplify: true }), executeOnce: true },
		],
		connections: chain(['Start', 'Get User', 'Search User', 'Create User', 'Update User', 'Provisioning Status', 'Deactivate User', 'Get Many Users']),
	};
}

export interface UsersCaseContext {
	n8n: N8nInstance;
	sim: ConcurSimulator;
	credentials: PlaygroundCredentials;
	deploy(workflow: WorkflowJson): Promise<{ id: string }>;
	version: string;
}

/** Deploys the workflow, calls it once and checks every node's output and the simulator's users. */
export async function usersCase({ n8n, sim, credentials, deploy, version }: UsersCaseContext): Promise<void> {
	const path = `concur-e2e-users-${version.replace(/\./g, '-')}`;
	const { id } = await deploy(usersWorkflow(credentials, path));
	const manager = sim.seed.users.find((user) => user.loginId === 'manager@acme-sim.example')!;
	const alice = sim.seed.users.find((user) => user.loginId === 'alice@acme-sim.example')!;
	const newUserName = `erin.${version.replace(/\./g, '-')}@acme-sim.example`;
	const response = await n8n.request('POST', `/webhook/${path}`, {
		body: { userId: manager.userId, userName: alice.loginId, newUserName },
	});
	expect(response.status).toBe(200);
	const [execution] = await waitForExecutions(n8n, id, 1, 120_000);
	expect(errorOf(execution)).toBeUndefined();
	expect(outputOf(execution, 'Get User')).toEqual([expect.objectContaining({ id: manager.userId, userName: manager.loginId, active: true })]);
	expect(outputOf(execution, 'Search User')).toEqual([expect.objectContaining({ id: alice.userId, userName: alice.loginId, managerId: manager.userId })]);
	const created = usersOf(sim).byUserName(newUserName);
	expect(created).toMatchObject({ givenName: 'Erin', familyName: 'Endtoend', employeeNumber: 'E2E-1', managerId: manager.userId });
	expect(outputOf(execution, 'Create User')).toEqual([expect.objectContaining({ completed: true, success: true, userId: created!.id })]);
	const [update] = outputOf(execution, 'Update User');
	expect(update).toMatchObject({ completed: true, success: true, userId: created!.id });
	expect(outputOf(execution, 'Provisioning Status')).toEqual([expect.objectContaining({ provisionId: update.provisionId, completed: true, success: true })]);
	expect(outputOf(execution, 'Deactivate User')).toEqual([expect.objectContaining({ completed: true, success: true, userId: created!.id })]);
	expect(usersOf(sim).get(created!.id)).toMatchObject({ active: false, title: 'Auditor', terminationDate: expect.stringMatching(/^2026-12-31/) });
	// Active Only: the deactivated user is not listed, the manager is.
	const listed = outputOf(execution, 'Get Many Users').map((user) => user.id);
	expect(listed).toContain(manager.userId);
	expect(listed).not.toContain(created!.id);
	await n8n.deactivateWorkflow(id);
}
