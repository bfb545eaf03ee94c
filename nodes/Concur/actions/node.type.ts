import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/** What every `<op>.operation.ts` exports: its parameters and how it runs for one input item. */
export interface ConcurOperation {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject | IDataObject[]>;
}

export type ConcurResource = 'eventSubscription' | 'notification' | 'report';
