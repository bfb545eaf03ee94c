/**
 * Which Concur API a report URL belongs to, and the keys and IDs inside such URLs. Paths are read
 * through WHATWG URL parsing; whether the token may go to the host is the transport's gate's call.
 */
import { httpUrlPath } from '../../transport/urlGate';

export type ReportUrlKind = 'fullDetails' | 'v2' | 'v3' | 'v4';

const REPORT_URL_PATTERNS: Array<{ kind: ReportUrlKind; pattern: RegExp }> = [
	// Callout ObjectURI: v1.1 report full details, XML only.
	{ kind: 'fullDetails', pattern: /\/api\/expense\/expensereport\/v1\.1\/reportfulldetails\/[^/]+$/i },
	// ESS facts.href: /expensereports/v4/users/{userId}/context/{TRAVELER|PROXY|MANAGER}/reports/{id}
	{ kind: 'v4', pattern: /\/expensereports\/v4\/(?:users\/[^/]+\/context\/[^/]+\/)?reports\/[^/]+$/i },
	// The URI field of a v3 report.
	{ kind: 'v3', pattern: /\/api\/v3\.0\/expense\/reports\/[^/]+$/i },
	{ kind: 'v2', pattern: /\/api\/expense\/expensereport\/v2\.0\/report\/[^/]+$/i },
];

/**
 * Tells which Concur API a report URL belongs to, from its path. The URL itself is not rewritten:
 * report keys contain `$` and `%` and must reach Concur byte for byte.
 */
export function classifyReportUrl(url: string): ReportUrlKind | undefined {
	const path = httpUrlPath(url);
	if (path === undefined) return undefined;
	return REPORT_URL_PATTERNS.find(({ pattern }) => pattern.test(path))?.kind;
}

/** Whether a string is an absolute http(s) URL whose path matches `pathPattern`. */
export function isHttpUrlWithPath(url: string, pathPattern: RegExp): boolean {
	const path = httpUrlPath(url);
	return path !== undefined && pathPattern.test(path);
}

/**
 * The v1.1 report key (RptKey). Accepts the key itself or the callout ObjectURI (whose last
 * segment is the key). The key is returned exactly as given: no decoding, no re-encoding.
 */
export function extractReportKey(input: string): string | undefined {
	const value = input.trim();
	if (value === '') return undefined;
	const key = /^https?:\/\//i.test(value) ? value.replace(/[?#].*$/, '').split('/').pop() ?? '' : value;
	// A key is one path segment; anything that would change the request path is refused.
	if (key === '' || /[/?#\s\\]/.test(key) || key === '.' || key === '..') return undefined;
	return key;
}

/** Whether a value is usable as one path segment (IDs are sent exactly as Concur issued them). */
export function isPathSegment(value: string): boolean {
	return value !== '' && value !== '.' && value !== '..' && !/[/?#\s\\]/.test(value);
}
