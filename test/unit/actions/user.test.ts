/**
 * The User resource: SCIM filters and their escaping, the search pages and their continuation
 * token, the provisioning bodies, statuses and the Wait for Completion backoff (with a fake
 * sleep: nothing waits, nothing reads the clock), the simplified user (samples from
 * profile/v4.1.identity and user-provisioning/v4.user-provisioning), the operations through the
 * router with the transport mocked, and the description rules an AI agent relies on.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { DateTime } from 'luxon';

import { Concur } from '../../../nodes/Concur/Concur.node';
import { router } from '../../../nodes/Concur/actions/router';
import { terminationDay } from '../../../nodes/Concur/actions/user/deactivate.operation';
import {
	describeProvision,
	isProvisionCompleted,
	provisionedUserIds,
	provisionErrors,
	provisioningDelays,
	provisioningPolicy,
	provisionSucceeded,
	waitForProvisioning,
} from '../../../nodes/Concur/actions/user/provisioning';
import {
	buildUserFilter,
	continuationTokenOf,
	createUserBulkBody,
	deactivateOperations,
	pageSizeFor,
	patchUserBulkBody,
	scimString,
	searchRequestBody,
	userPatchOperations,
	usersOfPage,
} from '../../../nodes/Concur/actions/user/scim';
import { simplifyUser } from '../../../nodes/Concur/actions/user/simplify';
import { provisionStatusPath, userPath } from '../../../nodes/Concur/actions/user/urls';
import { concurApiRequest } from '../../../nodes/Concur/transport';
import { concurNode, createExecuteContext } from '../../fixtures/actions/context';
import { displayedNames, displayedParameters, expectN8nWording } from '../../harness/descriptionRules';

jest.mock('../../../nodes/Concur/transport', () => ({
	concurApiRequest: jest.fn(),
	concurApiRequestAllItems: jest.fn(),
}));

const request = concurApiRequest as jest.MockedFunction<typeof concurApiRequest>;
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const SEARCH = 'urn:ietf:params:scim:api:messages:concur:2.0:SearchRequest';

/** "Retrieve a User's Identity Profile" response sample (Identity v4.1), trimmed. */
const john: IDataObject = {
	schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE, 'urn:ietf:params:scim:schemas:extension:sap:2.0:User'],
	id: '3df11695-e8bb-40ff-8e98-c85913ab2789',
	externalId: '1234_externalId',
	active: true,
	displayName: 'John Doe',
	name: { familyName: 'Doe', givenName: 'John', honorificSuffix: 'VI', familyNamePrefix: null },
	emails: [{ verified: false, type: 'work', value: 'John11_17_1@sap.com', notifications: true }],
	userName: 'John11_17_1@sap.com',
	timezone: 'America/New_York',
	meta: { resourceType: 'User', version: 4, location: 'https://us.api.concursolutions.com/profile/identity/v4.1/Users/3df11695-e8bb-40ff-8e98-c85913ab2789' },
	[ENTERPRISE]: {
		terminationDate: null,
		companyId: 'aa076ada-80a9-4f57-8e98-9300b1c3171d',
		manager: null,
		costCenter: null,
		startDate: '2021-11-17T00:00:00.000',
		employeeNumber: '1234_employeeNumber',
	},
};

async function run(parameters: IDataObject, options: { continueOnFail?: boolean } = {}) {
	const [items] = await router.call(createExecuteContext({ parameters: { resource: 'user', ...parameters }, continueOnFail: options.continueOnFail }));
	return items;
}

beforeEach(() => {
	request.mockReset();
});

describe('SCIM filters', () => {
	it('writes values as JSON strings: quotes, backslashes and control characters escaped', () => {
		expect(scimString('plain')).toBe('"plain"');
		expect(scimString('a"b')).toBe('"a\\"b"');
		expect(scimString('a\\b')).toBe('"a\\\\b"');
		expect(scimString('line\nbreak\ttab')).toBe('"line\\nbreak\\ttab"');
	});

	it('builds the filter of each search', () => {
		expect(buildUserFilter('userName', ' jdoe@example.com ')).toBe('userName eq "jdoe@example.com"');
		expect(buildUserFilter('employeeNumber', '12345')).toBe(`${ENTERPRISE}:employeeNumber eq "12345"`);
		expect(buildUserFilter('email', 'jdoe@example.com')).toBe('emails[value eq "jdoe@example.com"]');
		expect(buildUserFilter('filter', ' active eq true ')).toBe('active eq true');
	});

	it('keeps an injected clause inside the string', () => {
		expect(buildUserFilter('userName', 'x" or userName pr or userName eq "y')).toBe('userName eq "x\\" or userName pr or userName eq \\"y"');
		expect(buildUserFilter('email', 'a"]or[x')).toBe('emails[value eq "a\\"]or[x"]');
	});

	it('names what is missing', () => {
		expect(() => buildUserFilter('userName', ' ')).toThrow('Enter a user name to search for');
		expect(() => buildUserFilter('employeeNumber', '')).toThrow('Enter an employee number to search for');
		expect(() => buildUserFilter('email', '')).toThrow('Enter an email address to search for');
		expect(() => buildUserFilter('filter', '')).toThrow('Enter a SCIM filter to search for');
	});
});

describe('search pages', () => {
	it('asks with the SearchRequest schema, the filter, the count and the token', () => {
		expect(searchRequestBody(undefined, 1000)).toEqual({ schemas: [SEARCH], count: 1000 });
		expect(searchRequestBody('active eq true', 10, 'eyJ0b2tlbiI6MX0')).toEqual({
			schemas: [SEARCH],
			filter: 'active eq true',
			count: 10,
			continuationToken: 'eyJ0b2tlbiI6MX0',
		});
	});

	it('reads the users and the continuation token of a ListResponse (none on the last page)', () => {
		const page = { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 3, startIndex: 101, itemsPerPage: 2, Resources: [{ id: 'a' }, { id: 'b' }, 'junk'], continuationToken: 'next' };
		expect(usersOfPage(page)).toEqual([{ id: 'a' }, { id: 'b' }]);
		expect(continuationTokenOf(page)).toBe('next');
		expect(continuationTokenOf({ ...page, continuationToken: undefined })).toBeUndefined();
		expect(continuationTokenOf({ ...page, continuationToken: ' ' })).toBeUndefined();
		expect(usersOfPage(null)).toEqual([]);
	});

	it('asks for what is still missing, at most 1000 a page', () => {
		expect(pageSizeFor(undefined, 0)).toBe(1000);
		expect(pageSizeFor(50, 0)).toBe(50);
		expect(pageSizeFor(2500, 2000)).toBe(500);
		expect(pageSizeFor(2500, 0)).toBe(1000);
	});

	it('has the documented paths', () => {
		expect(userPath('3df11695-e8bb-40ff-8e98-c85913ab2789')).toBe('/profile/identity/v4.1/Users/3df11695-e8bb-40ff-8e98-c85913ab2789');
		expect(provisionStatusPath('2b41c0c1-15f7-41cc-99bb-a82b5da128a2')).toBe('/profile/v4/provisions/2b41c0c1-15f7-41cc-99bb-a82b5da128a2/status');
	});
});

describe('provisioning bodies', () => {
	it('creates one user with a bulk POST operation', () => {
		expect(
			createUserBulkBody(
				{ userName: 'jdoe@example.com', givenName: 'John', familyName: 'Doe', email: 'jdoe@example.com', companyId: 'aa076ada-80a9-4f57-8e98-9300b1c3171d', employeeNumber: ' 42 ', managerId: 'm-1', title: '' },
				'n8n-create-user',
			),
		).toEqual({
			schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
			failOnErrors: 1,
			Operations: [
				{
					method: 'POST',
					path: '/Users',
					bulkId: 'n8n-create-user',
					data: {
						schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
						userName: 'jdoe@example.com',
						active: true,
						name: { givenName: 'John', familyName: 'Doe' },
						emails: [{ value: 'jdoe@example.com', type: 'work' }],
						[ENTERPRISE]: { companyId: 'aa076ada-80a9-4f57-8e98-9300b1c3171d', employeeNumber: '42', manager: { value: 'm-1' } },
					},
				},
			],
		});
	});

	it('patches only the fields that are set, in a stable order', () => {
		expect(userPatchOperations({ managerId: 'm-2', userName: 'new@example.com', email: 'e@example.com', givenName: '' })).toEqual([
			{ op: 'replace', path: 'userName', value: 'new@example.com' },
			{ op: 'replace', path: 'emails[type eq "work"].value', value: 'e@example.com' },
			{ op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: 'm-2' } },
		]);
		expect(userPatchOperations({})).toEqual([]);
	});

	it('deactivates with active false and a termination date, in a bulk PATCH', () => {
		expect(patchUserBulkBody('u-1', deactivateOperations('2026-06-30'))).toEqual({
			schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest', 'urn:ietf:params:scim:api:messages:2.0:PatchOp'],
			failOnErrors: 1,
			Operations: [
				{
					method: 'PATCH',
					path: '/Users/u-1',
					data: {
						Operations: [
							{ op: 'replace', path: 'active', value: false },
							{ op: 'replace', path: `${ENTERPRISE}:terminationDate`, value: '2026-06-30' },
						],
					},
				},
			],
		});
	});

	it('reads the termination day in the workflow time zone, today when empty', () => {
		const now = () => DateTime.fromISO('2026-03-01T23:30:00Z');
		expect(terminationDay('', 'UTC', now)).toBe('2026-03-01');
		expect(terminationDay('', 'Europe/Berlin', now)).toBe('2026-03-02');
		expect(terminationDay('2026-06-30', 'UTC', now)).toBe('2026-06-30');
		expect(terminationDay('2026-06-30T23:00:00-05:00', 'UTC', now)).toBe('2026-07-01');
		expect(terminationDay('not a date', 'UTC', now)).toBeUndefined();
	});
});

/** The bulk 202 answer (Create a new users with /Bulk endpoint). */
const accepted: IDataObject = {
	schemas: ['urn:ietf:params:scim:schemas:extension:concur:2.0:Provision:Status'],
	id: '9ff00c90-1c35-4fd1-8ac7-db8b9be70a98',
	operationsCount: { total: 1, success: 0, failed: 0, pending: 1 },
	status: { completed: false, success: null },
	meta: {
		location: 'https://us.api.concursolutions.com/profile/v4/provisions/9ff00c90-1c35-4fd1-8ac7-db8b9be70a98/status',
		provisionType: 'Bulk',
		resourceType: 'ProvisionRequest',
		correlationId: 'a2e9973f-516a-4203-ab86-b3d592fc0d5b',
	},
};
const done = (success: boolean, extra: IDataObject = {}): IDataObject => ({
	...accepted,
	operationsCount: { total: 1, success: success ? 1 : 0, failed: success ? 0 : 1, pending: 0 },
	status: { completed: true, success },
	operations: [
		{
			id: '1',
			bulkId: 'n8n-create-user',
			status: { completed: true, success },
			resource: { id: '46702256-0123-4e83-83ff-d1a55adfc607', type: 'User' },
			extensions: [
				{ name: 'urn:ietf:params:scim:schemas:core:2.0:User', status: success ? { completed: true, success: true, code: '200', result: 'success' } : { completed: true, success: false, code: '400', result: 'error' } },
				{ name: 'urn:ietf:params:scim:schemas:extension:travel:2.0:User', status: { completed: true, success: true, code: '200', result: 'no-op' } },
			],
			...extra,
		},
	],
});

describe('provisioning status', () => {
	it('reads completion, success, errors and user IDs', () => {
		expect(isProvisionCompleted(accepted)).toBe(false);
		expect(provisionSucceeded(accepted)).toBeNull();
		expect(isProvisionCompleted(done(true))).toBe(true);
		expect(provisionSucceeded(done(true))).toBe(true);
		expect(provisionedUserIds(done(true))).toEqual(['46702256-0123-4e83-83ff-d1a55adfc607']);
		expect(provisionErrors(done(true))).toEqual([]);
		expect(provisionErrors(done(false))).toEqual(['operation n8n-create-user: urn:ietf:params:scim:schemas:core:2.0:User: HTTP 400']);
		expect(provisionErrors(done(false, { messages: [{ code: '409', message: 'userName is in use', type: 'error' }] }))).toEqual([
			'operation n8n-create-user: 409: userName is in use',
			'operation n8n-create-user: urn:ietf:params:scim:schemas:core:2.0:User: HTTP 400',
		]);
	});

	it('describes a request with its ID, state and status URL first', () => {
		expect(describeProvision(accepted)).toEqual({
			provisionId: '9ff00c90-1c35-4fd1-8ac7-db8b9be70a98',
			completed: false,
			success: null,
			operationsCount: { total: 1, success: 0, failed: 0, pending: 1 },
			statusUrl: 'https://us.api.concursolutions.com/profile/v4/provisions/9ff00c90-1c35-4fd1-8ac7-db8b9be70a98/status',
			schemas: accepted.schemas,
			meta: accepted.meta,
		});
		expect(describeProvision(done(true))).toMatchObject({ userId: '46702256-0123-4e83-83ff-d1a55adfc607', completed: true, success: true });
		expect(describeProvision(accepted, 'u-1')).toMatchObject({ userId: 'u-1' });
	});

	it('backs off 1, 2, 4 … seconds, at most 15 apart, never past the limit', () => {
		expect(provisioningDelays(60_000, 1000, 15_000)).toEqual([1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);
		expect(provisioningDelays(10_000, 1000, 15_000)).toEqual([1000, 2000, 4000, 3000]);
		expect(provisioningDelays(500, 1000, 15_000)).toEqual([500]);
		for (const limit of [1, 999, 31_000, 600_000]) {
			expect(provisioningDelays(limit, 1000, 15_000).reduce((sum, delay) => sum + delay, 0)).toBe(limit);
		}
	});

	it('waits through the injected sleep until Concur says completed', async () => {
		const slept: number[] = [];
		const answers = [accepted, accepted, done(true)];
		const result = await waitForProvisioning(async () => answers.shift()!, 60_000, {
			initialDelayMs: 1000,
			maxDelayMs: 15_000,
			sleep: async (ms) => {
				slept.push(ms);
			},
		});
		expect(result).toEqual({ status: done(true), completed: true, waitedMs: 3000, reads: 3 });
		expect(slept).toEqual([1000, 2000]);
	});

	it('gives up when the limit is spent, after a last read', async () => {
		const slept: number[] = [];
		const reads = jest.fn(async () => accepted);
		const result = await waitForProvisioning(reads, 5000, { initialDelayMs: 1000, maxDelayMs: 15_000, sleep: async (ms) => void slept.push(ms) });
		expect(result).toMatchObject({ completed: false, waitedMs: 5000, reads: 4 });
		expect(slept).toEqual([1000, 2000, 2000]);
		expect(reads).toHaveBeenCalledTimes(4);
	});
});

describe('simplified user', () => {
	it('keeps the keys a workflow needs', () => {
		expect(simplifyUser(john)).toEqual({
			id: '3df11695-e8bb-40ff-8e98-c85913ab2789',
			userName: 'John11_17_1@sap.com',
			displayName: 'John Doe',
			givenName: 'John',
			familyName: 'Doe',
			email: 'John11_17_1@sap.com',
			emails: [{ value: 'John11_17_1@sap.com', type: 'work' }],
			employeeNumber: '1234_employeeNumber',
			active: true,
			companyId: 'aa076ada-80a9-4f57-8e98-9300b1c3171d',
		});
	});

	it('puts the work email first, reads the manager and a textual active', () => {
		const user = simplifyUser({
			id: 'u',
			active: 'false',
			emails: [{ value: 'home@example.com', type: 'home' }, { value: 'work@example.com', type: 'work' }],
			[ENTERPRISE]: { manager: { value: 'm-1', displayName: 'Mary Manager' }, terminationDate: '2026-06-30' },
		});
		expect(user).toEqual({
			id: 'u',
			email: 'work@example.com',
			emails: [{ value: 'work@example.com', type: 'work' }, { value: 'home@example.com', type: 'home' }],
			active: false,
			managerId: 'm-1',
			managerName: 'Mary Manager',
			terminationDate: '2026-06-30',
		});
	});
});

describe('operations through the router', () => {
	it('Get calls Identity v4.1 and simplifies', async () => {
		request.mockResolvedValue(john);
		const [item] = await run({ operation: 'get', userId: john.id, simplify: true });
		expect(request).toHaveBeenCalledWith({ method: 'GET', url: `/profile/identity/v4.1/Users/${john.id as string}`, format: 'json' });
		expect(item.json).toMatchObject({ id: john.id, userName: 'John11_17_1@sap.com' });
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('Get turns Concur\'s 404 into an error naming the ID', async () => {
		request.mockRejectedValue(new NodeApiError(concurNode, { message: 'x' }, { message: 'Concur answered HTTP 404', httpCode: '404', description: 'Concur-Correlationid: c-1' }));
		await expect(run({ operation: 'get', userId: 'u-404', simplify: true })).rejects.toMatchObject({
			message: 'No Concur user has the ID "u-404"',
			description: 'Pass the user ID (a UUID) as User > Search or Get Many returns it in id. Concur-Correlationid: c-1',
		});
		const [item] = await run({ operation: 'get', userId: 'u-404', simplify: true }, { continueOnFail: true });
		expect(item.json).toEqual({ error: 'No Concur user has the ID "u-404"' });
	});

	it('Search posts the filter and follows the continuation token', async () => {
		request
			.mockResolvedValueOnce({ totalResults: 3, startIndex: 1, itemsPerPage: 2, Resources: [john, { ...john, id: 'b' }], continuationToken: 't2' })
			.mockResolvedValueOnce({ totalResults: 3, startIndex: 3, itemsPerPage: 1, Resources: [{ ...john, id: 'c' }] });
		const items = await run({ operation: 'search', searchBy: 'email', value: 'John11_17_1@sap.com', returnAll: true, simplify: false });
		expect(items.map((item) => item.json.id)).toEqual([john.id, 'b', 'c']);
		expect(request.mock.calls.map(([options]) => options.body)).toEqual([
			{ schemas: [SEARCH], filter: 'emails[value eq "John11_17_1@sap.com"]', count: 1000 },
			{ schemas: [SEARCH], filter: 'emails[value eq "John11_17_1@sap.com"]', count: 1000, continuationToken: 't2' },
		]);
		expect(request.mock.calls[0][0]).toMatchObject({ method: 'POST', url: '/profile/identity/v4.1/Users/.search' });
	});

	it('Get Many stops on a repeated token instead of looping', async () => {
		request.mockResolvedValue({ Resources: [john], continuationToken: 'same' });
		const items = await run({ operation: 'getAll', returnAll: true, activeOnly: false, simplify: true });
		expect(items).toHaveLength(2);
		expect(request).toHaveBeenCalledTimes(2);
	});

	it('Create sends the bulk request, with the Company ID given', async () => {
		request.mockResolvedValue(accepted);
		const [item] = await run({
			operation: 'create',
			userName: 'jdoe@example.com',
			givenName: 'John',
			familyName: 'Doe',
			email: 'jdoe@example.com',
			additionalFields: { companyId: 'c-1' },
			waitForCompletion: false,
		});
		expect(request).toHaveBeenCalledWith(expect.objectContaining({ method: 'POST', url: '/profile/v4/Bulk/' }));
		expect(((request.mock.calls[0][0].body as IDataObject).Operations as IDataObject[])[0]).toMatchObject({ data: { [ENTERPRISE]: { companyId: 'c-1' } } });
		expect(item.json).toMatchObject({ provisionId: accepted.id, completed: false });
	});

	it('Update waits through the policy sleep and returns the final status', async () => {
		const original = provisioningPolicy.sleep;
		const slept: number[] = [];
		provisioningPolicy.sleep = async (ms) => void slept.push(ms);
		try {
			request.mockResolvedValueOnce(accepted).mockResolvedValueOnce(accepted).mockResolvedValueOnce(done(true));
			const [item] = await run({ operation: 'update', userId: 'u-1', updateFields: { title: 'Boss' }, waitForCompletion: true, maxWaitSeconds: 30 });
			expect(item.json).toMatchObject({ provisionId: accepted.id, completed: true, success: true, userId: 'u-1' });
			expect(slept).toEqual([1000]);
			expect(request.mock.calls.slice(1).map(([options]) => options)).toEqual([
				{ method: 'GET', url: `/profile/v4/provisions/${accepted.id as string}/status`, qs: { attributes: 'operations' }, format: 'json' },
				{ method: 'GET', url: `/profile/v4/provisions/${accepted.id as string}/status`, qs: { attributes: 'operations' }, format: 'json' },
			]);
		} finally {
			provisioningPolicy.sleep = original;
		}
	});
});

describe('descriptions', () => {
	const { description } = new Concur();
	const displayed = displayedParameters;
	const names = displayedNames;
	const OPERATIONS = ['create', 'deactivate', 'get', 'getAll', 'getProvisioningStatus', 'search', 'update'];

	it('lists User among the resources, alphabetised, and its operations alphabetised with Get Many', () => {
		const resource = description.properties.find((property) => property.name === 'resource')!;
		const resourceNames = (resource.options as Array<{ name: string }>).map((option) => option.name);
		expect(resourceNames).toContain('User');
		expect(resourceNames).toEqual([...resourceNames].sort((a, b) => a.localeCompare(b)));
		const selector = description.properties.find((property) => property.name === 'operation' && (property.displayOptions?.show?.resource as string[])[0] === 'user')!;
		const options = selector.options as Array<{ name: string; value: string; action: string; description: string }>;
		expect(options.map((option) => option.name)).toEqual(['Create', 'Deactivate', 'Get', 'Get Many', 'Get Provisioning Status', 'Search', 'Update']);
		expect(options.map((option) => option.value)).toEqual(OPERATIONS);
		for (const option of options) {
			expect(option.action).toMatch(/^[A-Z][a-z]/);
			expect(option.description.length).toBeGreaterThan(20);
		}
	});

	it('shows the parameters of the selected operation only', () => {
		expect(names({ resource: 'user', operation: 'get' })).toEqual(['resource', 'operation', 'userId', 'simplify']);
		expect(names({ resource: 'user', operation: 'search', searchBy: 'userName', returnAll: false })).toEqual(['resource', 'operation', 'searchBy', 'value', 'returnAll', 'limit', 'simplify']);
		expect(names({ resource: 'user', operation: 'search', searchBy: 'filter', returnAll: true })).toEqual(['resource', 'operation', 'searchBy', 'filter', 'returnAll', 'simplify']);
		expect(names({ resource: 'user', operation: 'getAll', returnAll: true })).toEqual(['resource', 'operation', 'returnAll', 'activeOnly', 'simplify']);
		expect(names({ resource: 'user', operation: 'create', waitForCompletion: true })).toEqual(['resource', 'operation', 'userName', 'givenName', 'familyName', 'email', 'additionalFields', 'waitForCompletion', 'maxWaitSeconds']);
		expect(names({ resource: 'user', operation: 'update', waitForCompletion: false })).toEqual(['resource', 'operation', 'userId', 'updateFields', 'waitForCompletion']);
		expect(names({ resource: 'user', operation: 'deactivate', waitForCompletion: false })).toEqual(['resource', 'operation', 'userId', 'terminationDate', 'waitForCompletion']);
		expect(names({ resource: 'user', operation: 'getProvisioningStatus' })).toEqual(['resource', 'operation', 'provisionId', 'includeOperations']);
	});

	it('describes every parameter, alphabetises every choice and words booleans as n8n asks', () => {
		for (const operation of OPERATIONS) {
			const shown = displayed({ resource: 'user', operation, waitForCompletion: true, searchBy: 'filter' }).filter((property) => !['resource', 'operation'].includes(property.name));
			expectN8nWording(operation, shown, { describedAs: /: [A-Z][^.]{10}/, placeholders: true });
		}
	});
});
