/**
 * The action router: item loop, continue-on-fail with pairedItem, errors naming the item.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { router } from '../../../nodes/Concur/actions/router';
import { concurApiRequest, concurApiRequestAllItems } from '../../../nodes/Concur/transport';
import { createExecuteContext } from '../../fixtures/actions/context';

jest.mock('../../../nodes/Concur/transport', () => ({
	concurApiRequest: jest.fn(),
	concurApiRequestAllItems: jest.fn(),
}));

const request = concurApiRequest as jest.MockedFunction<typeof concurApiRequest>;
const requestAll = concurApiRequestAllItems as jest.MockedFunction<typeof concurApiRequestAllItems>;

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/actions', name), 'utf8');

async function run(parameters: IDataObject | IDataObject[], continueOnFail = false) {
	const context = createExecuteContext({ parameters, continueOnFail });
	const [items] = await router.call(context);
	return items;
}

beforeEach(() => {
	request.mockReset();
	requestAll.mockReset();
});

describe('router', () => {
	it('continues on fail with an error item paired to its input', async () => {
		request.mockRejectedValueOnce(new NodeApiError(createExecuteContext({ parameters: {} }).getNode(), { message: 'Report not found' }, { message: 'Report not found', httpCode: '404' }));
		request.mockResolvedValueOnce(JSON.parse(fixture('v3-report.json')));
		const parameters = { resource: 'report', operation: 'get', by: 'id', userLoginId: '', simplify: true };
		const items = await run([{ ...parameters, reportId: 'MISSING' }, { ...parameters, reportId: 'F4F027007E814C1CA70E' }], true);
		expect(items).toEqual([
			{ json: { error: 'Report not found' }, pairedItem: { item: 0 } },
			expect.objectContaining({ pairedItem: { item: 1 } }),
		]);
		expect(items[1].json.id).toBe('F4F027007E814C1CA70E');
	});

	it('stops at the failing item with its index and Concur\'s message', async () => {
		request.mockResolvedValueOnce(JSON.parse(fixture('v3-report.json')));
		request.mockRejectedValueOnce(new NodeApiError(createExecuteContext({ parameters: {} }).getNode(), { message: 'Report not found' }, { message: 'Report not found', httpCode: '404' }));
		const parameters = { resource: 'report', operation: 'get', by: 'id', userLoginId: '', simplify: true };
		const error = await run([{ ...parameters, reportId: 'A' }, { ...parameters, reportId: 'B' }]).catch((caught) => caught);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Report not found');
		expect(error.httpCode).toBe('404');
		expect(error.context.itemIndex).toBe(1);
	});

	it('wraps unexpected errors and refuses unknown operations', async () => {
		request.mockRejectedValueOnce(new Error('socket hang up'));
		const error = await run({ resource: 'eventSubscription', operation: 'getTopics' }).catch((caught) => caught);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/socket hang up/);
		expect(error.context.itemIndex).toBe(0);
		await expect(run({ resource: 'report', operation: 'explode' })).rejects.toThrow(/not supported/);
		await expect(run({ resource: 'constructor', operation: 'get' })).rejects.toThrow(/not supported/);
	});
});
