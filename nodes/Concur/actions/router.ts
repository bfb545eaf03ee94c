import type { IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import * as eventSubscription from './eventSubscription/EventSubscription.resource';
import * as expense from './expense/Expense.resource';
import * as list from './list/List.resource';
import * as listItem from './listItem/ListItem.resource';
import type { ConcurAllItemsOperation, ConcurOperation, ConcurResource } from './node.type';
import { OperationItems } from './node.type';
import * as notification from './notification/Notification.resource';
import * as receipt from './receipt/Receipt.resource';
import * as report from './report/Report.resource';
import * as travelRequest from './travelRequest/TravelRequest.resource';
import * as user from './user/User.resource';

const resources: Record<ConcurResource, Record<string, ConcurOperation>> = {
	eventSubscription: eventSubscription.operations,
	expense: expense.operations,
	list: list.operations,
	listItem: listItem.operations,
	notification: notification.operations,
	receipt: receipt.operations,
	report: report.operations,
	travelRequest: travelRequest.operations,
	user: user.operations,
};

/** The operation module for a resource/operation pair, or undefined when the pair is unknown. */
export function findOperation(resource: string, operation: string): ConcurOperation | undefined {
	const operations = Object.prototype.hasOwnProperty.call(resources, resource)
		? resources[resource as ConcurResource]
		: undefined;
	if (!operations || !Object.prototype.hasOwnProperty.call(operations, operation)) return undefined;
	return operations[operation];
}

/**
 * Runs the selected operation once per input item. Every output item is paired with the input
 * item it came from; with "Continue On Fail" a failed item becomes `{ error }` and the rest go
 * on; otherwise the error stops the node, carrying the item index and Concur's own message.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const returnData: INodeExecutionData[] = [];
	const once = items.length ? runsOnce(this.getNodeParameter('resource', 0) as string, this.getNodeParameter('operation', 0) as string) : undefined;
	if (once) return [await runOnceForAllItems.call(this, once, items)];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const resource = this.getNodeParameter('resource', itemIndex) as string;
			const operation = this.getNodeParameter('operation', itemIndex) as string;
			const handler = findOperation(resource, operation);
			if (!handler) {
				throw new NodeOperationError(
					this.getNode(),
					`The operation "${operation}" is not supported for the resource "${resource}"`,
					{ itemIndex },
				);
			}
			if (handler.runsOnceForAllItems) throw new NodeOperationError(this.getNode(), `The operation "${operation}" runs once for all items`, { itemIndex });
			const responseData = await handler.execute.call(this, itemIndex);
			const executionData = this.helpers.constructExecutionMetaData(
				responseData instanceof OperationItems ? responseData.items : this.helpers.returnJsonArray(responseData),
				{ itemData: { item: itemIndex } },
			);
			returnData.push(...executionData);
		} catch (error) {
			if (this.continueOnFail()) {
				returnData.push({
					json: { error: (error as Error).message },
					pairedItem: { item: itemIndex },
				});
				continue;
			}
			throw nodeError(this, error, itemIndex);
		}
	}

	return [returnData];
}

/**
 * The error the node stops with, naming the item. NodeApiError/NodeOperationError hand back the
 * original when re-wrapped, so the item index has to be set on it; anything else is wrapped here.
 */
function nodeError(context: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return new NodeOperationError(context.getNode(), error, { itemIndex });
	}
	if (error instanceof NodeApiError) {
		error.context.itemIndex ??= itemIndex;
	}
	return new NodeApiError(context.getNode(), error as JsonObject, { itemIndex });
}

/** The operation to run once for all items (its module says `runsOnceForAllItems`), if it is one. */
function runsOnce(resource: string, operation: string): ConcurAllItemsOperation | undefined {
	const handler = findOperation(resource, operation);
	return handler?.runsOnceForAllItems ? handler : undefined;
}

/**
 * Runs an operation once with every input item (List Item > Sync). Its output items carry their
 * own pairedItem; with "Continue On Fail" a failure becomes one `{ error }` item paired with every
 * input item, otherwise the error names the item it concerns (the first one by default).
 */
async function runOnceForAllItems(
	this: IExecuteFunctions,
	handler: ConcurAllItemsOperation,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	try {
		return await handler.execute.call(this, items);
	} catch (error) {
		if (this.continueOnFail()) {
			return [{ json: { error: (error as Error).message }, pairedItem: items.map((_, item) => ({ item })) }];
		}
		const context = (error as { context?: { itemIndex?: unknown } }).context;
		throw nodeError(this, error, typeof context?.itemIndex === 'number' ? context.itemIndex : 0);
	}
}
