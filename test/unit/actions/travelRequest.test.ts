/**
 * The Travel Request operations through the action router with the transport mocked: Request v4
 * URLs, the list query and its `next` links, the workflow actions, and the simplified request
 * (samples from request/v4.endpoints.request-resources and v4.endpoints.workflow-resources).
 */
import type { IDataObject } from 'n8n-workflow';

import { router } from '../../../nodes/Concur/actions/router';
import { buildTravelRequestQuery, toRequestDateTime } from '../../../nodes/Concur/actions/travelRequest/listQuery';
import { nextPageUrl } from '../../../nodes/Concur/helpers/concurLists';
import { simplifyTravelRequest } from '../../../nodes/Concur/actions/travelRequest/simplify';
import { isTravelRequestUrl } from '../../../nodes/Concur/actions/travelRequest/urls';
import { concurApiRequest, concurApiRequestAllItems } from '../../../nodes/Concur/transport';
import { createExecuteContext } from '../../fixtures/actions/context';

jest.mock('../../../nodes/Concur/transport', () => ({
	concurApiRequest: jest.fn(),
	concurApiRequestAllItems: jest.fn(),
}));

const request = concurApiRequest as jest.MockedFunction<typeof concurApiRequest>;

const ID = '2B19A2438CD6664A9C44E0F4D39E870A';
/** The first request of Concur's "Get the list of existing Requests" sample. */
const pending: IDataObject = {
	href: `https://us.api.concursolutions.com/travelrequest/v4/requests/${ID}`,
	id: ID,
	approvalStatus: { code: 'SUBMITTED', name: 'Submitted & Pending Approval' },
	approved: false,
	approver: { id: '86ac9588-5032-3fa7-b3cc-20e97d2d7146', firstName: 'Jason', lastName: 'McCafee' },
	businessPurpose: 'PMP Training in Nantes',
	canceledPostApproval: false,
	closed: false,
	creationDate: '2018-09-03T11:53:02.000Z',
	endDate: '2018-10-08',
	everSentBack: true,
	expenses: [],
	name: 'PMP Training - OCTOBER',
	owner: { firstName: 'John', id: 'c0d9894b-98e2-48d5-86f9-1decde90dd15', lastName: 'Doe' },
	pendingApproval: true,
	requestId: '3AT7',
	startDate: '2018-10-08',
	startTime: '05:00',
	submitDate: '2018-09-03T11:55:00.000Z',
	totalApprovedAmount: { value: 213.06, currency: 'USD' },
	totalPostedAmount: { value: 213.06, currency: 'USD' },
	totalRemainingAmount: { value: 213.06, currency: 'USD' },
	type: { code: 'TRAVEL', label: 'Travel' },
	operations: [
		{ rel: 'approve', href: `https://us.api.concursolutions.com/travelrequest/v4/requests/${ID}/approve` },
		{ rel: 'sendback', href: `https://us.api.concursolutions.com/travelrequest/v4/requests/${ID}/sendback` },
	],
};

async function run(parameters: IDataObject, timezone = 'UTC') {
	const [items] = await router.call(createExecuteContext({ parameters, timezone }));
	return items;
}

beforeEach(() => {
	request.mockReset();
	(concurApiRequestAllItems as jest.Mock).mockReset();
});

describe('Travel Request > Get', () => {
	it('gets by ID, as the system user unless a user ID is given', async () => {
		request.mockResolvedValue(pending);
		const [item] = await run({ resource: 'travelRequest', operation: 'get', by: 'id', requestId: ID, userId: '', simplify: true });
		expect(request).toHaveBeenLastCalledWith({ method: 'GET', url: `/travelrequest/v4/requests/${ID}`, qs: undefined, format: 'json' });
		expect(item.json).toEqual({
			id: ID,
			requestId: '3AT7',
			name: 'PMP Training - OCTOBER',
			businessPurpose: 'PMP Training in Nantes',
			approvalStatusCode: 'SUBMITTED',
			approvalStatusName: 'Submitted & Pending Approval',
			ownerId: 'c0d9894b-98e2-48d5-86f9-1decde90dd15',
			ownerName: 'John Doe',
			approverId: '86ac9588-5032-3fa7-b3cc-20e97d2d7146',
			approverName: 'Jason McCafee',
			type: 'TRAVEL',
			startDate: '2018-10-08',
			endDate: '2018-10-08',
			totalPostedAmount: 213.06,
			totalApprovedAmount: 213.06,
			totalRemainingAmount: 213.06,
			currency: 'USD',
			pendingApproval: true,
			approved: false,
			closed: false,
			everSentBack: true,
			canceledPostApproval: false,
			creationDate: '2018-09-03T11:53:02.000Z',
			submitDate: '2018-09-03T11:55:00.000Z',
			availableActions: ['approve', 'sendback'],
			href: `https://us.api.concursolutions.com/travelrequest/v4/requests/${ID}`,
		});

		await run({ resource: 'travelRequest', operation: 'get', by: 'id', requestId: ID, userId: ' 86ac9588-5032-3fa7-b3cc-20e97d2d7146 ', simplify: false });
		expect(request.mock.calls[1][0].qs).toEqual({ userId: '86ac9588-5032-3fa7-b3cc-20e97d2d7146' });
	});

	it('gets the href of a request event as given, and refuses anything else before calling Concur', async () => {
		request.mockResolvedValue(pending);
		const href = `https://emea.api.concursolutions.com/travelrequest/v4/requests/61BA94410046F747910760EA925A7CE6`;
		await run({ resource: 'travelRequest', operation: 'get', by: 'url', url: href, userId: '', simplify: true });
		expect(request.mock.calls[0][0].url).toBe(href);

		for (const url of [
			'https://emea.api.concursolutions.com/travelrequest/v4/expenses/47C8AD9E382B5143BB54DC3090577C60',
			'https://emea.api.concursolutions.com\\@evil.example/travelrequest/v4/requests/61BA',
			'/travelrequest/v4/requests/61BA',
			'ftp://emea.api.concursolutions.com/travelrequest/v4/requests/61BA',
		]) {
			await expect(run({ resource: 'travelRequest', operation: 'get', by: 'url', url, userId: '', simplify: true })).rejects.toThrow(/not a Concur travel request URL/);
		}
		expect(request).toHaveBeenCalledTimes(1);
		expect(isTravelRequestUrl('https://us.api.concursolutions.com/TravelRequest/v4/Requests/ABC')).toBe(true);
	});
});

describe('Travel Request > Get Many', () => {
	it('builds the documented query and follows next links (absolute URLs, sent as given) up to the limit', async () => {
		const next = 'https://us.api.concursolutions.com/travelrequest/v4/requests?view=TOAPPROVE&limit=3&start=3';
		request
			.mockResolvedValueOnce({ data: [pending, pending, pending], operations: [{ rel: 'next', href: next }, { rel: 'first', href: 'x' }] })
			.mockResolvedValueOnce({ data: [pending, pending, pending], operations: [] });
		const items = await run(
			{
				resource: 'travelRequest',
				operation: 'getAll',
				returnAll: false,
				limit: 5,
				view: 'TOAPPROVE',
				userId: '86ac9588-5032-3fa7-b3cc-20e97d2d7146',
				filters: { modifiedAfter: '2026-03-01T08:00:00', approvedBefore: '2026-03-05' },
				options: { sortField: 'startDate', sortOrder: 'ASC' },
				simplify: true,
			},
			'Europe/Paris',
		);
		expect(request.mock.calls[0][0]).toEqual({
			method: 'GET',
			url: '/travelrequest/v4/requests',
			qs: {
				view: 'TOAPPROVE',
				userId: '86ac9588-5032-3fa7-b3cc-20e97d2d7146',
				approvedBefore: '2026-03-04T23:00:00.000Z',
				modifiedAfter: '2026-03-01T07:00:00.000Z',
				sortField: 'startDate',
				sortOrder: 'ASC',
				start: 0,
				limit: 5,
			},
			format: 'json',
		});
		expect(request.mock.calls[1][0]).toEqual({ method: 'GET', url: next, qs: undefined, format: 'json' });
		expect(items).toHaveLength(5);
	});

	it('asks for pages of 100 with Return All and stops on an empty page or a repeated link', async () => {
		const next = 'https://us.api.concursolutions.com/travelrequest/v4/requests?limit=100&start=100';
		request
			.mockResolvedValueOnce({ data: [pending], operations: [{ rel: 'next', href: next }] })
			.mockResolvedValueOnce({ data: [pending], operations: [{ rel: 'next', href: next }] });
		const items = await run({ resource: 'travelRequest', operation: 'getAll', returnAll: true, view: 'ALL', userId: '', filters: {}, options: {}, simplify: false });
		expect(request.mock.calls[0][0].qs).toEqual({ view: 'ALL', start: 0, limit: 100 });
		expect(request).toHaveBeenCalledTimes(2);
		expect(items).toHaveLength(2);
	});

	it('names a date filter it cannot read', async () => {
		await expect(
			run({ resource: 'travelRequest', operation: 'getAll', returnAll: true, view: 'ALL', userId: '', filters: { modifiedAfter: 'last tuesday' }, options: {}, simplify: true }),
		).rejects.toThrow('The filter "modifiedAfter" is not a valid date: last tuesday');
		expect(request).not.toHaveBeenCalled();
	});

	it('reads dates and pages like Concur writes them', () => {
		expect(toRequestDateTime('2026-01-15', 'UTC')).toBe('2026-01-15T00:00:00.000Z');
		expect(toRequestDateTime('2026-01-15T10:00:00-05:00', 'Europe/Paris')).toBe('2026-01-15T15:00:00.000Z');
		expect(toRequestDateTime('', 'UTC')).toBeUndefined();
		expect(buildTravelRequestQuery('', '  ', {}, {}, 'UTC')).toEqual({});
		expect(nextPageUrl({ operations: [{ rel: 'last', href: 'x' }] })).toBeUndefined();
		expect(nextPageUrl(undefined)).toBeUndefined();
	});
});

describe('Travel Request > Approve, Send Back, Recall', () => {
	it.each([
		['approve', 'approve'],
		['sendBack', 'sendback'],
		['recall', 'recall'],
	])('%s posts the %s action with the user ID and the comment', async (operation, wire) => {
		request.mockResolvedValueOnce({ ...pending, approvalStatus: { code: 'APPROVED', name: 'Approved' }, operations: [] });
		const [item] = await run({ resource: 'travelRequest', operation, requestId: ID, userId: 'c0d9894b-98e2-48d5-86f9-1decde90dd15', comment: ' Looks good ', simplify: true });
		expect(request).toHaveBeenCalledWith({
			method: 'POST',
			url: `/travelrequest/v4/requests/${ID}/${wire}`,
			qs: { userId: 'c0d9894b-98e2-48d5-86f9-1decde90dd15' },
			body: { comment: 'Looks good' },
			format: 'json',
		});
		expect(item.json).toEqual(expect.objectContaining({ id: ID, approvalStatusCode: 'APPROVED', availableActions: [], action: operation }));
	});

	it('sends no body and no user when none is given (an external validation step)', async () => {
		request.mockResolvedValueOnce(pending);
		await run({ resource: 'travelRequest', operation: 'approve', requestId: ID, userId: '', comment: '', simplify: false });
		expect(request).toHaveBeenCalledWith({ method: 'POST', url: `/travelrequest/v4/requests/${ID}/approve`, qs: undefined, body: undefined, format: 'json' });
	});

	it('refuses a request ID that would change the path', async () => {
		await expect(run({ resource: 'travelRequest', operation: 'recall', requestId: `${ID}/cancel`, userId: '', comment: '', simplify: true })).rejects.toThrow(
			`The request ID "${ID}/cancel" is not valid`,
		);
		expect(request).not.toHaveBeenCalled();
		expect(simplifyTravelRequest({})).toEqual({ availableActions: [] });
	});
});
