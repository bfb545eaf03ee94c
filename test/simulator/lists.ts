// Lists and list items (Concur's List v4, List Item v4 and List Item Bulk v4 references): lists
// with paging and filters, items at up to ten levels addressed by long code (the codes of their
// levels joined by hyphens), first-level items and item children (paged, 100 a page), single-item
// create / get / update / delete, and the bulk create (POST) and update-or-delete (PATCH) of up to
// 250 parts, each part run in order on its own, answered SUCCESS (201 / 200), PARTIAL_SUCCESS
// (206) or FAILURE (400) with the refused parts echoed in `errors[].listItem`. Errors use List
// v4's body: `{timestamp, httpStatus, error: {id, message}, path, validationErrors}`.
//
// Seeded: "Cost Centers" (one level, 8 items) and "Projects" (two levels: 3 projects with tasks),
// plus a deleted list. Every call that reaches these routes is counted per endpoint
// (`listsOf(sim).calls`, keyed "METHOD /template"), so tests and the bench can assert call counts.
//
// [INFERRED] where Concur is silent: a deleted item's code may be created again (a new item; the
// deleted one stays deleted); a code with a hyphen is refused per part; deleting an item through
// the bulk API deletes its children (as the single delete is documented to); an item's `level`
// beyond the list's levelCount raises the levelCount; the create's URI template
// `/list/v4/items/{listId}/bulk` is answered like the documented examples' `/list/v4/lists/{listId}/bulk`.
import { randomUUID } from 'node:crypto';
import type { ConcurSimulator } from './index';
import { HttpError, STATUS_TEXT, authenticate, jsonBody, send, sendJson, type RequestContext } from './http';
import type { Tenant } from './state';

export interface SimList {
	id: string;
	value: string;
	levelCount: number;
	searchCriteria: 'TEXT' | 'CODE';
	displayFormat: string;
	category: { id: string; type: string };
	isReadOnly: boolean;
	isDeleted: boolean;
	managedBy: string | null;
}

export interface SimListItem {
	id: string;
	listId: string;
	/** The long code: the parent's long code, '-', the short code. */
	code: string;
	shortCode: string;
	value: string;
	parentId: string | null;
	level: number;
	isDeleted: boolean;
}

/** List v4's page size, "fixed at 100". */
export const LIST_PAGE_SIZE = 100;
/** List Item Bulk v4: "up to 250 list items can be modified per bulk request". */
export const BULK_MAX = 250;
const MAX_LEVELS = 10;

const MESSAGES = {
	duplicate: 'This item code is already used by another item in the same list',
	parentMissing: 'Parent listItem not found.',
	parentDeleted: 'Parent listItem has been deleted.',
	maxLevel: 'Parent at max level. List items cannot be added to this parent.',
	notFound: 'listItem not found.',
	deleted: 'The list item has been deleted',
	hyphen: 'Hyphens are not supported in list item codes',
};

class ListError extends HttpError {
	constructor(status: number, readonly id: string, message: string, readonly validation: Array<{ source: string; message: string }> = []) {
		super(status, message);
	}
}

const CATEGORIES = {
	normal: { id: 'b77877c5-7e48-374f-bf1f-f5d85181fac8', type: 'Normal' },
	configuration: { id: 'd232b1e3-43da-4a2d-adaf-eb948045e8cf', type: 'Configuration' },
};

export class ListStore {
	readonly lists: SimList[] = [];
	readonly items = new Map<string, SimListItem>();
	/** Calls per endpoint ("GET /list/v4/lists/{listId}/children"). */
	readonly calls = new Map<string, number>();
	/** Parts refused with a message, by long code (tests: a part Concur refuses). */
	readonly refuseParts = new Map<string, string>();
	/** Bulk request sizes, in order (tests: batching). */
	readonly bulkSizes: Array<{ method: string; parts: number }> = [];
	readonly costCenterListId: string;
	readonly projectListId: string;
	/** Non-deleted items by list, then long code. */
	private readonly byCode = new Map<string, Map<string, SimListItem>>();
	/** Non-deleted children by list and parent ('' for the first level), in creation order. */
	private readonly childrenOf = new Map<string, SimListItem[]>();
	private sortCache = new Map<string, SimListItem[]>();

	constructor() {
		const costCenters = this.createList('Cost Centers');
		const names = ['Sales', 'Marketing', 'Engineering', 'Finance', 'Human Resources', 'Operations', 'Legal', 'Support'];
		names.forEach((name, index) => this.addItem(costCenters.id, `CC${1000 + index * 100}`, name));
		const projects = this.createList('Projects');
		const tree: Array<[string, string, Array<[string, string]>]> = [
			['PRJ1', 'Apollo', [['DESIGN', 'Design'], ['BUILD', 'Build']]],
			['PRJ2', 'Borealis', [['DESIGN', 'Design'], ['ROLLOUT', 'Rollout'], ['SUPPORT', 'Support']]],
			['PRJ3', 'Cassini', []],
		];
		for (const [code, name, tasks] of tree) {
			this.addItem(projects.id, code, name);
			for (const [task, taskName] of tasks) this.addItem(projects.id, task, taskName, code);
		}
		const old = this.createList('Old Regions');
		old.isDeleted = true;
		this.costCenterListId = costCenters.id;
		this.projectListId = projects.id;
	}

	createList(value: string, category: keyof typeof CATEGORIES = 'normal'): SimList {
		const list: SimList = {
			id: randomUUID(),
			value,
			levelCount: 1,
			searchCriteria: 'TEXT',
			displayFormat: '(CODE) TEXT',
			category: CATEGORIES[category],
			isReadOnly: false,
			isDeleted: false,
			managedBy: null,
		};
		this.lists.push(list);
		this.byCode.set(list.id, new Map());
		return list;
	}

	list(id: string): SimList | undefined {
		return this.lists.find((list) => list.id === id && !list.isDeleted);
	}

	/** Every non-deleted item of a list, parents before children. */
	itemsOf(listId: string): SimListItem[] {
		return [...(this.byCode.get(listId)?.values() ?? [])].sort((a, b) => a.level - b.level);
	}

	itemByCode(listId: string, longCode: string): SimListItem | undefined {
		return this.byCode.get(listId)?.get(longCode);
	}

	/** Total calls whose endpoint starts with `prefix` ("PATCH", "GET /list/v4/lists/{listId}/children", …). */
	callCount(prefix = ''): number {
		let total = 0;
		for (const [endpoint, count] of this.calls) if (endpoint.startsWith(prefix)) total += count;
		return total;
	}

	resetCalls(): void {
		this.calls.clear();
		this.bulkSizes.length = 0;
	}

	/** Adds an item (programmatic: throws on what Concur would refuse). */
	addItem(listId: string, shortCode: string, value: string, parentCode = ''): SimListItem {
		const result = this.create(listId, { shortCode, value, parentCode: parentCode || undefined });
		if (typeof result === 'string') throw new Error(result);
		return result;
	}

	/** Adds many first-level (or child) items quickly: the bench's and tests' big lists. */
	bulkAdd(listId: string, count: number, prefix = 'ITEM', parentCode = ''): void {
		for (let i = 0; i < count; i++) this.addItem(listId, `${prefix}${String(i).padStart(6, '0')}`, `${prefix} ${i}`, parentCode);
	}

	/** Creates one item; returns it, or the message Concur refuses it with. */
	create(listId: string, part: { shortCode?: unknown; value?: unknown; parentCode?: unknown; parentId?: unknown }): SimListItem | string {
		const list = this.list(listId);
		if (!list) return 'List not found.';
		const shortCode = typeof part.shortCode === 'string' ? part.shortCode.trim() : '';
		const value = typeof part.value === 'string' ? part.value.trim() : '';
		if (shortCode === '' || value === '') return 'shortCode and value are required';
		if (shortCode.includes('-')) return MESSAGES.hyphen;
		let parent: SimListItem | undefined;
		if (typeof part.parentId === 'string' && part.parentId !== '') {
			const byId = this.items.get(part.parentId);
			if (!byId || byId.listId !== listId) return MESSAGES.parentMissing;
			if (byId.isDeleted) return MESSAGES.parentDeleted;
			parent = byId;
		} else if (typeof part.parentCode === 'string' && part.parentCode !== '') {
			parent = this.itemByCode(listId, part.parentCode);
			if (!parent) return MESSAGES.parentMissing;
		}
		if (parent && parent.level >= MAX_LEVELS) return MESSAGES.maxLevel;
		const code = parent ? `${parent.code}-${shortCode}` : shortCode;
		const refusal = this.refuseParts.get(code);
		if (refusal) return refusal;
		if (this.itemByCode(listId, code)) return MESSAGES.duplicate;
		const item: SimListItem = {
			id: randomUUID(),
			listId,
			code,
			shortCode,
			value,
			parentId: parent?.id ?? null,
			level: parent ? parent.level + 1 : 1,
			isDeleted: false,
		};
		this.items.set(item.id, item);
		this.byCode.get(listId)!.set(code, item);
		this.childList(listId, item.parentId).push(item);
		list.levelCount = Math.max(list.levelCount, item.level);
		this.sortCache.clear();
		return item;
	}

	/** Updates or deletes one item by long code (the bulk PATCH part); returns the refusal message, if any. */
	patch(listId: string, part: { code?: unknown; value?: unknown; deleted?: unknown }): string | undefined {
		if (!this.list(listId)) return 'List not found.';
		const code = typeof part.code === 'string' ? part.code : '';
		const refusal = this.refuseParts.get(code);
		if (refusal) return refusal;
		const item = this.itemByCode(listId, code);
		if (!item) {
			const deleted = [...this.items.values()].some((candidate) => candidate.listId === listId && candidate.code === code && candidate.isDeleted);
			return deleted ? MESSAGES.deleted : MESSAGES.notFound;
		}
		if (part.deleted === true) {
			this.remove(item);
			return undefined;
		}
		if (typeof part.value === 'string' && part.value.trim() !== '') {
			item.value = part.value.trim();
			this.sortCache.clear();
		}
		return undefined;
	}

	/** Deletes an item and its children (List Item v4: "all children of that list item are also deleted"). */
	remove(item: SimListItem): void {
		for (const child of [...this.childList(item.listId, item.id)]) this.remove(child);
		item.isDeleted = true;
		this.byCode.get(item.listId)?.delete(item.code);
		const siblings = this.childList(item.listId, item.parentId);
		siblings.splice(siblings.indexOf(item), 1);
		this.sortCache.clear();
	}

	/** Gives an item (without children) a new short code, hence a new long code. */
	recode(item: SimListItem, shortCode: string): string | undefined {
		const code = `${item.code.slice(0, item.code.length - item.shortCode.length)}${shortCode}`;
		if (this.itemByCode(item.listId, code)) return MESSAGES.duplicate;
		if (this.hasChildren(item)) return 'The code of an item with children cannot change';
		const codes = this.byCode.get(item.listId)!;
		codes.delete(item.code);
		item.code = code;
		item.shortCode = shortCode;
		codes.set(code, item);
		this.sortCache.clear();
		return undefined;
	}

	hasChildren(item: SimListItem): boolean {
		return this.childList(item.listId, item.id).length > 0;
	}

	toJson(item: SimListItem): Record<string, unknown> {
		return {
			id: item.id,
			code: item.code,
			shortCode: item.shortCode,
			value: item.value,
			parentId: item.parentId,
			level: item.level,
			isDeleted: item.isDeleted,
			lists: [{ id: item.listId, hasChildren: !item.isDeleted && this.hasChildren(item) }],
		};
	}

	childList(listId: string, parentId: string | null): SimListItem[] {
		const key = `${listId}/${parentId ?? ''}`;
		let children = this.childrenOf.get(key);
		if (!children) {
			children = [];
			this.childrenOf.set(key, children);
		}
		return children;
	}

	/** Children (sorted, filtered) of a list's first level or of an item, deleted ones only when asked. */
	query(listId: string, parentId: string | null, q: URLSearchParams): SimListItem[] {
		const sortBy = q.get('sortBy') ?? 'value';
		if (sortBy !== 'value' && sortBy !== 'shortCode') throw new ListError(400, 'request.validation.error', 'Please check your request parameter', [{ source: 'sortBy', message: 'sortBy must be value or shortCode' }]);
		const direction = (q.get('sortDirection') ?? 'asc').toLowerCase() === 'desc' ? -1 : 1;
		const includeDeleted = q.get('isDeleted') === 'true';
		const key = `${listId}/${parentId ?? ''}/${sortBy}/${direction}/${includeDeleted}`;
		let sorted = this.sortCache.get(key);
		if (!sorted) {
			const base = includeDeleted
				? [...this.items.values()].filter((item) => item.listId === listId && item.parentId === parentId)
				: this.childList(listId, parentId);
			const field = sortBy as 'value' | 'shortCode';
			sorted = [...base].sort((a, b) => (a[field] < b[field] ? -direction : a[field] > b[field] ? direction : a.id < b.id ? -1 : 1));
			this.sortCache.set(key, sorted);
		}
		let rows = sorted;
		for (const field of ['value', 'shortCode', 'shortCodeOrValue'] as const) {
			const filter = q.get(field);
			if (filter === null || filter === '') continue;
			const test = textFilter(filter);
			rows = rows.filter((item) => (field === 'shortCodeOrValue' ? test(item.shortCode) || test(item.value) : test(item[field])));
		}
		if (q.get('hasChildren') === 'true') rows = rows.filter((item) => this.hasChildren(item));
		return rows;
	}

	count(endpoint: string): void {
		this.calls.set(endpoint, (this.calls.get(endpoint) ?? 0) + 1);
	}
}

/** Concur's filter syntax `<op>:<value>` (eq, not, sw, ew, cp; eq when no operator). */
function textFilter(raw: string): (value: string) => boolean {
	const m = /^(eq|not|sw|ew|cp):(.*)$/s.exec(raw);
	const [op, wanted] = m ? [m[1], m[2]] : ['eq', raw];
	switch (op) {
		case 'not':
			return (value) => value !== wanted;
		case 'sw':
			return (value) => value.startsWith(wanted);
		case 'ew':
			return (value) => value.endsWith(wanted);
		case 'cp':
			return (value) => value.includes(wanted);
		default:
			return (value) => value === wanted;
	}
}

function numberFilter(raw: string): (value: number) => boolean {
	const m = /^(eq|gt|gte|lt|lte):(.*)$/.exec(raw);
	const [op, text] = m ? [m[1], m[2]] : ['eq', raw];
	const wanted = Number(text);
	if (!Number.isFinite(wanted)) throw new ListError(400, 'request.validation.error', 'Please check your request parameter', [{ source: 'levelCount', message: 'levelCount must be a number' }]);
	const compare: Record<string, (value: number) => boolean> = {
		eq: (value) => value === wanted,
		gt: (value) => value > wanted,
		gte: (value) => value >= wanted,
		lt: (value) => value < wanted,
		lte: (value) => value <= wanted,
	};
	return compare[op];
}

const stores = new WeakMap<Tenant, ListStore>();

/** The lists of a simulator's tenant (seeded on first use). */
export function listsOf(sim: ConcurSimulator): ListStore {
	let store = stores.get(sim.tenant);
	if (!store) {
		store = new ListStore();
		stores.set(sim.tenant, store);
	}
	return store;
}

// ------------------------------------------------------------------------------------------ routes

function pageNumber(q: URLSearchParams): number {
	const raw = q.get('page') ?? '1';
	if (!/^\d+$/.test(raw) || Number(raw) < 1) {
		throw new ListError(400, 'request.validation.error', 'Please check your request parameter', [{ source: 'page', message: 'page must be greater than or equal to 1' }]);
	}
	return Number(raw);
}

/** One page of rows: `{links, content, page}`, with first/prev/next/last links when there are pages. */
function sendPage<T>(ctx: RequestContext, rows: T[], toJson: (row: T) => unknown): void {
	const number = pageNumber(ctx.query);
	const totalPages = Math.ceil(rows.length / LIST_PAGE_SIZE);
	const link = (rel: string, page: number) => {
		const params = new URLSearchParams(ctx.query);
		params.set('page', String(page));
		return { rel, href: `${ctx.base}${ctx.path}?${params.toString()}` };
	};
	const links = totalPages <= 1 ? [] : [link('first', 1), ...(number > 1 ? [link('prev', number - 1)] : []), ...(number < totalPages ? [link('next', number + 1)] : []), link('last', totalPages)];
	sendJson(ctx, 200, {
		links,
		content: rows.slice((number - 1) * LIST_PAGE_SIZE, number * LIST_PAGE_SIZE).map(toJson),
		page: { size: LIST_PAGE_SIZE, totalElements: rows.length, totalPages, number },
	});
}

function requireList(store: ListStore, id: string): SimList {
	const list = store.list(id);
	if (!list) throw new ListError(404, 'list.not.found', 'List not found');
	return list;
}

function requireItem(store: ListStore, id: string): SimListItem {
	const item = store.items.get(id);
	if (!item) throw new ListError(404, 'listitem.not.found', 'List item not found');
	return item;
}

function bulk(store: ListStore, ctx: RequestContext, listId: string): void {
	requireList(store, listId);
	const body = jsonBody(ctx);
	const requests = Array.isArray(body.requests) ? (body.requests as unknown[]) : undefined;
	if (!requests || requests.length < 1 || requests.length > BULK_MAX) {
		throw new ListError(400, 'request.validation.error', 'Please check your request parameter', [{ source: 'requests', message: `size must be between 1 and ${BULK_MAX}` }]);
	}
	store.bulkSizes.push({ method: ctx.method, parts: requests.length });
	const errors: Array<{ message: string; listItem: unknown }> = [];
	for (const part of requests) {
		const record = (part !== null && typeof part === 'object' ? part : {}) as Record<string, unknown>;
		const refusal = ctx.method === 'POST' ? store.create(listId, { shortCode: record.shortCode, value: record.value, parentCode: record.parentCode }) : store.patch(listId, record);
		const message = typeof refusal === 'string' ? refusal : undefined;
		if (message !== undefined) errors.push({ message, listItem: part });
	}
	const failed = errors.length;
	const succeeded = requests.length - failed;
	const status = failed === 0 ? (ctx.method === 'POST' ? 201 : 200) : succeeded === 0 ? 400 : 206;
	sendJson(
		ctx,
		status,
		{ status: failed === 0 ? 'SUCCESS' : succeeded === 0 ? 'FAILURE' : 'PARTIAL_SUCCESS', recordsSucceeded: succeeded, recordsFailed: failed, errors },
		{ Location: `${ctx.base}${ctx.path}` },
	);
}

const UUID_SEGMENT = '([^/]+)';
const ROUTES: Array<[string, RegExp, (store: ListStore, ctx: RequestContext, m: RegExpExecArray) => void]> = [
	[
		'GET /list/v4/lists',
		/^\/list\/v4\/lists$/,
		(store, ctx) => {
			const q = ctx.query;
			let rows = store.lists.filter((list) => list.isDeleted === (q.get('isDeleted') === 'true'));
			const name = q.get('value');
			if (name) rows = rows.filter((list) => textFilter(name)(list.value));
			const category = q.get('category.type');
			if (category) rows = rows.filter((list) => textFilter(category)(list.category.type));
			const levels = q.get('levelCount');
			if (levels) rows = rows.filter((list) => numberFilter(levels)(list.levelCount));
			const sortBy = (q.get('sortBy') ?? 'name').toLowerCase();
			const key = (list: SimList) => (sortBy === 'levelcount' ? String(list.levelCount).padStart(3, '0') : sortBy === 'listcategory' ? list.category.type : list.value);
			const direction = (q.get('sortDirection') ?? 'asc').toLowerCase() === 'desc' ? -1 : 1;
			rows = [...rows].sort((a, b) => (key(a) < key(b) ? -direction : key(a) > key(b) ? direction : 0));
			sendPage(ctx, rows, (list) => list);
		},
	],
	['GET /list/v4/lists/{listId}', /^\/list\/v4\/lists\/([^/]+)$/, (store, ctx, m) => sendJson(ctx, 200, requireList(store, m[1]))],
	[
		'GET /list/v4/lists/{listId}/children',
		/^\/list\/v4\/lists\/([^/]+)\/children$/,
		(store, ctx, m) => {
			requireList(store, m[1]);
			sendPage(ctx, store.query(m[1], null, ctx.query), (item) => store.toJson(item));
		},
	],
	[
		'GET /list/v4/lists/{listId}/items/{itemId}/children',
		new RegExp(`^/list/v4/lists/${UUID_SEGMENT}/items/${UUID_SEGMENT}/children$`),
		(store, ctx, m) => {
			requireList(store, m[1]);
			const item = requireItem(store, m[2]);
			if (item.listId !== m[1]) throw new ListError(404, 'listitem.not.found', 'List item not found in this list');
			sendPage(ctx, store.query(m[1], item.id, ctx.query), (child) => store.toJson(child));
		},
	],
	[
		'DELETE /list/v4/lists/{listId}/items/{itemId}',
		new RegExp(`^/list/v4/lists/${UUID_SEGMENT}/items/${UUID_SEGMENT}$`),
		(store, ctx, m) => {
			requireList(store, m[1]);
			const item = requireItem(store, m[2]);
			if (item.listId !== m[1] || item.isDeleted) throw new ListError(400, 'listitem.not.deleted', 'List item could not be deleted');
			store.remove(item);
			send(ctx, 204, null);
		},
	],
	['POST /list/v4/lists/{listId}/bulk', /^\/list\/v4\/lists\/([^/]+)\/bulk$/, (store, ctx, m) => bulk(store, ctx, m[1])],
	['PATCH /list/v4/lists/{listId}/bulk', /^\/list\/v4\/lists\/([^/]+)\/bulk$/, (store, ctx, m) => bulk(store, ctx, m[1])],
	['POST /list/v4/items/{listId}/bulk', /^\/list\/v4\/items\/([^/]+)\/bulk$/, (store, ctx, m) => bulk(store, ctx, m[1])],
	[
		'POST /list/v4/items',
		/^\/list\/v4\/items$/,
		(store, ctx) => {
			const body = jsonBody(ctx);
			const listId = typeof body.listId === 'string' ? body.listId : '';
			requireList(store, listId);
			const result = store.create(listId, body);
			if (typeof result === 'string') throw new ListError(result === MESSAGES.parentMissing ? 404 : 400, 'listitem.invalid', result);
			sendJson(ctx, 201, store.toJson(result), { Location: `${ctx.base}/list/v4/items/${result.id}` });
		},
	],
	['GET /list/v4/items/{itemId}', /^\/list\/v4\/items\/([^/]+)$/, (store, ctx, m) => sendJson(ctx, 200, store.toJson(requireItem(store, m[1])))],
	[
		'PUT /list/v4/items/{itemId}',
		/^\/list\/v4\/items\/([^/]+)$/,
		(store, ctx, m) => {
			const item = requireItem(store, m[1]);
			if (item.isDeleted) throw new ListError(400, 'listitem.deleted', MESSAGES.deleted);
			const body = jsonBody(ctx);
			const validation = ['shortCode', 'value']
				.filter((field) => typeof body[field] !== 'string' || (body[field] as string).trim() === '')
				.map((field) => ({ source: field, message: 'must not be blank' }));
			if (validation.length) throw new ListError(400, 'request.validation.error', 'Please check your request parameter', validation);
			const shortCode = (body.shortCode as string).trim();
			if (shortCode.includes('-')) throw new ListError(400, 'listitem.invalid', MESSAGES.hyphen);
			if (shortCode !== item.shortCode) {
				const refusal = store.recode(item, shortCode);
				if (refusal) throw new ListError(400, 'listitem.invalid', refusal);
			}
			item.value = (body.value as string).trim();
			sendJson(ctx, 200, store.toJson(item));
		},
	],
	[
		'DELETE /list/v4/items/{itemId}',
		/^\/list\/v4\/items\/([^/]+)$/,
		(store, ctx, m) => {
			const item = requireItem(store, m[1]);
			if (!item.isDeleted) store.remove(item);
			send(ctx, 204, null);
		},
	],
	[
		'GET /list/v4/items/{itemId}/children',
		/^\/list\/v4\/items\/([^/]+)\/children$/,
		(store, ctx, m) => {
			const item = requireItem(store, m[1]);
			sendPage(ctx, store.query(item.listId, item.id, ctx.query), (child) => store.toJson(child));
		},
	],
];

function route(sim: ConcurSimulator, ctx: RequestContext): void {
	authenticate(sim, ctx, 'resource');
	const store = listsOf(sim);
	let pathMatched = false;
	for (const [endpoint, pattern, handle] of ROUTES) {
		const m = pattern.exec(ctx.path);
		if (!m) continue;
		pathMatched = true;
		if (!endpoint.startsWith(`${ctx.method} `)) continue;
		store.count(endpoint);
		return handle(store, ctx, m);
	}
	if (pathMatched) throw new ListError(405, 'method.not.allowed', `Method ${ctx.method} not allowed`);
	throw new ListError(404, 'not.found', 'resource not found');
}

/** List v4 / List Item v4 routes, with List v4's error body. Returns false for any other path. */
export function listRoute(sim: ConcurSimulator, ctx: RequestContext): boolean {
	if (!ctx.path.startsWith('/list/v4/')) return false;
	try {
		route(sim, ctx);
	} catch (error) {
		if (!(error instanceof HttpError)) throw error;
		const id = error instanceof ListError ? error.id : error.extra.errorId ?? `http.${error.status}`;
		sendJson(ctx, error.status, {
			timestamp: new Date().toISOString(),
			httpStatus: `${error.status} - ${STATUS_TEXT[error.status] ?? 'Error'}`,
			error: { id, message: error.message },
			path: ctx.path,
			...(error instanceof ListError && error.validation.length ? { validationErrors: error.validation } : {}),
		});
	}
	return true;
}
