import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { applyReturnAllOrLimit, returnAllOrLimit } from '../common.descriptions';
import { scopeToOperation } from '../displayOptions';
import { expenseIdProperty, readExpenseId, readReportLocator, reportLocatorProperties, simplifyProperty } from './descriptions';
import { listOf, simplifyV4Expense } from './simplify';
import { expensePath } from './urls';

const displayOptions = { show: { resource: ['expense'], operation: ['getItemizations'] } };

export const description = scopeToOperation(displayOptions, [
	...reportLocatorProperties,
	expenseIdProperty,
	...returnAllOrLimit,
	simplifyProperty,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const report = readReportLocator.call(this, itemIndex);
	const expenseId = readExpenseId.call(this, itemIndex);
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
	// An itemization has the expense shape; the list is one array (not paged). An expense that is
	// not itemized answers an empty list: no items.
	const response = await concurApiRequest.call(this, {
		method: 'GET',
		url: expensePath(report, expenseId, 'itemizations'),
		format: 'json',
	});
	const itemizations = applyReturnAllOrLimit.call(this, itemIndex, listOf(response));
	return simplify
		? itemizations.map((itemization) => ({
				...simplifyV4Expense(itemization),
				parentExpenseId: simplifyV4Expense(itemization).parentExpenseId ?? expenseId,
				reportId: report.reportId,
			}))
		: itemizations;
}
