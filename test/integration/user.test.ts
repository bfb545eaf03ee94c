/**
 * The User resource through n8n-core's real engine (the harness) against the Concur simulator:
 * Identity v4.1 (Get, Search, Get Many with continuation-token paging) and User Provisioning v4
 * (Create, Update, Deactivate, Get Provisioning Status, Wait for Completion). Every call goes
 * through the real credential and transport: company token, geolocation routing, the
 * outbound-URL gate and 429 retries. Wait for Completion sleeps through an injected function, so
 * no test waits in real time or reads the clock.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { provisioningPolicy } from '../../nodes/Concur/actions/user/provisioning';
import { concurRetryPolicy } from '../../nodes/Concur/transport';
import { runNode } from '../harness/engine';
import { concurCredentials } from '../harness/concurCredentials';
import type { ConcurSimulator } from '../simulator';
import { startSimulator, usersOf } from '../simulator';

const NODE_TYPE = 'n8n-nodes-concur.concur';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

let sim: ConcurSimulator;
let companyCredential: ICredentialDataDecryptedObject;
const slept: number[] = [];
const originalSleep = provisioningPolicy.sleep;
const originalFloor = concurRetryPolicy.retryAfterFloorMs;

beforeAll(async () => {
	sim = await startSimulator({ port: 0, reports: 4 });
	companyCredential = concurCredentials(sim);
	concurRetryPolicy.retryAfterFloorMs = 10;
	provisioningPolicy.sleep = async (ms: number) => {
		slept.push(ms);
	};
});

afterAll(async () => {
	provisioningPolicy.sleep = originalSleep;
	concurRetryPolicy.retryAfterFloorMs = originalFloor;
	await sim.close();
});

beforeEach(() => {
	sim.faults.clear();
	sim.requests.length = 0;
	slept.length = 0;
	usersOf(sim).completeAfterReads = 2;
	usersOf(sim).maxPageSize = 1000;
});

async function runUser(parameters: IDataObject, options: { items?: IDataObject[]; continueOnFail?: boolean; credential?: ICredentialDataDecryptedObject } = {}) {
	return await runNode({
		type: NODE_TYPE,
		name: 'Concur',
		parameters: { resource: 'user', ...parameters },
		items: options.items,
		continueOnFail: options.continueOnFail,
		credentials: { concurOAuth2Api: options.credential ?? companyCredential },
	});
}

const apiCalls = () => sim.requests.filter((request) => !request.path.startsWith('/oauth2/'));
const seeded = (login: string) => sim.seed.users.find((user) => user.loginId === login)!;

describe('User > Get', () => {
	it('reads a seeded user by ID, simplified, with the manager and employee number', async () => {
		const alice = seeded('alice@acme-sim.example');
		const manager = seeded('manager@acme-sim.example');
		const result = await runUser({ operation: 'get', userId: alice.userId, simplify: true });
		expect(result.nodeError).toBeUndefined();
		expect(result.output).toEqual([
			{
				id: alice.userId,
				userName: 'alice@acme-sim.example',
				displayName: 'Alice Johnson',
				givenName: 'Alice',
				familyName: 'Johnson',
				email: 'alice@acme-sim.example',
				emails: [{ value: 'alice@acme-sim.example', type: 'work' }],
				employeeNumber: expect.stringMatching(/^E\d+$/),
				active: true,
				managerId: manager.userId,
				managerName: 'Martin Manager',
				companyId: sim.seed.companyUuid,
			},
		]);
		expect(apiCalls().map((call) => `${call.method} ${call.path}`)).toEqual([`GET /profile/identity/v4.1/Users/${alice.userId}`]);
	});

	it('returns the SCIM resource as Concur sends it with Simplify off', async () => {
		const bob = seeded('bob@acme-sim.example');
		const result = await runUser({ operation: 'get', userId: bob.userId, simplify: false });
		expect(result.output[0]).toMatchObject({
			id: bob.userId,
			userName: 'bob@acme-sim.example',
			schemas: expect.arrayContaining(['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE]),
			[ENTERPRISE]: expect.objectContaining({ companyId: sim.seed.companyUuid }),
			meta: expect.objectContaining({ resourceType: 'User', location: `${sim.baseUrl}/profile/identity/v4.1/Users/${bob.userId}` }),
		});
	});

	it('names the missing user and the item; with Continue On Fail the item carries the error', async () => {
		const missing = '00000000-0000-4000-8000-000000000000';
		const failed = await runUser({ operation: 'get', userId: missing, simplify: true });
		expect(failed.nodeError?.message).toBe(`No Concur user has the ID "${missing}"`);
		const alice = seeded('alice@acme-sim.example');
		const continued = await runUser(
			{ operation: 'get', userId: '={{ $json.id }}', simplify: true },
			{ items: [{ id: missing }, { id: alice.userId }], continueOnFail: true },
		);
		expect(continued.output).toEqual([{ error: `No Concur user has the ID "${missing}"` }, expect.objectContaining({ id: alice.userId })]);
	});

	it('refuses a login name before calling Concur', async () => {
		const result = await runUser({ operation: 'get', userId: 'alice@acme-sim.example', simplify: true });
		expect(result.nodeError?.message).toBe('"alice@acme-sim.example" is a login name or email, not a Concur user ID');
		expect(apiCalls()).toHaveLength(0);
	});

	it('rides out a 429 through the transport', async () => {
		const alice = seeded('alice@acme-sim.example');
		sim.faults.inject({ status: 429, count: 1, pathPrefix: '/profile/identity/' });
		const result = await runUser({ operation: 'get', userId: alice.userId, simplify: true });
		expect(result.nodeError).toBeUndefined();
		expect(apiCalls().map((call) => call.status)).toEqual([429, 200]);
	});

	it('explains a user token is not enough (Identity v4.1 takes company tokens only)', async () => {
		const alice = seeded('alice@acme-sim.example');
		const result = await runUser({ operation: 'get', userId: alice.userId, simplify: true }, { credential: concurCredentials(sim, 'password') });
		expect(result.nodeError?.message).toBe('Concur refused access to its user APIs (HTTP 403)');
		expect(String(result.nodeError?.description)).toContain('company token');
	});
});

describe('User > Search', () => {
	it('finds a user by user name, email and employee number', async () => {
		const carol = usersOf(sim).byUserName('carol@acme-sim.example')!;
		for (const [searchBy, value] of [
			['userName', 'CAROL@acme-sim.example'],
			['email', 'carol@acme-sim.example'],
			['employeeNumber', carol.employeeNumber!],
		]) {
			const result = await runUser({ operation: 'search', searchBy, value, returnAll: true, simplify: true });
			expect(result.nodeError).toBeUndefined();
			expect(result.output.map((user) => user.id)).toEqual([carol.id]);
		}
		const bodies = apiCalls().map((call) => call.path);
		expect(new Set(bodies)).toEqual(new Set(['/profile/identity/v4.1/Users/.search']));
	});

	it('escapes quotes and backslashes, so a value cannot widen the search', async () => {
		const tricky = usersOf(sim).add({ userName: 'quote"back\\slash@acme-sim.example' });
		const exact = await runUser({ operation: 'search', searchBy: 'userName', value: tricky.userName, returnAll: true, simplify: true });
		expect(exact.output.map((user) => user.id)).toEqual([tricky.id]);
		const injected = await runUser({ operation: 'search', searchBy: 'userName', value: 'x" or userName pr or userName eq "y', returnAll: true, simplify: true });
		expect(injected.nodeError).toBeUndefined();
		expect(injected.output).toEqual([]);
	});

	it('passes a SCIM filter as written, and explains a filter Concur refuses', async () => {
		const result = await runUser({ operation: 'search', searchBy: 'filter', filter: 'name.givenName sw "A" and active eq true', returnAll: true, simplify: true });
		expect(result.output.map((user) => user.userName).sort()).toEqual(['admin@acme-sim.example', 'alice@acme-sim.example']);
		const refused = await runUser({ operation: 'search', searchBy: 'filter', filter: 'userName eq', returnAll: true, simplify: true });
		expect(refused.nodeError?.message).toBe('Concur refused the user search filter: userName eq');
	});

	it('names the missing value', async () => {
		const result = await runUser({ operation: 'search', searchBy: 'email', value: '  ', returnAll: true, simplify: true });
		expect(result.nodeError?.message).toBe('Enter an email address to search for');
	});
});

describe('User > Get Many', () => {
	it('follows continuationToken until the last page with Return All', async () => {
		const store = usersOf(sim);
		store.maxPageSize = 3;
		const total = store.users.length;
		const result = await runUser({ operation: 'getAll', returnAll: true, simplify: true });
		expect(result.nodeError).toBeUndefined();
		expect(result.output.map((user) => user.id)).toEqual(store.users.map((user) => user.id));
		expect(apiCalls()).toHaveLength(Math.ceil(total / 3));
	});

	it('stops at Limit, asking for no more than it needs', async () => {
		usersOf(sim).maxPageSize = 2;
		const result = await runUser({ operation: 'getAll', returnAll: false, limit: 3, simplify: true });
		expect(result.output).toHaveLength(3);
		expect(apiCalls()).toHaveLength(2);
	});

	it('lists active users only when asked', async () => {
		const inactive = usersOf(sim).add({ userName: 'gone@acme-sim.example', active: false });
		const result = await runUser({ operation: 'getAll', returnAll: true, activeOnly: true, simplify: true });
		expect(result.output.map((user) => user.id)).not.toContain(inactive.id);
		expect(result.output.every((user) => user.active === true)).toBe(true);
	});
});

describe('User > Create, Update, Deactivate and Get Provisioning Status', () => {
	it('creates a user asynchronously: the request ID at once, the user after the status completes', async () => {
		const created = await runUser({
			operation: 'create',
			userName: 'dana@acme-sim.example',
			givenName: 'Dana',
			familyName: 'Scully',
			email: 'dana@acme-sim.example',
			additionalFields: { employeeNumber: 'E9001', managerId: seeded('manager@acme-sim.example').userId },
			waitForCompletion: false,
		});
		expect(created.nodeError).toBeUndefined();
		const [provision] = created.output;
		expect(provision).toMatchObject({ completed: false, success: null, operationsCount: { total: 1, pending: 1 } });
		expect(provision.statusUrl).toBe(`${sim.baseUrl}/profile/v4/provisions/${provision.provisionId}/status`);
		expect(usersOf(sim).byUserName('dana@acme-sim.example')).toBeUndefined();
		expect(apiCalls().map((call) => `${call.method} ${call.path} ${call.status}`)).toEqual(['POST /profile/v4/Bulk/ 202']);

		const first = await runUser({ operation: 'getProvisioningStatus', provisionId: provision.provisionId, includeOperations: true });
		expect(first.output[0]).toMatchObject({ provisionId: provision.provisionId, completed: false });
		const second = await runUser({ operation: 'getProvisioningStatus', provisionId: provision.provisionId, includeOperations: true });
		const dana = usersOf(sim).byUserName('dana@acme-sim.example')!;
		expect(second.output[0]).toMatchObject({ provisionId: provision.provisionId, completed: true, success: true, userId: dana.id });
		expect(dana).toMatchObject({ givenName: 'Dana', familyName: 'Scully', employeeNumber: 'E9001', managerId: seeded('manager@acme-sim.example').userId });
	});

	it('waits for completion with backoff and returns the new user ID, sleeping through the injected function', async () => {
		usersOf(sim).completeAfterReads = 4;
		const result = await runUser({
			operation: 'create',
			userName: 'fox@acme-sim.example',
			givenName: 'Fox',
			familyName: 'Mulder',
			email: 'fox@acme-sim.example',
			additionalFields: {},
			waitForCompletion: true,
			maxWaitSeconds: 60,
		});
		expect(result.nodeError).toBeUndefined();
		const fox = usersOf(sim).byUserName('fox@acme-sim.example')!;
		expect(result.output[0]).toMatchObject({ completed: true, success: true, userId: fox.id });
		expect(slept).toEqual([1000, 2000, 4000]);
		const statusReads = apiCalls().filter((call) => call.path.endsWith('/status'));
		expect(statusReads).toHaveLength(4);
		expect(statusReads.every((call) => call.query.attributes === 'operations')).toBe(true);
		// No Company ID was given: the credential's Company UUID was sent (the simulator refuses any other).
		expect(fox.employeeNumber).toBeNull();
	});

	it('fails with the provisioning request ID when Concur is not done within Max Wait', async () => {
		usersOf(sim).completeAfterReads = 100;
		const result = await runUser({
			operation: 'create',
			userName: 'slow@acme-sim.example',
			givenName: 'Slow',
			familyName: 'Poke',
			email: 'slow@acme-sim.example',
			additionalFields: {},
			waitForCompletion: true,
			maxWaitSeconds: 10,
		});
		expect(slept).toEqual([1000, 2000, 4000, 3000]);
		expect(result.nodeError?.message).toMatch(/^Concur had not finished the request to create the user slow@acme-sim\.example after 10 seconds \(provisioning request [0-9a-f-]{36}\)$/);
	});

	it('reports what Concur refused when the request fails', async () => {
		const result = await runUser({
			operation: 'create',
			userName: 'alice@acme-sim.example',
			givenName: 'Alice',
			familyName: 'Again',
			email: 'alice2@acme-sim.example',
			additionalFields: {},
			waitForCompletion: true,
			maxWaitSeconds: 30,
		});
		expect(result.nodeError?.message).toBe(
			'Concur could not create the user alice@acme-sim.example: operation n8n-create-user: 409: userName alice@acme-sim.example is already in use',
		);
	});

	it('updates the fields that are set and deactivates with a termination date', async () => {
		const bob = usersOf(sim).byUserName('bob@acme-sim.example')!;
		const updated = await runUser({
			operation: 'update',
			userId: bob.id,
			updateFields: { title: 'Field Engineer', email: 'robert@acme-sim.example', familyName: 'Meyer-Smith' },
			waitForCompletion: true,
			maxWaitSeconds: 30,
		});
		expect(updated.nodeError).toBeUndefined();
		expect(updated.output[0]).toMatchObject({ completed: true, success: true, userId: bob.id });
		expect(bob).toMatchObject({ title: 'Field Engineer', familyName: 'Meyer-Smith', emails: [{ value: 'robert@acme-sim.example', type: 'work' }] });

		const deactivated = await runUser({ operation: 'deactivate', userId: bob.id, terminationDate: '2026-06-30', waitForCompletion: true, maxWaitSeconds: 30 });
		expect(deactivated.nodeError).toBeUndefined();
		expect(bob).toMatchObject({ active: false, terminationDate: '2026-06-30' });
		const got = await runUser({ operation: 'get', userId: bob.id, simplify: true });
		expect(got.output[0]).toMatchObject({ active: false, terminationDate: '2026-06-30' });
	});

	it('refuses an update without fields and a status ID Concur does not know', async () => {
		const alice = seeded('alice@acme-sim.example');
		const empty = await runUser({ operation: 'update', userId: alice.userId, updateFields: {}, waitForCompletion: false });
		expect(empty.nodeError?.message).toBe(`Nothing to update for user ${alice.userId}`);
		const unknown = await runUser({ operation: 'getProvisioningStatus', provisionId: 'no-such-request', includeOperations: false });
		expect(unknown.nodeError?.message).toBe('No provisioning request has the ID "no-such-request"');
	});
});
