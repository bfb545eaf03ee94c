import type { IDataObject, IExecuteFunctions, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { v4ReportIdProperty } from './descriptions';
import type { LegacyWorkflowAction } from './legacyXml';
import { buildWorkflowActionXml, LEGACY_COMMENT_MAX_LENGTH, readActionStatus } from './legacyXml';
import { unwrapRoot } from './simplify';
import { isHttpUrlWithPath, isPathSegment } from './urls';

/** Approve and Send Back differ only in the action they send; both are built from here. */
export type WorkflowOperation = 'approve' | 'sendBack';

const LEGACY_ACTIONS: Record<WorkflowOperation, LegacyWorkflowAction> = {
	approve: 'Approve',
	sendBack: 'Send Back to Employee',
};

export function workflowProperties(operation: WorkflowOperation): INodeProperties[] {
	const commentRequired = operation === 'sendBack';
	return [
		{
			displayName: 'API',
			name: 'api',
			type: 'options',
			options: [
				{
					name: 'Report ID (Workflows API)',
					value: 'v4',
					description: 'Expense Workflows v4 API, by report ID with a company token',
				},
				{
					name: 'Workflow Action URL (Legacy XML)',
					value: 'legacy',
					description:
						'Legacy v1.1 API: post the action to the WorkflowActionURL of the report, as in the callout flow',
				},
			],
			default: 'v4',
			description: 'Which Concur API performs the action',
		},
		v4ReportIdProperty,
		{
			displayName: 'Workflow Action URL',
			name: 'workflowActionUrl',
			type: 'string',
			required: true,
			default: '',
			placeholder:
				'e.g. https://www.concursolutions.com/api/expense/expensereport/v1.1/report/nx2WRNzp18$wjehk%wqEL6EDHRwi9r$paQS1UqyL6a454QitqQ/WorkFlowAction',
			description:
				'The WorkflowActionURL of the report, e.g. from Report > Get by URL (workflowActionUrl). It is called exactly as given.',
			displayOptions: { show: { api: ['legacy'] } },
		},
		{
			displayName: 'Comment',
			name: 'comment',
			type: 'string',
			typeOptions: { rows: 2 },
			required: commentRequired,
			default: '',
			placeholder: commentRequired ? 'e.g. Please attach the hotel receipt' : 'e.g. Approved by n8n',
			description: commentRequired
				? 'Why the report goes back to the employee (up to 2000 characters for the legacy API)'
				: 'A comment stored with the approval (up to 2000 characters for the legacy API)',
		},
	];
}

export async function executeWorkflowAction(
	this: IExecuteFunctions,
	itemIndex: number,
	operation: WorkflowOperation,
): Promise<IDataObject> {
	const api = this.getNodeParameter('api', itemIndex) as string;
	const comment = (this.getNodeParameter('comment', itemIndex, '') as string).trim();
	if (operation === 'sendBack' && comment === '') {
		throw new NodeOperationError(this.getNode(), 'A comment is required to send a report back', {
			itemIndex,
		});
	}

	if (api === 'legacy') {
		const workflowActionUrl = (this.getNodeParameter('workflowActionUrl', itemIndex) as string).trim();
		if (!isHttpUrlWithPath(workflowActionUrl, /\/workflowaction$/i)) {
			throw new NodeOperationError(
				this.getNode(),
				`The workflow action URL is not a Concur WorkflowActionURL: ${workflowActionUrl}`,
				{
					itemIndex,
					description: 'Use the WorkflowActionURL of the report, ending in /WorkFlowAction',
				},
			);
		}
		if (comment.length > LEGACY_COMMENT_MAX_LENGTH) {
			throw new NodeOperationError(
				this.getNode(),
				`The comment has ${comment.length} characters; Concur accepts at most ${LEGACY_COMMENT_MAX_LENGTH}`,
				{ itemIndex },
			);
		}
		const action = LEGACY_ACTIONS[operation];
		const response = await concurApiRequest.call(this, {
			method: 'POST',
			url: workflowActionUrl,
			body: buildWorkflowActionXml(action, comment),
			format: 'xml',
		});
		const status = readActionStatus(unwrapRoot(response, 'ActionStatus'));
		if (!status.success) {
			// Concur refuses workflow actions with HTTP 200 and <Status>FAILURE</Status>.
			throw new NodeApiError(this.getNode(), { ...status } as JsonObject, {
				message: status.message || `Concur did not perform the action "${action}"`,
				description: `Concur answered with status ${status.status || '(none)'}`,
				itemIndex,
			});
		}
		return {
			success: true,
			action: operation,
			status: status.status,
			message: status.message,
			workflowActionUrl,
		};
	}

	const reportId = (this.getNodeParameter('reportId', itemIndex) as string).trim();
	if (!isPathSegment(reportId)) {
		throw new NodeOperationError(this.getNode(), `The report ID "${reportId}" is not valid`, { itemIndex });
	}
	await concurApiRequest.call(this, {
		method: 'PATCH',
		url: `/expensereports/v4/reports/${encodeURIComponent(reportId)}/${operation}`,
		body: comment === '' ? {} : { comment },
		format: 'json',
	});
	return { success: true, reportId, action: operation };
}
