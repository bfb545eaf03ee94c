import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { scopeToOperation } from '../displayOptions';
import { readUserId, simplifyProperty, userIdProperty } from './descriptions';
import { userApiRequest } from './requests';
import { simplifyUser } from './simplify';
import { userPath } from './urls';

const properties: INodeProperties[] = [userIdProperty, simplifyProperty];

const displayOptions = { show: { resource: ['user'], operation: ['get'] } };

export const description = scopeToOperation(displayOptions, properties);

/** `GET /profile/identity/v4.1/Users/{id}`: one user's identity profile. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const userId = readUserId.call(this, itemIndex);
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
	const user = await userApiRequest.call(this, itemIndex, { method: 'GET', url: userPath(userId), format: 'json' }, (httpCode) =>
		httpCode === '404'
			? {
					message: `No Concur user has the ID "${userId}"`,
					description: 'Pass the user ID (a UUID) as User > Search or Get Many returns it in id',
				}
			: undefined,
	);
	return simplify ? simplifyUser(user) : user;
}
