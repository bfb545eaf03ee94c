/**
 * The harness credentials helper follows n8n's CredentialsHelper rules (packages/cli), checked with
 * small made-up credential types through n8n-core's engine and a loopback server.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { HarnessCredentialsHelper, HarnessNodeTypes, runNode } from '../harness/engine';

let server: http.Server;
let baseUrl = '';
const seen: Array<{ url: string; authorization?: string }> = [];
let tokensIssued = 0;

beforeAll(async () => {
	server = http.createServer((req, res) => {
		seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
		if (req.url === '/token') {
			tokensIssued++;
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ token: `token-${tokensIssued}` }));
			return;
		}
		const ok = req.headers.authorization === `Bearer token-${tokensIssued}`;
		res.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json' });
		res.end(JSON.stringify({ ok }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
	seen.length = 0;
	tokensIssued = 0;
});

function sessionCredential(name: string, options: { expirable: boolean; returnKey?: string }): ICredentialType {
	return {
		name,
		displayName: name,
		properties: [
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
			{ displayName: 'Label', name: 'label', type: 'string', default: 'unchanged' },
			{
				displayName: 'Session Token',
				name: 'sessionToken',
				type: 'hidden',
				typeOptions: options.expirable ? { expirable: true, password: true } : { password: true },
				default: '',
			},
		],
		async preAuthentication(this, credentials: ICredentialDataDecryptedObject) {
			const { token } = (await this.helpers.httpRequest({ method: 'POST', url: `${String(credentials.baseUrl)}/token`, json: true })) as { token: string };
			return { [options.returnKey ?? 'sessionToken']: token, label: 'from preAuthentication' };
		},
		authenticate: { type: 'generic', properties: { headers: { Authorization: '=Bearer {{$credentials.sessionToken}}' } } },
	};
}

class Caller implements INodeType {
	constructor(private readonly credentialName: string) {}

	get description(): INodeTypeDescription {
		return {
			displayName: 'Caller',
			name: 'caller',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: { name: 'Caller' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: this.credentialName, required: true }],
			properties: [],
		};
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentialName = Object.keys(this.getNode().credentials ?? {})[0];
		const credentials = await this.getCredentials<{ baseUrl: string }>(credentialName);
		const body = await this.helpers.httpRequestWithAuthentication.call(this, credentialName, {
			method: 'GET',
			url: `${credentials.baseUrl}/resource`,
			json: true,
		});
		return [[{ json: body as never }]];
	}
}

async function run(credentialName: string, type: ICredentialType, helper: HarnessCredentialsHelper, credentialId?: string) {
	const nodeTypes = new HarnessNodeTypes();
	nodeTypes.register('harness.caller', new Caller(credentialName));
	return await runNode({
		type: 'harness.caller',
		nodeTypes,
		credentialsHelper: helper,
		...(credentialId ? { credentialIds: { [credentialName]: credentialId } } : { credentials: { [credentialName]: { baseUrl } } }),
	});
}

describe('harness credentials helper (n8n semantics)', () => {
	it('calls preAuthentication when the expirable field is empty, persists every returned key, resolves generic auth', async () => {
		const type = sessionCredential('sessionApi', { expirable: true });
		const helper = new HarnessCredentialsHelper(new Map([[type.name, type]]));
		const first = await run(type.name, type, helper);

		expect(first.nodeError).toBeUndefined();
		expect(first.output).toEqual([{ ok: true }]);
		expect(seen.at(-1)?.authorization).toBe('Bearer token-1');
		const stored = helper.store.data(first.credentialIds.sessionApi);
		expect(stored).toMatchObject({ sessionToken: 'token-1', label: 'from preAuthentication' });

		// The stored token is used as is: no new token request.
		seen.length = 0;
		await run(type.name, type, helper, first.credentialIds.sessionApi);
		expect(seen.map((request) => request.url)).toEqual(['/resource']);
	});

	it('refreshes on 401 and retries once, persisting the new token', async () => {
		const type = sessionCredential('sessionApi', { expirable: true });
		const helper = new HarnessCredentialsHelper(new Map([[type.name, type]]));
		const first = await run(type.name, type, helper);
		helper.store.edit(first.credentialIds.sessionApi, { sessionToken: 'expired' });
		seen.length = 0;
		const second = await run(type.name, type, helper, first.credentialIds.sessionApi);

		expect(second.output).toEqual([{ ok: true }]);
		expect(seen.map((request) => request.url)).toEqual(['/resource', '/token', '/resource']);
		expect(helper.store.data(first.credentialIds.sessionApi).sessionToken).toBe('token-2');
		expect(helper.preAuthenticationCalls.map((call) => call.expired)).toEqual([false, true]);
	});

	it('never calls preAuthentication without a hidden expirable field', async () => {
		const type = sessionCredential('plainApi', { expirable: false });
		const helper = new HarnessCredentialsHelper(new Map([[type.name, type]]));
		const result = await run(type.name, type, helper);
		// n8n-core still resends once after a 401 (preAuthentication returned nothing), as in n8n.
		expect(seen.map((request) => request.url)).toEqual(['/resource', '/resource']);
		expect(helper.preAuthenticationCalls).toHaveLength(0);
		expect(result.nodeError?.httpCode).toBe('401');
		expect(helper.store.writes).toHaveLength(0);
	});

	it('ignores (and does not persist) output that lacks the expirable key', async () => {
		const type = sessionCredential('wrongKeyApi', { expirable: true, returnKey: 'somethingElse' });
		const helper = new HarnessCredentialsHelper(new Map([[type.name, type]]));
		await run(type.name, type, helper);
		expect(helper.store.writes).toHaveLength(0);
		expect(seen.every((request) => request.url !== '/resource' || request.authorization?.trim() === 'Bearer')).toBe(true);
	});

	it('does not overwrite a field the user stored as an expression', async () => {
		const type = sessionCredential('sessionApi', { expirable: true });
		const helper = new HarnessCredentialsHelper(new Map([[type.name, type]]));
		const { id } = helper.store.add(type.name, { baseUrl, label: '={{ "user expression" }}' });
		await run(type.name, type, helper, id ?? undefined);
		expect(helper.store.data(id!)).toMatchObject({ label: '={{ "user expression" }}', sessionToken: 'token-1' });
	});
});
