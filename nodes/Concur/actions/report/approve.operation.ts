import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { scopeToOperation } from '../displayOptions';
import { executeWorkflowAction, workflowProperties } from './workflowAction';

const displayOptions = { show: { resource: ['report'], operation: ['approve'] } };

export const description = scopeToOperation(displayOptions, workflowProperties('approve'));

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	return await executeWorkflowAction.call(this, itemIndex, 'approve');
}
