/**
 * Expense v4 URLs (docs: expense/expense-report/v4.expenses, v4.expense-itemization,
 * v4.expense-attendee-associations). Every ID is one path segment, sent as Concur issued it.
 */
import { EXPENSE_REPORTS_V4_PATH } from '../../transport/paths';

/** The user, access context and report an expense request acts in. */
export interface ReportLocator {
	userId: string;
	contextType: string;
	reportId: string;
}

const segment = (value: string): string => encodeURIComponent(value);

/** `…/users/{userId}/context/{contextType}/reports/{reportId}/expenses` */
export function expensesPath(report: ReportLocator): string {
	return `${EXPENSE_REPORTS_V4_PATH}/users/${segment(report.userId)}/context/${segment(report.contextType)}/reports/${segment(report.reportId)}/expenses`;
}

/** `…/expenses/{expenseId}`, optionally followed by `/itemizations` or `/attendees`. */
export function expensePath(report: ReportLocator, expenseId: string, child?: 'itemizations' | 'attendees'): string {
	return `${expensesPath(report)}/${segment(expenseId)}${child ? `/${child}` : ''}`;
}

/** The system-user (company token) attendee URL: `/expensereports/v4/reports/{reportId}/expenses/{expenseId}/attendees`. */
export function systemAttendeesPath(reportId: string, expenseId: string): string {
	return `${EXPENSE_REPORTS_V4_PATH}/reports/${segment(reportId)}/expenses/${segment(expenseId)}/attendees`;
}

/**
 * The expenses list of a v4 report URL (an ESS `facts.href`): the report URL followed by
 * `/expenses`, which is also the report's own `expenses` link. Query and fragment are dropped.
 */
export function expensesUrlOfReportUrl(reportUrl: string): string {
	return `${reportUrl.replace(/[?#].*$/, '').replace(/\/+$/, '')}/expenses`;
}
