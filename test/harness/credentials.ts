/**
 * An ICredentialsHelper that mirrors n8n's own (packages/cli/src/credentials-helper.ts) for what
 * this package depends on, backed by an in-memory store instead of the database:
 *
 * - getDecrypted: stored data + the type's defaults (NodeHelpers.getNodeParameters), expressions
 *   resolved when the engine passes expressionResolveValues.
 * - preAuthentication: finds the hidden `expirable` property (none → never called); calls the
 *   type's preAuthentication when that value is '', when the credential is expired (the engine's
 *   retry after a 401/403), or when the credential is being tested (node `Temp-Node` of type
 *   n8n-nodes-base.noOp with parameter temp === ''); ignores output without the expirable key;
 *   otherwise merges every returned key into the stored data (except fields the user stored as
 *   expressions), PERSISTS it (updateCredentials) and merges it into the in-flight object.
 * - authenticate: a function is called; a generic definition has its expressions resolved with
 *   `$credentials` through the workflow's expression engine, as n8n does.
 *
 * Every write is recorded, so tests can assert that a rotated refresh token was persisted.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialsExpressionResolveValues,
	ICredentialType,
	IDataObject,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeHelpers, isExpression } from 'n8n-workflow';

import { loadPackageCredentialTypes } from './nodeTypes';

export interface StoredCredential {
	id: string;
	name: string;
	type: string;
	data: ICredentialDataDecryptedObject;
}

/** A JSON round trip, as a database write and read would do. */
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Minimal ICredentials over plain data (n8n's encrypts; the harness has nothing to protect). */
class PlainCredentials implements ICredentials {
	constructor(
		public readonly id: string,
		public readonly name: string,
		public readonly type: string,
		private readonly store: CredentialStore,
	) {}

	get data(): string {
		return JSON.stringify(this.store.get(this.id).data);
	}

	async getData(): Promise<ICredentialDataDecryptedObject> {
		return clone(this.store.get(this.id).data);
	}

	getDataToSave() {
		return { id: this.id, name: this.name, type: this.type, data: this.data };
	}

	async setData(data: ICredentialDataDecryptedObject): Promise<void> {
		this.store.write(this.id, data);
	}

	async updateData(toUpdate: ICredentialDataDecryptedObject, toDelete: string[] = []): Promise<void> {
		const next = { ...(await this.getData()), ...toUpdate };
		for (const key of toDelete) delete next[key];
		this.store.write(this.id, next);
	}
}

/** The "database": credentials by id, plus the history of every write. */
export class CredentialStore {
	private readonly rows = new Map<string, StoredCredential>();

	/** Every persisted write, oldest first (what n8n would UPDATE in its credentials table). */
	readonly writes: Array<{ id: string; data: ICredentialDataDecryptedObject }> = [];

	private nextId = 1;

	add(type: string, data: ICredentialDataDecryptedObject, name = `${type} account`, id?: string): INodeCredentialsDetails {
		const credentialId = id ?? String(this.nextId++);
		this.rows.set(credentialId, { id: credentialId, name, type, data: clone(data) });
		return { id: credentialId, name };
	}

	get(id: string): StoredCredential {
		const row = this.rows.get(id);
		if (!row) throw new Error(`Credential with ID "${id}" does not exist`);
		return row;
	}

	/** The stored data as n8n would load it next time (a copy). */
	data(id: string): ICredentialDataDecryptedObject {
		return clone(this.get(id).data);
	}

	write(id: string, data: ICredentialDataDecryptedObject): void {
		const row = this.get(id);
		row.data = clone(data);
		this.writes.push({ id, data: clone(data) });
	}

	/** Lets a test edit the credential as a user would in the UI. */
	edit(id: string, changes: ICredentialDataDecryptedObject): void {
		const row = this.get(id);
		row.data = { ...row.data, ...clone(changes) };
	}
}

export class HarnessCredentialsHelper extends ICredentialsHelper {
	readonly store = new CredentialStore();

	/** Calls of preAuthentication that reached the credential type (for assertions). */
	readonly preAuthenticationCalls: Array<{ type: string; expired: boolean; testing: boolean }> = [];

	constructor(private readonly credentialTypes: Map<string, ICredentialType> = loadPackageCredentialTypes()) {
		super();
	}

	getCredentialType(name: string): ICredentialType {
		const type = this.credentialTypes.get(name);
		if (!type) throw new Error(`Unknown credential type "${name}"`);
		return type;
	}

	getParentTypes(name: string): string[] {
		const type = this.credentialTypes.get(name);
		if (!type?.extends) return [];
		const parents = [...type.extends];
		for (const parent of type.extends) parents.push(...this.getParentTypes(parent));
		return parents;
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		const type = this.credentialTypes.get(credentialType);
		if (!type?.restrictToSupportedNodes) return true;
		return (type.supportedNodes ?? []).some((name) => nodeType === name || nodeType.endsWith(`.${name}`));
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const { authenticate } = this.getCredentialType(typeName);
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions);
		}
		if (authenticate && typeof authenticate === 'object' && authenticate.type === 'generic') {
			if (!workflow || !node) {
				throw new Error('Workflow and node are required for declarative credential authentication');
			}
			requestOptions.headers ??= {};
			for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(outerValue as IDataObject)) {
					const resolve = (parameter: string) =>
						isExpression(parameter)
							? String(
									workflow.expression.getSimpleParameterValue(
										node,
										parameter,
										'internal',
										{ $credentials: credentials },
										undefined,
										'',
									) ?? '',
								)
							: parameter;
					const target = requestOptions as unknown as Record<string, IDataObject>;
					target[outerKey] ??= {};
					target[outerKey][resolve(key)] = resolve(value as string);
				}
			}
		}
		return requestOptions;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.getCredentialType(typeName);
		const expirableProperty = credentialType.properties.find(
			(property) => property.type === 'hidden' && property?.typeOptions?.expirable === true,
		);
		if (expirableProperty?.name === undefined) return undefined;

		// n8n's credential test runs a mock node: that is how it knows a test is in progress.
		const isTestingCredentials = node?.parameters?.temp === '' && node?.type === 'n8n-nodes-base.noOp';

		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		if (!(credentials[expirableProperty.name] === '' || credentialsExpired || isTestingCredentials)) {
			return undefined;
		}
		this.preAuthenticationCalls.push({ type: typeName, expired: credentialsExpired, testing: isTestingCredentials });
		// n8n narrows the helpers to httpRequest before handing them to the credential.
		const narrowed: IHttpRequestHelper = {
			helpers: { httpRequest: async (options: IHttpRequestOptions) => await helpers.helpers.httpRequest(options) },
		};
		const output = await credentialType.preAuthentication.call(narrowed, credentials);
		if (output[expirableProperty.name] === undefined) return undefined;

		if (node.credentials) {
			const nodeCredentials = node.credentials[credentialType.name];
			const storedData = await (await this.getCredentials(nodeCredentials, credentialType.name)).getData();
			const dataToPersist: ICredentialDataDecryptedObject = { ...storedData };
			for (const [key, value] of Object.entries(output as ICredentialDataDecryptedObject)) {
				if (key === expirableProperty.name || !isExpression(storedData[key])) {
					dataToPersist[key] = value;
				}
			}
			await this.updateCredentials(nodeCredentials, credentialType.name, dataToPersist);
			return Object.assign(credentials, output);
		}
		return undefined;
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.getCredentialType(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		return ((await credentialType.preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject) ?? undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		if (!nodeCredentials.id) {
			throw new Error(`Credential "${nodeCredentials.name}" of type "${type}" has no ID`);
		}
		const row = this.store.get(nodeCredentials.id);
		if (row.type !== type) throw new Error(`Credential with ID "${nodeCredentials.id}" is not a ${type}`);
		return new PlainCredentials(row.id, row.name, row.type, this.store);
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = await (await this.getCredentials(nodeCredentials, type)).getData();
		if (raw === true) return stored;
		return this.applyDefaults(stored, type, mode, executeData, expressionResolveValues);
	}

	/** Defaults from the type, then expressions (n8n's applyDefaultsAndOverwrites without overwrites). */
	applyDefaults(
		stored: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode = 'internal',
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): ICredentialDataDecryptedObject {
		let decrypted = NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			stored as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (expressionResolveValues) {
			decrypted = expressionResolveValues.workflow.expression.getParameterValue(
				decrypted as INodeParameters,
				expressionResolveValues.runExecutionData,
				expressionResolveValues.runIndex,
				expressionResolveValues.itemIndex,
				expressionResolveValues.node.name,
				expressionResolveValues.connectionInputData,
				mode,
				{},
				executeData,
				false,
				decrypted,
			) as ICredentialDataDecryptedObject;
		}
		return decrypted;
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const credentials = await this.getCredentials(nodeCredentials, type);
		await credentials.setData(data);
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const credentials = await this.getCredentials(nodeCredentials, type);
		await credentials.updateData({ oauthTokenData: data.oauthTokenData });
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.getCredentialType(type);
		if (!credentialType.extends) return credentialType.properties;
		const combined: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}
}
