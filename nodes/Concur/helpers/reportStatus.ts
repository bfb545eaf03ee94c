import type { INodePropertyOptions } from 'n8n-workflow';

/**
 * Concur Expense's standard approval and payment status codes with their documented meanings
 * (v3 Reports, `approvalStatusCode` / `paymentStatusCode`). Shared by the Concur node's filters and
 * the polling trigger, so both offer the same, complete list under the same names.
 */
export const APPROVAL_STATUS_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Anomaly and Fraud Check (A_AAFH)', value: 'A_AAFH' },
	{ name: 'Approved (A_APPR)', value: 'A_APPR' },
	{ name: 'Expired in Approval Queue (A_TEXP)', value: 'A_TEXP' },
	{ name: 'Needs to Be Resubmitted (A_RESU)', value: 'A_RESU' },
	{ name: 'Not Submitted (A_NOTF)', value: 'A_NOTF' },
	{ name: 'Pending Budget Approval (A_PBDG)', value: 'A_PBDG' },
	{ name: 'Pending Cost Object Approval (A_PECO)', value: 'A_PECO' },
	{ name: 'Pending External Validation (A_EXTV)', value: 'A_EXTV' },
	{ name: 'Pending Manager Approval (A_PEND)', value: 'A_PEND' },
	{ name: 'Pending Prepayment Validation (A_PVAL)', value: 'A_PVAL' },
	{ name: 'Pending Receipt Images (A_RHLD)', value: 'A_RHLD' },
	{ name: 'Pending Review (A_ACCO)', value: 'A_ACCO' },
	{ name: 'Submitted (A_FILE)', value: 'A_FILE' },
];

export const PAYMENT_STATUS_OPTIONS: INodePropertyOptions[] = [
	{ name: 'In Process (P_PROC)', value: 'P_PROC' },
	{ name: 'Not Paid (P_NOTP)', value: 'P_NOTP' },
	{ name: 'On Hold (P_HOLD)', value: 'P_HOLD' },
	{ name: 'Paid (P_PAID)', value: 'P_PAID' },
	{ name: 'Payment Confirmed (P_PAYC)', value: 'P_PAYC' },
];

/** The same list with an "Any" entry (value ''), in alphabetical order, for single-choice filters. */
export function withAnyOption(options: INodePropertyOptions[]): INodePropertyOptions[] {
	return [{ name: 'Any', value: '' }, ...options].sort((a, b) => a.name.localeCompare(b.name));
}
