import type { IDataObject, IExecuteFunctions, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { scopeToOperation } from '../displayOptions';
import { v4ReportIdProperty } from './descriptions';
import type { LegacyExceptionInput } from './legacyXml';
import { buildExceptionsXml, describeRejectedExceptions, summarizeExceptionResult } from './legacyXml';
import { unwrapRoot } from './simplify';
import { extractReportKey, isPathSegment } from './urls';

const properties: INodeProperties[] = [
	{
		displayName: 'API',
		name: 'api',
		type: 'options',
		options: [
			{
				name: 'Report ID (Exceptions API)',
				value: 'v4',
				description: 'Exceptions v4 API: report header exceptions by report ID (company token)',
			},
			{
				name: 'Report Key (Legacy XML)',
				value: 'legacy',
				description:
					'Legacy v1.1 API: report, entry or allocation exceptions by report key, as in the callout external validation flow',
			},
		],
		default: 'v4',
		description: 'Which Concur API adds the exceptions',
	},
	v4ReportIdProperty,
	{
		displayName: 'Exceptions',
		name: 'reportExceptions',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Exception',
		default: {},
		displayOptions: { show: { api: ['v4'] } },
		options: [
			{
				displayName: 'Exception',
				name: 'exception',
				values: [
					{
						displayName: 'Exception Code',
						name: 'exceptionCode',
						type: 'string',
						required: true,
						default: '',
						placeholder: 'e.g. MISSREQFLD',
						description: 'An exception code configured in Concur',
					},
					{
						displayName: 'Visibility',
						name: 'exceptionVisibility',
						type: 'options',
						options: [
							{
								name: 'All',
								value: 'ALL',
								description: 'Visible to the traveler, approver and processor',
							},
							{
								name: 'Approver and Processor',
								value: 'APPROVER_PROCESSOR',
								description: 'Visible only to the approver and processor',
							},
							{ name: 'Processor', value: 'PROCESSOR', description: 'Visible only to the processor' },
						],
						default: 'ALL',
						description: 'Who sees the exception',
					},
				],
			},
		],
	},
	{
		displayName: 'Report Key',
		name: 'reportKey',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. nxxKgLlnROzz$sHcpnRHQ$pALxamClaFfdC',
		description:
			'The report key (RptKey): the last segment of the callout ObjectURI. The full ObjectURI is accepted too. The key is sent exactly as given.',
		displayOptions: { show: { api: ['legacy'] } },
	},
	{
		displayName: 'Exceptions',
		name: 'exceptions',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Exception',
		default: {},
		displayOptions: { show: { api: ['legacy'] } },
		options: [
			{
				displayName: 'Exception',
				name: 'exception',
				values: [
					{
						displayName: 'Object Type',
						name: 'objectType',
						type: 'options',
						options: [
							{ name: 'Allocation', value: 'Allocation' },
							{ name: 'Entry', value: 'Entry' },
							{ name: 'Report', value: 'Report' },
						],
						default: 'Report',
						description: 'What the exception is attached to',
					},
					{
						displayName: 'Object ID',
						name: 'objectId',
						type: 'string',
						default: '',
						placeholder: 'e.g. nxxKgLlnRODp$sie8Hq1UviOJ2deAbpS7dC0',
						description:
							'The entry or itemization key (RpeKey) or the allocation key. Can be empty for a report exception.',
					},
					{
						displayName: 'Exception Code',
						name: 'exceptionCode',
						type: 'string',
						required: true,
						default: '',
						placeholder: 'e.g. NODATE',
						description: 'An exception code configured in Concur',
					},
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { api: ['legacy'] } },
		options: [
			{
				displayName: 'Return Rejected Exceptions as Data',
				name: 'returnRejectionsAsData',
				type: 'boolean',
				default: false,
				description:
					'Whether to output the result when Concur rejects some exceptions instead of stopping with an error listing them',
			},
		],
	},
];

const displayOptions = { show: { resource: ['report'], operation: ['addExceptions'] } };

export const description = scopeToOperation(displayOptions, properties);

async function addLegacyExceptions(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const input = this.getNodeParameter('reportKey', itemIndex) as string;
	const reportKey = extractReportKey(input);
	if (!reportKey) {
		throw new NodeOperationError(this.getNode(), `The report key "${input}" is not valid`, {
			itemIndex,
			description: 'Use the RptKey of the report or the callout ObjectURI',
		});
	}
	const collection = this.getNodeParameter('exceptions', itemIndex, {}) as {
		exception?: LegacyExceptionInput[];
	};
	const exceptions = (collection.exception ?? []).filter((exception) => exception.exceptionCode?.trim());
	if (exceptions.length === 0) {
		throw new NodeOperationError(this.getNode(), 'Add at least one exception with an exception code', {
			itemIndex,
		});
	}
	const options = this.getNodeParameter('options', itemIndex, {}) as { returnRejectionsAsData?: boolean };

	const response = await concurApiRequest.call(this, {
		method: 'POST',
		url: `/api/expense/expensereport/v1.1/report/${reportKey}/Exceptions`,
		body: buildExceptionsXml(exceptions),
		format: 'xml',
	});
	const summary = summarizeExceptionResult(unwrapRoot(response, 'exception-result'), exceptions);
	const result: IDataObject = { reportKey, ...summary };

	if (summary.failed > 0 && !options.returnRejectionsAsData) {
		throw new NodeApiError(this.getNode(), result as JsonObject, {
			message: `Concur rejected ${summary.failed} of ${exceptions.length} exceptions`,
			description: describeRejectedExceptions(summary.errors),
			itemIndex,
		});
	}
	return result;
}

async function addV4Exceptions(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const reportId = (this.getNodeParameter('reportId', itemIndex) as string).trim();
	if (!isPathSegment(reportId)) {
		throw new NodeOperationError(this.getNode(), `The report ID "${reportId}" is not valid`, { itemIndex });
	}
	const collection = this.getNodeParameter('reportExceptions', itemIndex, {}) as {
		exception?: Array<{ exceptionCode: string; exceptionVisibility: string }>;
	};
	const exceptions = (collection.exception ?? [])
		.filter((exception) => exception.exceptionCode?.trim())
		.map((exception) => ({
			exceptionCode: exception.exceptionCode.trim(),
			exceptionVisibility: exception.exceptionVisibility || 'ALL',
		}));
	if (exceptions.length === 0) {
		throw new NodeOperationError(this.getNode(), 'Add at least one exception with an exception code', {
			itemIndex,
		});
	}
	// The v4 API takes one exception per request.
	for (const exception of exceptions) {
		await concurApiRequest.call(this, {
			method: 'PUT',
			url: `/expensereports/v4/reports/${encodeURIComponent(reportId)}/exceptions`,
			body: exception,
			format: 'json',
		});
	}
	return { success: true, reportId, exceptions };
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const api = this.getNodeParameter('api', itemIndex) as string;
	if (api === 'legacy') return await addLegacyExceptions.call(this, itemIndex);
	return await addV4Exceptions.call(this, itemIndex);
}
