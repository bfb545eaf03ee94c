import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { checkBasicAuth } from '../helpers/basicAuth';
import { parseCalloutNotification } from '../helpers/callout';
import { answer, BASIC_CHALLENGE, rawBodyOf, type WebhookResponse } from './response';

/**
 * A legacy Event Notification callout: Basic Auth (401 with a challenge, which Concur retries),
 * Concur's Test Connection GET, then the <Notification> read from the raw bytes (400 if it is not one).
 */
export async function receiveCallout(
	this: IWebhookFunctions,
	res: WebhookResponse,
	isTestConnection: boolean,
): Promise<IWebhookResponseData> {
	const logContext = { workflowId: this.getWorkflow().id, node: this.getNode().name };
	const credentials = await this.getCredentials('concurCalloutApi');
	const authorized = checkBasicAuth(this.getHeaderData().authorization, {
		username: String(credentials.username ?? ''),
		password: String(credentials.password ?? ''),
	});
	if (!authorized) {
		this.logger.warn('Concur Trigger: callout request refused (missing or wrong Basic Auth)', logContext);
		return answer(res, 401, 'Unauthorized', BASIC_CHALLENGE);
	}
	if (isTestConnection) {
		// Concur's Test Connection: credentials are right, nothing to run.
		return answer(res, 200, 'OK');
	}

	const parsed = parseCalloutNotification(await rawBodyOf(this.getRequestObject()));
	if (!parsed.ok) {
		this.logger.warn(`Concur Trigger: callout body refused: ${parsed.reason}`, logContext);
		return answer(res, 400, { message: `Not a Concur <Notification>: ${parsed.reason}` });
	}
	return {
		workflowData: [this.helpers.returnJsonArray([{ ...parsed.notification }])],
	};
}
