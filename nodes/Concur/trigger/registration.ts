import type { IHookFunctions } from 'n8n-workflow';

import type { TriggerSource } from './response';

/**
 * The trigger's webhook lifecycle. Registration is manual (the callout) or done with the Concur
 * node (ESS subscriptions), so the lifecycle methods only say so in the log.
 */
export function manualRegistration(group: string) {
	return {
		async checkExists(this: IHookFunctions): Promise<boolean> {
			// Nothing to look up in Concur: report "registered" so n8n does not call create().
			return true;
		},
		async create(this: IHookFunctions): Promise<boolean> {
			const source = this.getNodeParameter('source', 'eventSubscription') as TriggerSource;
			this.logger.info(
				source === 'callout'
					? `Concur Trigger (${group}): register the callout in Concur by hand (Administration > Web Services > Manage Application Connectors); nothing is created automatically`
					: `Concur Trigger (${group}): create the ESS subscription with the Concur node's Event Subscription operations; nothing is created automatically`,
			);
			return true;
		},
		async delete(this: IHookFunctions): Promise<boolean> {
			this.logger.info(
				`Concur Trigger (${group}): the Concur subscription or connector is left as it is; remove it in Concur or with the Concur node if it is no longer needed`,
			);
			return true;
		},
	};
}
