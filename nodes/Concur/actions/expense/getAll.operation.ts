import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { applyReturnAllOrLimit, returnAllOrLimit } from '../common.descriptions';
import { scopeToOperation } from '../displayOptions';
import { readReportLocator, reportLocatorProperties, simplifyProperty } from './descriptions';
import { listOf, simplifyV4Expense } from './simplify';
import { expensesPath } from './urls';

const displayOptions = { show: { resource: ['expense'], operation: ['getAll'] } };

export const description = scopeToOperation(displayOptions, [...reportLocatorProperties, ...returnAllOrLimit, simplifyProperty]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const report = readReportLocator.call(this, itemIndex);
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
	// Expenses v4 answers a report's expenses in one array: Concur does not page this list.
	const response = await concurApiRequest.call(this, { method: 'GET', url: expensesPath(report), format: 'json' });
	const expenses = applyReturnAllOrLimit.call(this, itemIndex, listOf(response));
	return simplify ? expenses.map((expense) => ({ ...simplifyV4Expense(expense), reportId: report.reportId })) : expenses;
}
