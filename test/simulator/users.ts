// Users: Identity v4.1 (docs profile/v4.1.identity, profile/v4.1.search) and User Provisioning v4
// (docs user-provisioning/v4.user-provisioning). Served:
//   GET  /profile/identity/v4.1/Users/{id}        the SCIM User with the enterprise extension
//   POST /profile/identity/v4.1/Users/.search     SearchRequest {schemas, filter, count,
//        continuationToken} → ListResponse {totalResults, startIndex, itemsPerPage, Resources,
//        continuationToken (not on the last page)}; GET with ?filter is "no longer supported"
//   POST /profile/v4/Bulk (POST /Users operations), PATCH /profile/v4/Bulk (PATCH /Users/{id}
//        operations) → 202 Provision:Status, not completed
//   GET  /profile/v4/provisions/{id}/status[?attributes=operations] → the status; a request
//        completes on its `completeAfterReads`-th read, and only then are its changes applied.
// Both APIs take company tokens only. Errors are SCIM errors {schemas, status, scimType, detail}.
//
// [INFERRED] where Concur is silent: the filter grammar follows RFC 7644 3.4.2.2 with the
// attributes Concur lists as searchable; string comparisons ignore case (SCIM's caseExact false);
// a bad filter is 400 invalidFilter; a continuationToken is opaque (here base64url JSON) and only
// valid for the filter it came from; data errors (a taken userName, an unknown user or manager,
// deactivating without a terminationDate) fail the operation in the status, not the request.
import { randomUUID } from 'node:crypto';
import type { ConcurSimulator } from './index';
import { HttpError, authenticate, jsonBody, safeDecode, sendJson, type RequestContext } from './http';
import type { Tenant } from './state';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const SAP = 'urn:ietf:params:scim:schemas:extension:sap:2.0:User';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:concur:2.0:SearchRequest';
const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PROVISION_STATUS = 'urn:ietf:params:scim:schemas:extension:concur:2.0:Provision:Status';

export interface SimScimUser {
	id: string;
	userName: string;
	givenName: string;
	familyName: string;
	emails: Array<{ value: string; type: string }>;
	active: boolean;
	employeeNumber: string | null;
	managerId: string | null;
	terminationDate: string | null;
	externalId: string | null;
	title: string | null;
	created: number;
	lastModified: number;
	version: number;
}

interface OperationResult {
	success: boolean;
	resourceId?: string;
	code: number;
	message?: string;
}

export interface SimProvision {
	id: string;
	method: 'POST' | 'PATCH';
	operations: Array<{ method: string; path: string; bulkId?: string; data: Record<string, unknown> }>;
	created: number;
	lastModified: number;
	correlationId: string;
	reads: number;
	/** Reads before the request completes (the read that reaches it answers completed). */
	completeAfterReads: number;
	results?: OperationResult[];
}

class ScimError extends HttpError {
	constructor(status: number, readonly scimType: string | undefined, detail: string) {
		super(status, detail);
	}
}

/** The data error of one bulk operation, reported in the provisioning status. */
class OperationError extends Error {
	constructor(readonly code: number, message: string) {
		super(message);
	}
}

const iso = (ms: number) => new Date(ms).toISOString();
const lower = (value: string) => value.toLowerCase();

export class UserStore {
	readonly users: SimScimUser[] = [];
	readonly provisions = new Map<string, SimProvision>();
	/** How many status reads a new provisioning request takes to complete (default 2). */
	completeAfterReads = 2;
	/** The most users a search page holds (Concur: 1000); tests lower it to see paging. */
	maxPageSize = 1000;
	private lastStamp = 0;

	constructor(private readonly sim: ConcurSimulator) {
		const tenant = sim.tenant;
		const manager = tenant.userByLogin('manager@acme-sim.example');
		const reports = new Set(['alice@acme-sim.example', 'bob@acme-sim.example', 'carol@acme-sim.example']);
		const created = Date.parse('2024-01-15T09:00:00Z');
		tenant.users.forEach((user, index) => {
			const [givenName, ...rest] = user.name.split(' ');
			this.users.push({
				id: user.uuid,
				userName: user.loginId,
				givenName,
				familyName: rest.join(' '),
				emails: [{ value: user.loginId, type: 'work' }],
				active: true,
				employeeNumber: `E${1001 + index}`,
				managerId: reports.has(user.loginId) && manager ? manager.uuid : null,
				terminationDate: null,
				externalId: null,
				title: null,
				created: created + index * 60_000,
				lastModified: created + index * 60_000,
				version: 1,
			});
		});
	}

	private stamp(): number {
		this.lastStamp = Math.max(Date.now(), this.lastStamp + 1);
		return this.lastStamp;
	}

	get(id: string): SimScimUser | undefined {
		return this.users.find((user) => user.id === id);
	}

	byUserName(userName: string): SimScimUser | undefined {
		return this.users.find((user) => lower(user.userName) === lower(userName));
	}

	/** Adds a user directly (tests: many users for paging). */
	add(input: { userName: string; givenName?: string; familyName?: string; employeeNumber?: string; active?: boolean }): SimScimUser {
		const now = this.stamp();
		const user: SimScimUser = {
			id: randomUUID(),
			userName: input.userName,
			givenName: input.givenName ?? 'Test',
			familyName: input.familyName ?? 'User',
			emails: [{ value: input.userName, type: 'work' }],
			active: input.active ?? true,
			employeeNumber: input.employeeNumber ?? null,
			managerId: null,
			terminationDate: null,
			externalId: null,
			title: null,
			created: now,
			lastModified: now,
			version: 1,
		};
		this.users.push(user);
		return user;
	}

	/** The SCIM User as Identity v4.1 returns it. */
	toScim(user: SimScimUser, base: string): Record<string, unknown> {
		const manager = user.managerId ? this.get(user.managerId) : undefined;
		return {
			schemas: [CORE, ENTERPRISE, SAP],
			id: user.id,
			externalId: user.externalId,
			userName: user.userName,
			displayName: `${user.givenName} ${user.familyName}`.trim(),
			name: { familyName: user.familyName, givenName: user.givenName, formatted: `${user.familyName}, ${user.givenName}` },
			active: user.active,
			emails: user.emails.map((email) => ({ ...email, verified: false, notifications: email.type === 'work' })),
			title: user.title,
			nickName: null,
			preferredLanguage: 'en-US',
			timezone: 'America/New_York',
			addresses: [],
			phoneNumbers: [],
			meta: {
				resourceType: 'User',
				created: iso(user.created),
				lastModified: iso(user.lastModified),
				version: user.version,
				location: `${base}/profile/identity/v4.1/Users/${user.id}`,
			},
			[ENTERPRISE]: {
				companyId: this.sim.tenant.companyUuid,
				employeeNumber: user.employeeNumber,
				manager: manager ? { value: manager.id, displayName: `${manager.givenName} ${manager.familyName}`, employeeNumber: manager.employeeNumber } : null,
				costCenter: null,
				startDate: iso(user.created).slice(0, 23),
				terminationDate: user.terminationDate,
			},
		};
	}

	// ---------------------------------------------------------------------------- provisioning

	submit(method: 'POST' | 'PATCH', operations: SimProvision['operations']): SimProvision {
		const now = this.stamp();
		const provision: SimProvision = {
			id: randomUUID(),
			method,
			operations,
			created: now,
			lastModified: now,
			correlationId: randomUUID(),
			reads: 0,
			completeAfterReads: this.completeAfterReads,
		};
		this.provisions.set(provision.id, provision);
		return provision;
	}

	/** One status read: the request completes (and its changes apply) on its completeAfterReads-th read. */
	read(provision: SimProvision): void {
		provision.reads += 1;
		if (!provision.results && provision.reads >= provision.completeAfterReads) this.complete(provision);
	}

	/** Applies the operations in order; with failOnErrors 1 (what the node sends) the rest still run here. */
	complete(provision: SimProvision): void {
		provision.results = provision.operations.map((operation) => {
			try {
				return operation.method === 'POST' ? this.applyCreate(operation.data) : this.applyPatch(operation.path, operation.data);
			} catch (error) {
				if (!(error instanceof OperationError)) throw error;
				return { success: false, code: error.code, message: error.message };
			}
		});
		provision.lastModified = this.stamp();
	}

	private applyCreate(data: Record<string, unknown>): OperationResult {
		const userName = typeof data.userName === 'string' ? data.userName.trim() : '';
		if (!userName) throw new OperationError(400, 'userName is required');
		if (/[%[#!*&()~'{^}\\/?><,;:"+=\]|]/.test(userName)) throw new OperationError(400, `userName ${userName} contains a character that cannot be used`);
		if (this.byUserName(userName)) throw new OperationError(409, `userName ${userName} is already in use`);
		const name = (data.name ?? {}) as Record<string, unknown>;
		const givenName = typeof name.givenName === 'string' ? name.givenName.trim() : '';
		const familyName = typeof name.familyName === 'string' ? name.familyName.trim() : '';
		if (!givenName || !familyName) throw new OperationError(400, 'name.givenName and name.familyName are required');
		const emails = Array.isArray(data.emails) ? (data.emails as Array<Record<string, unknown>>) : [];
		if (!emails.length || emails.some((email) => typeof email.value !== 'string' || !email.value.includes('@')))
			throw new OperationError(400, 'emails are required, each with a value');
		const enterprise = (data[ENTERPRISE] ?? {}) as Record<string, unknown>;
		if (enterprise.companyId !== this.sim.tenant.companyUuid) throw new OperationError(400, `companyId ${String(enterprise.companyId)} is not the company of the token`);
		const employeeNumber = typeof enterprise.employeeNumber === 'string' ? enterprise.employeeNumber : null;
		if (employeeNumber && this.users.some((user) => user.employeeNumber === employeeNumber))
			throw new OperationError(409, `employeeNumber ${employeeNumber} is already in use`);
		const managerId = this.managerIdOf(enterprise.manager);
		const user = this.add({ userName, givenName, familyName, employeeNumber: employeeNumber ?? undefined, active: data.active !== false });
		user.emails = emails.map((email) => ({ value: String(email.value), type: typeof email.type === 'string' ? email.type : 'work' }));
		user.managerId = managerId;
		user.externalId = typeof data.externalId === 'string' ? data.externalId : null;
		user.title = typeof data.title === 'string' ? data.title : null;
		return { success: true, code: 201, resourceId: user.id };
	}

	private managerIdOf(manager: unknown): string | null {
		if (manager === undefined || manager === null) return null;
		const value = (manager as Record<string, unknown>).value;
		if (typeof value !== 'string' || !this.get(value)) throw new OperationError(400, `manager ${String(value)} is not a user of the company`);
		return value;
	}

	private applyPatch(path: string, data: Record<string, unknown>): OperationResult {
		const m = /^\/Users\/([^/]+)$/.exec(path);
		const user = m ? this.get(m[1]) : undefined;
		if (!user) throw new OperationError(404, `User ${m?.[1] ?? path} not found`);
		const operations = Array.isArray(data.Operations) ? (data.Operations as Array<Record<string, unknown>>) : [];
		if (!operations.length) throw new OperationError(400, 'Operations are required');
		const next: SimScimUser = { ...user, emails: user.emails.map((email) => ({ ...email })) };
		for (const operation of operations) {
			const op = String(operation.op ?? '').toLowerCase();
			const target = String(operation.path ?? '');
			const value = operation.value;
			if (!['add', 'replace', 'remove'].includes(op)) throw new OperationError(400, `op ${String(operation.op)} is not supported`);
			const text = () => {
				if (op === 'remove') return null;
				if (typeof value !== 'string' || value.trim() === '') throw new OperationError(400, `${target} needs a text value`);
				return value.trim();
			};
			const key = target.toLowerCase();
			const ent = (attribute: string) => key === `${ENTERPRISE}:${attribute}`.toLowerCase();
			if (key === 'username') {
				const userName = text() ?? '';
				const taken = this.byUserName(userName);
				if (taken && taken.id !== user.id) throw new OperationError(409, `userName ${userName} is already in use`);
				next.userName = userName;
			} else if (key === 'active') {
				if (typeof value !== 'boolean') throw new OperationError(400, 'active must be true or false');
				next.active = value;
			} else if (key === 'name.givenname') next.givenName = text() ?? '';
			else if (key === 'name.familyname') next.familyName = text() ?? '';
			else if (key === 'title') next.title = text();
			else if (key === 'externalid') next.externalId = text();
			else if (key === 'emails[type eq "work"].value') {
				const email = text() ?? '';
				const work = next.emails.find((candidate) => candidate.type === 'work');
				if (work) work.value = email;
				else next.emails.push({ value: email, type: 'work' });
			} else if (ent('employeeNumber')) next.employeeNumber = text();
			else if (ent('terminationDate')) {
				const date = text();
				if (date !== null && !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new OperationError(400, `terminationDate ${date} is not YYYY-MM-DD`);
				next.terminationDate = date;
			} else if (ent('manager')) next.managerId = op === 'remove' ? null : this.managerIdOf(value);
			else if (ent('manager.value')) next.managerId = op === 'remove' ? null : this.managerIdOf({ value });
			else throw new OperationError(400, `path ${target} is not supported`);
		}
		// User schema, `active`: "To set false, must also set terminationDate to current date".
		if (!next.active && user.active && !next.terminationDate) throw new OperationError(400, 'To deactivate a user, also set terminationDate');
		Object.assign(user, next, { lastModified: this.stamp(), version: user.version + 1 });
		return { success: true, code: 200, resourceId: user.id };
	}

	/** The Provision:Status body; `operations` adds the detailed operations. */
	statusJson(provision: SimProvision, base: string, operations: boolean): Record<string, unknown> {
		const results = provision.results;
		const total = provision.operations.length;
		const succeeded = results ? results.filter((result) => result.success).length : 0;
		const failed = results ? results.length - succeeded : 0;
		const location = `${base}/profile/v4/provisions/${provision.id}/status`;
		const body: Record<string, unknown> = {
			schemas: [PROVISION_STATUS],
			id: provision.id,
			operationsCount: { total, success: succeeded, failed, pending: total - succeeded - failed },
			status: { completed: !!results, success: results ? failed === 0 : null },
			meta: {
				location,
				created: iso(provision.created).replace('Z', '+0000'),
				lastModified: iso(provision.lastModified).replace('Z', '+0000'),
				provisionType: 'Bulk',
				resourceType: 'ProvisionRequest',
				correlationId: provision.correlationId,
				...(results ? { completed: iso(provision.lastModified).replace('Z', '+0000') } : {}),
			},
		};
		if (operations) {
			body.totalResults = total;
			body.itemsPerPage = total;
			body.startIndex = 1;
			body.operations = provision.operations.map((operation, index) => {
				const result = results?.[index];
				const status = result ? { completed: true, success: result.success } : { completed: false, success: null };
				const extension = (name: string, primary: boolean) => ({
					name,
					status: result
						? result.success
							? { completed: true, success: true, code: '200', result: primary ? 'success' : 'no-op' }
							: primary
								? { completed: true, success: false, code: String(result.code), result: 'error' }
								: { completed: true, success: true, code: '200', result: 'no-op' }
						: { completed: false, success: null },
					...(result && !result.success && primary ? { messages: [{ code: String(result.code), message: result.message, type: 'error' }] } : {}),
				});
				const userId = result?.resourceId ?? (/^\/Users\/([^/]+)$/.exec(operation.path)?.[1] || undefined);
				return {
					id: String(index + 1),
					...(operation.bulkId ? { bulkId: operation.bulkId } : {}),
					status,
					...(userId ? { resource: { id: userId, type: 'User' } } : {}),
					extensions: [extension(CORE, true), extension(ENTERPRISE, false)],
					...(result && !result.success ? { messages: [{ code: String(result.code), message: result.message, type: 'error' }] } : {}),
				};
			});
		}
		return body;
	}
}

const stores = new WeakMap<Tenant, UserStore>();

/** The SCIM users and provisioning requests of a simulator's tenant (seeded from its users on first use). */
export function usersOf(sim: ConcurSimulator): UserStore {
	let store = stores.get(sim.tenant);
	if (!store) {
		store = new UserStore(sim);
		stores.set(sim.tenant, store);
	}
	return store;
}

// ------------------------------------------------------------------------------------ filters

type Filter =
	| { kind: 'and' | 'or'; left: Filter; right: Filter }
	| { kind: 'not'; inner: Filter }
	| { kind: 'compare'; path: string; op: string; value?: unknown }
	| { kind: 'complex'; path: string; inner: Filter };

const OPERATORS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr']);
const invalidFilter = (detail: string) => new ScimError(400, 'invalidFilter', detail);

/** RFC 7644 3.4.2.2 filters: attrPath op value, pr, and/or/not, ( ), attr[ … ]; values are JSON. */
export function parseFilter(text: string): Filter {
	let i = 0;
	const ws = () => {
		while (i < text.length && text[i] === ' ') i++;
	};
	const word = (): string => {
		ws();
		const m = /^[A-Za-z0-9_$:.\-]+/.exec(text.slice(i));
		if (!m) throw invalidFilter(`Expected an attribute at position ${i} of the filter`);
		i += m[0].length;
		return m[0];
	};
	const peekWord = (): string => {
		ws();
		return /^[A-Za-z]+/.exec(text.slice(i))?.[0]?.toLowerCase() ?? '';
	};
	const value = (): unknown => {
		ws();
		if (text[i] === '"') {
			let j = i + 1;
			while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
			if (j >= text.length) throw invalidFilter('Unterminated string in the filter');
			const raw = text.slice(i, j + 1);
			i = j + 1;
			try {
				return JSON.parse(raw) as string;
			} catch {
				throw invalidFilter(`Invalid string ${raw} in the filter: values must be JSON strings`);
			}
		}
		const m = /^(true|false|null|-?\d+(?:\.\d+)?)/.exec(text.slice(i));
		if (!m) throw invalidFilter(`Expected a value at position ${i} of the filter`);
		i += m[0].length;
		return JSON.parse(m[0]) as unknown;
	};
	const attributeExpression = (): Filter => {
		ws();
		if (text[i] === '(') {
			i++;
			const inner = orExpression();
			ws();
			if (text[i] !== ')') throw invalidFilter('Missing ) in the filter');
			i++;
			return inner;
		}
		if (peekWord() === 'not') {
			i += 3;
			ws();
			if (text[i] !== '(') throw invalidFilter('not must be followed by (');
			i++;
			const inner = orExpression();
			ws();
			if (text[i] !== ')') throw invalidFilter('Missing ) in the filter');
			i++;
			return { kind: 'not', inner };
		}
		const path = word();
		ws();
		if (text[i] === '[') {
			i++;
			const inner = orExpression();
			ws();
			if (text[i] !== ']') throw invalidFilter('Missing ] in the filter');
			i++;
			return { kind: 'complex', path, inner };
		}
		const op = word().toLowerCase();
		if (!OPERATORS.has(op)) throw invalidFilter(`Unknown operator ${op}`);
		if (op === 'pr') return { kind: 'compare', path, op };
		return { kind: 'compare', path, op, value: value() };
	};
	const andExpression = (): Filter => {
		let left = attributeExpression();
		while (peekWord() === 'and') {
			i += 3;
			left = { kind: 'and', left, right: attributeExpression() };
		}
		return left;
	};
	const orExpression = (): Filter => {
		let left = andExpression();
		while (peekWord() === 'or') {
			i += 2;
			left = { kind: 'or', left, right: andExpression() };
		}
		return left;
	};
	const filter = orExpression();
	ws();
	if (i !== text.length) throw invalidFilter(`Unexpected "${text.slice(i, i + 20)}" in the filter`);
	return filter;
}

/** The values at an attribute path of a SCIM resource (arrays flattened; names case-insensitive). */
function valuesAt(resource: Record<string, unknown>, path: string): unknown[] {
	let rest = path;
	let roots: unknown[] = [resource];
	for (const urn of [ENTERPRISE, SAP, CORE]) {
		if (lower(path).startsWith(lower(urn)) && /^[:.]/.test(path.slice(urn.length))) {
			roots = urn === CORE ? [resource] : [resource[urn]];
			rest = path.slice(urn.length + 1);
			break;
		}
	}
	let values = roots;
	for (const segment of rest.split('.')) {
		values = values.flatMap((value) => {
			if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
			const entry = Object.entries(value as Record<string, unknown>).find(([key]) => lower(key) === lower(segment));
			if (!entry || entry[1] === null || entry[1] === undefined) return [];
			return Array.isArray(entry[1]) ? entry[1] : [entry[1]];
		});
	}
	return values;
}

function compare(actual: unknown, op: string, expected: unknown): boolean {
	if (op === 'pr') return actual !== null && actual !== undefined && actual !== '';
	if (typeof actual === 'string' && typeof expected === 'string') {
		const a = lower(actual);
		const e = lower(expected);
		switch (op) {
			case 'eq': return a === e;
			case 'ne': return a !== e;
			case 'co': return a.includes(e);
			case 'sw': return a.startsWith(e);
			case 'ew': return a.endsWith(e);
			case 'gt': return a > e;
			case 'ge': return a >= e;
			case 'lt': return a < e;
			case 'le': return a <= e;
		}
	}
	if (op === 'eq') return actual === expected;
	if (op === 'ne') return actual !== expected;
	return false;
}

export function matches(filter: Filter, resource: Record<string, unknown>): boolean {
	switch (filter.kind) {
		case 'and': return matches(filter.left, resource) && matches(filter.right, resource);
		case 'or': return matches(filter.left, resource) || matches(filter.right, resource);
		case 'not': return !matches(filter.inner, resource);
		case 'complex':
			return valuesAt(resource, filter.path).some((value) => value !== null && typeof value === 'object' && matches(filter.inner, value as Record<string, unknown>));
		case 'compare': {
			const values = valuesAt(resource, filter.path);
			if (filter.op === 'ne') return values.every((value) => compare(value, 'ne', filter.value));
			return values.some((value) => compare(value, filter.op, filter.value));
		}
	}
}

// ------------------------------------------------------------------------------------- routes

function continuationToken(filter: string, startIndex: number): string {
	return Buffer.from(JSON.stringify({ f: filter, s: startIndex })).toString('base64url');
}

function readToken(token: string, filter: string): number {
	try {
		const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { f?: string; s?: number };
		if (parsed.f === filter && Number.isInteger(parsed.s) && (parsed.s as number) >= 1) return parsed.s as number;
	} catch {
		// an invalid token falls through
	}
	throw new ScimError(400, 'invalidValue', 'The continuationToken is not valid for this query');
}

function search(store: UserStore, ctx: RequestContext): void {
	const body = jsonBody(ctx);
	if (!Array.isArray(body.schemas) || !body.schemas.includes(SEARCH_REQUEST)) throw new ScimError(400, 'invalidSyntax', `schemas must include ${SEARCH_REQUEST}`);
	const filterText = typeof body.filter === 'string' ? body.filter : '';
	const filter = filterText.trim() ? parseFilter(filterText) : undefined;
	const count = body.count === undefined ? 100 : Number(body.count);
	if (!Number.isInteger(count) || count < 1 || count > 1000) throw new ScimError(400, 'invalidValue', 'count must be between 1 and 1000');
	const startIndex = typeof body.continuationToken === 'string' ? readToken(body.continuationToken, filterText) : 1;
	const all = store.users.map((user) => store.toScim(user, ctx.base)).filter((resource) => !filter || matches(filter, resource));
	const size = Math.min(count, store.maxPageSize);
	const page = all.slice(startIndex - 1, startIndex - 1 + size);
	const next = startIndex - 1 + page.length;
	sendJson(ctx, 200, {
		schemas: [LIST_RESPONSE],
		totalResults: all.length,
		startIndex,
		itemsPerPage: page.length,
		Resources: page,
		...(next < all.length && page.length > 0 ? { continuationToken: continuationToken(filterText, next + 1) } : {}),
	});
}

function bulk(store: UserStore, ctx: RequestContext, method: 'POST' | 'PATCH'): void {
	const body = jsonBody(ctx);
	if (!Array.isArray(body.schemas) || !body.schemas.includes(BULK_REQUEST)) throw new ScimError(400, 'invalidSyntax', `schemas must include ${BULK_REQUEST}`);
	const operations = body.Operations;
	if (!Array.isArray(operations) || operations.length === 0) throw new ScimError(400, 'invalidSyntax', 'Operations are required');
	if (operations.length > 100) throw new ScimError(413, 'tooMany', 'A bulk request is limited to 100 operations');
	const checked = operations.map((raw, index) => {
		const operation = (raw ?? {}) as Record<string, unknown>;
		if (operation.method !== method) throw new ScimError(400, 'invalidValue', `Operations[${index}].method must be ${method} on ${method} /Bulk`);
		const path = typeof operation.path === 'string' ? operation.path : '';
		if (method === 'POST' && path !== '/Users') throw new ScimError(400, 'invalidPath', `Operations[${index}].path must be /Users`);
		if (method === 'POST' && (typeof operation.bulkId !== 'string' || !operation.bulkId)) throw new ScimError(400, 'invalidValue', `Operations[${index}].bulkId is required for POST`);
		if (method === 'PATCH' && !/^\/Users\/[^/]+$/.test(path)) throw new ScimError(400, 'invalidPath', `Operations[${index}].path must be /Users/{id}`);
		const data = operation.data;
		if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new ScimError(400, 'invalidSyntax', `Operations[${index}].data is required`);
		return { method, path, bulkId: typeof operation.bulkId === 'string' ? operation.bulkId : undefined, data: data as Record<string, unknown> };
	});
	const provision = store.submit(method, checked);
	sendJson(ctx, 202, store.statusJson(provision, ctx.base, false));
}

function route(sim: ConcurSimulator, ctx: RequestContext): void {
	const claims = authenticate(sim, ctx, 'resource');
	// "This API supports only company level access tokens."
	if (claims['concur.type'] !== 'company') throw new ScimError(403, undefined, 'This API supports only company level access tokens');
	const store = usersOf(sim);
	const { path, method } = ctx;
	let m: RegExpExecArray | null;
	if (path === '/profile/identity/v4.1/Users/.search') {
		if (method !== 'POST') throw new ScimError(405, undefined, `Method ${method} not allowed`);
		return search(store, ctx);
	}
	if (path === '/profile/identity/v4.1/Users' || path === '/profile/identity/v4.1/Users/') {
		if (method === 'GET' && ctx.query.has('filter'))
			throw new ScimError(400, 'invalidFilter', 'GET with filter is no longer supported: POST the filter to /profile/identity/v4.1/Users/.search');
		throw new ScimError(405, undefined, `Method ${method} not simulated on ${path}`);
	}
	if ((m = /^\/profile\/identity\/v4\.1\/Users\/([^/]+)$/.exec(path))) {
		if (method !== 'GET') throw new ScimError(405, undefined, `Method ${method} not allowed`);
		const user = store.get(safeDecode(m[1]));
		if (!user) throw new ScimError(404, undefined, `User ${m[1]} not found`);
		return sendJson(ctx, 200, store.toScim(user, ctx.base));
	}
	if (path === '/profile/v4/Bulk' || path === '/profile/v4/Bulk/') {
		if (method !== 'POST' && method !== 'PATCH') throw new ScimError(405, undefined, `Method ${method} not simulated on /Bulk`);
		return bulk(store, ctx, method);
	}
	if ((m = /^\/profile\/v4\/provisions\/([^/]+)\/status$/.exec(path))) {
		if (method !== 'GET') throw new ScimError(405, undefined, `Method ${method} not allowed`);
		const provision = store.provisions.get(safeDecode(m[1]));
		if (!provision) throw new ScimError(404, undefined, `Provision request ${m[1]} not found`);
		store.read(provision);
		return sendJson(ctx, 200, store.statusJson(provision, ctx.base, ctx.query.get('attributes') === 'operations'));
	}
	throw new ScimError(404, undefined, `No such resource: ${method} ${path}`);
}

/** Identity v4.1 and User Provisioning v4 routes, with SCIM error bodies. Returns false for any other path. */
export function userRoute(sim: ConcurSimulator, ctx: RequestContext): boolean {
	if (!ctx.path.startsWith('/profile/identity/v4.1/') && !ctx.path.startsWith('/profile/v4/')) return false;
	try {
		route(sim, ctx);
	} catch (error) {
		if (!(error instanceof HttpError)) throw error;
		sendJson(ctx, error.status, {
			schemas: [SCIM_ERROR],
			status: String(error.status),
			...(error instanceof ScimError && error.scimType ? { scimType: error.scimType } : {}),
			detail: error.message,
		});
	}
	return true;
}
