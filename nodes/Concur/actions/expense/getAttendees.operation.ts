import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { scopeToOperation } from '../displayOptions';
import {
	expenseIdProperty,
	readExpenseId,
	readIdParameter,
	readReportLocator,
	reportLocatorProperties,
	simplifyProperty,
} from './descriptions';
import { simplifyAttendees } from './simplify';
import { expensePath, systemAttendeesPath } from './urls';

// Concur documents a second, system-user URL for attendees (company token, no user): the User ID
// is optional here, and empty means that URL.
const properties: INodeProperties[] = [
	...reportLocatorProperties.map((property) =>
		property.name === 'userId'
			? {
					...property,
					required: false,
					description:
						'The Concur user ID (UUID) of the report owner. Leave empty to read the attendees as the system user (company token).',
				}
			: property,
	),
	expenseIdProperty,
	simplifyProperty,
];

const displayOptions = { show: { resource: ['expense'], operation: ['getAttendees'] } };

export const description = scopeToOperation(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const expenseId = readExpenseId.call(this, itemIndex);
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
	const userId = (this.getNodeParameter('userId', itemIndex, '') as string).trim();
	const url =
		userId === ''
			? systemAttendeesPath(readIdParameter.call(this, itemIndex, 'reportId', 'report ID'), expenseId)
			: expensePath(readReportLocator.call(this, itemIndex), expenseId, 'attendees');
	const associations = (await concurApiRequest.call(this, { method: 'GET', url, format: 'json' })) as IDataObject;
	// One item per expense: the attendee list and the no-show count belong together.
	return simplify ? { expenseId, ...simplifyAttendees(associations) } : associations;
}
