import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { concurApiRequest, concurApiRequestAllItems } from '../../transport';
import { scopeToOperation } from '../displayOptions';
import { legacyEntriesOf, listOf, simplifyLegacyEntry, simplifyV3Entry, simplifyV4Expense } from '../expense/simplify';
import { expensesUrlOfReportUrl } from '../expense/urls';
import { normalizeFullDetails, simplifyFullDetails, simplifyV2Report, simplifyV3Report, simplifyV4Report, text, unwrapRoot } from './simplify';
import type { ReportUrlKind } from './urls';
import { classifyReportUrl, isPathSegment } from './urls';
import { EXPENSE_ENTRIES_V3_PATH, REPORTS_V3_PATH } from '../../transport/paths';

const properties: INodeProperties[] = [
	{
		displayName: 'Get By',
		name: 'by',
		type: 'options',
		options: [
			{
				name: 'Report ID',
				value: 'id',
				description: 'The 20-character report ID, read through the v3 Reports API',
			},
			{
				name: 'URL',
				value: 'url',
				description:
					'A Concur URL as it arrives in events: a callout ObjectURI or an event subscription facts.href',
			},
		],
		default: 'id',
		description: 'How to identify the report',
	},
	{
		displayName: 'Report ID',
		name: 'reportId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. F4F027007E814C1CA70E',
		description: 'The ID of the report',
		displayOptions: { show: { by: ['id'] } },
	},
	{
		displayName: 'User Login ID',
		name: 'userLoginId',
		type: 'string',
		default: '',
		placeholder: 'e.g. jane.doe@example.com',
		description:
			'Login ID of the report owner. Leave empty when the token belongs to the owner. ALL is not allowed for a single report.',
		displayOptions: { show: { by: ['id'] } },
	},
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		required: true,
		default: '',
		placeholder:
			'e.g. https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/nxxKgLlnROzz$sHcpnRHQ$pALxamClaFfdC',
		description:
			'A callout ObjectURI (v1.1 report full details, XML), an event facts.href (v4 report) or a v3 report URI. Legacy www.concursolutions.com URLs are called on your data center.',
		displayOptions: { show: { by: ['url'] } },
	},
	{
		displayName: 'Include Expenses',
		name: 'includeExpenses',
		type: 'boolean',
		default: false,
		description:
			'Whether to add the expenses of the report to the same item, as expenses (type, amounts, date, vendor, receipt status, exceptions): one more call for a v4 URL or a report ID',
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description: 'Whether to return a simplified version of the response instead of the raw data',
	},
];

const displayOptions = { show: { resource: ['report'], operation: ['get'] } };

export const description = scopeToOperation(displayOptions, properties);

/** A v3 report's entries (`/api/v3.0/expense/entries?reportID=`), every page. */
async function v3EntriesOf(this: IExecuteFunctions, reportId: string, user: string | undefined): Promise<IDataObject[]> {
	return await concurApiRequestAllItems.call(this, {
		method: 'GET',
		url: EXPENSE_ENTRIES_V3_PATH,
		qs: { reportID: reportId, ...(user ? { user } : {}) },
		format: 'json',
	});
}

/**
 * The report's expenses, read the way its API offers them: v4 from the report URL's `/expenses`,
 * v3 from the Expense Entries list, v1.1 and v2 from the entries their answer already holds.
 */
async function expensesOfReport(
	this: IExecuteFunctions,
	kind: ReportUrlKind,
	report: IDataObject,
	url: string,
	simplify: boolean,
): Promise<IDataObject[]> {
	if (kind === 'fullDetails' || kind === 'v2') {
		const entries = legacyEntriesOf(report);
		return simplify ? entries.map(simplifyLegacyEntry) : entries;
	}
	if (kind === 'v4') {
		const expenses = listOf(await concurApiRequest.call(this, { method: 'GET', url: expensesUrlOfReportUrl(url), format: 'json' }));
		return simplify ? expenses.map(simplifyV4Expense) : expenses;
	}
	const reportId = text(report.ID) ?? '';
	const entries = await v3EntriesOf.call(this, reportId, text(report.OwnerLoginID));
	return simplify ? entries.map(simplifyV3Entry) : entries;
}

async function getByUrl(this: IExecuteFunctions, itemIndex: number, simplify: boolean): Promise<IDataObject> {
	const includeExpenses = this.getNodeParameter('includeExpenses', itemIndex, false) as boolean;
	const report = await getReportByUrl.call(this, itemIndex, simplify);
	if (!includeExpenses) return report.output;
	return { ...report.output, expenses: await expensesOfReport.call(this, report.kind, report.raw, report.url, simplify) };
}

async function getReportByUrl(
	this: IExecuteFunctions,
	itemIndex: number,
	simplify: boolean,
): Promise<{ kind: ReportUrlKind; url: string; raw: IDataObject; output: IDataObject }> {
	const url = (this.getNodeParameter('url', itemIndex) as string).trim();
	const kind = classifyReportUrl(url);
	if (!kind) {
		throw new NodeOperationError(this.getNode(), `The URL is not a Concur report URL: ${url}`, {
			itemIndex,
			description:
				'Use a callout ObjectURI (…/api/expense/expensereport/v1.1/reportfulldetails/{key}), an event facts.href (…/expensereports/v4/…/reports/{id}) or a v3 report URI (…/api/v3.0/expense/reports/{id})',
		});
	}
	if (kind === 'fullDetails') {
		const response = await concurApiRequest.call(this, { method: 'GET', url, format: 'xml' });
		const details = normalizeFullDetails(unwrapRoot(response, 'ReportDetails'));
		return { kind, url, raw: details, output: simplify ? simplifyFullDetails(details) : details };
	}
	const report = (await concurApiRequest.call(this, { method: 'GET', url, format: 'json' })) as IDataObject;
	if (!simplify) return { kind, url, raw: report, output: report };
	const output = kind === 'v4' ? simplifyV4Report(report) : kind === 'v2' ? simplifyV2Report(report) : simplifyV3Report(report);
	return { kind, url, raw: report, output };
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const by = this.getNodeParameter('by', itemIndex) as string;
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
	if (by === 'url') return await getByUrl.call(this, itemIndex, simplify);

	const reportId = (this.getNodeParameter('reportId', itemIndex) as string).trim();
	if (!isPathSegment(reportId)) {
		throw new NodeOperationError(this.getNode(), `The report ID "${reportId}" is not valid`, { itemIndex });
	}
	const user = (this.getNodeParameter('userLoginId', itemIndex, '') as string).trim();
	if (user.toUpperCase() === 'ALL') {
		throw new NodeOperationError(this.getNode(), 'User Login ID cannot be ALL for a single report', {
			itemIndex,
			description: 'Enter the login ID of the report owner, or leave the field empty',
		});
	}
	const report = (await concurApiRequest.call(this, {
		method: 'GET',
		url: `${REPORTS_V3_PATH}/${encodeURIComponent(reportId)}`,
		qs: user === '' ? undefined : { user },
		format: 'json',
	})) as IDataObject;
	const output = simplify ? simplifyV3Report(report) : report;
	if (!(this.getNodeParameter('includeExpenses', itemIndex, false) as boolean)) return output;
	const entries = await v3EntriesOf.call(this, reportId, user === '' ? text(report.OwnerLoginID) : user);
	return { ...output, expenses: simplify ? entries.map(simplifyV3Entry) : entries };
}
