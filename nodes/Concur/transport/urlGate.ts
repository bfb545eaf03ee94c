/**
 * The one outbound-URL gate: every URL that will carry a Concur secret (API calls with the Bearer
 * token, legacy URLs from callouts and API answers, token requests, the geolocation a token answer
 * names) passes here before anything is sent.
 *
 * Why a parser and not text tests: HTTP clients read URLs the WHATWG way, in which `\` is `/`,
 * tabs and newlines vanish, `user@` is user info and upper case is folded. A check on the text can
 * see one host while the client connects to another (`https://evil.example\.concursolutions.com`).
 * So the gate refuses what parsers may read differently (backslashes, white space, control
 * characters, user info), parses with WHATWG `URL` and compares the parsed `hostname` exactly.
 */

/** Concur's API domains: their subdomains receive the token over https on the default port. */
export const CONCUR_DOMAINS = ['concursolutions.com', 'concurcdc.cn'] as const;

/** Hosts whose plain-http origin a custom token host may use: only this machine (the simulator). */
const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1']);

/** Longer than any Concur URL (report keys, NextPage with its query) by far. */
const MAX_URL_LENGTH = 8_192;

/**
 * Whether the text holds a character WHATWG parsers strip, fold or treat as a separator where a
 * text check would not (backslash, white space, controls), or anything outside printable ASCII:
 * Concur's URLs are printable ASCII, already percent-encoded.
 */
function hasAmbiguousCharacter(text: string): boolean {
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code <= 0x20 || code >= 0x7f || code === 0x5c) return true;
	}
	return false;
}

const SCHEME_AND_AUTHORITY = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i;

/**
 * Concur's hosts are plain ASCII names. Anything else in the authority (user info, percent
 * escapes, IDNA-mapped dots, brackets of IPv6 literals) is where parsers have disagreed before.
 */
const PLAIN_AUTHORITY = /^[A-Za-z0-9.-]+(:\d{1,5})?$/;

export interface OutboundPolicy {
	/**
	 * The credential's explicitly configured custom token host (an origin such as
	 * `https://concur.example.com` or, for the simulator, `http://127.0.0.1:4010`), if any.
	 */
	customOrigin?: string;
}

export type GateResult = { allowed: true; url: string; origin: string } | { allowed: false; reason: string };

/** Whether a hostname is a subdomain of one of Concur's API domains. */
export function isConcurHostname(hostname: string): boolean {
	return CONCUR_DOMAINS.some((domain) => hostname.endsWith(`.${domain}`));
}

function authorityProblem(authority: string): string | undefined {
	if (authority.includes('@')) return 'it carries user info (an "@" before the host)';
	if (!PLAIN_AUTHORITY.test(authority)) return 'its host is not a plain host name';
	return undefined;
}

/**
 * A custom token host on loopback is this machine (the simulator, whose second data center is
 * another port): any port of the same loopback host counts as the custom host.
 */
function sameLoopbackHost(parsed: URL, custom: URL): boolean {
	return isLoopbackHostname(custom.hostname) && parsed.hostname === custom.hostname;
}

function isLoopbackHostname(hostname: string): boolean {
	return LOOPBACK_HOSTNAMES.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

const AMBIGUOUS_REASON = 'it contains a backslash, white space, a control or a non-ASCII character';

type Parsed = { ok: true; url: URL; rest: string } | { ok: false; reason: string };

/**
 * Parses text the way HTTP clients do, after refusing what they would read differently from the
 * text. `rest` is the text after the authority (path, query, fragment), exactly as given.
 */
function parseUnambiguous(text: string): Parsed {
	if (hasAmbiguousCharacter(text)) return { ok: false, reason: AMBIGUOUS_REASON };
	const head = SCHEME_AND_AUTHORITY.exec(text);
	if (!head) return { ok: false, reason: 'it is not an absolute http(s) URL' };
	const authority = authorityProblem(head[2]);
	if (authority) return { ok: false, reason: authority };
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return { ok: false, reason: 'it is not a valid URL' };
	}
	if (url.username !== '' || url.password !== '') return { ok: false, reason: 'it carries user info' };
	return { ok: true, url, rest: text.slice(head[0].length) };
}

/**
 * Checks an absolute URL. On success `url` is the parsed origin followed by the path, query and
 * fragment exactly as given: report keys hold `$` and `%`, which must reach Concur byte for byte.
 */
export function gateOutboundUrl(raw: unknown, policy: OutboundPolicy = {}): GateResult {
	if (typeof raw !== 'string' || raw === '') return { allowed: false, reason: 'it is empty' };
	if (raw.length > MAX_URL_LENGTH) return { allowed: false, reason: 'it is too long' };
	const parsed = parseUnambiguous(raw);
	if (!parsed.ok) return { allowed: false, reason: parsed.reason };
	const { url } = parsed;
	const custom = customOrigin(policy);
	const isCustom = custom !== undefined && (url.origin === custom.origin || sameLoopbackHost(url, custom));
	if (url.protocol !== 'https:' && !(isCustom && url.protocol === 'http:')) {
		return { allowed: false, reason: `its scheme is ${url.protocol.replace(/:$/, '')}, not https` };
	}
	const isConcur = url.protocol === 'https:' && url.port === '' && isConcurHostname(url.hostname);
	if (!isConcur && !isCustom) {
		return { allowed: false, reason: `${url.host} is not a Concur host or this credential's custom host` };
	}
	return { allowed: true, url: `${url.origin}${parsed.rest}`, origin: url.origin };
}

/**
 * The custom token host as a URL, when it is one the gate may honour: https anywhere (the user
 * typed it), plain http only on loopback, and never with user info, a path or a query.
 */
function customOrigin(policy: OutboundPolicy): URL | undefined {
	if (!policy.customOrigin) return undefined;
	const checked = checkOrigin(policy.customOrigin);
	return checked.allowed ? new URL(checked.origin) : undefined;
}

/**
 * Checks a base URL (a token host, a geolocation): an origin with nothing after it but an
 * optional `/`. Plain http is accepted for loopback only; https for any host (the policy decides
 * separately which hosts may receive secrets).
 */
export function checkOrigin(raw: unknown): { allowed: true; origin: string } | { allowed: false; reason: string } {
	if (typeof raw !== 'string' || raw.trim() === '') return { allowed: false, reason: 'it is empty' };
	const parsed = parseUnambiguous(raw.trim().replace(/\/+$/, ''));
	if (!parsed.ok) return { allowed: false, reason: parsed.reason };
	if (parsed.rest !== '') return { allowed: false, reason: 'it is not a base URL like https://us.api.concursolutions.com' };
	const { url } = parsed;
	if (url.protocol === 'http:' && !isLoopbackHostname(url.hostname)) {
		return { allowed: false, reason: 'plain http is only allowed on this machine (loopback); use https' };
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		return { allowed: false, reason: `its scheme is ${url.protocol.replace(/:$/, '')}, not https` };
	}
	return { allowed: true, origin: url.origin };
}

/**
 * The path of an absolute http(s) URL as WHATWG parsers read it, or undefined when the text is
 * not one or holds characters parsers disagree on. For recognising which Concur API a URL
 * belongs to; whether the token may go to the host is decided by gateOutboundUrl when it is sent.
 */
export function httpUrlPath(raw: string): string | undefined {
	const parsed = parseUnambiguous(raw);
	return parsed.ok && /^https?:$/.test(parsed.url.protocol) ? parsed.url.pathname : undefined;
}

/** Whether a redirect status (the gate decides whether and where it may be followed). */
export function isRedirectStatus(status: number | undefined): boolean {
	return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** " to https://host" for a redirect's Location: the origin only, never its path or query. */
export function describeLocation(location: unknown): string {
	const text = String((Array.isArray(location) ? location[0] : location) ?? '');
	try {
		return ` to ${new URL(text).origin}`;
	} catch {
		return '';
	}
}
