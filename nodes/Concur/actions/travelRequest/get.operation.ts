import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { readIdParameter } from '../expense/descriptions';
import { scopeToOperation } from '../displayOptions';
import { requestIdProperty, simplifyProperty } from './descriptions';
import { simplifyTravelRequest } from './simplify';
import { isTravelRequestUrl, requestPath } from './urls';

const properties: INodeProperties[] = [
	{
		displayName: 'Get By',
		name: 'by',
		type: 'options',
		options: [
			{ name: 'Request ID', value: 'id', description: 'The unique ID of the request' },
			{
				name: 'URL',
				value: 'url',
				description: 'The facts.href of a request event (public.concur.request) or the href of a listed request',
			},
		],
		default: 'id',
		description: 'How to identify the request',
	},
	{ ...requestIdProperty, displayOptions: { show: { by: ['id'] } } },
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://us.api.concursolutions.com/travelrequest/v4/requests/224AF3CDCC2A5244A37C72FA5770C6F2',
		description: 'The v4 URL of the request, as an event subscription (ESS) request event carries it in facts.href',
		displayOptions: { show: { by: ['url'] } },
	},
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		default: '',
		placeholder: 'e.g. c0d9894b-98e2-48d5-86f9-1decde90dd15',
		description:
			'The Concur user ID (UUID) who reads the request. Leave empty with a company token to read it as the system user.',
	},
	simplifyProperty,
];

const displayOptions = { show: { resource: ['travelRequest'], operation: ['get'] } };

export const description = scopeToOperation(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const by = this.getNodeParameter('by', itemIndex) as string;
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
	const userId = (this.getNodeParameter('userId', itemIndex, '') as string).trim();
	let url: string;
	if (by === 'url') {
		url = (this.getNodeParameter('url', itemIndex) as string).trim();
		if (!isTravelRequestUrl(url)) {
			throw new NodeOperationError(this.getNode(), `The URL is not a Concur travel request URL: ${url}`, {
				itemIndex,
				description: 'Use the facts.href of a request event: …/travelrequest/v4/requests/{id}',
			});
		}
	} else {
		url = requestPath(readIdParameter.call(this, itemIndex, 'requestId', 'request ID'));
	}
	const request = (await concurApiRequest.call(this, {
		method: 'GET',
		url,
		qs: userId === '' ? undefined : { userId },
		format: 'json',
	})) as IDataObject;
	return simplify ? simplifyTravelRequest(request) : request;
}
