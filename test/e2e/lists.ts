/**
 * The List / List Item end-to-end case (not a test file; suite.ts calls `listsE2e`): in a real n8n
 * with the packed package, List > Get Many, then List Item > Sync run twice on the simulator's
 * Projects list (two levels) from a webhook's JSON: the first run creates, renames and deletes,
 * the second finds every item unchanged and writes nothing.
 */
import { randomUUID } from 'node:crypto';

import type { N8nInstance, WorkflowJson } from '../../scripts/lib/n8n';
import type { PlaygroundCredentials } from '../../scripts/lib/playground';
import { listsOf, type ConcurSimulator } from '../simulator';
import { chain, errorOf, outputOf, waitForExecutions } from './helpers';

export interface ListsE2eContext {
	n8n: N8nInstance;
	sim: ConcurSimulator;
	credentials: PlaygroundCredentials;
	version: string;
	deploy(workflow: WorkflowJson): Promise<{ id: string; workflow: WorkflowJson }>;
}

/** Webhook { listId, items: [{code, name, parent}] } → Split Out → List Item > Sync → List > Get Many (once). */
export function listsWorkflow(credentials: PlaygroundCredentials, webhookPath: string): WorkflowJson {
	const oauth = { concurOAuth2Api: credentials.concurOAuth2Api };
	const position = (x: number, y = 0): [number, number] => [x, y];
	return {
		name: 'e2e lists: get many lists, sync list items',
		nodes: [
			{
				id: randomUUID(),
				name: 'Start',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: position(0),
				parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
				webhookId: randomUUID(),
			},
			{
				id: randomUUID(),
				name: 'Lists',
				type: 'n8n-nodes-concur.concur',
				typeVersion: 1,
				position: position(220),
				parameters: { resource: 'list', operation: 'getAll', returnAll: true, filters: {}, options: {} },
				credentials: oauth,
				executeOnce: true,
			},
			{
				id: randomUUID(),
				name: 'Items',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: position(440),
				parameters: { fieldToSplitOut: 'body.items', include: 'noOtherFields', options: {} },
			},
			{
				id: randomUUID(),
				name: 'Sync',
				type: 'n8n-nodes-concur.concur',
				typeVersion: 1,
				position: position(660),
				parameters: {
					resource: 'listItem',
					operation: 'sync',
					listId: "={{ $('Start').first().json.body.listId }}",
					code: '={{ $json.code }}',
					name: '={{ $json.name }}',
					parentCode: '={{ $json.parent }}',
					deleteMissing: true,
					options: {},
				},
				credentials: oauth,
			},
		],
		connections: chain(['Start', 'Items', 'Sync', 'Lists']),
	};
}

/** Webhook { listId, code } → List > Get → List Item > Create → Get → Update → Get Many → Delete. */
export function listItemsWorkflow(credentials: PlaygroundCredentials, webhookPath: string): WorkflowJson {
	const oauth = { concurOAuth2Api: credentials.concurOAuth2Api };
	const concur = (name: string, x: number, parameters: Record<string, unknown>) => ({
		id: randomUUID(),
		name,
		type: 'n8n-nodes-concur.concur',
		typeVersion: 1,
		position: [x, 200] as [number, number],
		parameters,
		credentials: oauth,
	});
	const body = (field: string) => `={{ $('Start').first().json.body.${field} }}`;
	const created = "={{ $('Create Item').first().json.id }}";
	return {
		name: 'e2e lists: list item create, get, update, get many, delete',
		nodes: [
			{
				id: randomUUID(),
				name: 'Start',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 200],
				parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
				webhookId: randomUUID(),
			},
			concur('Get List', 220, { resource: 'list', operation: 'get', listId: body('listId') }),
			concur('Create Item', 440, { resource: 'listItem', operation: 'create', listId: body('listId'), shortCode: body('code'), value: 'End-to-end cost center', additionalFields: {} }),
			concur('Get Item', 660, { resource: 'listItem', operation: 'get', itemId: created }),
			concur('Update Item', 880, { resource: 'listItem', operation: 'update', itemId: created, updateFields: { value: 'End-to-end cost center (renamed)' } }),
			concur('Get Many Items', 1100, { resource: 'listItem', operation: 'getAll', of: 'list', listId: body('listId'), returnAll: true, filters: {}, options: {} }),
			{ ...concur('Delete Item', 1320, { resource: 'listItem', operation: 'delete', itemId: created, options: {} }), executeOnce: true },
		],
		connections: chain(['Start', 'Get List', 'Create Item', 'Get Item', 'Update Item', 'Get Many Items', 'Delete Item']),
	};
}

export function listsE2e(context: () => ListsE2eContext): void {
	test('lists: List Get, then List Item Create, Get, Update, Get Many and Delete', async () => {
		const { n8n, sim, credentials, version, deploy } = context();
		const lists = listsOf(sim);
		const path = `concur-e2e-list-items-${version.replace(/\./g, '-')}`;
		const { id } = await deploy(listItemsWorkflow(credentials, path));
		const listId = lists.costCenterListId;
		const code = `E2E${version.replace(/\D/g, '')}`;
		const response = await n8n.request('POST', `/webhook/${path}`, { body: { listId, code } });
		expect(response.status).toBe(200);
		const [execution] = await waitForExecutions(n8n, id, 1);
		expect(errorOf(execution)).toBeUndefined();
		expect(outputOf(execution, 'Get List')).toEqual([expect.objectContaining({ id: listId, value: 'Cost Centers' })]);
		const [createdItem] = outputOf(execution, 'Create Item');
		expect(createdItem).toMatchObject({ shortCode: code, value: 'End-to-end cost center' });
		expect(outputOf(execution, 'Get Item')).toEqual([expect.objectContaining({ id: createdItem.id, shortCode: code })]);
		expect(outputOf(execution, 'Update Item')).toEqual([expect.objectContaining({ id: createdItem.id, value: 'End-to-end cost center (renamed)' })]);
		expect(outputOf(execution, 'Get Many Items')).toEqual(expect.arrayContaining([expect.objectContaining({ id: createdItem.id, value: 'End-to-end cost center (renamed)' })]));
		expect(outputOf(execution, 'Delete Item')).toEqual([{ deleted: true }]);
		expect(lists.itemByCode(listId, code)).toBeUndefined();
		await n8n.deactivateWorkflow(id);
	});

	test('lists: List Get Many, then List Item Sync twice on a two-level list (the second run changes nothing)', async () => {
		const { n8n, sim, credentials, version, deploy } = context();
		const lists = listsOf(sim);
		const path = `concur-e2e-lists-${version.replace(/\./g, '-')}`;
		const { id } = await deploy(listsWorkflow(credentials, path));

		const listId = lists.projectListId;
		const items = [
			{ code: 'PRJ1', name: 'Apollo' },
			{ code: 'DESIGN', name: 'Design', parent: 'PRJ1' },
			{ code: 'PRJ2', name: 'Borealis (phase 2)' },
			{ code: 'DESIGN', name: 'Design', parent: 'PRJ2' },
			{ code: 'ROLLOUT', name: 'Rollout', parent: 'PRJ2' },
			{ code: 'SUPPORT', name: 'Support', parent: 'PRJ2' },
			{ code: 'PRJ3', name: 'Cassini' },
			{ code: 'PRJ5', name: 'Europa' },
			{ code: 'LAUNCH', name: 'Launch', parent: 'PRJ5' },
		];
		const expected = { PRJ1: 'Apollo', 'PRJ1-DESIGN': 'Design', PRJ2: 'Borealis (phase 2)', 'PRJ2-DESIGN': 'Design', 'PRJ2-ROLLOUT': 'Rollout', 'PRJ2-SUPPORT': 'Support', PRJ3: 'Cassini', PRJ5: 'Europa', 'PRJ5-LAUNCH': 'Launch' };

		lists.resetCalls();
		const first = await n8n.request('POST', `/webhook/${path}`, { body: { listId, items } });
		expect(first.status).toBe(200);
		let executions = await waitForExecutions(n8n, id, 1);
		expect(errorOf(executions[0])).toBeUndefined();
		expect(outputOf(executions[0], 'Lists').map((list) => list.value)).toEqual(expect.arrayContaining(['Cost Centers', 'Projects']));
		const firstActions = outputOf(executions[0], 'Sync').map((item) => `${item.action} ${item.longCode}`).sort();
		expect(firstActions.filter((action) => !action.startsWith('unchanged'))).toEqual(
			expect.arrayContaining(['created PRJ5', 'created PRJ5-LAUNCH', 'updated PRJ2']),
		);
		expect(Object.fromEntries(lists.itemsOf(listId).map((item) => [item.code, item.value]))).toEqual(expected);

		lists.resetCalls();
		const second = await n8n.request('POST', `/webhook/${path}`, { body: { listId, items } });
		expect(second.status).toBe(200);
		executions = await waitForExecutions(n8n, id, 2);
		const secondRun = executions[executions.length - 1];
		expect(errorOf(secondRun)).toBeUndefined();
		const secondSync = outputOf(secondRun, 'Sync');
		expect(secondSync).toHaveLength(items.length);
		expect(secondSync.every((item) => item.action === 'unchanged')).toBe(true);
		expect(lists.callCount('POST') + lists.callCount('PATCH')).toBe(0);
		await n8n.deactivateWorkflow(id);
	});
}
