import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { asString } from '../helpers/values';
import { tokenSourceFingerprint } from './grants';
import { LEGACY_CONCUR_HOSTS, outboundPolicy, resolveApiHost, trimTrailingSlashes } from './hosts';
import { ConcurTokenError } from './tokenError';
import { gateOutboundUrl } from './urlGate';

/** A URL with a scheme (or a scheme-relative `//host`) names its own host; anything else is a path. */
const NAMES_A_HOST = /^([a-z][a-z0-9+.-]*:|\/\/|\\)/i;

/**
 * Routes a request for the credential and decides whether it may carry the token. A path goes to
 * the geolocation; an absolute URL on a legacy host (callout ObjectURIs, v1.1 links) is sent to
 * the same path and query on the geolocation, kept byte for byte (report keys hold `$` and `%`,
 * which must not be re-encoded); any other absolute URL must pass the outbound gate (https Concur
 * host, or the credential's custom host). Redirects are never followed: n8n would repeat the
 * request, Authorization header included, wherever the answer points.
 */
export function routeConcurRequest(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): IHttpRequestOptions {
	const policy = outboundPolicy(credentials);
	const apiHost = resolveApiHost(credentials);
	const routed: IHttpRequestOptions = { ...requestOptions, disableFollowRedirect: true };
	const refuse = (target: string, reason: string): never => {
		throw new ConcurTokenError(
			`Refusing to send the Concur access token to ${describeTarget(target)}: ${reason}. Only Concur hosts and this credential's own hosts receive it.`,
			{ stage: 'routing' },
		);
	};

	const url = asString(routed.url);
	let target: string;
	if (NAMES_A_HOST.test(url)) {
		target = url;
	} else {
		const base = routed.baseURL ? trimTrailingSlashes(routed.baseURL) : apiHost;
		target = `${base}${url.startsWith('/') || url === '' ? '' : '/'}${url}`;
	}
	// Legacy URLs are rebased onto the geolocation, so their scheme never carries the token: Concur
	// documents them as http (WorkflowActionURL) as often as https.
	const legacy = gateOutboundUrl(target.replace(/^http:/i, 'https:'));
	const isLegacy = legacy.allowed && LEGACY_CONCUR_HOSTS.includes(new URL(legacy.origin).hostname);
	const gated = isLegacy
		? gateOutboundUrl(`${apiHost}${legacy.url.slice(legacy.origin.length)}`, policy)
		: gateOutboundUrl(target, policy);
	if (!gated.allowed) return refuse(target, gated.reason);
	routed.url = gated.url;
	delete routed.baseURL;

	const headers: IDataObject = { ...(routed.headers ?? {}) };
	const accessToken = asString(credentials.accessToken);
	const tokenSource = asString(credentials.tokenSource);
	if (accessToken && tokenSource && tokenSource !== tokenSourceFingerprint(credentials)) {
		// The user edited the credential after this token was issued (n8n keeps hidden fields on
		// save). Sending no token makes Concur answer 401, and n8n then runs preAuthentication,
		// which obtains a token for the new inputs and retries: edits take effect at once.
		delete headers.Authorization;
	} else {
		headers.Authorization = `Bearer ${accessToken}`;
	}
	routed.headers = headers;
	return routed;
}

/** What an error may say about a refused URL: its scheme and host, never its path or query. */
function describeTarget(target: string): string {
	const head = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)/i.exec(target);
	const shown = head ? head[1] : target.slice(0, 40);
	return JSON.stringify(shown.length > 100 ? `${shown.slice(0, 100)}…` : shown);
}
