/**
 * Concur token grants and request routing for the `concurOAuth2Api` credential.
 *
 * Everything here is a plain function that takes an httpRequest-like function, so the
 * credential's `preAuthentication` and unit tests share one implementation
 * (reference/concur-api.md §4.1-§4.3).
 */
import { createHash } from 'node:crypto';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
} from 'n8n-workflow';

/** The subset of `this.helpers.httpRequest` the grants need. */
export type TokenHttpRequest = (options: IHttpRequestOptions) => Promise<unknown>;

export type ConcurGrantType = 'companyRequestToken' | 'password' | 'refreshToken' | 'clientCredentials';

export const GLZ_TOKEN_HOST = 'https://glz.api.concursolutions.com';
export const CUSTOM_TOKEN_HOST = 'custom';

/** App Center request tokens can be exchanged again for 24 hours (company-auth doc). */
export const REQUEST_TOKEN_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Token requests are small: Concur promises an answer within 60 seconds for any call. */
const TOKEN_REQUEST_TIMEOUT_MS = 60_000;

/** Hosts that served pre-2017 APIs; JWTs only work on the geolocation hosts (§4.3). */
export const LEGACY_CONCUR_HOSTS = [
	'www.concursolutions.com',
	'eu1.concursolutions.com',
	'implementation.concursolutions.com',
	'eu1imp.concursolutions.com',
];

/** Hosts that may receive the Bearer token over https besides the credential's own hosts. */
const CONCUR_HOST_SUFFIXES = ['.concursolutions.com', '.concurcdc.cn'];

/**
 * A token-endpoint failure with an actionable message. Deliberately has no `code`/`status`
 * properties: n8n's NodeApiError would otherwise replace the message with a generic one.
 */
export class ConcurTokenError extends Error {
	/** 'token': a grant failed; 'routing': a request was refused before anything was sent. */
	readonly stage: 'token' | 'routing';

	readonly concurCode?: number;

	readonly httpStatus?: number;

	readonly correlationId?: string;

	constructor(
		message: string,
		details: { concurCode?: number; httpStatus?: number; correlationId?: string; stage?: 'token' | 'routing' } = {},
	) {
		super(message);
		this.name = 'ConcurTokenError';
		this.stage = details.stage ?? 'token';
		this.concurCode = details.concurCode;
		this.httpStatus = details.httpStatus;
		this.correlationId = details.correlationId;
	}
}

/** What preAuthentication returns; n8n persists every key into the stored credential. */
export interface ConcurTokenState extends IDataObject {
	accessToken: string;
	rotatedRefreshToken: string;
	geolocation: string;
	tokenSource: string;
	requestTokenExchangedAt: string;
}

interface TokenResponseBody {
	access_token?: string;
	refresh_token?: string;
	geolocation?: string;
	expires_in?: string | number;
	code?: number | string;
	error?: string;
	error_description?: string;
}

const asString = (value: unknown): string =>
	typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);

export function trimTrailingSlashes(url: string): string {
	return url.replace(/\/+$/, '');
}

/** The host the first grant goes to: the chosen token host, or the custom one. */
export function resolveTokenHost(credentials: ICredentialDataDecryptedObject): string {
	// `tokenHost`/`customTokenHost` are the names docs/ARCHITECTURE.md first gave these fields;
	// the credential stores them as `*Url` (n8n's lint treats any other name holding "token" as a secret).
	const choice = asString(credentials.tokenHostUrl ?? credentials.tokenHost) || GLZ_TOKEN_HOST;
	const host =
		choice === CUSTOM_TOKEN_HOST
			? asString(credentials.customTokenHostUrl ?? credentials.customTokenHost)
			: choice;
	const trimmed = trimTrailingSlashes(host.trim());
	if (!/^https?:\/\/[^/?#\s]+$/i.test(trimmed)) {
		throw new ConcurTokenError(
			`The token host "${trimmed}" is not a base URL like https://us.api.concursolutions.com`,
		);
	}
	return trimmed;
}

/** The base URL API calls go to: the geolocation the token came with, else the token host. */
export function resolveApiHost(credentials: ICredentialDataDecryptedObject): string {
	const geolocation = trimTrailingSlashes(asString(credentials.geolocation).trim());
	if (/^https?:\/\/[^/?#\s]+$/i.test(geolocation)) return geolocation;
	return resolveTokenHost(credentials);
}

function grantInputs(credentials: ICredentialDataDecryptedObject): string[] {
	const grantType = asString(credentials.grantType) || 'companyRequestToken';
	const common = [grantType, resolveTokenHost(credentials), asString(credentials.clientId), asString(credentials.clientSecret)];
	switch (grantType) {
		case 'companyRequestToken':
			return [...common, asString(credentials.companyUuid), asString(credentials.requestToken)];
		case 'password':
			return [...common, asString(credentials.username), asString(credentials.password)];
		case 'refreshToken':
			return [...common, asString(credentials.refreshToken)];
		default:
			return common;
	}
}

/**
 * Fingerprint of the grant and the user's inputs. Stored next to the rotated refresh token so
 * that, once the user edits the credential, the stale rotated token and geolocation are ignored.
 */
export function tokenSourceFingerprint(credentials: ICredentialDataDecryptedObject): string {
	return createHash('sha256').update(JSON.stringify(grantInputs(credentials))).digest('hex');
}

/** Replaces every secret value in a message, so nothing the user typed leaks into errors. */
export function redactSecrets(message: string, secrets: unknown[]): string {
	let redacted = message;
	for (const secret of secrets) {
		if (typeof secret === 'string' && secret.length >= 4) {
			redacted = redacted.split(secret).join('[redacted]');
		}
	}
	return redacted;
}

/** The secret values of a token form (not e.g. grant_type=password, which is a keyword). */
const secretsOf = (form: Record<string, string>): string[] =>
	[form.client_secret, form.password, form.refresh_token].filter((value): value is string => !!value);

function parseBody(body: unknown): TokenResponseBody {
	if (body && typeof body === 'object' && !Buffer.isBuffer(body)) return body as TokenResponseBody;
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : asString(body);
	try {
		const parsed = JSON.parse(text) as unknown;
		return parsed && typeof parsed === 'object' ? (parsed as TokenResponseBody) : {};
	} catch {
		return {};
	}
}

type GrantStep = 'company' | 'password' | 'refresh' | 'pastedRefresh' | 'clientCredentials';

/** Turns Concur's token error codes (§4.2) into messages that say what to do next. */
export function describeTokenError(
	step: GrantStep,
	code: number | undefined,
	concurDescription: string,
	httpStatus: number,
): string {
	const said = concurDescription ? ` (Concur: "${concurDescription}")` : '';
	switch (code) {
		case 5:
			if (step === 'company') {
				return `Concur rejected the company credentials${said}: check the client ID, client secret, company UUID and request token. Request tokens expire 24 hours after App Center issues them.`;
			}
			if (step === 'password') {
				return `Concur rejected the username or password${said}: check them, and the client ID and client secret.`;
			}
			if (step === 'clientCredentials') {
				return `Concur rejected the client ID or client secret${said}.`;
			}
			return `Concur rejected the refresh token${said}: ${step === 'pastedRefresh' ? 'paste a new refresh token' : 'reconnect the credential'}.`;
		case 16:
			return `Concur says the user lives in another data center and the retry there failed too${said}: pick the right token host.`;
		case 21:
			return `This user may only sign in with SSO, so the password grant is not allowed${said}: use the company request token grant instead.`;
		case 53:
			return `The company has not enabled this app${said}: connect the company to the app through App Center first.`;
		case 54:
			return `A scope is missing${said}: the app is not granted the scope it asked for. Ask SAP Concur (or use the OAuth Client Service Tool) to assign the scope to the app.`;
		case 59:
			return `The OAuth client is disabled${said}: ask SAP Concur to re-enable the app, or use another client ID.`;
		case 61:
		case 64:
			return `Concur does not know this client (code ${code})${said}: check the client ID and client secret, and that the token host belongs to the client's data center.`;
		case 108:
			if (step === 'pastedRefresh') {
				return `The refresh token expired or was revoked${said}: paste a new refresh token into the credential.`;
			}
			return `The refresh token expired or was revoked${said}: reconnect the company through App Center and paste a new request token.`;
		case 136:
			return `The request token was not issued for this app${said}: generate the request token through App Center for this client ID.`;
		case 139:
			return `The Concur user must change their password${said}: sign in to Concur, change it, then update this credential.`;
		default: {
			const codePart = code === undefined ? '' : `, code ${code}`;
			return `Concur's token endpoint answered HTTP ${httpStatus}${codePart}${said}.`;
		}
	}
}

interface TokenGrantResult {
	accessToken: string;
	refreshToken: string;
	geolocation: string;
}

async function postTokenOnce(
	httpRequest: TokenHttpRequest,
	host: string,
	form: Record<string, string>,
): Promise<{ status: number; body: TokenResponseBody; correlationId: string }> {
	let response: { statusCode?: number; body?: unknown; headers?: IDataObject } | undefined;
	let failure: unknown;
	try {
		response = (await httpRequest({
			method: 'POST',
			url: `${host}/oauth2/v0/token`,
			headers: {
				'Content-Type': 'application/x-www-form-urlencoded',
				Accept: 'application/json',
			},
			body: new URLSearchParams(form).toString(),
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: TOKEN_REQUEST_TIMEOUT_MS,
		})) as typeof response;
	} catch (error) {
		failure = error;
	}
	if (failure !== undefined || response === undefined) {
		const reason = redactSecrets(asString((failure as Error | undefined)?.message), secretsOf(form));
		throw new ConcurTokenError(`Could not reach the Concur token endpoint at ${host}: ${reason}`);
	}
	const headers = response?.headers ?? {};
	return {
		status: Number(response?.statusCode ?? 0),
		body: parseBody(response?.body),
		correlationId: asString(headers['concur-correlationid']),
	};
}

/**
 * POSTs one grant to `{host}/oauth2/v0/token`. Code 16 ("user lives elsewhere") is retried
 * once at the geolocation Concur returns; every other failure becomes a ConcurTokenError.
 */
export async function requestConcurToken(
	httpRequest: TokenHttpRequest,
	host: string,
	form: Record<string, string>,
	step: GrantStep,
): Promise<TokenGrantResult> {
	let target = host;
	for (let attempt = 0; ; attempt++) {
		const { status, body, correlationId } = await postTokenOnce(httpRequest, target, form);
		if (status >= 200 && status < 300 && typeof body.access_token === 'string' && body.access_token) {
			return {
				accessToken: body.access_token,
				refreshToken: asString(body.refresh_token),
				geolocation: trimTrailingSlashes(asString(body.geolocation)) || target,
			};
		}
		const code = body.code === undefined || body.code === '' ? undefined : Number(body.code);
		const geolocation = trimTrailingSlashes(asString(body.geolocation));
		if (code === 16 && attempt === 0 && /^https?:\/\/[^/?#\s]+$/i.test(geolocation) && geolocation !== target) {
			target = geolocation;
			continue;
		}
		const description = redactSecrets(
			asString(body.error_description) || asString(body.error),
			secretsOf(form),
		);
		const message =
			status >= 200 && status < 300
				? `Concur's token endpoint answered HTTP ${status} without an access token.`
				: describeTokenError(step, Number.isFinite(code) ? code : undefined, description, status);
		throw new ConcurTokenError(message, {
			concurCode: Number.isFinite(code) ? code : undefined,
			httpStatus: status,
			correlationId,
		});
	}
}

/** Runs a grant and hands back its error instead of throwing, so callers can fall back. */
async function attempt<T>(grant: () => Promise<T>): Promise<{ result?: T; error?: unknown }> {
	try {
		return { result: await grant() };
	} catch (error) {
		return { error };
	}
}

const isRefreshRejected = (error: unknown): boolean =>
	error instanceof ConcurTokenError && error.concurCode === 108;

/**
 * preAuthentication's work: obtain a fresh access token for the credential's grant, rotating the
 * refresh token, and return every value n8n must persist.
 */
export async function fetchConcurToken(
	httpRequest: TokenHttpRequest,
	credentials: ICredentialDataDecryptedObject,
	now: number = Date.now(),
): Promise<ConcurTokenState> {
	const grantType = (asString(credentials.grantType) || 'companyRequestToken') as ConcurGrantType;
	const tokenHost = resolveTokenHost(credentials);
	const clientId = asString(credentials.clientId).trim();
	const clientSecret = asString(credentials.clientSecret).trim();
	if (!clientId || !clientSecret) {
		throw new ConcurTokenError('Enter the client ID and client secret of the Concur app.');
	}
	const client = { client_id: clientId, client_secret: clientSecret };

	const tokenSource = tokenSourceFingerprint(credentials);
	// Rotation state is only trusted when it was produced from the inputs the user has now.
	const sameSource = asString(credentials.tokenSource) === tokenSource;
	const rotated = sameSource ? asString(credentials.rotatedRefreshToken) : '';
	const refreshHost = (sameSource && asString(credentials.geolocation) && resolveApiHost(credentials)) || tokenHost;
	const exchangedAt = sameSource ? asString(credentials.requestTokenExchangedAt) : '';

	const refreshGrant = async (refreshToken: string, step: GrantStep) =>
		await requestConcurToken(
			httpRequest,
			refreshHost,
			{ grant_type: 'refresh_token', ...client, refresh_token: refreshToken },
			step,
		);

	const finish = (result: TokenGrantResult, keepRefreshToken: string, requestTokenExchangedAt: string): ConcurTokenState => ({
		accessToken: result.accessToken,
		// Concur rotates the refresh token on every refresh: always keep the newest one.
		rotatedRefreshToken: result.refreshToken || keepRefreshToken,
		geolocation: result.geolocation,
		tokenSource,
		requestTokenExchangedAt,
	});

	switch (grantType) {
		case 'companyRequestToken': {
			const companyUuid = asString(credentials.companyUuid).trim();
			const requestToken = asString(credentials.requestToken).trim();
			const exchangeRequestToken = async () =>
				finish(
					await requestConcurToken(
						httpRequest,
						tokenHost,
						{ grant_type: 'password', ...client, username: companyUuid, password: requestToken, credtype: 'authtoken' },
						'company',
					),
					'',
					new Date(now).toISOString(),
				);
			if (rotated) {
				const refreshed = await attempt(async () => await refreshGrant(rotated, 'refresh'));
				if (refreshed.result) return finish(refreshed.result, rotated, exchangedAt);
				const exchangedMs = Date.parse(exchangedAt);
				const withinWindow = Number.isFinite(exchangedMs) && now - exchangedMs < REQUEST_TOKEN_WINDOW_MS;
				if (!isRefreshRejected(refreshed.error) || !withinWindow || !companyUuid || !requestToken) {
					throw refreshed.error;
				}
				// The request token is still inside its 24 h window: exchanging it again is allowed.
				const exchanged = await attempt(exchangeRequestToken);
				if (exchanged.result) return exchanged.result;
				// The window is counted from our first exchange, so the token may be older than that:
				// the refresh-token failure is then the one that tells the user what to do.
				throw refreshed.error;
			}
			if (!companyUuid || !requestToken) {
				throw new ConcurTokenError(
					'Enter the company UUID and the request token App Center issued when the company connected the app.',
				);
			}
			return await exchangeRequestToken();
		}
		case 'password': {
			const username = asString(credentials.username).trim();
			const password = asString(credentials.password);
			const passwordGrant = async () =>
				finish(
					await requestConcurToken(
						httpRequest,
						tokenHost,
						{ grant_type: 'password', ...client, username, password, credtype: 'password' },
						'password',
					),
					'',
					'',
				);
			if (rotated) {
				const refreshed = await attempt(async () => await refreshGrant(rotated, 'refresh'));
				if (refreshed.result) return finish(refreshed.result, rotated, '');
				if (!isRefreshRejected(refreshed.error)) throw refreshed.error;
				// The user's password is at hand: signing in again replaces the dead refresh token.
				return await passwordGrant();
			}
			if (!username || !password) throw new ConcurTokenError('Enter the Concur username and password.');
			return await passwordGrant();
		}
		case 'refreshToken': {
			const refreshToken = rotated || asString(credentials.refreshToken).trim();
			if (!refreshToken) throw new ConcurTokenError('Paste a Concur refresh token.');
			return finish(await refreshGrant(refreshToken, 'pastedRefresh'), refreshToken, '');
		}
		case 'clientCredentials':
			// App tokens come without a refresh token: the grant itself is repeated (§4.1).
			return finish(
				await requestConcurToken(
					httpRequest,
					tokenHost,
					{ grant_type: 'client_credentials', ...client },
					'clientCredentials',
				),
				'',
				'',
			);
		default:
			throw new ConcurTokenError(`Unknown grant type "${asString(grantType)}".`);
	}
}

const ABSOLUTE_URL = /^(https?):\/\/([^/?#]*)(.*)$/is;

function hostOf(baseUrl: string): string {
	const match = ABSOLUTE_URL.exec(baseUrl);
	return match ? match[2].toLowerCase() : '';
}

/**
 * Routes a request for the credential: a path goes to the geolocation; an absolute URL on a legacy
 * host is sent to the same path and query on the geolocation, kept byte for byte (report keys hold
 * `$` and `%`, which must not be re-encoded). The Bearer token only ever goes to Concur hosts or to
 * the credential's own token host and geolocation.
 */
export function routeConcurRequest(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): IHttpRequestOptions {
	const apiHost = resolveApiHost(credentials);
	const ownHosts = new Set([hostOf(apiHost), hostOf(resolveTokenHost(credentials))]);
	const routed: IHttpRequestOptions = { ...requestOptions };

	const rewrite = (absolute: string): string => {
		const match = ABSOLUTE_URL.exec(absolute);
		if (!match) return absolute;
		const [, scheme, rawHost, rest] = match;
		const host = rawHost.toLowerCase();
		if (LEGACY_CONCUR_HOSTS.includes(host.replace(/:443$|:80$/, ''))) return `${apiHost}${rest}`;
		const isConcurHost =
			scheme.toLowerCase() === 'https' && CONCUR_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix));
		if (ownHosts.has(host) || isConcurHost) return absolute;
		throw new ConcurTokenError(
			`Refusing to send the Concur access token to ${scheme}://${rawHost}: only Concur hosts and this credential's geolocation receive it.`,
			{ stage: 'routing' },
		);
	};

	if (/^https?:\/\//i.test(routed.url)) {
		routed.url = rewrite(routed.url);
		delete routed.baseURL;
	} else if (routed.baseURL) {
		routed.baseURL = rewrite(trimTrailingSlashes(routed.baseURL));
	} else {
		routed.baseURL = apiHost;
	}
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

/**
 * Concur rotates the refresh token on every refresh, so two refreshes with the same refresh token
 * cannot both succeed: the second gets code 108 ("bad or expired refresh token"). n8n runs
 * executions concurrently, and each one that meets an expired token calls preAuthentication with
 * its own copy of the stored credential. Within one n8n process, callers that would send the same
 * grant (same inputs, same stored refresh token) therefore share one request, and callers that
 * arrive shortly after it with the refresh token it replaced get its result instead of spending
 * the rotated-away token. Keys are SHA-256 digests: no secret is kept in the maps' keys.
 */
const grantsInFlight = new Map<string, Promise<ConcurTokenState>>();
const recentGrants = new Map<string, { state: ConcurTokenState; at: number }>();
/** How long a fresh grant answers callers that still hold the token it replaced. */
export const SHARED_GRANT_REUSE_MS = 5 * 60_000;
const MAX_RECENT_GRANTS = 256;

/** Whether this credential state would be refreshed with a stored (rotating) refresh token. */
function usesRotatedRefreshToken(credentials: ICredentialDataDecryptedObject): boolean {
	return (
		asString(credentials.tokenSource) === tokenSourceFingerprint(credentials) &&
		asString(credentials.rotatedRefreshToken) !== ''
	);
}

function grantKey(credentials: ICredentialDataDecryptedObject): string {
	const tokenSource = tokenSourceFingerprint(credentials);
	const sameSource = asString(credentials.tokenSource) === tokenSource;
	return createHash('sha256')
		.update(
			JSON.stringify([
				asString(credentials.clientId),
				tokenSource,
				sameSource ? asString(credentials.rotatedRefreshToken) : '',
				sameSource ? asString(credentials.geolocation) : '',
			]),
		)
		.digest('hex');
}

/** fetchConcurToken, shared between concurrent callers of one credential state (see above). */
export async function fetchConcurTokenShared(
	httpRequest: TokenHttpRequest,
	credentials: ICredentialDataDecryptedObject,
	now: number = Date.now(),
): Promise<ConcurTokenState> {
	const key = grantKey(credentials);
	// Only a refresh with a stored refresh token spends something others may still hold.
	const rotating = usesRotatedRefreshToken(credentials);
	const recent = rotating ? recentGrants.get(key) : undefined;
	if (recent !== undefined && now - recent.at < SHARED_GRANT_REUSE_MS) return { ...recent.state };
	let pending = grantsInFlight.get(key);
	if (pending === undefined) {
		pending = fetchConcurToken(httpRequest, credentials, now);
		grantsInFlight.set(key, pending);
		try {
			const state = await pending;
			if (rotating) {
				recentGrants.delete(key);
				recentGrants.set(key, { state, at: Date.now() });
				while (recentGrants.size > MAX_RECENT_GRANTS) {
					const oldest = recentGrants.keys().next().value;
					if (oldest === undefined) break;
					recentGrants.delete(oldest);
				}
			}
		} finally {
			grantsInFlight.delete(key);
		}
	}
	return { ...(await pending) };
}

/** For tests: forget shared grants. */
export function forgetSharedGrants(): void {
	grantsInFlight.clear();
	recentGrants.clear();
}
