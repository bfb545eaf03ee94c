import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { readIdParameter } from '../expense/descriptions';
import { requestIdProperty, simplifyProperty } from './descriptions';
import { simplifyTravelRequest } from './simplify';
import { requestPath } from './urls';

/** The Request v4 workflow actions this node performs, and their names on the wire. */
export type RequestWorkflowOperation = 'approve' | 'recall' | 'sendBack';

const WIRE_ACTIONS: Record<RequestWorkflowOperation, string> = {
	approve: 'approve',
	recall: 'recall',
	sendBack: 'sendback',
};

export function requestWorkflowProperties(operation: RequestWorkflowOperation): INodeProperties[] {
	const actor =
		operation === 'recall'
			? 'The Concur user ID (UUID) of the request owner who recalls it. Required with a company token.'
			: 'The Concur user ID (UUID) of the approver acting. Required with a company token, except at an external validation step (leave empty there: Concur records the system).';
	return [
		requestIdProperty,
		{
			displayName: 'User ID',
			name: 'userId',
			type: 'string',
			default: '',
			placeholder: 'e.g. 86ac9588-5032-3fa7-b3cc-20e97d2d7146',
			description: actor,
		},
		{
			displayName: 'Comment',
			name: 'comment',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			placeholder: operation === 'sendBack' ? 'e.g. Please choose a cheaper hotel' : 'e.g. Handled by n8n',
			description:
				operation === 'sendBack'
					? 'Why the request goes back to the traveler; Concur shows it wherever request comments appear'
					: 'An optional comment sent with the action (Concur documents comments for Send Back; other actions may not keep it)',
		},
		simplifyProperty,
	];
}

/**
 * `POST /travelrequest/v4/requests/{requestUuid}/{action}?userId=…` with an optional
 * `{ "comment": … }` body; Concur answers 200 with the request as it now is.
 */
export async function executeRequestWorkflowAction(
	this: IExecuteFunctions,
	itemIndex: number,
	operation: RequestWorkflowOperation,
): Promise<IDataObject> {
	const requestId = readIdParameter.call(this, itemIndex, 'requestId', 'request ID');
	const userId = (this.getNodeParameter('userId', itemIndex, '') as string).trim();
	const comment = (this.getNodeParameter('comment', itemIndex, '') as string).trim();
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
	const request = (await concurApiRequest.call(this, {
		method: 'POST',
		url: requestPath(requestId, WIRE_ACTIONS[operation]),
		qs: userId === '' ? undefined : { userId },
		body: comment === '' ? undefined : { comment },
		format: 'json',
	})) as IDataObject;
	const output = simplify ? simplifyTravelRequest(request) : request;
	return { ...output, action: operation };
}
