import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * HTTP Basic Auth for Concur's legacy callouts (Event Notification and Test Connection).
 *
 * Both sides are hashed with SHA-256 before `timingSafeEqual`, so the comparison takes the same
 * time whatever the lengths and contents, and user name and password are both always compared
 * (no early exit that would tell an attacker which half was right).
 */

/** Concur's application connector accepts user names and passwords of 10 to 50 characters. */
export const CALLOUT_CREDENTIAL_MIN_LENGTH = 10;
export const CALLOUT_CREDENTIAL_MAX_LENGTH = 50;
/** Far above any valid header (2 × 50 characters, base64): longer ones are not decoded at all. */
const MAX_AUTHORIZATION_LENGTH = 1024;

export interface BasicCredentials {
	username: string;
	password: string;
}

/** Parses `Authorization: Basic base64(user:password)`; undefined when absent or malformed. */
export function parseBasicAuthorization(
	header: string | string[] | undefined,
): BasicCredentials | undefined {
	if (typeof header !== 'string' || header.length > MAX_AUTHORIZATION_LENGTH) return undefined;
	const match = /^\s*basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
	if (!match) return undefined;
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon === -1) return undefined;
	return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function digest(value: string): Buffer {
	return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time comparison of two strings of any length. */
export function safeEqual(actual: string, expected: string): boolean {
	return timingSafeEqual(digest(actual), digest(expected));
}

/** Whether the Authorization header carries exactly the expected user name and password. */
export function checkBasicAuth(
	header: string | string[] | undefined,
	expected: BasicCredentials,
): boolean {
	const presented = parseBasicAuthorization(header);
	// Compare against a dummy when nothing usable was sent, so every path does the same work.
	const username = presented?.username ?? '';
	const password = presented?.password ?? '';
	const expectedUsername = String(expected.username ?? '');
	const expectedPassword = String(expected.password ?? '');
	const usernameMatches = safeEqual(username, expectedUsername);
	const passwordMatches = safeEqual(password, expectedPassword);
	// An empty configured pair must never let an empty presented pair in.
	const configured = expectedUsername.length > 0 && expectedPassword.length > 0;
	return configured && presented !== undefined && usernameMatches && passwordMatches;
}

/** Problems with a callout credential pair, as sentences for the credential test (empty = fine). */
export function calloutCredentialProblems(credentials: Partial<BasicCredentials>): string[] {
	const problems: string[] = [];
	for (const [label, value] of [
		['User name', credentials.username],
		['Password', credentials.password],
	] as const) {
		const length = typeof value === 'string' ? value.length : 0;
		if (length < CALLOUT_CREDENTIAL_MIN_LENGTH || length > CALLOUT_CREDENTIAL_MAX_LENGTH) {
			problems.push(
				`${label} must be ${CALLOUT_CREDENTIAL_MIN_LENGTH} to ${CALLOUT_CREDENTIAL_MAX_LENGTH} characters long (it has ${length})`,
			);
		}
	}
	if (typeof credentials.username === 'string' && credentials.username.includes(':')) {
		problems.push('User name must not contain ":" (HTTP Basic Auth cannot carry it)');
	}
	return problems;
}
