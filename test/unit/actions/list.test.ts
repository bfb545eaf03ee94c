/**
 * The List and List Item resources: their pure helpers (queries, pages, bulk parts and answers,
 * the tree reader's rows), their descriptions (display rules, wording an AI agent can use), the
 * operations against a mocked transport, and the router's run-once path that List Item > Sync
 * uses (every input item at once, pairedItem to the input items, continue-on-fail).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { Concur } from '../../../nodes/Concur/Concur.node';
import { buildListQuery } from '../../../nodes/Concur/actions/list/descriptions';
import { hasNextPage, pageContent } from '../../../nodes/Concur/actions/list/pages';
import { batchesOf, BULK_MAX_PARTS, bulkPath, createPart, longCodeOfPart, patchPart, readBulkResponse } from '../../../nodes/Concur/actions/listItem/bulk';
import { buildItemQuery } from '../../../nodes/Concur/actions/listItem/getAll.operation';
import type { PlannedChange } from '../../../nodes/Concur/actions/listItem/syncPlan';
import { hasChildrenIn, toCurrentItem } from '../../../nodes/Concur/actions/listItem/tree';
import { findOperation, router } from '../../../nodes/Concur/actions/router';
import { concurApiRequest } from '../../../nodes/Concur/transport';
import { createExecuteContext } from '../../fixtures/actions/context';
import { displayedNames, displayedParameters, expectN8nWording } from '../../harness/descriptionRules';

jest.mock('../../../nodes/Concur/transport', () => ({
	concurApiRequest: jest.fn(),
	concurApiRequestAllItems: jest.fn(),
}));

const request = concurApiRequest as jest.MockedFunction<typeof concurApiRequest>;

beforeEach(() => request.mockReset());

const LIST = '80edb3fa-c15e-a34a-b97f-f2ec291ab44f';
const page = (content: IDataObject[], number: number, totalPages: number) => ({
	links: [],
	content,
	page: { size: 100, totalElements: content.length, totalPages, number },
});
const concurItem = (id: string, code: string, value: string, hasChildren = false): IDataObject => ({
	id,
	code,
	shortCode: code.split('-').pop(),
	value,
	parentId: null,
	level: code.split('-').length,
	isDeleted: false,
	lists: [{ id: LIST, hasChildren }],
});

async function run(parameters: IDataObject | IDataObject[], options: { continueOnFail?: boolean; items?: IDataObject[] } = {}) {
	const context = createExecuteContext({
		parameters,
		continueOnFail: options.continueOnFail,
		items: options.items?.map((json) => ({ json })),
	});
	const [items] = await router.call(context);
	return items;
}

describe('helpers', () => {
	it('builds the Get All Lists query with Concur\'s filter syntax', () => {
		expect(buildListQuery({ name: ' sw:Cost ', categoryType: 'not:Configuration', levelCount: 'gt:1', isDeleted: true }, { sortBy: 'levelcount', sortDirection: 'desc' })).toEqual({
			value: 'sw:Cost',
			'category.type': 'not:Configuration',
			levelCount: 'gt:1',
			isDeleted: true,
			sortBy: 'levelcount',
			sortDirection: 'desc',
		});
		expect(buildListQuery({ name: '', levelCount: '' }, {})).toEqual({});
	});

	it('builds the item listing query: filters as typed, booleans only when on', () => {
		expect(buildItemQuery({ code: 'sw:CC', name: '', codeOrName: 'cp:Sales', includeDeleted: false, onlyWithChildren: true }, { sortBy: 'shortCode' })).toEqual({
			shortCode: 'sw:CC',
			shortCodeOrValue: 'cp:Sales',
			hasChildren: true,
			sortBy: 'shortCode',
		});
	});

	it('reads pages: content, and whether another page follows', () => {
		expect(pageContent(page([{ id: 'a' }, 'junk' as unknown as IDataObject], 1, 2))).toEqual([{ id: 'a' }]);
		expect(pageContent({})).toEqual([]);
		expect(hasNextPage(page([], 1, 2))).toBe(true);
		expect(hasNextPage(page([], 2, 2))).toBe(false);
		expect(hasNextPage({ content: [], links: [{ rel: 'next', href: 'x' }] })).toBe(true);
		expect(hasNextPage({ content: [] })).toBe(false);
	});

	it('tells which items have children in this list, and keeps rows the plan can use', () => {
		expect(hasChildrenIn(concurItem('1', 'A', 'A', true), LIST)).toBe(true);
		expect(hasChildrenIn(concurItem('1', 'A', 'A', false), LIST)).toBe(false);
		expect(hasChildrenIn({ id: '1', lists: [{ id: 'other', hasChildren: false }] }, LIST)).toBe(true);
		expect(toCurrentItem(concurItem('1', 'PRJ1-DESIGN', 'Design'))).toEqual({ id: '1', code: 'PRJ1-DESIGN', shortCode: 'DESIGN', value: 'Design' });
		expect(toCurrentItem({ id: '1', value: 'no code' })).toBeUndefined();
	});

	it('builds bulk parts, batches of 250, and reads refused parts back by long code', () => {
		const change = (longCode: string, action: PlannedChange['action'], name = 'N'): PlannedChange => ({
			action,
			longCode,
			code: longCode.split('-').pop()!,
			parentCode: longCode.includes('-') ? longCode.slice(0, longCode.lastIndexOf('-')) : '',
			name,
			id: null,
			inputItems: [0],
		});
		expect(createPart(change('CC1', 'created'))).toEqual({ shortCode: 'CC1', value: 'N' });
		expect(createPart(change('PRJ1-DESIGN', 'created'))).toEqual({ shortCode: 'DESIGN', value: 'N', parentCode: 'PRJ1' });
		expect(patchPart(change('PRJ1-DESIGN', 'updated', 'New'))).toEqual({ code: 'PRJ1-DESIGN', value: 'New' });
		expect(patchPart(change('OLD', 'deleted'))).toEqual({ code: 'OLD', deleted: true });
		expect(BULK_MAX_PARTS).toBe(250);
		expect(batchesOf(Array.from({ length: 501 }, (_, i) => i)).map((batch) => batch.length)).toEqual([250, 250, 1]);
		expect(bulkPath('a b')).toBe('/list/v4/lists/a%20b/bulk');
		expect(longCodeOfPart({ shortCode: 'CHILD', parentCode: 'ITEM' })).toBe('ITEM-CHILD');
		expect(longCodeOfPart({ code: 'ITEM', deleted: true })).toBe('ITEM');
		const outcome = readBulkResponse(
			{
				status: 'PARTIAL_SUCCESS',
				recordsSucceeded: 1,
				recordsFailed: 3,
				errors: [
					{ message: 'This item code is already used by another item in the same list', listItem: { shortCode: 'CHILD', value: 'C', parentCode: 'ITEM' } },
					{ message: 'The list item has been deleted', listItem: { code: 'GONE', value: 'x' } },
					{ message: 'Something else', listItem: { code: 'NOT-SENT' } },
				],
			},
			new Set(['ITEM-CHILD', 'GONE', 'OK']),
		);
		expect([...outcome.refused]).toEqual([
			['ITEM-CHILD', 'This item code is already used by another item in the same list'],
			['GONE', 'The list item has been deleted'],
		]);
		expect(outcome.unmatched).toEqual(['NOT-SENT: Something else']);
	});
});

describe('descriptions', () => {
	const { description } = new Concur();
	const displayed = displayedParameters;
	const names = displayedNames;

	it('show the parameters of the selected operation only', () => {
		expect(names({ resource: 'list', operation: 'getAll', returnAll: false })).toEqual(['resource', 'operation', 'returnAll', 'limit', 'filters', 'options']);
		expect(names({ resource: 'list', operation: 'get' })).toEqual(['resource', 'operation', 'listId']);
		expect(names({ resource: 'listItem', operation: 'getAll', of: 'list', returnAll: true })).toEqual(['resource', 'operation', 'of', 'listId', 'returnAll', 'filters', 'options']);
		expect(names({ resource: 'listItem', operation: 'getAll', of: 'item', returnAll: true })).toEqual(['resource', 'operation', 'of', 'itemId', 'listId', 'returnAll', 'filters', 'options']);
		expect(names({ resource: 'listItem', operation: 'create' })).toEqual(['resource', 'operation', 'listId', 'shortCode', 'value', 'additionalFields']);
		expect(names({ resource: 'listItem', operation: 'update' })).toEqual(['resource', 'operation', 'itemId', 'updateFields']);
		expect(names({ resource: 'listItem', operation: 'delete' })).toEqual(['resource', 'operation', 'itemId', 'options']);
		expect(names({ resource: 'listItem', operation: 'sync', deleteMissing: false })).toEqual(['resource', 'operation', 'syncNotice', 'listId', 'code', 'name', 'parentCode', 'deleteMissing', 'dryRun', 'options']);
		expect(names({ resource: 'listItem', operation: 'sync', deleteMissing: true })).toContain('allowEmptyInputToDeleteAll');
	});

	it('describe every parameter for a user or an AI agent, alphabetise choices, word booleans as n8n asks', () => {
		const cases: Array<[string, string, INodeParameters]> = [
			['list', 'get', {}],
			['list', 'getAll', { returnAll: false }],
			['listItem', 'getAll', { of: 'list', returnAll: false }],
			['listItem', 'getAll', { of: 'item', returnAll: true }],
			['listItem', 'get', {}],
			['listItem', 'create', {}],
			['listItem', 'update', {}],
			['listItem', 'delete', {}],
			['listItem', 'sync', { deleteMissing: true }],
		];
		for (const [resource, operation, values] of cases) {
			const shown = displayed({ resource, operation, ...values }).filter((property) => !['resource', 'operation'].includes(property.name) && property.type !== 'notice');
			expectN8nWording(`${resource}.${operation}`, shown);
		}
	});

	it('names the operations the n8n way, each with an implementation', () => {
		const selectors = description.properties.filter((property) => property.name === 'operation');
		const of = (resource: string) =>
			(selectors.find((candidate) => (candidate.displayOptions?.show?.resource as string[])[0] === resource)!.options as Array<{ name: string; value: string; action: string }>);
		expect(of('list').map((option) => option.name)).toEqual(['Get', 'Get Many']);
		expect(of('listItem').map((option) => option.name)).toEqual(['Create', 'Delete', 'Get', 'Get Many', 'Sync', 'Update']);
		for (const resource of ['list', 'listItem']) {
			for (const option of of(resource)) {
				expect(findOperation(resource, option.value)).toBeDefined();
				expect(option.action).toMatch(/^[A-Z][a-z]/);
			}
		}
		const resource = description.properties.find((property) => property.name === 'resource')!;
		expect((resource.options as Array<{ name: string }>).map((option) => option.name)).toEqual(expect.arrayContaining(['List', 'List Item']));
		expect(findOperation('listItem', 'sync')?.runsOnceForAllItems).toBe(true);
	});
});

describe('operations (mocked transport)', () => {
	it('List > Get Many follows the pages with Return All, and stops at the limit otherwise', async () => {
		const rows = Array.from({ length: 250 }, (_, i) => ({ id: `l${i}`, value: `List ${i}` }));
		request.mockImplementation(async (options) => {
			const number = (options.qs as IDataObject).page as number;
			return page(rows.slice((number - 1) * 100, number * 100), number, 3);
		});
		const all = await run({ resource: 'list', operation: 'getAll', returnAll: true, filters: { name: 'cp:List' }, options: {} });
		expect(all).toHaveLength(250);
		expect(request.mock.calls.map(([options]) => options.qs)).toEqual([1, 2, 3].map((number) => ({ value: 'cp:List', page: number })));
		request.mockClear();
		const some = await run({ resource: 'list', operation: 'getAll', returnAll: false, limit: 120, filters: {}, options: {} });
		expect(some).toHaveLength(120);
		expect(request).toHaveBeenCalledTimes(2);
	});

	it('List > Get and List Item > Get call the documented paths', async () => {
		request.mockResolvedValue({ id: LIST, value: 'Cost Centers' });
		await run({ resource: 'list', operation: 'get', listId: LIST });
		await run({ resource: 'listItem', operation: 'get', itemId: 'item-1' });
		expect(request.mock.calls.map(([options]) => `${options.method} ${options.url}`)).toEqual([`GET /list/v4/lists/${LIST}`, 'GET /list/v4/items/item-1']);
		await expect(run({ resource: 'list', operation: 'get', listId: '../x' })).rejects.toThrow(/list ID "..\/x" is not valid/);
	});

	it('List Item > Get Many reads the first level, every level, or an item\'s children (in one list or across lists)', async () => {
		request.mockImplementation(async (options) => {
			if (options.url === `/list/v4/lists/${LIST}/children`) return page([concurItem('p1', 'PRJ1', 'Apollo', true), concurItem('p2', 'PRJ2', 'Borealis')], 1, 1);
			if (options.url === `/list/v4/lists/${LIST}/items/p1/children`) return page([concurItem('t1', 'PRJ1-DESIGN', 'Design')], 1, 1);
			return page([concurItem('t9', 'X-Y', 'Y')], 1, 1);
		});
		const first = await run({ resource: 'listItem', operation: 'getAll', of: 'list', listId: LIST, returnAll: true, filters: {}, options: {} });
		expect(first.map((entry) => entry.json.code)).toEqual(['PRJ1', 'PRJ2']);
		const every = await run({ resource: 'listItem', operation: 'getAll', of: 'list', listId: LIST, returnAll: true, filters: {}, options: { allLevels: true } });
		expect(every.map((entry) => entry.json.code)).toEqual(['PRJ1', 'PRJ2', 'PRJ1-DESIGN']);
		request.mockClear();
		await run({ resource: 'listItem', operation: 'getAll', of: 'item', itemId: 'p1', listId: '', returnAll: true, filters: { includeDeleted: true }, options: {} });
		await run({ resource: 'listItem', operation: 'getAll', of: 'item', itemId: 'p1', listId: LIST, returnAll: true, filters: {}, options: {} });
		expect(request.mock.calls.map(([options]) => [options.url, options.qs])).toEqual([
			['/list/v4/items/p1/children', { isDeleted: true, page: 1 }],
			[`/list/v4/lists/${LIST}/items/p1/children`, { page: 1 }],
		]);
	});

	it('List Item > Create, Update and Delete send the documented bodies and answer { deleted: true }', async () => {
		request.mockResolvedValueOnce({ id: 'new' });
		await run({ resource: 'listItem', operation: 'create', listId: LIST, shortCode: ' DESIGN ', value: 'Design', additionalFields: { parentCode: 'PRJ1' } });
		expect(request.mock.calls[0][0]).toEqual({ method: 'POST', url: '/list/v4/items', body: { listId: LIST, shortCode: 'DESIGN', value: 'Design', parentCode: 'PRJ1' }, format: 'json' });
		await expect(run({ resource: 'listItem', operation: 'create', listId: LIST, shortCode: 'A-B', value: 'x', additionalFields: {} })).rejects.toThrow(/contains a hyphen/);

		request.mockReset();
		request.mockResolvedValueOnce({ id: 'i1', shortCode: 'CC1', value: 'Old' }).mockResolvedValueOnce({ id: 'i1', shortCode: 'CC1', value: 'New' });
		const updated = await run({ resource: 'listItem', operation: 'update', itemId: 'i1', updateFields: { value: 'New' } });
		expect(request.mock.calls.map(([options]) => [options.method, options.url, options.body])).toEqual([
			['GET', '/list/v4/items/i1', undefined],
			['PUT', '/list/v4/items/i1', { shortCode: 'CC1', value: 'New' }],
		]);
		expect(updated[0].json.value).toBe('New');
		await expect(run({ resource: 'listItem', operation: 'update', itemId: 'i1', updateFields: {} })).rejects.toThrow(/Nothing to update/);

		request.mockReset();
		request.mockResolvedValue({});
		const deleted = await run({ resource: 'listItem', operation: 'delete', itemId: 'i1', options: {} });
		await run({ resource: 'listItem', operation: 'delete', itemId: 'i1', options: { listId: LIST } });
		expect(deleted).toEqual([{ json: { deleted: true }, pairedItem: { item: 0 } }]);
		expect(request.mock.calls.map(([options]) => `${options.method} ${options.url}`)).toEqual(['DELETE /list/v4/items/i1', `DELETE /list/v4/lists/${LIST}/items/i1`]);
	});
});

describe('router: an operation that runs once for all items (List Item > Sync)', () => {
	const sync = (extra: IDataObject = {}) => ({
		resource: 'listItem',
		operation: 'sync',
		listId: LIST,
		deleteMissing: false,
		dryRun: false,
		options: {},
		...extra,
	});
	const rowsFor = (items: Array<[string, string]>) => items.map(([code, name]) => ({ ...sync(), code, name, parentCode: '' }));

	it('runs once with every input item, one bulk call, results paired to their input items', async () => {
		request.mockImplementation(async (options) => {
			if (options.method === 'GET') return page([concurItem('c1', 'CC1', 'Sales'), concurItem('c2', 'CC2', 'Old name')], 1, 1);
			return { status: 'SUCCESS', recordsSucceeded: 1, recordsFailed: 0, errors: [] };
		});
		const output = await run(rowsFor([['CC1', 'Sales'], ['CC2', 'Marketing'], ['CC3', 'Finance'], ['CC1', 'Sales']]));
		expect(request.mock.calls.map(([options]) => `${options.method} ${options.url}`)).toEqual([
			`GET /list/v4/lists/${LIST}/children`,
			`POST /list/v4/lists/${LIST}/bulk`,
			`PATCH /list/v4/lists/${LIST}/bulk`,
		]);
		expect(request.mock.calls[1][0].body).toEqual({ requests: [{ shortCode: 'CC3', value: 'Finance' }] });
		expect(request.mock.calls[2][0].body).toEqual({ requests: [{ code: 'CC2', value: 'Marketing' }] });
		expect(output).toEqual([
			{ json: { code: 'CC3', parentCode: '', longCode: 'CC3', name: 'Finance', action: 'created', id: null }, pairedItem: [{ item: 2 }] },
			{ json: { code: 'CC2', parentCode: '', longCode: 'CC2', name: 'Marketing', action: 'updated', id: 'c2', previousName: 'Old name' }, pairedItem: [{ item: 1 }] },
			{ json: { code: 'CC1', parentCode: '', longCode: 'CC1', name: 'Sales', action: 'unchanged', id: 'c1' }, pairedItem: [{ item: 0 }, { item: 3 }] },
		]);
	});

	it('stops before calling Concur on an unreadable input item, naming it; with continue-on-fail reports it and syncs the rest', async () => {
		const error = await run(rowsFor([['CC1', 'Sales'], ['A-B', 'Hyphen']])).catch((caught) => caught);
		expect(error.message).toMatch(/input item 1: The code "A-B" contains a hyphen/);
		expect(error.context.itemIndex).toBe(1);
		expect(request).not.toHaveBeenCalled();

		request.mockImplementation(async (options) => (options.method === 'GET' ? page([], 1, 0) : { status: 'SUCCESS', recordsSucceeded: 1, recordsFailed: 0, errors: [] }));
		const output = await run(rowsFor([['CC1', 'Sales'], ['A-B', 'Hyphen']]), { continueOnFail: true });
		expect(output.map((entry) => [entry.json.longCode, entry.json.action, entry.json.error, entry.pairedItem])).toEqual([
			['CC1', 'created', undefined, [{ item: 0 }]],
			['A-B', 'skipped', expect.stringMatching(/hyphen/), [{ item: 1 }]],
		]);
	});

	it('turns a failure of the whole sync into one error item paired with every input item under continue-on-fail', async () => {
		const node = createExecuteContext({ parameters: {} }).getNode();
		request.mockRejectedValue(new NodeApiError(node, { message: 'Concur is down for maintenance' }, { message: 'Concur is down for maintenance', httpCode: '503' }));
		const output = await run(rowsFor([['CC1', 'Sales'], ['CC2', 'Marketing']]), { continueOnFail: true });
		expect(output).toEqual([{ json: { error: 'Concur is down for maintenance' }, pairedItem: [{ item: 0 }, { item: 1 }] }]);
		const error = await run(rowsFor([['CC1', 'Sales']])).catch((caught) => caught);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.context.itemIndex).toBe(0);
	});

	it('reports refused parts per item (continue-on-fail) or stops after the sync naming them', async () => {
		request.mockImplementation(async (options) => {
			if (options.method === 'GET') return page([], 1, 0);
			return {
				status: 'PARTIAL_SUCCESS',
				recordsSucceeded: 1,
				recordsFailed: 1,
				errors: [{ message: 'This item code is already used by another item in the same list', listItem: { shortCode: 'CC2', value: 'Marketing' } }],
			};
		});
		const output = await run(rowsFor([['CC1', 'Sales'], ['CC2', 'Marketing']]), { continueOnFail: true });
		expect(output.map((entry) => [entry.json.longCode, entry.json.error])).toEqual([
			['CC1', undefined],
			['CC2', 'This item code is already used by another item in the same list'],
		]);
		const error = await run(rowsFor([['CC1', 'Sales'], ['CC2', 'Marketing']])).catch((caught) => caught);
		expect(error.message).toBe('Concur refused 1 of 2 changes to the list');
		expect(error.description).toMatch(/"CC2" \(created\): This item code is already used/);
		expect(error.context.itemIndex).toBe(1);
	});

	it('marks every part of a batch Concur refuses as a whole (400) and goes on with the next batches', async () => {
		const node = createExecuteContext({ parameters: {} }).getNode();
		let posts = 0;
		request.mockImplementation(async (options) => {
			if (options.method === 'GET') return page([], 1, 0);
			if (++posts === 1) throw new NodeApiError(node, { message: 'Concur answered HTTP 400' }, { message: 'Concur answered HTTP 400', httpCode: '400' });
			return { status: 'SUCCESS', recordsSucceeded: 1, recordsFailed: 0, errors: [] };
		});
		const rows = Array.from({ length: 251 }, (_, i): [string, string] => [`C${i}`, `N${i}`]);
		const output = await run([...rowsFor(rows)].map((row) => ({ ...row, options: { output: 'summary' } })), { continueOnFail: true });
		expect(posts).toBe(2);
		expect(output).toHaveLength(1);
		expect(output[0].json.summary).toEqual(expect.objectContaining({ created: 1, failed: 250 }));
		expect(output[0].pairedItem).toHaveLength(251);
	});
});
