import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { DateTime } from 'luxon';

import { scopeToOperation } from '../displayOptions';
import { readUserId, userIdProperty, waitProperties } from './descriptions';
import { provisionUsers } from './requests';
import { deactivateOperations, patchUserBulkBody } from './scim';

const properties: INodeProperties[] = [
	userIdProperty,
	{
		displayName: 'Termination Date',
		name: 'terminationDate',
		type: 'dateTime',
		default: '',
		description:
			'The day the user leaves, sent with the deactivation as Concur requires. Leave empty for today in the workflow\'s time zone.',
	},
	...waitProperties,
];

const displayOptions = { show: { resource: ['user'], operation: ['deactivate'] } };

export const description = scopeToOperation(displayOptions, properties);

/** `YYYY-MM-DD` of a date parameter read in `zone`, or of today there when it is empty; undefined if unreadable. */
export function terminationDay(value: unknown, zone: string, now: () => DateTime = () => DateTime.now()): string | undefined {
	let date: DateTime;
	if (value === undefined || value === null || value === '') date = now().setZone(zone);
	else if (DateTime.isDateTime(value)) date = value.setZone(zone);
	else if (value instanceof Date) date = DateTime.fromJSDate(value).setZone(zone);
	else if (typeof value === 'string') date = DateTime.fromISO(value.trim(), { zone });
	else return undefined;
	return date.isValid ? date.toFormat('yyyy-MM-dd') : undefined;
}

/** `PATCH /profile/v4/Bulk`: active false with a termination date; Concur answers with a provisioning request. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const userId = readUserId.call(this, itemIndex);
	const raw = this.getNodeParameter('terminationDate', itemIndex, '');
	const day = terminationDay(raw, this.getTimezone());
	if (day === undefined) {
		throw new NodeOperationError(this.getNode(), `The termination date is not a valid date: ${String(raw)}`, { itemIndex });
	}
	return await provisionUsers.call(
		this,
		itemIndex,
		'PATCH',
		patchUserBulkBody(userId, deactivateOperations(day)),
		`deactivate the user ${userId}`,
		userId,
	);
}
