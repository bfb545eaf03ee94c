/**
 * List Item > Sync: makes a Concur list hold the input's items. Runs once for all input items
 * (each input item is one list item: code, name, parent code), reads the list (every level),
 * plans with the pure `syncPlan.ts`, and writes through the bulk API, 250 parts a call.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	IPairedItemData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { scopeToOperation } from '../displayOptions';
import { listIdProperty, readListId } from '../list/descriptions';
import { batchesOf, bulkPath, createPart, patchPart, readBulkResponse } from './bulk';
import type { InputRow, PlannedChange, SyncPlan, SyncProblem } from './syncPlan';
import { planListSync, readDesiredSet } from './syncPlan';
import { readListTree, toCurrentItem } from './tree';

const properties: INodeProperties[] = [
	{
		displayName:
			'Sync runs once for all input items: each input item is one item the list should hold. Items Concur refuses are reported with an error.',
		name: 'syncNotice',
		type: 'notice',
		default: '',
	},
	listIdProperty('The ID of the list (a UUID) to make match the input, from List > Get Many'),
	{
		displayName: 'Code',
		name: 'code',
		type: 'string',
		required: true,
		default: '={{ $json.code }}',
		placeholder: 'e.g. {{ $json.code }}',
		description:
			'The code of the item, per input item (an expression), without hyphens. Input items without a code and name are skipped.',
	},
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '={{ $json.name }}',
		placeholder: 'e.g. {{ $json.name }}',
		description: 'The name of the item users see in Concur, per input item (an expression)',
	},
	{
		displayName: 'Parent Code',
		name: 'parentCode',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.parentCode }}',
		description:
			'For connected (multi-level) lists: the code of the parent item, per input item; for an item below the second level, the parent\'s long code (codes of its levels joined by hyphens, e.g. PRJ1-PHASE2). Leave empty for first-level items.',
	},
	{
		displayName: 'Delete Items Not in Input',
		name: 'deleteMissing',
		type: 'boolean',
		default: false,
		description:
			'Whether to delete the items of the list that are not in the input (parents of input items are kept). Off: they are left alone.',
	},
	{
		displayName: 'Allow Empty Input to Delete All',
		name: 'allowEmptyInputToDeleteAll',
		type: 'boolean',
		default: false,
		description:
			'Whether an input without any item may delete every item of the list. Off: such a run deletes nothing, in case the source came back empty by mistake.',
		displayOptions: { show: { deleteMissing: [true] } },
	},
	{
		displayName: 'Dry Run',
		name: 'dryRun',
		type: 'boolean',
		default: false,
		description: 'Whether to only report what the sync would do, without changing anything in Concur',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				options: [
					{ name: 'One Item per List Item', value: 'items', description: 'An item per created, updated, deleted, unchanged or skipped list item' },
					{ name: 'One Item per List Item and a Summary', value: 'itemsAndSummary', description: 'The same, then one summary item' },
					{ name: 'Summary Only', value: 'summary', description: 'One item with the counts (and the failures)' },
				],
				default: 'items',
				description: 'What the node outputs',
			},
			{
				displayName: 'Return IDs of Created Items',
				name: 'returnCreatedIds',
				type: 'boolean',
				default: false,
				description:
					'Whether to read the list again after creating items, so created items carry their Concur ID (one more read: a call per 100 items). Off: their ID is null.',
			},
		],
	},
];

const displayOptions = { show: { resource: ['listItem'], operation: ['sync'] } };

export const description = scopeToOperation(displayOptions, properties);

/** The router calls `execute` once with every input item (see actions/router.ts). */
export const runsOnceForAllItems = true;

/** Failures listed in the summary and in the error message, at most. */
const FAILURES_SHOWN = 100;

interface SyncOptions {
	output?: 'items' | 'itemsAndSummary' | 'summary';
	returnCreatedIds?: boolean;
}

/** What became of one planned change: Concur's message when it refused it. */
type Refusals = Map<string, string>;

function describeProblem(problem: SyncProblem): string {
	return `input item ${problem.inputItems[0]}: ${problem.message}`;
}

/** Sends one kind of bulk change in batches; refused parts land in `refused`. */
async function sendBulk(
	this: IExecuteFunctions,
	method: 'POST' | 'PATCH',
	listId: string,
	changes: PlannedChange[],
	refused: Refusals,
	unmatched: string[],
): Promise<void> {
	for (const batch of batchesOf(changes)) {
		const sent = new Set(batch.map((change) => change.longCode));
		try {
			const response = await concurApiRequest.call(this, {
				method,
				url: bulkPath(listId),
				body: { requests: batch.map(method === 'POST' ? createPart : patchPart) },
				format: 'json',
			});
			const outcome = readBulkResponse(response, sent);
			for (const [longCode, message] of outcome.refused) refused.set(longCode, message);
			unmatched.push(...outcome.unmatched);
		} catch (error) {
			// 400: Concur refused every part of the batch (FAILURE) or the request itself; the
			// other batches go on. Anything else (auth, 5xx, network) stops the sync.
			if (!(error instanceof NodeApiError) || error.httpCode !== '400') throw new NodeApiError(this.getNode(), error as JsonObject);
			const message = `Concur refused the whole batch: ${error.message}`;
			for (const longCode of sent) refused.set(longCode, message);
		}
	}
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const listId = readListId.call(this, 0);
	const deleteMissing = this.getNodeParameter('deleteMissing', 0, false) as boolean;
	const allowEmptyInputToDeleteAll = deleteMissing && (this.getNodeParameter('allowEmptyInputToDeleteAll', 0, false) as boolean);
	const dryRun = this.getNodeParameter('dryRun', 0, false) as boolean;
	const options = this.getNodeParameter('options', 0, {}) as SyncOptions;
	const output = options.output ?? 'items';

	const rows: InputRow[] = items.map((_, itemIndex) => ({
		code: this.getNodeParameter('code', itemIndex, ''),
		name: this.getNodeParameter('name', itemIndex, ''),
		parentCode: this.getNodeParameter('parentCode', itemIndex, ''),
	}));
	const desired = readDesiredSet(rows);
	const continueOnFail = this.continueOnFail();
	const stopOnProblems = (problems: SyncProblem[]) => {
		if (problems.length === 0 || continueOnFail) return;
		const [first] = problems;
		throw new NodeOperationError(this.getNode(), `List Item Sync, ${describeProblem(first)}`, {
			itemIndex: first.inputItems[0],
			description:
				(problems.length > 1 ? `${problems.length} input items cannot be synced: ${problems.slice(0, 10).map(describeProblem).join('; ')}. ` : '') +
				'Nothing was changed in Concur. Fix the input, or turn on Continue On Fail to sync the other items.',
		});
	};
	// Input that cannot be read stops the node before Concur is even called.
	stopOnProblems(desired.problems);

	const current = (await readListTree.call(this, listId)).map(toCurrentItem).filter((item) => item !== undefined);
	const plan: SyncPlan = planListSync(current, desired, { deleteMissing, allowEmptyInputToDeleteAll });
	stopOnProblems(plan.problems);

	const refused: Refusals = new Map();
	const unmatched: string[] = [];
	const createdIds = new Map<string, string>();
	if (!dryRun) {
		await sendBulk.call(this, 'POST', listId, plan.creates, refused, unmatched);
		await sendBulk.call(this, 'PATCH', listId, [...plan.updates, ...plan.deletes], refused, unmatched);
		if (options.returnCreatedIds && plan.creates.some((change) => !refused.has(change.longCode))) {
			for (const row of await readListTree.call(this, listId)) {
				const item = toCurrentItem(row);
				if (item) createdIds.set(item.code, item.id);
			}
		}
	}

	const everyInput: IPairedItemData[] = items.map((_, item) => ({ item }));
	// A deleted item comes from no input item: it is paired with the first (pairing each of
	// thousands of deletes with every input item would multiply the execution data).
	const pairedOf = (inputItems: number[]) => (inputItems.length ? inputItems.map((item) => ({ item })) : [{ item: 0 }]);
	const changes = [...plan.creates, ...plan.updates, ...plan.deletes, ...plan.unchanged];
	const failures = changes.filter((change) => refused.has(change.longCode));

	const results: INodeExecutionData[] = [];
	if (output !== 'summary') {
		for (const change of changes) {
			const error = refused.get(change.longCode);
			const json: IDataObject = {
				code: change.code,
				parentCode: change.parentCode,
				longCode: change.longCode,
				name: change.name,
				action: change.action,
				id: change.id ?? createdIds.get(change.longCode) ?? null,
			};
			if (change.previousName !== undefined) json.previousName = change.previousName;
			if (dryRun) json.dryRun = true;
			if (error !== undefined) json.error = error;
			results.push({ json, pairedItem: pairedOf(change.inputItems) });
		}
		for (const problem of plan.problems) {
			results.push({
				json: {
					code: problem.code,
					parentCode: problem.parentCode,
					longCode: problem.longCode,
					name: problem.name,
					action: 'skipped',
					id: null,
					error: problem.message,
				},
				pairedItem: pairedOf(problem.inputItems),
			});
		}
	}
	const succeeded = (list: PlannedChange[]) => list.filter((change) => !refused.has(change.longCode)).length;
	if (output !== 'items') {
		const summary: IDataObject = {
			listId,
			dryRun,
			created: succeeded(plan.creates),
			updated: succeeded(plan.updates),
			deleted: succeeded(plan.deletes),
			unchanged: plan.unchanged.length,
			failed: failures.length,
			skipped: plan.problems.length,
			keptNotInInput: plan.keptNotInInput,
			blankInputItems: desired.blankInputItems.length,
		};
		if (plan.deletesHeldBack) summary.deletesHeldBack = plan.deletesHeldBack;
		if (failures.length || plan.problems.length) {
			summary.failures = [
				...failures.map((change) => ({ longCode: change.longCode, action: change.action, error: refused.get(change.longCode) })),
				...plan.problems.map((problem) => ({ longCode: problem.longCode, action: 'skipped', error: problem.message })),
			].slice(0, FAILURES_SHOWN);
		}
		if (unmatched.length) summary.unmatchedErrors = unmatched.slice(0, FAILURES_SHOWN);
		results.push({ json: { summary }, pairedItem: everyInput });
	}
	if (plan.deletesHeldBack && typeof this.addExecutionHints === 'function') {
		this.addExecutionHints({ message: plan.deletesHeldBack, location: 'outputPane' });
	}

	if ((failures.length || unmatched.length) && !continueOnFail) {
		const shown = failures.slice(0, 10).map((change) => `"${change.longCode}" (${change.action}): ${refused.get(change.longCode)}`);
		const firstInput = failures.find((change) => change.inputItems.length)?.inputItems[0] ?? 0;
		throw new NodeOperationError(
			this.getNode(),
			`Concur refused ${failures.length || unmatched.length} of ${plan.creates.length + plan.updates.length + plan.deletes.length} changes to the list`,
			{
				itemIndex: firstInput,
				description: `${[...shown, ...unmatched.slice(0, 10)].join('; ')}. The other changes were made; running the sync again retries only what is still different. Turn on Continue On Fail to get the per-item report instead of this error.`,
			},
		);
	}
	return results;
}
