/**
 * Notification operations through the action router with the transport mocked.
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

describe('Notification', () => {
	const notifications = [
		{ NotificationURI: 'https://www.concursolutions.com/api/platform/notifications/v1.0/notification/n1', ObjectType: 'EXPRPT' },
		{ NotificationURI: 'https://www.concursolutions.com/api/platform/notifications/v1.0/notification/n2', ObjectType: 'EXPRPT' },
	];

	it('gets failed notifications as JSON with a limit', async () => {
		request.mockResolvedValueOnce(notifications);
		const items = await run({ resource: 'notification', operation: 'getAll', returnAll: false, limit: 1 });
		expect(sentOptions()).toEqual({
			method: 'GET',
			url: '/api/platform/notifications/v1.0/notification',
			qs: { status: 'FAILED' },
			format: 'json',
		});
		expect(items.map((item) => item.json)).toEqual([notifications[0]]);
	});

	it('returns all failed notifications', async () => {
		request.mockResolvedValueOnce(notifications);
		expect(await run({ resource: 'notification', operation: 'getAll', returnAll: true })).toHaveLength(2);
	});

	it('deletes by ID (kept exactly) and by NotificationURI, returning deleted: true', async () => {
		request.mockResolvedValue({});
		const items = await run([
			{ resource: 'notification', operation: 'delete', by: 'id', notificationId: 'nOB1KNTDSWUcJPMV6dPDjNc$scu6EDbt9s' },
			{ resource: 'notification', operation: 'delete', by: 'uri', notificationUri: notifications[1].NotificationURI },
		]);
		expect(request.mock.calls.map(([options]) => options)).toEqual([
			{
				method: 'DELETE',
				url: '/api/platform/notifications/v1.0/notification/nOB1KNTDSWUcJPMV6dPDjNc$scu6EDbt9s',
				format: 'json',
			},
			{ method: 'DELETE', url: notifications[1].NotificationURI, format: 'json' },
		]);
		expect(items).toEqual([
			{ json: { deleted: true }, pairedItem: { item: 0 } },
			{ json: { deleted: true }, pairedItem: { item: 1 } },
		]);
	});

	it('refuses a URI that is not a NotificationURI', async () => {
		await expect(
			run({ resource: 'notification', operation: 'delete', by: 'uri', notificationUri: 'https://www.concursolutions.com/api/v3.0/expense/reports/R1' }),
		).rejects.toThrow(/not a Concur NotificationURI/);
	});
});
