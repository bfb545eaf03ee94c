/** The simplified Identity v4.1 user (docs: profile/v4.1.identity, User and Enterprise User schemas). */
import type { IDataObject } from 'n8n-workflow';

import { isObject, objectOf } from '../../helpers/values';
import { compact, text } from '../report/simplify';
import { SCIM_ENTERPRISE_USER } from './scim';

/** The emails of a user, work first (Concur allows one per type). */
function emailsOf(user: IDataObject): IDataObject[] {
	const emails = Array.isArray(user.emails) ? user.emails.filter(isObject) : [];
	return [...emails].sort((a, b) => Number(b.type === 'work') - Number(a.type === 'work'));
}

/** `active` is a boolean; some of Concur's samples show it as the text "true" / "false". */
function activeOf(value: unknown): boolean | undefined {
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	return undefined;
}

export function simplifyUser(user: IDataObject): IDataObject {
	const name = objectOf(user.name);
	const enterprise = objectOf(user[SCIM_ENTERPRISE_USER]);
	const manager = objectOf(enterprise.manager);
	const emails = emailsOf(user)
		.map((email) => compact({ value: text(email.value), type: text(email.type) }))
		.filter((email) => email.value !== undefined);
	return compact({
		id: text(user.id),
		userName: text(user.userName),
		displayName: text(user.displayName),
		givenName: text(name.givenName),
		familyName: text(name.familyName),
		email: emails.length ? (emails[0].value as string) : undefined,
		emails,
		employeeNumber: text(enterprise.employeeNumber),
		active: activeOf(user.active),
		managerId: text(manager.value),
		managerName: text(manager.displayName),
		companyId: text(enterprise.companyId),
		terminationDate: text(enterprise.terminationDate),
	});
}
