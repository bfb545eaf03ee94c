/**
 * The simplified expense: one shape whichever API returned the expense (v4 expense or itemization,
 * v3 entry, v1.1 / v2 entry), so a workflow or an AI agent reads the same keys everywhere.
 */
import type { IDataObject } from 'n8n-workflow';

import { isObject, objectOf } from '../../helpers/values';
import { compact, text, toArray, toNumber } from '../report/simplify';

function toBoolean(value: unknown): boolean | undefined {
	if (typeof value === 'boolean') return value;
	if (typeof value === 'string') {
		const normalized = value.trim().toLowerCase();
		if (['y', 'yes', 'true', '1'].includes(normalized)) return true;
		if (['n', 'no', 'false', '0'].includes(normalized)) return false;
	}
	return undefined;
}


/** `yyyy-MM-dd` of a Concur date or date-time (`2026-03-11T00:00:00` → `2026-03-11`). */
function dateOnly(value: unknown): string | undefined {
	const date = text(value);
	return date && /^\d{4}-\d{2}-\d{2}/.test(date) ? date.slice(0, 10) : date;
}

/** An expense, an itemization of an expense, as Expenses v4 returns it. */
export function simplifyV4Expense(expense: IDataObject): IDataObject {
	const transaction = objectOf(expense.transactionAmount);
	const posted = objectOf(expense.postedAmount);
	const approved = objectOf(expense.approvedAmount);
	const type = objectOf(expense.expenseType);
	const vendor = objectOf(expense.vendor);
	const location = objectOf(expense.location);
	const paymentType = objectOf(expense.paymentType);
	const receiptType = objectOf(expense.receiptType);
	const receiptImageId = text(expense.receiptImageId) ?? text(expense.ereceiptImageId);
	return compact({
		id: text(expense.expenseId),
		parentExpenseId: text(expense.parentExpenseId),
		expenseType: text(type.name),
		expenseTypeCode: text(type.id),
		transactionDate: dateOnly(expense.transactionDate),
		amount: toNumber(transaction.value),
		currency: text(transaction.currencyCode),
		postedAmount: toNumber(posted.value),
		postedCurrency: text(posted.currencyCode),
		approvedAmount: toNumber(approved.value),
		vendor: text(vendor.description) ?? text(vendor.name),
		location: text(location.name),
		countryCode: text(location.countryCode),
		businessPurpose: text(expense.businessPurpose),
		paymentType: text(paymentType.name),
		isPersonal: toBoolean(expense.isPersonalExpense),
		receiptRequired: toBoolean(expense.isImageRequired),
		hasReceiptImage: receiptImageId !== undefined,
		receiptImageId,
		receiptType: text(receiptType.id),
		receiptStatus: text(receiptType.status),
		imageCertificationStatus: text(expense.imageCertificationStatus),
		hasMissingReceiptDeclaration: toBoolean(expense.hasMissingReceiptDeclaration),
		paperReceiptRequired: toBoolean(expense.isPaperReceiptRequired),
		hasExceptions: toBoolean(expense.hasExceptions),
		hasBlockingExceptions: toBoolean(expense.hasBlockingExceptions),
		attendeeCount: toNumber(expense.attendeeCount),
		allocationState: text(expense.allocationState),
		lastModifiedDate: text(expense.lastModifiedDate),
	});
}

/** An entry as Expense Entries v3 returns it. */
export function simplifyV3Entry(entry: IDataObject): IDataObject {
	return compact({
		id: text(entry.ExpenseID) ?? text(entry.ID),
		entryId: text(entry.ID),
		expenseType: text(entry.ExpenseTypeName),
		expenseTypeCode: text(entry.ExpenseTypeCode),
		transactionDate: dateOnly(entry.TransactionDate),
		amount: toNumber(entry.TransactionAmount),
		currency: text(entry.TransactionCurrencyCode),
		postedAmount: toNumber(entry.PostedAmount),
		approvedAmount: toNumber(entry.ApprovedAmount),
		vendor: text(entry.VendorDescription) ?? text(entry.VendorListItemName),
		location: text(entry.LocationName),
		countryCode: text(entry.LocationCountry),
		businessPurpose: text(entry.Description),
		paymentType: text(entry.PaymentTypeName),
		isPersonal: toBoolean(entry.IsPersonal),
		receiptRequired: toBoolean(entry.IsImageRequired),
		hasReceiptImage: toBoolean(entry.HasImage),
		receiptType: text(entry.TaxReceiptType),
		hasExceptions: toBoolean(entry.HasExceptions),
		hasAttendees: toBoolean(entry.HasAttendees),
		hasItemizations: toBoolean(entry.HasItemizations),
		lastModifiedDate: text(entry.LastModified),
	});
}

/** An `ExpenseEntry` of v1.1 report full details (or the v2 report details, which share most names). */
export function simplifyLegacyEntry(entry: IDataObject): IDataObject {
	const receiptImageId = text(entry.ReceiptImageId) || undefined;
	return compact({
		id: text(entry.ReportEntryID) ?? text(entry.RpeKey),
		entryId: text(entry.RpeKey) ?? text(entry.ReportEntryID),
		expenseType: text(entry.ExpName) ?? text(entry.ExpenseTypeName),
		expenseTypeCode: text(entry.ExpKey) ?? text(entry.ExpenseTypeCode),
		transactionDate: dateOnly(entry.TransactionDate),
		amount: toNumber(entry.TransactionAmount),
		currency: text(entry.TransactionCurrencyCode) ?? text(entry.TransactionCurrencyName),
		postedAmount: toNumber(entry.PostedAmount),
		approvedAmount: toNumber(entry.ApprovedAmount),
		vendor: text(entry.VendorDescription),
		location: text(entry.LocationName),
		countryCode: text(entry.LocationCountry),
		businessPurpose: text(entry.BusinessPurpose),
		paymentType: text(entry.PaymentTypeName) ?? text(entry.PaymentTypeKey),
		isPersonal: toBoolean(entry.IsPersonal),
		receiptRequired: toBoolean(entry.ImageRequired ?? entry.ReceiptRequired),
		hasReceiptImage: receiptImageId !== undefined || toBoolean(entry.HasImage) === true,
		receiptImageId,
		hasExceptions: toBoolean(entry.HasExceptions),
		hasAttendees: toBoolean(entry.HasAttendees),
		hasItemizations: toBoolean(entry.IsItemized),
		attendeeCount: toNumber(entry.AttendeeCount),
		lastModifiedDate: text(entry.LastModifiedDate ?? entry.LastModified),
	});
}

/** The entries embedded in v1.1 full details (`Entries.ExpenseEntry`) or v2 details (`ExpenseEntriesList`). */
export function legacyEntriesOf(details: IDataObject): IDataObject[] {
	const v11 = objectOf(details.Entries);
	if ('ExpenseEntry' in v11) return toArray<IDataObject>(v11.ExpenseEntry).filter(isObject);
	const v2 = details.ExpenseEntriesList;
	if (Array.isArray(v2)) return v2.filter(isObject);
	return toArray<IDataObject>(objectOf(v2).ExpenseEntry).filter(isObject);
}

/** Attendee associations of an expense (`{noShowAttendeeCount, expenseAttendeeList}`), simplified. */
export function simplifyAttendees(associations: IDataObject): IDataObject {
	const attendees = toArray<IDataObject>(associations.expenseAttendeeList).filter(isObject);
	return compact({
		noShowAttendeeCount: toNumber(associations.noShowAttendeeCount),
		attendeeCount: attendees.length,
		attendees: attendees.map((attendee) => {
			const amount = objectOf(attendee.transactionAmount);
			const approved = objectOf(attendee.approvedAmount);
			return compact({
				attendeeId: text(attendee.attendeeId),
				amount: toNumber(amount.value ?? attendee.transactionAmount),
				currency: text(amount.currencyCode),
				approvedAmount: toNumber(approved.value),
				associatedAttendeeCount: toNumber(attendee.associatedAttendeeCount),
				isTraveling: toBoolean(attendee.isTraveling),
				isAmountUserEdited: toBoolean(attendee.isAmountUserEdited),
			});
		}),
	});
}

/** A v4 list answer: an array (expenses, itemizations); anything else is an empty list. */
export function listOf(response: unknown): IDataObject[] {
	if (Array.isArray(response)) return response.filter(isObject);
	// Defensive: some gateways wrap lists; Concur documents a bare array for these endpoints.
	if (isObject(response) && Array.isArray(response.items)) return (response.items as unknown[]).filter(isObject);
	return [];
}
