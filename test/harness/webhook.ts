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

// ---------------------------------------------------------------------------------------------
// Concur-side fixtures, following the wire formats in reference/concur-api.md §1.2 and §5.

import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export interface SigningKey {
	privateKey: KeyObject;
	publicPem: string;
}

/** A fresh RSA-2048 key pair, like the one Concur signs ESS events with. */
export function generateSigningKey(): SigningKey {
	const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	return { privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** Concur-Signature as Concur makes it: RSASSA-PSS, SHA-256, MGF1-SHA-256, maximum salt (222). */
export function signPss(body: Buffer | string, key: KeyObject): string {
	return sign('sha256', Buffer.from(body), {
		key,
		padding: constants.RSA_PKCS1_PSS_PADDING,
		saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN,
	}).toString('base64');
}

/** The wrong scheme: a PKCS#1 v1.5 signature over the same bytes. */
export function signPkcs1(body: Buffer | string, key: KeyObject): string {
	return sign('sha256', Buffer.from(body), { key, padding: constants.RSA_PKCS1_PADDING }).toString('base64');
}

let eventCounter = 0;

/**
 * The timeStamp of an event made now. The trigger drops ESS events older than its duplicate
 * window (plus a tolerance) by the process clock, so a fixture stamped with a fixed date would
 * turn stale with time (and under the ±400-day shifted-clock run): stamp from the same clock.
 */
function stampedNow(): string {
	return new Date().toISOString();
}

/** The 2026 `statusChanged` sample event of §5.4, with a fresh id unless one is given, stamped now. */
export function expenseStatusChangedEvent(overrides: IDataObject = {}, facts: IDataObject = {}): IDataObject {
	eventCounter++;
	return {
		id: `0490b3fb-04ad-4919-b299-${String(eventCounter).padStart(12, '0')}`,
		correlationId: '7e38939d-62f1-4bb4-9eef-5ea71fcbb1d8',
		route: 'stable',
		eventType: 'statusChanged',
		topic: 'public.concur.expense.report',
		timeStamp: stampedNow(),
		facts: {
			currentApprovalStatus: 'A_PEND',
			reportId: 'CB899F7D9F73420A8D8B',
			stepCode: 'MANAGER',
			lastModifiedDate: '2023-04-07T22:10:57.817Z',
			userId: 'f2d07d5f-7a6f-44fa-98c7-c4b405bd6ca3',
			reportType: 'Regular',
			previousPaymentStatus: 'P_NOTP',
			companyId: '12fc85ee-6f43-4d85-ba0d-94e844849dc1',
			processId: '0211A2F15CD6354C8552FB9D7D83B331',
			currentPaymentStatus: 'P_NOTP',
			startingStep: {
				roleCode: 'MANAGER',
				stepInstances: [
					{ id: 'CE70C1563F9B63448B6EF338077622CE', assignedUserId: '45afdc31-0593-4e95-ba75-b094e9326b6d' },
				],
			},
			previousApprovalStatus: 'A_RESU',
			actingUserId: null,
			href: 'https://us.api.concursolutions.com/expensereports/v4/users/f2d07d5f-7a6f-44fa-98c7-c4b405bd6ca3/context/TRAVELER/reports/CB899F7D9F73420A8D8B',
			...facts,
		},
		...overrides,
	};
}

/** A request-event (public.concur.request) of §5.4, stamped now. */
export function requestEvent(eventType: string, facts: IDataObject = {}): IDataObject {
	eventCounter++;
	return {
		id: `9a1c2b3d-0000-4000-8000-${String(eventCounter).padStart(12, '0')}`,
		correlationId: 'c0ffee00-1111-2222-3333-444455556666',
		topic: 'public.concur.request',
		eventType,
		timeStamp: stampedNow(),
		facts: {
			href: 'https://us.api.concursolutions.com/travelrequest/v4/requests/7A1B2C3D',
			requestId: '7A1B2C3D',
			companyId: '12fc85ee-6f43-4d85-ba0d-94e844849dc1',
			stepCode: null,
			...facts,
		},
	};
}

/** Headers of a signed ESS delivery of `body`. */
export function essHeaders(body: string, key: KeyObject, extra: Record<string, string> = {}): Record<string, string> {
	return {
		'content-type': 'application/json',
		'concur-signature': signPss(body, key),
		'concur-correlationid': '610425c5-4c2e-4bdb-ab5d-02775e23c7c9',
		...extra,
	};
}

/** The verbatim push sample of §1.2 (no namespace). */
export const CALLOUT_NOTIFICATION_XML = `<?xml version="1.0" encoding="UTF-8" ?>
<Notification>
    <EventType>Report Entered Expense Report Workflow Step - SUBMIT</EventType>
    <ObjectType>EXPRPT</ObjectType>
    <ObjectURI>https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/3%Rek29$wsIY12Di3LS9$gjei%KL23</ObjectURI>
    <EventDateTime>2012-05-01</EventDateTime>
    <Context/>
</Notification>`;

/** What the trigger outputs for CALLOUT_NOTIFICATION_XML (key and URI kept byte for byte). */
export const CALLOUT_NOTIFICATION_OUTPUT = {
	eventType: 'Report Entered Expense Report Workflow Step - SUBMIT',
	workflowStep: 'SUBMIT',
	objectType: 'EXPRPT',
	objectTypeName: 'Expense Report',
	objectUri:
		'https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/3%Rek29$wsIY12Di3LS9$gjei%KL23',
	reportKey: '3%Rek29$wsIY12Di3LS9$gjei%KL23',
	eventDateTime: '2012-05-01',
	eventDateTimeRaw: '2012-05-01',
	context: null,
};

/** The notification shape of §1.3 (namespaced, date-time, i:nil context) as a pushed document. */
export const CALLOUT_NOTIFICATION_NAMESPACED_XML = `<?xml version="1.0" encoding="utf-8"?>
<Notification xmlns="http://www.concursolutions.com/api/notification/2012/06" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
    <Context i:nil="true" />
    <EventDateTime>2012-11-14T19:45:25</EventDateTime>
    <EventType>Report Entered Expense Report Workflow Step - REPORT SUBMITTED</EventType>
    <ObjectType>EXPRPT</ObjectType>
    <ObjectURI>https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/nxxKgLlnROzz$sHcpnRHQ$pALxamClaFfdC</ObjectURI>
</Notification>`;

export function basicAuthorization(username: string, password: string): string {
	return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
