/**
 * A test-only node type that calls the package transport with a request taken from its
 * parameters, so transport and credential behaviour can be exercised through n8n-core's engine
 * without depending on any operation of the action node.
 *
 *   { type: PROBE_NODE_TYPE, parameters: { request: JSON.stringify({ method: 'GET', url: '/…' }), all: false } }
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { concurApiRequest, concurApiRequestAllItems } from '../../nodes/Concur/transport';
import type { ConcurRequestOptions } from '../../nodes/Concur/transport';
import type { HarnessNodeTypes } from './nodeTypes';

export const PROBE_NODE_TYPE = 'harness.concurProbe';

export class ConcurProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Concur Probe',
		name: 'concurProbe',
		group: ['transform'],
		version: 1,
		description: 'Calls the Concur transport with the request in its parameters',
		defaults: { name: 'Concur Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'concurOAuth2Api', required: true }],
		properties: [
			{ displayName: 'Request', name: 'request', type: 'json', default: '{}' },
			{ displayName: 'All Pages', name: 'all', type: 'boolean', default: false },
			{ displayName: 'Limit', name: 'limit', type: 'number', default: 0 },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const output: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const raw = this.getNodeParameter('request', itemIndex) as string | IDataObject;
				const request = (typeof raw === 'string' ? JSON.parse(raw) : raw) as ConcurRequestOptions;
				if (this.getNodeParameter('all', itemIndex) as boolean) {
					const limit = this.getNodeParameter('limit', itemIndex) as number;
					const all = await concurApiRequestAllItems.call(this, request, limit > 0 ? limit : undefined);
					output.push(...all.map((json) => ({ json, pairedItem: { item: itemIndex } })));
				} else {
					const body = await concurApiRequest.call(this, request);
					const json = (Array.isArray(body) ? { items: body } : body) as IDataObject;
					output.push({ json, pairedItem: { item: itemIndex } });
				}
			} catch (error) {
				if (this.continueOnFail()) {
					output.push({ json: { error: (error as Error).message }, pairedItem: { item: itemIndex } });
					continue;
				}
				throw error;
			}
		}
		return [output];
	}
}

export function registerProbe(nodeTypes: HarnessNodeTypes): void {
	nodeTypes.register(PROBE_NODE_TYPE, new ConcurProbe());
}
