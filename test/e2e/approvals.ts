/** Workflows of the issue 14 end-to-end cases (not a test file): expenses, receipts, travel requests. */
import { randomUUID } from 'node:crypto';

import type { WorkflowJson } from '../../scripts/lib/n8n';
import type { PlaygroundCredentials } from '../../scripts/lib/playground';
import { chain } from './helpers';

type Creds = { [type: string]: { id: string; name: string } } | PlaygroundCredentials;

/**
 * Webhook { userId, reportId, receiptImageId, requestId } → Expense > Get Many → Receipt > Get
 * (binary) → Travel Request > Get. The last two run once, whatever the number of expenses.
 */
export function approvalsWorkflow(credentials: Creds, webhookPath: string): WorkflowJson {
	const oauth = { concurOAuth2Api: credentials.concurOAuth2Api };
	const body = (field: string) => `={{ $('Start').item.json.body.${field} }}`;
	const concur = (name: string, x: number, parameters: Record<string, unknown>, executeOnce = false) => ({
		id: randomUUID(),
		name,
		type: 'n8n-nodes-concur.concur',
		typeVersion: 1,
		position: [x, 0] as [number, number],
		parameters,
		credentials: oauth,
		...(executeOnce ? { executeOnce: true } : {}),
	});
	return {
		name: 'e2e approvals: expenses, receipt, travel request',
		nodes: [
			{
				id: randomUUID(),
				name: 'Start',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
				webhookId: randomUUID(),
			},
			concur('Expenses', 220, {
				resource: 'expense',
				operation: 'getAll',
				userId: body('userId'),
				reportId: body('reportId'),
				contextType: 'TRAVELER',
				returnAll: true,
				simplify: true,
			}),
			concur(
				'Receipt',
				440,
				{ resource: 'receipt', operation: 'get', of: 'receiptImage', receiptImageId: body('receiptImageId'), binaryPropertyName: 'data', options: {} },
				true,
			),
			concur('Travel Request', 660, { resource: 'travelRequest', operation: 'get', by: 'id', requestId: body('requestId'), userId: '', simplify: true }, true),
		],
		connections: chain(['Start', 'Expenses', 'Receipt', 'Travel Request']),
	};
}
