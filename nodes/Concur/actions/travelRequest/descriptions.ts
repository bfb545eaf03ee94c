import type { INodeProperties } from 'n8n-workflow';

export const requestIdProperty: INodeProperties = {
	displayName: 'Request ID',
	name: 'requestId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 224AF3CDCC2A5244A37C72FA5770C6F2',
	description:
		'The unique ID of the request as Travel Request outputs give it (32 characters), not the short request number such as 333U shown to users',
};

export const simplifyProperty: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description: 'Whether to return a simplified version of the response instead of the raw data',
};
