import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { scopeToOperation } from '../displayOptions';
import { expenseIdProperty, readExpenseId, readReportLocator, reportLocatorProperties, simplifyProperty } from './descriptions';
import { simplifyV4Expense } from './simplify';
import { expensePath } from './urls';

const displayOptions = { show: { resource: ['expense'], operation: ['get'] } };

export const description = scopeToOperation(displayOptions, [...reportLocatorProperties, expenseIdProperty, simplifyProperty]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const report = readReportLocator.call(this, itemIndex);
	const expenseId = readExpenseId.call(this, itemIndex);
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
	const expense = (await concurApiRequest.call(this, {
		method: 'GET',
		url: expensePath(report, expenseId),
		format: 'json',
	})) as IDataObject;
	return simplify ? { ...simplifyV4Expense(expense), reportId: report.reportId } : expense;
}
