import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { scopeToOperation } from '../displayOptions';
import { executeRequestWorkflowAction, requestWorkflowProperties } from './workflowAction';

const displayOptions = { show: { resource: ['travelRequest'], operation: ['recall'] } };

export const description = scopeToOperation(displayOptions, requestWorkflowProperties('recall'));

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	return await executeRequestWorkflowAction.call(this, itemIndex, 'recall');
}
