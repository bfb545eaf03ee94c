/**
 * Event Subscription operations through the action router with the transport mocked.
 */
import type { IDataObject } from 'n8n-workflow';

import { router } from '../../../nodes/Concur/actions/router';
import { concurApiRequest, concurApiRequestAllItems } from '../../../nodes/Concur/transport';
import { createExecuteContext } from '../../fixtures/actions/context';

jest.mock('../../../nodes/Concur/transport', () => ({
	concurApiRequest: jest.fn(),
	concurApiRequestAllItems: jest.fn(),
}));

const request = concurApiRequest as jest.MockedFunction<typeof concurApiRequest>;
const requestAll = concurApiRequestAllItems as jest.MockedFunction<typeof concurApiRequestAllItems>;

async function run(parameters: IDataObject | IDataObject[], continueOnFail = false) {
	const context = createExecuteContext({ parameters, continueOnFail });
	const [items] = await router.call(context);
	return items;
}

const sentOptions = (call = 0) => request.mock.calls[call][0];

beforeEach(() => {
	request.mockReset();
	requestAll.mockReset();
});

describe('Event Subscription', () => {
	it('gets topics as one item per topic', async () => {
		request.mockResolvedValueOnce(['public.test', 'public.concur.expense.report']);
		const items = await run({ resource: 'eventSubscription', operation: 'getTopics' });
		expect(sentOptions()).toEqual({ method: 'GET', url: '/events/v4/topics', format: 'json' });
		expect(items.map((item) => item.json.topic)).toEqual(['public.test', 'public.concur.expense.report']);
	});

	it('creates or updates a subscription with the documented body', async () => {
		request.mockResolvedValueOnce({ message: "Subscription 'n8n-reports' saved successfully" });
		const items = await run({
			resource: 'eventSubscription',
			operation: 'upsert',
			subscriptionId: 'n8n-reports',
			topic: 'public.concur.expense.report',
			filter: 'statusChanged',
			endpoint: 'https://n8n.example.com/webhook/concur',
		});
		expect(sentOptions()).toEqual({
			method: 'PUT',
			url: '/events/v4/subscriptions/webhook',
			body: {
				id: 'n8n-reports',
				filter: 'statusChanged',
				topic: 'public.concur.expense.report',
				webHookConfig: { endpoint: 'https://n8n.example.com/webhook/concur' },
			},
			format: 'json',
		});
		expect(items[0].json.message).toBe("Subscription 'n8n-reports' saved successfully");
	});

	it('refuses IDs outside the documented rules and bad endpoints', async () => {
		const base = { resource: 'eventSubscription', operation: 'upsert', topic: 'public.test', filter: '.*' };
		await expect(run({ ...base, subscriptionId: 'N8N_Reports', endpoint: 'https://x.example.com' })).rejects.toThrow(/lowercase/);
		await expect(run({ ...base, subscriptionId: 'ok', endpoint: 'x.example.com' })).rejects.toThrow(/endpoint URL/);
		expect(request).not.toHaveBeenCalled();
	});

	it('gets one subscription out of the array Concur returns', async () => {
		const subscription = { id: 'n8n-reports', topic: 'public.test', filter: '.*', webHookConfig: { endpoint: 'https://x' } };
		request.mockResolvedValueOnce([subscription]);
		const items = await run({ resource: 'eventSubscription', operation: 'get', subscriptionId: 'n8n-reports' });
		expect(sentOptions()).toEqual({ method: 'GET', url: '/events/v4/subscriptions/n8n-reports', format: 'json' });
		expect(items.map((item) => item.json)).toEqual([subscription]);
	});

	it('says so when the subscription does not exist', async () => {
		request.mockResolvedValueOnce([]);
		await expect(run({ resource: 'eventSubscription', operation: 'get', subscriptionId: 'gone' })).rejects.toThrow(/not found/);
	});

	it('gets many and deletes', async () => {
		request.mockResolvedValueOnce([{ id: 'a' }, { id: 'b' }]).mockResolvedValueOnce({ message: "Subscription 'a' marked for deletion" });
		const items = await run([
			{ resource: 'eventSubscription', operation: 'getAll', returnAll: false, limit: 1 },
			{ resource: 'eventSubscription', operation: 'delete', subscriptionId: 'a' },
		]);
		expect(sentOptions(1)).toEqual({ method: 'DELETE', url: '/events/v4/subscriptions/a', format: 'json' });
		expect(items).toEqual([
			{ json: { id: 'a' }, pairedItem: { item: 0 } },
			{ json: { deleted: true }, pairedItem: { item: 1 } },
		]);
	});
});
