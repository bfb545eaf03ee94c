import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { daysToMs, minutesToMs, parseDateInZone } from '../helpers/dates';

/** The Event parameter: which report changes are emitted. */
export type ReportEvent = 'created' | 'updated' | 'createdOrUpdated';

export interface ReportSettings extends ChangeListSettings {
	fullDetails: boolean;
	/** The v3 list filters every request of the poll sends. */
	qs: IDataObject;
}

/** The options every list read by modification date has (Expense Report, Travel Request). */
export interface ChangeListSettings {
	event: ReportEvent;
	lookBackMs: number;
	/** Stop once a poll has read this many new items (0: no cap); the rest comes next poll. */
	maxItemsPerPoll: number;
	/** Rows per request (the list's `limit`, 1 to 100). */
	pageSize: number;
}

/** Event and the Options collection, checked (an expression could yield anything). */
function changeListSettings(this: IPollFunctions, options: IDataObject): ChangeListSettings {
	return {
		event: this.getNodeParameter('event', 'createdOrUpdated') as ReportEvent,
		lookBackMs: minutesToMs(nonNegative.call(this, options.lookBackMinutes, 10, 'Look-Back Window (Minutes)')),
		maxItemsPerPoll: Math.floor(nonNegative.call(this, options.maxItemsPerPoll, 10000, 'Max Items per Poll')),
		pageSize: Math.min(100, Math.max(1, Math.floor(nonNegative.call(this, options.pageSize, 100, 'Page Size')))),
	};
}

/** The Expense Report parameters, checked. */
export function reportSettings(this: IPollFunctions): ReportSettings {
	const options = this.getNodeParameter('options', {}) as IDataObject;
	const common = changeListSettings.call(this, options);
	const qs: IDataObject = { limit: common.pageSize };
	// Empty means the token owner's own reports (Concur's default when `user` is omitted).
	const user = String(this.getNodeParameter('user', 'ALL') ?? '').trim();
	if (user) qs.user = user;
	const approvalStatus = this.getNodeParameter('approvalStatus', '') as string;
	if (approvalStatus) qs.approvalStatusCode = approvalStatus;
	const paymentStatus = this.getNodeParameter('paymentStatus', '') as string;
	if (paymentStatus) qs.paymentStatusCode = paymentStatus;
	return { ...common, fullDetails: options.fullDetails === true, qs };
}

export interface TravelRequestSettings extends ChangeListSettings {
	/** The Request v4 list filters every request of the poll sends (view, userId, limit). */
	qs: IDataObject;
}

/** The Travel Request parameters, checked. */
export function travelRequestSettings(this: IPollFunctions): TravelRequestSettings {
	const options = this.getNodeParameter('options', {}) as IDataObject;
	const common = changeListSettings.call(this, options);
	const qs: IDataObject = { view: String(this.getNodeParameter('view', 'ALL') || 'ALL'), limit: common.pageSize };
	const userId = String(this.getNodeParameter('userId', '') ?? '').trim();
	if (userId) qs.userId = userId;
	return { ...common, qs };
}

/** A number option that must be zero or more. */
function nonNegative(this: IPollFunctions, value: unknown, fallback: number, name: string): number {
	if (value === undefined || value === '') return fallback;
	const number = Number(value);
	if (!Number.isFinite(number) || number < 0) {
		throw new NodeOperationError(this.getNode(), `${name} must be a number of zero or more, not "${String(value)}"`);
	}
	return number;
}

/** Whether First Run is "Start From Now": the first poll remembers what is listed, emits nothing. */
export function startsFromNow(this: IPollFunctions): boolean {
	return (this.getNodeParameter('firstRun', 'now') as string) === 'now';
}

/** Epoch ms the first poll starts from, per First Run; `nowFloor` for "Start From Now". */
export function firstRunFloor(this: IPollFunctions, now: number, nowFloor: number): number {
	const firstRun = this.getNodeParameter('firstRun', 'now') as string;
	if (firstRun === 'backfill') {
		const days = this.getNodeParameter('backfillDays', 7) as number;
		return now - daysToMs(days);
	}
	if (firstRun === 'date') {
		const value = this.getNodeParameter('startDate', '') as string;
		// n8n's date fields hold a wall-clock time in the workflow's time zone.
		const start = parseDateInZone(value, this.getTimezone());
		if (start === undefined) {
			throw new NodeOperationError(this.getNode(), `Start Date "${value}" is not a valid date`);
		}
		return start;
	}
	return nowFloor;
}
