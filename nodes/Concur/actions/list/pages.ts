/**
 * List v4 and List Item v4 paging: `{content, page: {number, size, totalElements, totalPages},
 * links}` pages, numbered from 1, of a fixed 100 rows (Concur's List v4 and List Item v4 reference,
 * "Page Metadata").
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { concurApiRequest } from '../../transport';
import { isObject } from '../../helpers/values';

/** List v4: lists, and (under a list) its first-level items, item children and bulk changes. */
export const LISTS_PATH = '/list/v4/lists';

/** List Item v4: one item by ID, its children, and single-item create. */
export const LIST_ITEMS_PATH = '/list/v4/items';

/** Rows per page: "fixed at 100". */
export const LIST_PAGE_SIZE = 100;

/** A page number no real list reaches (100 rows a page): stops a server that never says "last". */
const MAX_PAGES = 100_000;

/** The rows of one page (`content`). */
export function pageContent(page: unknown): IDataObject[] {
	return isObject(page) && Array.isArray(page.content) ? page.content.filter(isObject) : [];
}

/**
 * Whether a page says more follow: its `page.number` is below `page.totalPages`, or (without page
 * metadata) it links a `next` page.
 */
export function hasNextPage(page: unknown): boolean {
	if (!isObject(page)) return false;
	const meta = page.page;
	if (isObject(meta) && typeof meta.number === 'number' && typeof meta.totalPages === 'number') {
		return meta.number < meta.totalPages;
	}
	return Array.isArray(page.links) && page.links.some((link) => isObject(link) && link.rel === 'next');
}

/**
 * Reads the pages of a List v4 collection from page 1, stopping at the last page or once `limit`
 * rows are in (undefined: every page).
 */
export async function readListPages(
	this: IExecuteFunctions,
	url: string,
	qs: IDataObject = {},
	limit?: number,
): Promise<IDataObject[]> {
	const rows: IDataObject[] = [];
	for (let number = 1; number <= MAX_PAGES; number++) {
		const page = await concurApiRequest.call(this, { method: 'GET', url, qs: { ...qs, page: number }, format: 'json' });
		const content = pageContent(page);
		rows.push(...content);
		if (limit !== undefined && rows.length >= limit) return rows.slice(0, limit);
		if (content.length === 0 || !hasNextPage(page)) break;
	}
	return rows;
}
