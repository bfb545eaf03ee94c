import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

/**
 * Output items an operation builds itself, because they carry binary data (a receipt image). The
 * router pairs them with their input item like any other output.
 */
export class OperationItems {
	constructor(readonly items: INodeExecutionData[]) {}
}

/** What every `<op>.operation.ts` exports: its parameters and how it runs for one input item. */
export interface ConcurOperation {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject | IDataObject[] | OperationItems>;
}

export type ConcurResource = 'eventSubscription' | 'expense' | 'notification' | 'receipt' | 'report' | 'travelRequest';
