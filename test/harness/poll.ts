/**
 * Runs a polling trigger the way an active n8n workflow does: n8n-core's real `PollContext`
 * (request helpers, credentials through the harness credentials helper, static data) handed to
 * n8n-core's `TriggersAndPollers.runPollFunction`, the function n8n's poll scheduler calls.
 *
 * Like n8n, one long-lived `Workflow` holds the node's static data between polls, so a node that
 * changed its state and then failed would keep that change (the tests would see it). After every
 * poll the static data also makes the JSON round trip n8n's database save makes.
 *
 *   const trigger = new PollHarness({ parameters, credentials: { concurOAuth2Api: {...} } });
 *   trigger.budgetMs = 0;                 // getPollBudgetMs() answer; undefined = n8n without it
 *   const { items, error } = await trigger.poll();           // mode 'trigger'
 *   await trigger.poll('manual');                            // "Fetch test event"
 *   trigger.nodeState()                                      // the node's static data (plain JSON)
 *   trigger.restartProcess()                                 // n8n restarted: in-memory state gone
 *
 * The workflow's time zone (`this.getTimezone()`) is `timezone`, UTC unless given: n8n's own
 * default (America/New_York) would make every date a test writes depend on it.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeTypes,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';
import { PollContext, runPollInStagingScope, TriggersAndPollers } from 'n8n-core';

import { HarnessCredentialsHelper, createAdditionalData, getNodeTypes } from './engine';
import { PACKAGE_NAME } from './nodeTypes';

// n8n-core's own DI container (the engine reads its services from there).
const { Container } = require(require.resolve('@n8n/di', { paths: [require.resolve('n8n-core')] })) as typeof import('@n8n/di');

export interface PollHarnessOptions {
	/** Node type name without the package prefix; default the Concur Polling Trigger. */
	type?: string;
	name?: string;
	parameters: IDataObject;
	/** Credentials by type, stored once in the helper and attached to the node. */
	credentials: Record<string, ICredentialDataDecryptedObject>;
	credentialsHelper?: HarnessCredentialsHelper;
	/** Static data to start with (as stored by n8n: `{ 'node:<name>': {...} }`). */
	staticData?: IDataObject;
	/** The workflow's time zone (its `settings.timezone`); default UTC. */
	timezone?: string;
}

export interface PollOutcome {
	/** The items of the first output, or null when the poll returned null. */
	items: IDataObject[] | null;
	error?: Error & IDataObject;
}

let harnessCount = 0;

export class PollHarness {
	/** What getPollBudgetMs() answers; undefined removes the method (n8n 1.x). */
	budgetMs: number | undefined = 5 * 60_000;

	readonly credentialsHelper: HarnessCredentialsHelper;
	readonly node: INode;
	private workflow: Workflow;
	private readonly settings: Workflow['settings'];

	constructor(options: PollHarnessOptions) {
		this.credentialsHelper = options.credentialsHelper ?? new HarnessCredentialsHelper();
		const credentials: INode['credentials'] = {};
		for (const [type, data] of Object.entries(options.credentials)) {
			const stored = this.credentialsHelper.store.add(type, data);
			credentials[type] = { id: stored.id as string, name: stored.name };
		}
		this.node = {
			id: 'poll-node',
			name: options.name ?? 'Concur Polling Trigger',
			type: `${PACKAGE_NAME}.${options.type ?? 'concurPollingTrigger'}`,
			typeVersion: 1,
			position: [0, 0],
			parameters: options.parameters as INode['parameters'],
			credentials,
		};
		this.settings = { executionOrder: 'v1', timezone: options.timezone ?? 'UTC' };
		this.workflow = new Workflow({
			// One workflow per harness, as in n8n: node-scoped in-memory state does not leak across.
			id: `poll-workflow-${++harnessCount}`,
			name: 'Poll harness workflow',
			nodes: [this.node],
			connections: {},
			active: true,
			nodeTypes: getNodeTypes(),
			staticData: options.staticData ?? {},
			settings: this.settings,
		});
	}

	/** The node's static data as plain JSON (what n8n would have stored). */
	nodeState(): IDataObject {
		const data = JSON.parse(JSON.stringify(this.workflow.staticData)) as IDataObject;
		return (data[`node:${this.node.name}`] as IDataObject | undefined) ?? {};
	}

	/** The workflow's whole static data as plain JSON, as n8n stored it after the last poll. */
	storedStaticData(): IDataObject {
		return JSON.parse(JSON.stringify(this.workflow.staticData)) as IDataObject;
	}

	/**
	 * Hands the next poll this static data instead: n8n 2.40 stores a poll's cursor with the
	 * execution it starts, after the poll returned, so a poll that starts before that sees the
	 * cursor from before the previous poll (or for good, when that execution failed to start).
	 */
	handNextPoll(staticData: IDataObject): void {
		this.workflow.staticData = this.observable(staticData);
	}

	/**
	 * A new n8n process: the node's code is loaded afresh, so nothing it kept in memory survives;
	 * the stored static data stays.
	 */
	restartProcess(): void {
		let nodeTypes: INodeTypes | undefined;
		jest.isolateModules(() => {
			const { HarnessNodeTypes } = require('./nodeTypes') as typeof import('./nodeTypes');
			nodeTypes = new HarnessNodeTypes();
		});
		this.workflow = new Workflow({
			id: this.workflow.id,
			name: this.workflow.name,
			nodes: [this.node],
			connections: {},
			active: true,
			nodeTypes: nodeTypes!,
			staticData: this.storedStaticData(),
			settings: this.settings,
		});
	}

	/** Replaces the node's parameters (e.g. a user editing the node between polls). */
	setParameters(parameters: IDataObject): void {
		this.node.parameters = parameters as INode['parameters'];
	}

	async poll(mode: WorkflowExecuteMode = 'trigger'): Promise<PollOutcome> {
		const additionalData = createAdditionalData(this.credentialsHelper, this.workflow, mode);
		const context = new PollContext(
			this.workflow,
			this.node,
			additionalData,
			mode,
			mode === 'manual' ? 'manual' : 'activate',
		);
		if (this.budgetMs === undefined) {
			Object.defineProperty(context, 'getPollBudgetMs', { value: undefined });
		} else {
			const budget = this.budgetMs;
			Object.defineProperty(context, 'getPollBudgetMs', { value: () => budget });
		}
		let outcome: PollOutcome;
		try {
			const result = (await runPollInStagingScope(context, async () =>
				await Container.get(TriggersAndPollers).runPollFunction(this.workflow, this.node, context),
			)) as INodeExecutionData[][] | null;
			outcome = { items: result ? (result[0] ?? []).map((item) => item.json) : null };
		} catch (error) {
			outcome = { items: null, error: error as Error & IDataObject };
		}
		// n8n saves static data as JSON; a value that does not survive that would be lost there too.
		this.workflow.staticData = this.reloaded();
		return outcome;
	}

	private reloaded(): Workflow['staticData'] {
		return this.observable(this.workflow.staticData);
	}

	/** A JSON copy of `staticData`, observable the way n8n's Workflow makes it. */
	private observable(staticData: IDataObject): Workflow['staticData'] {
		const fresh = new Workflow({
			id: this.workflow.id,
			nodes: [this.node],
			connections: {},
			active: true,
			nodeTypes: getNodeTypes(),
			staticData: JSON.parse(JSON.stringify(staticData)) as IDataObject,
			settings: this.settings,
		});
		return fresh.staticData;
	}
}
