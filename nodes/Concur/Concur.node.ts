import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as eventSubscription from './actions/eventSubscription/EventSubscription.resource';
import * as expense from './actions/expense/Expense.resource';
import * as list from './actions/list/List.resource';
import * as listItem from './actions/listItem/ListItem.resource';
import * as notification from './actions/notification/Notification.resource';
import * as receipt from './actions/receipt/Receipt.resource';
import * as report from './actions/report/Report.resource';
import { router } from './actions/router';
import * as travelRequest from './actions/travelRequest/TravelRequest.resource';
import * as user from './actions/user/User.resource';

export class Concur implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Concur',
		name: 'concur',
		icon: { light: 'file:../../icons/concur.svg', dark: 'file:../../icons/concur.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Read, approve and flag SAP Concur expense reports with their expenses and receipts, act on travel requests, and manage notifications and event subscriptions',
		defaults: {
			name: 'Concur',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'concurOAuth2Api',
				required: true,
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Event Subscription',
						value: 'eventSubscription',
						description: 'Event Subscription Service webhooks (needs a Client Credentials credential)',
					},
					{
						name: 'Expense',
						value: 'expense',
						description: 'The expenses of a report, their itemizations and attendees',
					},
					{
						name: 'List',
						value: 'list',
						description: 'Custom lists such as cost centers or projects (List v4)',
					},
					{
						name: 'List Item',
						value: 'listItem',
						description: 'The items of a list, at every level, and syncing a list from another system',
					},
					{
						name: 'Notification',
						value: 'notification',
						description: 'Callout notifications Concur could not deliver',
					},
					{
						name: 'Receipt',
						value: 'receipt',
						description: 'Receipt images of expenses and reports, as files',
					},
					{
						name: 'Report',
						value: 'report',
						description: 'Expense reports',
					},
					{
						name: 'Travel Request',
						value: 'travelRequest',
						description: 'Travel requests (Request v4) and their approval',
					},
					{
						name: 'User',
						value: 'user',
						description: 'Users: find them (Identity v4.1), create, update or deactivate them (User Provisioning v4)',
					},
				],
				default: 'report',
			},
			...eventSubscription.description,
			...expense.description,
			...list.description,
			...listItem.description,
			...notification.description,
			...receipt.description,
			...report.description,
			...travelRequest.description,
			...user.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
