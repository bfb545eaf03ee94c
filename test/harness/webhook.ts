/**
 * Runs a trigger's webhook() through n8n-core's real WebhookContext, the way n8n's live-webhook
 * handler does: a real Workflow built per request from the persisted static data (n8n loads the
 * workflow from its database for every call), the node's real parameters and credentials resolved
 * by the context, and an express-like request/response pair. After webhook() returns, the harness
 * plays n8n's part (webhook-helpers): a `noWebhookResponse` answer must already have been written
 * by the node (otherwise the caller would hang, which the result reports), `workflowData` means an
 * execution starts and "on received" answers 200, and static data changed during the call is
 * "saved" (counted, so tests can see the database writes).
 */
import { createRequire } from 'node:module';
import { EventEmitter } from 'node:events';

import { WebhookContext } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeType,
	type INodeTypes,
	type IWebhookData,
	type IWebhookDescription,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

// n8n-core ships its own copies of @n8n/di and @n8n/backend-common; register the test logger
// and instance settings in the container n8n-core actually reads.
const coreRequire = createRequire(require.resolve('n8n-core'));
const { Container } = coreRequire('@n8n/di') as typeof import('@n8n/di');
const { Logger } = coreRequire('@n8n/backend-common') as { Logger: new (...args: never[]) => unknown };
const { InstanceSettings } = coreRequire('n8n-core') as { InstanceSettings: new (...args: never[]) => unknown };

export interface LogLine {
	level: 'error' | 'warn' | 'info' | 'debug';
	message: string;
	meta?: unknown;
}

/** Every logger call made through n8n-core's Logger while the harness is installed. */
export const capturedLogs: LogLine[] = [];

function makeLogger() {
	const record = (level: LogLine['level']) => (message: string, meta?: unknown) => {
		capturedLogs.push({ level, message, meta });
	};
	const logger = {
		error: record('error'),
		warn: record('warn'),
		info: record('info'),
		debug: record('debug'),
		scoped: () => logger,
	};
	return logger;
}

let installed = false;
function installContainer(): void {
	if (installed) return;
	Container.set(Logger as never, makeLogger() as never);
	Container.set(InstanceSettings as never, { instanceId: 'test-instance', n8nFolder: '/nonexistent' } as never);
	installed = true;
}

/** An express-like response: records status, headers and body, and whether it was ended. */
export class FakeResponse extends EventEmitter {
	statusCode = 200;
	headers: Record<string, string> = {};
	body = '';
	ended = false;
	headersSent = false;

	get writableEnded(): boolean {
		return this.ended;
	}

	setHeader(name: string, value: string | number | string[]): this {
		this.headers[name.toLowerCase()] = String(value);
		return this;
	}

	getHeader(name: string): string | undefined {
		return this.headers[name.toLowerCase()];
	}

	writeHead(status: number, headers?: Record<string, string | number>): this {
		if (this.headersSent) throw new Error('writeHead after headers were sent');
		this.statusCode = status;
		for (const [name, value] of Object.entries(headers ?? {})) this.setHeader(name, value);
		this.headersSent = true;
		return this;
	}

	status(code: number): this {
		this.statusCode = code;
		return this;
	}

	write(chunk: string | Buffer): boolean {
		this.headersSent = true;
		this.body += chunk.toString();
		return true;
	}

	end(chunk?: string | Buffer): this {
		if (this.ended) throw new Error('response ended twice');
		if (chunk !== undefined) this.body += chunk.toString();
		this.headersSent = true;
		this.ended = true;
		this.emit('finish');
		return this;
	}

	send(body: string | Buffer | object): this {
		if (typeof body === 'object' && !Buffer.isBuffer(body)) return this.json(body);
		return this.end(body);
	}

	json(body: unknown): this {
		this.setHeader('content-type', 'application/json; charset=utf-8');
		return this.end(JSON.stringify(body));
	}
}

export interface WebhookRequestSpec {
	method?: 'GET' | 'POST';
	/** Which of the node's webhooks n8n matched; defaults from the method ('default' for POST). */
	webhookName?: 'default' | 'setup';
	/** Path suffix of the matched webhook description (defaults to the first one of that name). */
	path?: string;
	headers?: Record<string, string | string[]>;
	body?: Buffer | string;
	/** What n8n's body parser would have put in req.body (default: JSON-parsed body when JSON). */
	parsedBody?: unknown;
	/** Leave req.rawBody unset so the node has to call req.readRawBody(). */
	withoutRawBody?: boolean;
}

export interface WebhookCallResult {
	/** The status, headers and body the caller received. */
	status: number;
	headers: Record<string, string>;
	body: string;
	/** What webhook() returned (undefined when it threw). */
	returned?: IWebhookResponseData;
	thrown?: unknown;
	/** Whether an execution would start (webhook() returned workflowData). */
	executed: boolean;
	items: IDataObject[];
	/** Whether the caller would wait forever (noWebhookResponse but nothing written). */
	hung: boolean;
	/** Whether n8n would write static data to its database after this call. */
	staticDataWritten: boolean;
}

export interface TriggerHarnessOptions {
	nodeType: INodeType;
	nodeTypeName?: string;
	parameters: IDataObject;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	mode?: WorkflowExecuteMode;
	workflowId?: string;
	nodeId?: string;
	staticData?: IDataObject;
}

let harnessCounter = 0;

/** One trigger node in one workflow; call() simulates one HTTP request reaching it. */
export class TriggerHarness {
	readonly nodeTypeName: string;
	/** Unique per harness unless given, so in-process state of one test never leaks into another. */
	readonly workflowId: string;
	/** The workflow's static data as n8n's database holds it between requests. */
	persistedStaticData: IDataObject;
	staticDataWrites = 0;
	readonly responses: FakeResponse[] = [];
	private readonly nodeTypes: INodeTypes;

	constructor(private readonly options: TriggerHarnessOptions) {
		installContainer();
		this.nodeTypeName = options.nodeTypeName ?? `n8n-nodes-concur.${options.nodeType.description.name}`;
		const nodeType = options.nodeType;
		this.nodeTypes = {
			getByName: () => nodeType,
			getByNameAndVersion: () => nodeType,
			getKnownTypes: () => ({}),
		} as unknown as INodeTypes;
		this.persistedStaticData = JSON.parse(JSON.stringify(options.staticData ?? {}));
		this.workflowId = options.workflowId ?? `wf-concur-trigger-${++harnessCounter}`;
	}

	private node(): INode {
		const credentials: INode['credentials'] = {};
		for (const type of Object.keys(this.options.credentials)) {
			credentials[type] = { id: `cred-${type}`, name: type };
		}
		return {
			id: this.options.nodeId ?? 'node-concur-trigger',
			name: 'Concur Trigger',
			type: this.nodeTypeName,
			typeVersion: 1,
			position: [0, 0],
			webhookId: 'f0f0f0f0-1111-2222-3333-444444444444',
			parameters: this.options.parameters as INode['parameters'],
			credentials,
		};
	}

	private description(name: string, method: string, path?: string): IWebhookDescription {
		const all = this.options.nodeType.description.webhooks ?? [];
		const found = all.find(
			(webhook) =>
				webhook.name === name &&
				webhook.httpMethod === method &&
				(path === undefined || webhook.path === path),
		);
		if (!found) throw new Error(`The node has no ${method} webhook named ${name} at ${path ?? '(any)'}`);
		return found;
	}

	async call(spec: WebhookRequestSpec): Promise<WebhookCallResult> {
		const method = spec.method ?? 'POST';
		const webhookName = spec.webhookName ?? (method === 'POST' ? 'default' : 'setup');
		const webhookDescription = this.description(webhookName, method, spec.path);
		const node = this.node();
		// A fresh Workflow per request, loaded from the persisted static data (as n8n does).
		const workflow = new Workflow({
			id: this.workflowId,
			name: 'Concur trigger test',
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes: this.nodeTypes,
			staticData: JSON.parse(JSON.stringify(this.persistedStaticData)),
		});

		const rawBody = spec.body === undefined ? Buffer.alloc(0) : Buffer.from(spec.body);
		const headers: Record<string, string | string[]> = {};
		for (const [name, value] of Object.entries(spec.headers ?? {})) headers[name.toLowerCase()] = value;
		let parsedBody = spec.parsedBody;
		if (parsedBody === undefined && /json/i.test(String(headers['content-type'] ?? ''))) {
			try {
				parsedBody = JSON.parse(rawBody.toString('utf8'));
			} catch {
				parsedBody = {};
			}
		}
		const req = {
			method,
			url: `/webhook/${node.webhookId}/${webhookDescription.path}`,
			headers,
			body: parsedBody ?? {},
			query: {},
			params: {},
			rawBody: spec.withoutRawBody ? undefined : rawBody,
			readRawBody: async function (this: { rawBody?: Buffer }) {
				this.rawBody = rawBody;
			},
		};
		const res = new FakeResponse();
		this.responses.push(res);

		const additionalData = {
			httpRequest: req,
			httpResponse: res,
			credentialsHelper: {
				isCredentialUsableByNode: () => true,
				getDecrypted: async (_additional: unknown, _nodeCredentials: unknown, type: string) => {
					const data = this.options.credentials[type];
					if (!data) throw new Error(`No test credential of type ${type}`);
					return { ...data };
				},
			},
			executionId: undefined,
			variables: {},
			webhookBaseUrl: 'https://n8n.example.test/webhook/',
			webhookTestBaseUrl: 'https://n8n.example.test/webhook-test/',
			restApiUrl: 'https://n8n.example.test/rest',
			instanceBaseUrl: 'https://n8n.example.test/',
		} as unknown as IWorkflowExecuteAdditionalData;

		const webhookData = {
			httpMethod: method,
			node: node.name,
			path: webhookDescription.path,
			webhookDescription,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
		} as unknown as IWebhookData;

		const context = new WebhookContext(
			workflow,
			node,
			additionalData,
			this.options.mode ?? 'webhook',
			webhookData,
			[],
			null,
		);

		let returned: IWebhookResponseData | undefined;
		let thrown: unknown;
		try {
			returned = await this.options.nodeType.webhook!.call(context);
		} catch (error) {
			thrown = error;
		}

		// n8n's part (webhook-helpers.executeWebhook, response mode "on received").
		let hung = false;
		if (thrown !== undefined) {
			if (!res.ended) res.status(500).json({ message: 'Error in workflow' });
		} else if (returned?.noWebhookResponse === true) {
			hung = !res.ended;
		} else if (returned?.workflowData === undefined) {
			if (!res.ended) res.status(200).json(returned?.webhookResponse ?? { message: 'Webhook call received' });
		} else if (!res.ended) {
			// webhook-on-received-response-extractor: 'noData' → empty body, a custom value as is,
			// else the node's webhookResponse, else n8n's default message.
			const responseData = webhookDescription.responseData;
			if (responseData === 'noData') res.status(200).end();
			else if (responseData) res.status(200).send(String(responseData));
			else res.status(200).json(returned.webhookResponse ?? { message: 'Workflow was started' });
		}

		const staticData = workflow.staticData as IDataObject & { __dataChanged?: boolean };
		const staticDataWritten = staticData.__dataChanged === true;
		if (staticDataWritten) {
			const copy = JSON.parse(JSON.stringify(staticData)) as IDataObject;
			delete copy.__dataChanged;
			this.persistedStaticData = copy;
			this.staticDataWrites++;
		}

		const workflowData = returned?.workflowData;
		return {
			status: res.statusCode,
			headers: res.headers,
			body: res.body,
			returned,
			thrown,
			executed: workflowData !== undefined,
			items: (workflowData?.[0] ?? []).map((item) => item.json),
			hung,
			staticDataWritten,
		};
	}
}
