import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as eventSubscription from './actions/eventSubscription/EventSubscription.resource';
import * as notification from './actions/notification/Notification.resource';
import * as report from './actions/report/Report.resource';
import { router } from './actions/router';

export class Concur implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Concur',
		name: 'concur',
		icon: { light: 'file:../../icons/concur.svg', dark: 'file:../../icons/concur.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Read, approve and flag SAP Concur expense reports and manage notifications and event subscriptions',
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
						name: 'Notification',
						value: 'notification',
						description: 'Callout notifications Concur could not deliver',
					},
					{
						name: 'Report',
						value: 'report',
						description: 'Expense reports',
					},
				],
				default: 'report',
			},
			...eventSubscription.description,
			...notification.description,
			...report.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
