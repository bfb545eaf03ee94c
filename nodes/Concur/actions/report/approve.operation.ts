import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { executeWorkflowAction, workflowProperties } from './workflow';

const displayOptions = { show: { resource: ['report'], operation: ['approve'] } };

export const description = updateDisplayOptions(displayOptions, workflowProperties('approve'));

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	return await executeWorkflowAction.call(this, itemIndex, 'approve');
}
