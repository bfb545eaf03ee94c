import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

/**
 * Output items an operation builds itself, because they carry binary data (a receipt image). The
 * router pairs them with their input item like any other output.
 */
export class OperationItems {
	constructor(readonly items: INodeExecutionData[]) {}
}

/** What every `<op>.operation.ts` exports: its parameters and how it runs for one input item. */
export interface ConcurItemOperation {
	description: INodeProperties[];
	runsOnceForAllItems?: false;
	execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject | IDataObject[] | OperationItems>;
}

/**
 * An operation that runs once for all input items (List Item > Sync): it gets every input item
 * and returns its output items with their pairedItem already set.
 */
export interface ConcurAllItemsOperation {
	description: INodeProperties[];
	runsOnceForAllItems: true;
	execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]>;
}

export type ConcurOperation = ConcurItemOperation | ConcurAllItemsOperation;

export type ConcurResource = 'eventSubscription' | 'expense' | 'list' | 'listItem' | 'notification' | 'receipt' | 'report' | 'travelRequest' | 'user';
