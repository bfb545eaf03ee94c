/**
 * SCIM for the User resource, as plain data in and out: search filters (Identity v4.1 Search),
 * list pages and their continuation token, and the User Provisioning v4 bulk bodies
 * (docs: profile/v4.1.search, profile/v4.1.identity, user-provisioning/v4.user-provisioning).
 */
import type { IDataObject } from 'n8n-workflow';

import { isObject } from '../../helpers/values';

export const SCIM_CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCIM_ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const SCIM_SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:concur:2.0:SearchRequest';
export const SCIM_BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const SCIM_PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Identity v4.1 Search answers at most this many users per page (`count` 1–1000). */
export const USERS_MAX_PAGE_SIZE = 1000;

/** What Search looks users up by. */
export type UserSearchBy = 'email' | 'employeeNumber' | 'filter' | 'userName';

/**
 * A SCIM string value: Concur asks for "JSON-string format" (`"foo"` → `\"foo\"`), which is what
 * RFC 7644's filter grammar takes (compValue = JSON string). JSON.stringify escapes quotes,
 * backslashes and control characters, so no value can end the string early or add a clause.
 */
export function scimString(value: string): string {
	return JSON.stringify(value);
}

/**
 * The SCIM filter for a search. Throws a plain Error naming what is missing; the operation turns
 * it into a NodeOperationError with the item index.
 */
export function buildUserFilter(by: UserSearchBy, value: string): string {
	const trimmed = value.trim();
	if (trimmed === '') {
		const what: Record<UserSearchBy, string> = {
			email: 'an email address',
			employeeNumber: 'an employee number',
			filter: 'a SCIM filter',
			userName: 'a user name',
		};
		throw new Error(`Enter ${what[by]} to search for`);
	}
	switch (by) {
		case 'userName':
			return `userName eq ${scimString(trimmed)}`;
		case 'employeeNumber':
			// RFC 7644 attribute notation: {schema URN}:{attribute}.
			return `${SCIM_ENTERPRISE_USER}:employeeNumber eq ${scimString(trimmed)}`;
		case 'email':
			// Concur's search examples filter the multi-valued emails this way.
			return `emails[value eq ${scimString(trimmed)}]`;
		case 'filter':
			return trimmed;
	}
	throw new Error(`Unknown search: ${String(by)}`);
}

/** The SearchRequest body of one page. */
export function searchRequestBody(filter: string | undefined, count: number, continuationToken?: string): IDataObject {
	return {
		schemas: [SCIM_SEARCH_REQUEST],
		...(filter ? { filter } : {}),
		count,
		...(continuationToken ? { continuationToken } : {}),
	};
}

/** The users of a SCIM ListResponse page (`Resources`). */
export function usersOfPage(page: unknown): IDataObject[] {
	return isObject(page) && Array.isArray(page.Resources) ? page.Resources.filter(isObject) : [];
}

/** The token of the next page, or undefined on the last page (Concur sends none there). */
export function continuationTokenOf(page: unknown): string | undefined {
	if (!isObject(page)) return undefined;
	const token = page.continuationToken;
	return typeof token === 'string' && token.trim() !== '' ? token : undefined;
}

/** How many users to ask for on a page: what is still missing, at most a full page. */
export function pageSizeFor(limit: number | undefined, collected: number): number {
	if (limit === undefined) return USERS_MAX_PAGE_SIZE;
	return Math.max(1, Math.min(USERS_MAX_PAGE_SIZE, limit - collected));
}

// ------------------------------------------------------------------------------ provisioning

export interface NewUser {
	userName: string;
	givenName: string;
	familyName: string;
	email: string;
	companyId: string;
	active?: boolean;
	employeeNumber?: string;
	externalId?: string;
	managerId?: string;
	title?: string;
}

const present = (value: string | undefined): value is string => typeof value === 'string' && value.trim() !== '';

/** `POST /profile/v4/Bulk` creating one user (a POST operation needs a bulkId). */
export function createUserBulkBody(user: NewUser, bulkId: string): IDataObject {
	const enterprise: IDataObject = { companyId: user.companyId.trim() };
	if (present(user.employeeNumber)) enterprise.employeeNumber = user.employeeNumber.trim();
	if (present(user.managerId)) enterprise.manager = { value: user.managerId.trim() };
	const data: IDataObject = {
		schemas: [SCIM_CORE_USER, SCIM_ENTERPRISE_USER],
		userName: user.userName.trim(),
		active: user.active ?? true,
		name: { givenName: user.givenName.trim(), familyName: user.familyName.trim() },
		emails: [{ value: user.email.trim(), type: 'work' }],
		[SCIM_ENTERPRISE_USER]: enterprise,
	};
	if (present(user.externalId)) data.externalId = user.externalId.trim();
	if (present(user.title)) data.title = user.title.trim();
	return {
		schemas: [SCIM_BULK_REQUEST],
		failOnErrors: 1,
		Operations: [{ method: 'POST', path: '/Users', bulkId, data }],
	};
}

export interface UserChanges {
	email?: string;
	employeeNumber?: string;
	externalId?: string;
	familyName?: string;
	givenName?: string;
	managerId?: string;
	title?: string;
	userName?: string;
}

/** SCIM PATCH operations (RFC 7644 3.5.2) for the fields that are set, in a stable order. */
export function userPatchOperations(changes: UserChanges): IDataObject[] {
	const operations: IDataObject[] = [];
	const replace = (path: string, value: IDataObject | string) => operations.push({ op: 'replace', path, value });
	if (present(changes.userName)) replace('userName', changes.userName.trim());
	if (present(changes.givenName)) replace('name.givenName', changes.givenName.trim());
	if (present(changes.familyName)) replace('name.familyName', changes.familyName.trim());
	if (present(changes.email)) replace('emails[type eq "work"].value', changes.email.trim());
	if (present(changes.title)) replace('title', changes.title.trim());
	if (present(changes.externalId)) replace('externalId', changes.externalId.trim());
	if (present(changes.employeeNumber)) replace(`${SCIM_ENTERPRISE_USER}:employeeNumber`, changes.employeeNumber.trim());
	if (present(changes.managerId)) replace(`${SCIM_ENTERPRISE_USER}:manager`, { value: changes.managerId.trim() });
	return operations;
}

/**
 * The PATCH operations that deactivate a user. Concur: "To set false, must also set
 * terminationDate to current date" (User schema, `active`); the date is `YYYY-MM-DD`.
 */
export function deactivateOperations(terminationDate: string): IDataObject[] {
	return [
		{ op: 'replace', path: 'active', value: false },
		{ op: 'replace', path: `${SCIM_ENTERPRISE_USER}:terminationDate`, value: terminationDate },
	];
}

/** `PATCH /profile/v4/Bulk` changing one user. */
export function patchUserBulkBody(userId: string, operations: IDataObject[]): IDataObject {
	return {
		schemas: [SCIM_BULK_REQUEST, SCIM_PATCH_OP],
		failOnErrors: 1,
		Operations: [{ method: 'PATCH', path: `/Users/${userId}`, data: { Operations: operations } }],
	};
}
