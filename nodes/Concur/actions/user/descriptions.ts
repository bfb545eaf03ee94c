import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readIdParameter } from '../expense/descriptions';

export const userIdProperty: INodeProperties = {
	displayName: 'User ID',
	name: 'userId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 3df11695-e8bb-40ff-8e98-c85913ab2789',
	description:
		'The Concur user ID (a UUID, not the login name) as User > Search and Get Many return it, the ownerId of a report or the userId of an event. To find it from a login name or email, use User > Search first.',
};

export const simplifyProperty: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description: 'Whether to return a simplified version of the response instead of the raw data',
};

/** Wait for Completion and its limit, shown on Create, Update and Deactivate. */
export const waitProperties: INodeProperties[] = [
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: false,
		description:
			'Whether to wait until Concur has finished the provisioning request (it works asynchronously) and return its final status, with the user ID. Off: return at once with the provisioning request ID, to check later with Get Provisioning Status.',
	},
	{
		displayName: 'Max Wait (Seconds)',
		name: 'maxWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 600 },
		default: 60,
		description:
			'How long to wait at most, in seconds. The status is read at once, then after 1, 2, 4 … seconds (at most 15 apart). If Concur is not done by then, the node fails with the provisioning request ID.',
		displayOptions: { show: { waitForCompletion: [true] } },
	},
];

/** A user ID from its parameter, checked; a login name or email gets a hint to search first. */
export function readUserId(this: IExecuteFunctions, itemIndex: number, name = 'userId'): string {
	const raw = String(this.getNodeParameter(name, itemIndex) ?? '').trim();
	if (raw.includes('@')) {
		throw new NodeOperationError(this.getNode(), `"${raw}" is a login name or email, not a Concur user ID`, {
			itemIndex,
			description: 'Use User > Search by User Name or Email to find the user ID (a UUID) first',
		});
	}
	return readIdParameter.call(this, itemIndex, name, 'user ID');
}
