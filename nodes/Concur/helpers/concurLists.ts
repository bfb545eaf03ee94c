import type { IDataObject } from 'n8n-workflow';

import { isObject } from './values';

/** Readers of Concur's list answers: whatever arrives, they return plain objects and never throw. */

/** `{Items, NextPage}` of a v3 list; NextPage is absent, null or '' on the last page. */
export function reportPageOf(body: unknown): { items: IDataObject[]; nextPage?: string } {
	if (!isObject(body)) return { items: [] };
	const items = Array.isArray(body.Items) ? body.Items.filter(isObject) : [];
	const nextPage = typeof body.NextPage === 'string' && body.NextPage.trim() !== '' ? body.NextPage : undefined;
	return { items, nextPage };
}

/**
 * The notification list: a JSON array, or the XML `NotificationList` read as JSON (with or without
 * its root; one `Notification` is an object, several an array). Entries that are not objects go.
 */
export function notificationsOf(body: unknown): IDataObject[] {
	if (Array.isArray(body)) return body.filter(isObject);
	if (!isObject(body)) return [];
	const list: IDataObject = isObject(body.NotificationList) ? body.NotificationList : body;
	const entries = list.Notification;
	if (Array.isArray(entries)) return entries.filter(isObject);
	return isObject(entries) ? [entries] : [];
}

/** The requests of one Travel Request v4 list page (`data`). */
export function requestsOfPage(page: unknown): IDataObject[] {
	return isObject(page) && Array.isArray(page.data) ? page.data.filter(isObject) : [];
}

/** The `next` link of a Travel Request v4 list page (an absolute URL with its query), or undefined on the last page. */
export function nextPageUrl(page: unknown): string | undefined {
	if (!isObject(page) || !Array.isArray(page.operations)) return undefined;
	const next = page.operations.find((operation) => isObject(operation) && operation.rel === 'next') as IDataObject | undefined;
	return typeof next?.href === 'string' && next.href.trim() !== '' ? next.href.trim() : undefined;
}
