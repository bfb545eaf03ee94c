import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { applyReturnAllOrLimit, returnAllOrLimit } from '../common.descriptions';
import { scopeToOperation } from '../displayOptions';
import { SUBSCRIPTIONS_PATH } from './utils';

const displayOptions = { show: { resource: ['eventSubscription'], operation: ['getAll'] } };

export const description = scopeToOperation(displayOptions, returnAllOrLimit);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const response = await concurApiRequest.call(this, { method: 'GET', url: SUBSCRIPTIONS_PATH, format: 'json' });
	const subscriptions = (Array.isArray(response) ? response : []) as IDataObject[];
	return applyReturnAllOrLimit.call(this, itemIndex, subscriptions);
}
