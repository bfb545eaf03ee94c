import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { scopeToOperation } from '../displayOptions';
import { isNotificationUri, notificationPath } from './utils';

const properties: INodeProperties[] = [
	{
		displayName: 'Delete By',
		name: 'by',
		type: 'options',
		options: [
			{ name: 'Notification ID', value: 'id' },
			{ name: 'Notification URI', value: 'uri', description: 'The NotificationURI from Get Many' },
		],
		default: 'uri',
		description: 'How to identify the notification',
	},
	{
		displayName: 'Notification ID',
		name: 'notificationId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. nOB1KNTDSWUcJPMV6dPDjNc$scu6EDbt9s',
		description: 'The ID of the notification: the last segment of its NotificationURI',
		displayOptions: { show: { by: ['id'] } },
	},
	{
		displayName: 'Notification URI',
		name: 'notificationUri',
		type: 'string',
		required: true,
		default: '',
		placeholder:
			'e.g. https://www.concursolutions.com/api/platform/notifications/v1.0/notification/nOB1KNTDSWUcJPMV6dPDjNc$scu6EDbt9s',
		description: 'The NotificationURI of a failed notification, as Get Many returns it',
		displayOptions: { show: { by: ['uri'] } },
	},
];

const displayOptions = { show: { resource: ['notification'], operation: ['delete'] } };

export const description = scopeToOperation(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const by = this.getNodeParameter('by', itemIndex) as string;
	let url: string | undefined;
	if (by === 'id') {
		const notificationId = this.getNodeParameter('notificationId', itemIndex) as string;
		url = notificationPath(notificationId);
		if (!url) {
			throw new NodeOperationError(this.getNode(), `The notification ID "${notificationId}" is not valid`, {
				itemIndex,
			});
		}
	} else {
		url = (this.getNodeParameter('notificationUri', itemIndex) as string).trim();
		if (!isNotificationUri(url)) {
			throw new NodeOperationError(this.getNode(), `The URI is not a Concur NotificationURI: ${url}`, {
				itemIndex,
				description: 'Use the NotificationURI from Notification > Get Many',
			});
		}
	}
	await concurApiRequest.call(this, { method: 'DELETE', url, format: 'json' });
	return { deleted: true };
}
