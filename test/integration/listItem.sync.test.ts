/**
 * List and List Item through n8n-core's real engine (the harness) against the Concur simulator:
 * List > Get Many, List Item > Get Many at every level, and List Item > Sync: creates, renames and
 * deletes in a flat and a two-level list, a second run that writes nothing, empty input with and
 * without "Allow Empty Input to Delete All", Dry Run, a part Concur refuses, 429 on a bulk call,
 * and 10,000 items with the number of calls Concur's bulk API needs. Every call goes through the
 * real credential and transport (routing, URL gate, 429 retries, token refresh).
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { concurRetryPolicy } from '../../nodes/Concur/transport';
import { runNode } from '../harness/engine';
import type { ConcurSimulator, ListStore } from '../simulator';
import { BULK_MAX, LIST_PAGE_SIZE, listsOf, startSimulator } from '../simulator';
import { concurCredentials } from '../harness/concurCredentials';

const NODE_TYPE = 'n8n-nodes-concur.concur';

let sim: ConcurSimulator;
let lists: ListStore;
let credential: ICredentialDataDecryptedObject;

beforeAll(async () => {
	sim = await startSimulator({ port: 0, reports: 2 });
	lists = listsOf(sim);
	credential = concurCredentials(sim);
});

afterAll(async () => {
	await sim.close();
});

const originalFloor = concurRetryPolicy.retryAfterFloorMs;
beforeAll(() => {
	concurRetryPolicy.retryAfterFloorMs = 10;
});
afterAll(() => {
	concurRetryPolicy.retryAfterFloorMs = originalFloor;
});

beforeEach(() => {
	sim.faults.clear();
	sim.requests.length = 0;
	lists.resetCalls();
	lists.refuseParts.clear();
});

async function runConcur(parameters: IDataObject, items?: IDataObject[], continueOnFail = false) {
	return await runNode({ type: NODE_TYPE, name: 'Concur', parameters, items, continueOnFail, credentials: { concurOAuth2Api: credential } });
}

function sync(listId: string, items: IDataObject[], extra: IDataObject = {}, continueOnFail = false) {
	return runConcur(
		{
			resource: 'listItem',
			operation: 'sync',
			listId,
			code: '={{ $json.code }}',
			name: '={{ $json.name }}',
			parentCode: '={{ $json.parent }}',
			...extra,
		},
		items,
		continueOnFail,
	);
}

/** The list as the simulator holds it: long code → name. */
const contents = (listId: string) => Object.fromEntries(lists.itemsOf(listId).map((item) => [item.code, item.value]));
const writes = () => lists.callCount('POST') + lists.callCount('PATCH') + lists.callCount('PUT') + lists.callCount('DELETE');
const actions = (output: IDataObject[]) => output.map((item) => `${item.action} ${item.longCode}`).sort();

function freshList(name: string): string {
	return lists.createList(name).id;
}

describe('List', () => {
	it('Get Many lists the company\'s lists, with filters, and Get reads one', async () => {
		const all = await runConcur({ resource: 'list', operation: 'getAll', returnAll: true, filters: {}, options: {} });
		expect(all.nodeError).toBeUndefined();
		expect(all.output.map((list) => list.value)).toEqual(expect.arrayContaining(['Cost Centers', 'Projects']));
		expect(all.output.map((list) => list.value)).not.toContain('Old Regions');
		const connected = await runConcur({ resource: 'list', operation: 'getAll', returnAll: true, filters: { levelCount: 'gt:1' }, options: {} });
		expect(connected.output.map((list) => list.value)).toEqual(['Projects']);
		const one = await runConcur({ resource: 'list', operation: 'get', listId: lists.projectListId });
		expect(one.output).toEqual([expect.objectContaining({ id: lists.projectListId, value: 'Projects', levelCount: 2 })]);
	});

	it('List Item > Get Many reads a list at every level, and the children of an item', async () => {
		const every = await runConcur({ resource: 'listItem', operation: 'getAll', of: 'list', listId: lists.projectListId, returnAll: true, filters: {}, options: { allLevels: true } });
		expect(every.output.map((item) => item.code).sort()).toEqual(Object.keys(contents(lists.projectListId)).sort());
		const prj2 = lists.itemByCode(lists.projectListId, 'PRJ2')!;
		const children = await runConcur({ resource: 'listItem', operation: 'getAll', of: 'item', itemId: prj2.id, listId: lists.projectListId, returnAll: true, filters: {}, options: {} });
		expect(children.output.map((item) => item.code)).toEqual(['PRJ2-DESIGN', 'PRJ2-ROLLOUT', 'PRJ2-SUPPORT']);
	});
});

describe('List Item > Sync', () => {
	it('creates, renames and keeps the items of a flat list; deletes only with Delete Items Not in Input; a second run writes nothing', async () => {
		const listId = lists.costCenterListId;
		const before = contents(listId);
		const input = [
			...Object.entries(before)
				.filter(([code]) => code !== 'CC1700')
				.map(([code, name]) => ({ code, name: code === 'CC1000' ? 'Sales & Marketing' : name })),
			{ code: 'CC2000', name: 'Research' },
			{ code: 'CC2100', name: 'Procurement' },
		];

		const first = await sync(listId, input);
		expect(first.nodeError).toBeUndefined();
		expect(actions(first.output).filter((line) => !line.startsWith('unchanged'))).toEqual(['created CC2000', 'created CC2100', 'updated CC1000']);
		expect(first.output.find((item) => item.longCode === 'CC1000')).toEqual(expect.objectContaining({ previousName: 'Sales', id: expect.any(String) }));
		expect(contents(listId)).toEqual({ ...before, CC1000: 'Sales & Marketing', CC2000: 'Research', CC2100: 'Procurement' });
		// One read, one bulk create, one bulk update: nothing per item.
		expect(Object.fromEntries(lists.calls)).toEqual({
			[`GET /list/v4/lists/{listId}/children`]: 1,
			[`POST /list/v4/lists/{listId}/bulk`]: 1,
			[`PATCH /list/v4/lists/{listId}/bulk`]: 1,
		});
		// Every output item is paired with the input item it came from.
		const paired = first.executionData('Concur').find((item) => item.json.longCode === 'CC2000')!;
		expect(paired.pairedItem).toEqual([{ item: input.findIndex((row) => row.code === 'CC2000') }]);

		lists.resetCalls();
		const again = await sync(listId, input);
		expect(new Set(again.output.map((item) => item.action))).toEqual(new Set(['unchanged']));
		expect(writes()).toBe(0);

		lists.resetCalls();
		const withDeletes = await sync(listId, input, { deleteMissing: true });
		expect(actions(withDeletes.output).filter((line) => !line.startsWith('unchanged'))).toEqual(['deleted CC1700']);
		expect(contents(listId).CC1700).toBeUndefined();
		expect(withDeletes.executionData('Concur').find((item) => item.json.action === 'deleted')!.pairedItem).toEqual([{ item: 0 }]);
		lists.resetCalls();
		const settled = await sync(listId, input, { deleteMissing: true });
		expect(settled.output.every((item) => item.action === 'unchanged')).toBe(true);
		expect(writes()).toBe(0);
	});

	it('syncs a two-level list: parents before children, a moved task is created under its new parent and the old one deleted', async () => {
		const listId = lists.projectListId;
		const input = [
			{ code: 'DESIGN', name: 'Design', parent: 'PRJ1' },
			{ code: 'PRJ1', name: 'Apollo' },
			{ code: 'TEST', name: 'Testing', parent: 'PRJ4' },
			{ code: 'PRJ4', name: 'Dawn' },
			{ code: 'PRJ2', name: 'Borealis' },
			{ code: 'DESIGN', name: 'Design', parent: 'PRJ2' },
			{ code: 'ROLLOUT', name: 'Roll-out', parent: 'PRJ2' },
			{ code: 'BUILD', name: 'Build', parent: 'PRJ3' },
			{ code: 'PRJ3', name: 'Cassini' },
		];
		const result = await sync(listId, input, { deleteMissing: true, options: { output: 'itemsAndSummary' } });
		expect(result.nodeError).toBeUndefined();
		const summary = result.output.pop()!.summary as IDataObject;
		expect(summary).toEqual(expect.objectContaining({ created: 3, updated: 1, deleted: 2, unchanged: 5, failed: 0 }));
		expect(actions(result.output)).toEqual([
			'created PRJ3-BUILD',
			'created PRJ4',
			'created PRJ4-TEST',
			'deleted PRJ1-BUILD',
			'deleted PRJ2-SUPPORT',
			'unchanged PRJ1',
			'unchanged PRJ1-DESIGN',
			'unchanged PRJ2',
			'unchanged PRJ2-DESIGN',
			'unchanged PRJ3',
			'updated PRJ2-ROLLOUT',
		]);
		expect(contents(listId)).toEqual({
			PRJ1: 'Apollo',
			PRJ2: 'Borealis',
			PRJ3: 'Cassini',
			PRJ4: 'Dawn',
			'PRJ1-DESIGN': 'Design',
			'PRJ2-DESIGN': 'Design',
			'PRJ2-ROLLOUT': 'Roll-out',
			'PRJ3-BUILD': 'Build',
			'PRJ4-TEST': 'Testing',
		});
		expect(lists.itemByCode(listId, 'PRJ4-TEST')!.parentId).toBe(lists.itemByCode(listId, 'PRJ4')!.id);

		lists.resetCalls();
		const again = await sync(listId, input, { deleteMissing: true });
		expect(again.output.every((item) => item.action === 'unchanged')).toBe(true);
		expect(writes()).toBe(0);
	});

	it('empty input deletes nothing, unless Allow Empty Input to Delete All is on too', async () => {
		const listId = freshList('Empty input');
		lists.addItem(listId, 'A1', 'One');
		lists.addItem(listId, 'A2', 'Two');
		lists.addItem(listId, 'CHILD', 'Child', 'A2');

		const held = await sync(listId, [{}], { deleteMissing: true, options: { output: 'summary' } });
		expect(held.nodeError).toBeUndefined();
		expect(held.output).toEqual([
			{ summary: expect.objectContaining({ deleted: 0, keptNotInInput: 3, blankInputItems: 1, deletesHeldBack: expect.stringMatching(/Allow Empty Input to Delete All/) }) },
		]);
		expect(Object.keys(contents(listId))).toHaveLength(3);
		expect(writes()).toBe(0);

		const emptied = await sync(listId, [{}], { deleteMissing: true, allowEmptyInputToDeleteAll: true });
		expect(actions(emptied.output)).toEqual(['deleted A1', 'deleted A2', 'deleted A2-CHILD']);
		expect(contents(listId)).toEqual({});
	});

	it('Dry Run reports the plan and writes nothing', async () => {
		const listId = freshList('Dry run');
		lists.addItem(listId, 'KEEP', 'Keep');
		lists.addItem(listId, 'GONE', 'Gone');
		const before = contents(listId);
		const result = await sync(listId, [{ code: 'KEEP', name: 'Kept' }, { code: 'NEW', name: 'New' }], { deleteMissing: true, dryRun: true });
		expect(result.output.map((item) => [item.action, item.longCode, item.dryRun])).toEqual([
			['created', 'NEW', true],
			['updated', 'KEEP', true],
			['deleted', 'GONE', true],
		]);
		expect(contents(listId)).toEqual(before);
		expect(writes()).toBe(0);
	});

	it('Return IDs of Created Items reads the list again so created items carry their Concur ID', async () => {
		const listId = freshList('Created IDs');
		const result = await sync(listId, [{ code: 'NEW1', name: 'One' }, { code: 'KID', name: 'Kid', parent: 'NEW1' }], { options: { returnCreatedIds: true } });
		expect(result.output.map((item) => [item.longCode, item.action, item.id])).toEqual([
			['NEW1', 'created', lists.itemByCode(listId, 'NEW1')!.id],
			['NEW1-KID', 'created', lists.itemByCode(listId, 'NEW1-KID')!.id],
		]);
		expect(lists.callCount('GET')).toBe(1 + 2);
	});

	it('reports a part Concur refuses on its item (Continue On Fail), or stops naming it; 429 on a bulk call is retried', async () => {
		const listId = freshList('Refusals');
		lists.refuseParts.set('BAD', 'This item code is already used by another item in the same list');
		sim.faults.inject({ status: 429, count: 1, pathPrefix: `/list/v4/lists/${listId}/bulk`, retryAfter: 0 });
		const result = await sync(listId, [{ code: 'GOOD', name: 'Good' }, { code: 'BAD', name: 'Bad' }], {}, true);
		expect(result.nodeError).toBeUndefined();
		expect(result.output.map((item) => [item.longCode, item.action, item.error])).toEqual([
			['GOOD', 'created', undefined],
			['BAD', 'created', 'This item code is already used by another item in the same list'],
		]);
		expect(sim.requests.filter((request) => request.path.endsWith('/bulk')).map((request) => request.status)).toEqual([429, 206]);

		const stopped = await sync(listId, [{ code: 'GOOD', name: 'Good' }, { code: 'BAD', name: 'Bad' }]);
		expect(stopped.nodeError?.message).toBe('Concur refused 1 of 1 changes to the list');
		expect(String(stopped.nodeError?.description)).toMatch(/"BAD" \(created\)/);

		const invalid = await sync(listId, [{ code: 'GOOD', name: 'Good' }, { code: 'NO-HYPHENS', name: 'x' }]);
		expect(invalid.nodeError?.message).toMatch(/input item 1: The code "NO-HYPHENS" contains a hyphen/);
	});

	it(`syncs 10,000 items in about ceil(n / ${BULK_MAX}) bulk calls, then finds nothing to do`, async () => {
		const listId = freshList('Ten thousand');
		const n = 10_000;
		const input = Array.from({ length: n }, (_, i) => ({ code: `E${String(i).padStart(5, '0')}`, name: `Employee group ${i}` }));

		let started = Date.now();
		const first = await sync(listId, input, { deleteMissing: true, options: { output: 'summary' } });
		const firstMs = Date.now() - started;
		expect(first.nodeError).toBeUndefined();
		expect(first.output[0].summary).toEqual(expect.objectContaining({ created: n, failed: 0 }));
		expect(lists.itemsOf(listId)).toHaveLength(n);
		const firstWrites = writes();
		const firstReads = lists.callCount('GET');
		expect(firstWrites).toBe(Math.ceil(n / BULK_MAX));
		expect(lists.bulkSizes.every((bulk) => bulk.parts <= BULK_MAX)).toBe(true);

		lists.resetCalls();
		started = Date.now();
		const second = await sync(listId, input.map((row, i) => (i % 1000 === 0 ? { ...row, name: `${row.name} (renamed)` } : row)), {
			deleteMissing: true,
			options: { output: 'summary' },
		});
		const secondMs = Date.now() - started;
		expect(second.output[0].summary).toEqual(expect.objectContaining({ updated: 10, unchanged: n - 10 }));
		const secondReads = lists.callCount('GET');
		expect(secondReads).toBe(Math.ceil(n / LIST_PAGE_SIZE));
		expect(writes()).toBe(1);

		lists.resetCalls();
		const third = await sync(listId, input.map((row, i) => (i % 1000 === 0 ? { ...row, name: `${row.name} (renamed)` } : row)), { deleteMissing: true, options: { output: 'summary' } });
		expect(third.output[0].summary).toEqual(expect.objectContaining({ unchanged: n, created: 0, updated: 0, deleted: 0 }));
		expect(writes()).toBe(0);
		console.log(
			`List Item > Sync, ${n} items: first run ${firstWrites} bulk writes (ceil(n/${BULK_MAX}) = ${Math.ceil(n / BULK_MAX)}) + ${firstReads} read, ${firstMs} ms; ` +
				`second run (10 renamed) ${secondReads} reads + 1 write, ${secondMs} ms; third run 0 writes`,
		);
	}, 120_000);
});
