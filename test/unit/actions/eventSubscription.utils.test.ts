/**
 * Event Subscription helpers (actions/eventSubscription/utils.ts).
 */
import { buildSubscription, isEndpointUrl, subscriptionIdProblem, topicsToItems } from '../../../nodes/Concur/actions/eventSubscription/utils';

describe('event subscription helpers', () => {
	it('applies the documented ID rules', () => {
		expect(subscriptionIdProblem('my-unique-subscription-id')).toBeUndefined();
		expect(subscriptionIdProblem('n8n.reports-2')).toBeUndefined();
		expect(subscriptionIdProblem('')).toMatch(/empty/);
		expect(subscriptionIdProblem('My-Subscription')).toMatch(/lowercase/);
		expect(subscriptionIdProblem('with_underscore')).toMatch(/lowercase/);
		expect(subscriptionIdProblem('a/b')).toMatch(/lowercase/);
	});

	it('builds the documented PUT body', () => {
		expect(buildSubscription('my-unique-subscription-id', 'public.test', '.*', 'https://my-valid-endpoint')).toEqual({
			id: 'my-unique-subscription-id',
			filter: '.*',
			topic: 'public.test',
			webHookConfig: { endpoint: 'https://my-valid-endpoint' },
		});
	});

	it('validates endpoints and turns topics into items', () => {
		expect(isEndpointUrl('https://n8n.example.com/webhook/x')).toBe(true);
		expect(isEndpointUrl('n8n.example.com/webhook')).toBe(false);
		expect(topicsToItems(['public.test', 'public.concur.expense.report'])).toEqual([
			{ topic: 'public.test' },
			{ topic: 'public.concur.expense.report' },
		]);
		expect(topicsToItems({})).toEqual([]);
	});
});
