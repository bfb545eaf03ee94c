/**
 * Runs workflows through n8n-core's real engine: an n8n-workflow `Workflow` executed by n8n-core's
 * `WorkflowExecute`, with this package's nodes loaded from source, the harness credentials helper
 * (n8n's preAuthentication/authenticate semantics, in-memory store) and n8n-core's real
 * request helpers (httpRequestWithAuthentication → OutboundHttp from the DI container).
 *
 *   const result = await runWorkflow({ nodes, connections, credentials: { concurOAuth2Api: {...} } });
 *   result.items('Concur')   // output JSON of a node, result.error('Concur') its error
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IConnections,
	IDataObject,
	IExecuteData,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeType,
	IRun,
	IRunExecutionData,
	ITaskDataConnections,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData, Workflow } from 'n8n-workflow';
import { ErrorReporter, ExecuteContext, ExecutionLifecycleHooks, RoutingNode, WorkflowExecute } from 'n8n-core';

import { HarnessCredentialsHelper } from './credentials';
import { HarnessNodeTypes } from './nodeTypes';

export { HarnessCredentialsHelper } from './credentials';
export { HarnessNodeTypes, PACKAGE_NAME } from './nodeTypes';

export type HarnessNode = Partial<INode> & Pick<INode, 'name' | 'type'>;

export interface RunWorkflowOptions {
	nodes: HarnessNode[];
	connections?: IConnections;
	/**
	 * Credentials by type. Each is stored once and attached to every node whose type declares
	 * that credential (unless the node names its own). Reuse a helper to keep the store between runs.
	 */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Credentials already in the helper's store, by type → id (a later run of the same credential). */
	credentialIds?: Record<string, string>;
	credentialsHelper?: HarnessCredentialsHelper;
	nodeTypes?: HarnessNodeTypes;
	/** Node to start from; default: the first node without incoming connections. */
	startNode?: string;
	mode?: WorkflowExecuteMode;
}

export interface WorkflowResult {
	run: IRun;
	credentialsHelper: HarnessCredentialsHelper;
	/** Credential ids in the harness store, by type. */
	credentialIds: Record<string, string>;
	/** Output items (json) of a node's first run, main output `output`. */
	items(nodeName: string, output?: number): IDataObject[];
	/** Full output items (json, pairedItem, error) of a node's first run. */
	executionData(nodeName: string, output?: number): INodeExecutionData[];
	/** The error a node's first run ended with, if any. */
	error(nodeName: string): (Error & IDataObject) | undefined;
}

let sharedNodeTypes: HarnessNodeTypes | undefined;

/**
 * What n8n-core hands its ErrorReporter (node errors, in n8n sent to Sentry and the log). Collected
 * here instead of printed so test output stays readable; tests may assert on it.
 */
export const errorReports: unknown[] = [];
// n8n-core ships its own copy of @n8n/di: its container is the one the engine reads from.
const { Container } = require(require.resolve('@n8n/di', { paths: [require.resolve('n8n-core')] })) as typeof import('@n8n/di');
Container.set(ErrorReporter, {
	error: (error: unknown) => errorReports.push(error),
	warn: (warning: unknown) => errorReports.push(warning),
	info: () => undefined,
} as unknown as ErrorReporter);

export function getNodeTypes(): HarnessNodeTypes {
	sharedNodeTypes ??= new HarnessNodeTypes();
	return sharedNodeTypes;
}

function completeNode(node: HarnessNode, index: number): INode {
	return {
		id: node.id ?? `node-${index}`,
		typeVersion: 1,
		position: [index * 200, 0],
		parameters: {},
		...node,
	} as INode;
}

/** A minimal additionalData with the fields n8n-core reads while executing nodes. */
export function createAdditionalData(
	credentialsHelper: HarnessCredentialsHelper,
	workflow: Workflow | undefined,
	mode: WorkflowExecuteMode = 'manual',
): IWorkflowExecuteAdditionalData {
	const executionId = `harness-${Date.now()}`;
	const additionalData = {
		credentialsHelper,
		executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formBaseUrl: 'http://localhost:5678/form',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		formTestBaseUrl: 'http://localhost:5678/form-test',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		mcpBaseUrl: 'http://localhost:5678/mcp',
		mcpTestBaseUrl: 'http://localhost:5678/mcp-test',
		variables: {},
		logAiEvent: () => undefined,
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not supported by the harness');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		startRunnerTask: async () => {
			throw new Error('Task runners are not supported by the harness');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
	if (workflow) {
		additionalData.hooks = new ExecutionLifecycleHooks(mode, executionId, {
			id: workflow.id,
			name: workflow.name ?? 'Harness workflow',
			active: false,
			isArchived: false,
			nodes: Object.values(workflow.nodes),
			connections: workflow.connectionsBySourceNode,
			settings: {},
			createdAt: new Date(),
			updatedAt: new Date(),
			activeVersionId: null,
		} as never);
	}
	return additionalData;
}

function declaredCredentialNames(nodeTypes: HarnessNodeTypes, node: INode): string[] {
	try {
		const type = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		return (type.description.credentials ?? []).map((credential) => credential.name);
	} catch {
		return [];
	}
}

export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowResult> {
	const nodeTypes = options.nodeTypes ?? getNodeTypes();
	const credentialsHelper = options.credentialsHelper ?? new HarnessCredentialsHelper();
	const mode = options.mode ?? 'manual';
	const nodes = options.nodes.map(completeNode);
	const connections = options.connections ?? {};

	const credentialIds: Record<string, string> = { ...(options.credentialIds ?? {}) };
	for (const [type, data] of Object.entries(options.credentials ?? {})) {
		credentialIds[type] = credentialsHelper.store.add(type, data).id as string;
	}
	for (const [type, id] of Object.entries(credentialIds)) {
		const details: INodeCredentialsDetails = { id, name: credentialsHelper.store.get(id).name };
		for (const node of nodes) {
			if (node.credentials?.[type]) continue;
			if (declaredCredentialNames(nodeTypes, node).includes(type)) {
				node.credentials = { ...(node.credentials ?? {}), [type]: details };
			}
		}
	}

	const workflow = new Workflow({
		id: 'harness-workflow',
		name: 'Harness workflow',
		nodes,
		connections,
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});

	const destinations = new Set(
		Object.values(connections).flatMap((byType) =>
			Object.values(byType).flatMap((outputs) =>
				(outputs ?? []).flatMap((targets) => (targets ?? []).map((target) => target.node)),
			),
		),
	);
	const startName = options.startNode ?? nodes.find((node) => !destinations.has(node.name))?.name;
	const startNode = startName ? workflow.getNode(startName) ?? undefined : undefined;
	if (!startNode) throw new Error('The workflow has no start node');

	const additionalData = createAdditionalData(credentialsHelper, workflow, mode);
	const run = await new WorkflowExecute(additionalData, mode).run({ workflow, startNode });

	const firstRun = (nodeName: string) => run.data.resultData.runData[nodeName]?.[0];
	return {
		run,
		credentialsHelper,
		credentialIds,
		executionData: (nodeName, output = 0) => firstRun(nodeName)?.data?.main?.[output] ?? [],
		items: (nodeName, output = 0) =>
			(firstRun(nodeName)?.data?.main?.[output] ?? []).map((item) => item.json),
		error: (nodeName) => firstRun(nodeName)?.error as (Error & IDataObject) | undefined,
	};
}

/** Runs one node after a manual trigger that feeds `items`. */
export async function runNode(options: {
	type: string;
	parameters?: IDataObject;
	items?: IDataObject[];
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	credentialIds?: Record<string, string>;
	credentialsHelper?: HarnessCredentialsHelper;
	nodeTypes?: HarnessNodeTypes;
	typeVersion?: number;
	name?: string;
	continueOnFail?: boolean;
}): Promise<WorkflowResult & { output: IDataObject[]; nodeError?: Error & IDataObject }> {
	const name = options.name ?? 'Node';
	const result = await runWorkflow({
		nodes: [
			{
				name: 'Trigger',
				type: 'n8n-nodes-base.manualTrigger',
				parameters: { items: JSON.stringify(options.items ?? [{}]) },
			},
			{
				name,
				type: options.type,
				typeVersion: options.typeVersion ?? 1,
				parameters: (options.parameters ?? {}) as INode['parameters'],
				...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			},
		],
		connections: { Trigger: { main: [[{ node: name, type: 'main', index: 0 }]] } },
		credentials: options.credentials,
		credentialIds: options.credentialIds,
		credentialsHelper: options.credentialsHelper,
		nodeTypes: options.nodeTypes,
	});
	return { ...result, output: result.items(name), nodeError: result.error(name) };
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

/**
 * n8n's credential test (packages/cli/src/services/credentials-tester.service.ts) for a credential
 * whose type defines `test.request`: a mock noOp node with a `temp` property routed to that
 * request, run by n8n-core's RoutingNode with the credential passed in decrypted. A thrown HTTP
 * failure becomes { status: 'Error' } the way n8n reports it.
 */
export async function testCredential(
	type: string,
	credentialId: string,
	credentialsHelper: HarnessCredentialsHelper,
): Promise<CredentialTestResult> {
	const credentialType = credentialsHelper.getCredentialType(type);
	if (!credentialType.test) return { status: 'Error', message: 'No testing function found for this credential.' };

	const stored = credentialsHelper.store.get(credentialId);
	const credentialsDecrypted: ICredentialsDecrypted = {
		id: stored.id,
		name: stored.name,
		type,
		data: credentialsHelper.applyDefaults(await (await credentialsHelper.getCredentials({ id: stored.id, name: stored.name }, type)).getData(), type),
	};

	const nodeTypes = new HarnessNodeTypes();
	const noOp = nodeTypes.getByNameAndVersion('n8n-nodes-base.noOp');
	const nodeTypeCopy: INodeType = {
		description: {
			...noOp.description,
			credentials: [{ name: type, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: credentialType.test.request },
					default: '',
				},
			],
		},
	};
	nodeTypes.register('n8n-nodes-base.noOp', nodeTypeCopy);

	const credentialDetails: INodeCredentialsDetails = { id: stored.id, name: stored.name };
	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [0, 0],
		credentials: { [type]: credentialDetails },
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const additionalData = createAdditionalData(credentialsHelper, undefined, 'internal');
	const runExecutionData: IRunExecutionData = createRunExecutionData({ resultData: { runData: {} } });
	const inputData: ITaskDataConnections = { main: [[{ json: {} }]] };
	const executeData: IExecuteData = { node, data: {}, source: null };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		runExecutionData,
		0,
		[],
		inputData,
		executeData,
		[],
	);
	try {
		await new RoutingNode(context, nodeTypeCopy, credentialsDecrypted).runNode();
	} catch (error) {
		const cause = (error as { cause?: { response?: { status?: number; statusText?: string }; code?: string } }).cause;
		if (cause?.response?.status !== undefined) {
			const { status, statusText } = cause.response;
			if (status < 199 || status > 299) {
				return { status: 'Error', message: statusText || `Received HTTP status code: ${status}` };
			}
		} else if (cause?.code) {
			return { status: 'Error', message: cause.code };
		}
		return { status: 'Error', message: String((error as Error).message) };
	}
	return { status: 'OK', message: 'Connection successful!' };
}
