/** The v1.1 XML bodies the Report operations send and read: exceptions and workflow actions. */
import type { IDataObject } from 'n8n-workflow';

import { buildXml } from '../../helpers/xml';
import { isObject } from '../../helpers/values';
import { compact, text, toArray, toNumber } from './simplify';

export const EXPENSE_REPORT_NAMESPACE = 'http://www.concursolutions.com/api/expense/expensereport/2011/03';

export interface LegacyExceptionInput {
	objectType?: string;
	objectId?: string;
	exceptionCode: string;
}

/** The v1.1 `<Exceptions>` body; Index is assigned 1..n in the order given. */
export function buildExceptionsXml(exceptions: LegacyExceptionInput[]): string {
	return buildXml(
		'Exceptions',
		{
			Exception: exceptions.map((exception, index) => ({
				Index: index + 1,
				ObjectType: exception.objectType || undefined,
				ObjectId: exception.objectId?.trim() || undefined,
				ExceptionCode: exception.exceptionCode.trim(),
			})),
		},
		EXPENSE_REPORT_NAMESPACE,
	);
}

export interface ExceptionResultSummary extends IDataObject {
	succeeded: number;
	failed: number;
	results: IDataObject[];
	errors: IDataObject[];
}

/**
 * Shapes `<exception-result>`: counts, per-exception results and the rejected exceptions, each
 * joined with what was sent under the same Index so a user sees which code was refused.
 */
export function summarizeExceptionResult(
	result: IDataObject,
	sent: LegacyExceptionInput[],
): ExceptionResultSummary {
	const sentAt = (index: number): IDataObject => {
		const exception = sent[index - 1];
		if (!exception) return {};
		return compact({
			exceptionCode: exception.exceptionCode,
			objectType: exception.objectType || undefined,
			objectId: exception.objectId || undefined,
		});
	};
	const errorsContainer = isObject(result.errors) ? (result.errors as IDataObject) : {};
	const errors = toArray<IDataObject>(errorsContainer.error).map((error) => {
		const index = toNumber(error.Index) ?? 0;
		return { index, message: text(error.message ?? error.Message) ?? '', ...sentAt(index) };
	});
	const detailsContainer = isObject(result.ExceptionDetails)
		? (result.ExceptionDetails as IDataObject)
		: {};
	const results = toArray<IDataObject>(detailsContainer.ExceptionInfo).map((info) => {
		const index = toNumber(info.Index) ?? 0;
		return { index, status: text(info.Status) ?? '', ...sentAt(index) };
	});
	return {
		succeeded: toNumber(result['exceptions-succeeded']) ?? results.length,
		failed: toNumber(result['exceptions-failed']) ?? errors.length,
		results,
		errors,
	};
}

/** One line per rejected exception, for the error description. */
export function describeRejectedExceptions(errors: IDataObject[]): string {
	return errors
		.map((error) => {
			const code = error.exceptionCode ? ` (${String(error.exceptionCode)})` : '';
			return `Exception ${String(error.index)}${code}: ${String(error.message)}`;
		})
		.join('\n');
}

export type LegacyWorkflowAction = 'Approve' | 'Send Back to Employee';

/** The documented limit of the v1.1 workflow action comment. */
export const LEGACY_COMMENT_MAX_LENGTH = 2000;

export function buildWorkflowActionXml(action: LegacyWorkflowAction, comment: string): string {
	return buildXml(
		'WorkflowAction',
		{ Action: action, Comment: comment === '' ? undefined : comment },
		EXPENSE_REPORT_NAMESPACE,
	);
}

/**
 * Reads `<ActionStatus>`. Concur reports a refused action with HTTP 200 and
 * `<Status>FAILURE</Status>`, so success is only what says so.
 */
export function readActionStatus(status: IDataObject): { success: boolean; status: string; message: string } {
	const statusText = (text(status.Status) ?? '').trim();
	const message = (text(status.Message) ?? '').trim();
	return { success: /^success/i.test(statusText), status: statusText, message };
}
