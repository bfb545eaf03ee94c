import type { IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import * as eventSubscription from './eventSubscription/EventSubscription.resource';
import * as expense from './expense/Expense.resource';
import type { ConcurOperation, ConcurResource } from './node.type';
import { OperationItems } from './node.type';
import * as notification from './notification/Notification.resource';
import * as receipt from './receipt/Receipt.resource';
import * as report from './report/Report.resource';
import * as travelRequest from './travelRequest/TravelRequest.resource';

const resources: Record<ConcurResource, Record<string, ConcurOperation>> = {
	eventSubscription: eventSubscription.operations,
	expense: expense.operations,
	notification: notification.operations,
	receipt: receipt.operations,
	report: report.operations,
	travelRequest: travelRequest.operations,
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
			// NodeApiError/NodeOperationError hand back the original when re-wrapped, so the item
			// index has to be set on it; anything else is wrapped here.
			if (error instanceof NodeOperationError) {
				error.context.itemIndex ??= itemIndex;
				throw new NodeOperationError(this.getNode(), error, { itemIndex });
			}
			if (error instanceof NodeApiError) {
				error.context.itemIndex ??= itemIndex;
			}
			throw new NodeApiError(this.getNode(), error as JsonObject, { itemIndex });
		}
	}

	return [returnData];
}
