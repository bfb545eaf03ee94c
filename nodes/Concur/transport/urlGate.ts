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

/**
 * Checks an absolute URL. On success `url` is the parsed origin followed by the path, query and
 * fragment exactly as given: report keys hold `$` and `%`, which must reach Concur byte for byte.
 */
export function gateOutboundUrl(raw: unknown, policy: OutboundPolicy = {}): GateResult {
	if (typeof raw !== 'string' || raw === '') return { allowed: false, reason: 'it is empty' };
	if (raw.length > MAX_URL_LENGTH) return { allowed: false, reason: 'it is too long' };
	if (hasAmbiguousCharacter(raw)) {
		return { allowed: false, reason: 'it contains a backslash, white space, a control or a non-ASCII character' };
	}
	const head = SCHEME_AND_AUTHORITY.exec(raw);
	if (!head) return { allowed: false, reason: 'it is not an absolute http(s) URL' };
	const authority = authorityProblem(head[2]);
	if (authority) return { allowed: false, reason: authority };
	let parsed: URL;
	try {
		parsed = new URL(raw);
	} catch {
		return { allowed: false, reason: 'it is not a valid URL' };
	}
	if (parsed.username !== '' || parsed.password !== '') {
		return { allowed: false, reason: 'it carries user info' };
	}
	const custom = customOrigin(policy);
	const isCustom = custom !== undefined && (parsed.origin === custom.origin || sameLoopbackHost(parsed, custom));
	if (parsed.protocol !== 'https:' && !(isCustom && parsed.protocol === 'http:')) {
		return { allowed: false, reason: `its scheme is ${parsed.protocol.replace(/:$/, '')}, not https` };
	}
	const isConcur = parsed.protocol === 'https:' && parsed.port === '' && isConcurHostname(parsed.hostname);
	if (!isConcur && !isCustom) {
		return { allowed: false, reason: `${parsed.host} is not a Concur host or this credential's custom host` };
	}
	return { allowed: true, url: `${parsed.origin}${raw.slice(head[0].length)}`, origin: parsed.origin };
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
	const text = raw.trim().replace(/\/+$/, '');
	if (hasAmbiguousCharacter(text)) {
		return { allowed: false, reason: 'it contains a backslash, white space, a control or a non-ASCII character' };
	}
	const head = SCHEME_AND_AUTHORITY.exec(text);
	if (!head || head[0].length !== text.length) return { allowed: false, reason: 'it is not a base URL like https://us.api.concursolutions.com' };
	const authority = authorityProblem(head[2]);
	if (authority) return { allowed: false, reason: authority };
	let parsed: URL;
	try {
		parsed = new URL(text);
	} catch {
		return { allowed: false, reason: 'it is not a valid URL' };
	}
	if (parsed.protocol === 'http:' && !isLoopbackHostname(parsed.hostname)) {
		return { allowed: false, reason: 'plain http is only allowed on this machine (loopback); use https' };
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
		return { allowed: false, reason: `its scheme is ${parsed.protocol.replace(/:$/, '')}, not https` };
	}
	return { allowed: true, origin: parsed.origin };
}

/**
 * The path of an absolute http(s) URL as WHATWG parsers read it, or undefined when the text is
 * not one or holds characters parsers disagree on. For recognising which Concur API a URL
 * belongs to; whether the token may go there is decided by gateOutboundUrl when it is sent.
 */
export function httpUrlPath(raw: string): string | undefined {
	if (hasAmbiguousCharacter(raw)) return undefined;
	const head = SCHEME_AND_AUTHORITY.exec(raw);
	if (!head || !/^https?$/i.test(head[1]) || authorityProblem(head[2])) return undefined;
	try {
		return new URL(raw).pathname;
	} catch {
		return undefined;
	}
}

/** Whether a redirect status (the gate decides whether and where it may be followed). */
export function isRedirectStatus(status: number | undefined): boolean {
	return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}
