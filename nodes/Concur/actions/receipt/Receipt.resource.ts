import type { INodeProperties } from 'n8n-workflow';

import type { ConcurOperation } from '../node.type';
import * as get from './get.operation';
import * as upload from './upload.operation';

export const operations: Record<string, ConcurOperation> = { get, upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['receipt'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Download the receipt image of an expense or a report as a file (PDF, PNG or JPEG)',
				action: 'Get a receipt image',
			},
			{
				name: 'Upload',
				value: 'upload',
				description: 'Upload a receipt image from a binary field to an expense or a report',
				action: 'Upload a receipt image',
			},
		],
		default: 'get',
	},
	...get.description,
	...upload.description,
];
