import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** Pure helpers of the Event Subscription resource (ESS v4 subscription management). */

export const SUBSCRIPTIONS_PATH = '/events/v4/subscriptions';

/**
 * Concur's rule for subscription IDs: lowercase letters, numbers, `.` and `-`. Returns the reason
 * an ID is refused, or undefined when it is fine.
 */
export function subscriptionIdProblem(id: string): string | undefined {
	if (id === '') return 'The subscription ID is empty';
	if (!/^[a-z0-9.-]+$/.test(id)) {
		return `The subscription ID "${id}" may only contain lowercase letters, numbers, "." and "-"`;
	}
	return undefined;
}

/** Whether a webhook endpoint is an absolute http(s) URL (Concur itself only delivers to HTTPS). */
export function isEndpointUrl(url: string): boolean {
	return /^https?:\/\/[^/?#\s]+(?:[/?#]\S*)?$/i.test(url);
}

export function buildSubscription(id: string, topic: string, filter: string, endpoint: string): IDataObject {
	return { id, filter, topic, webHookConfig: { endpoint } };
}

/** Topics come back as a list of names; each becomes one item. */
export function topicsToItems(response: unknown): IDataObject[] {
	if (!Array.isArray(response)) return [];
	return response.map((topic) => (typeof topic === 'string' ? { topic } : (topic as IDataObject)));
}

/** The Subscription ID parameter, worded for the operation that shows it. */
export function subscriptionIdProperty(description: string): INodeProperties {
	return {
		displayName: 'Subscription ID',
		name: 'subscriptionId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. n8n-expense-reports',
		description,
	};
}

/** Reads and checks the Subscription ID parameter before anything is sent to Concur. */
export function readSubscriptionId(this: IExecuteFunctions, itemIndex: number): string {
	const id = (this.getNodeParameter('subscriptionId', itemIndex) as string).trim();
	const problem = subscriptionIdProblem(id);
	if (problem) throw new NodeOperationError(this.getNode(), problem, { itemIndex });
	return id;
}
