/**
 * Concur's token grants for the `concurOAuth2Api` credential (company request token, password,
 * refresh token, client credentials), as plain functions over an httpRequest-like function so
 * the credential's `preAuthentication` and the unit tests share one implementation.
 */
import { createHash } from 'node:crypto';
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { asString } from '../helpers/values';
import { checkGeolocation, outboundPolicy, resolveApiHost, resolveTokenHost } from './hosts';
import { redactSecrets } from './redact';
import { concurRetryPolicy, parseRetryAfterMs, retryDelayMs } from './retry';
import { ConcurTokenError } from './tokenError';
import { describeLocation, gateOutboundUrl, isRedirectStatus } from './urlGate';
import type { OutboundPolicy } from './urlGate';

/** The subset of `this.helpers.httpRequest` the grants need. */
export type TokenHttpRequest = (options: IHttpRequestOptions) => Promise<unknown>;

export type ConcurGrantType = 'companyRequestToken' | 'password' | 'refreshToken' | 'clientCredentials';

/** App Center request tokens can be exchanged again for 24 hours (company-auth doc). */
export const REQUEST_TOKEN_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Token requests are small: Concur promises an answer within 60 seconds for any call. */
const TOKEN_REQUEST_TIMEOUT_MS = 60_000;

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
	/** A string in OAuth errors; an object (`{id, message}`) in the gateway's 429 answer. */
	error?: unknown;
	error_description?: string;
	message?: unknown;
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

/** Concur's words in a token error, whichever shape (OAuth, gateway, plain text) they came in. */
function tokenErrorText(body: TokenResponseBody): string {
	const nested = body.error && typeof body.error === 'object' ? (body.error as { message?: unknown }).message : undefined;
	const candidates = [body.error_description, typeof body.error === 'string' ? body.error : undefined, nested, body.message];
	const found = candidates.find((value): value is string => typeof value === 'string' && value.trim() !== '');
	return found?.trim() ?? '';
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

/** Turns Concur's token error codes (Authentication API reference, response codes) into messages that say what to do next. */
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

type TokenResponse = { statusCode?: number; body?: unknown; headers?: IDataObject };

/**
 * POSTs the form once per attempt to `{host}/oauth2/v0/token`, through the outbound gate, never
 * following a redirect (that would send the client secret and password wherever it points), and
 * waiting out 429s as the API calls do.
 */
async function postTokenOnce(
	httpRequest: TokenHttpRequest,
	host: string,
	form: Record<string, string>,
	policy: OutboundPolicy,
): Promise<{ status: number; body: TokenResponseBody; correlationId: string }> {
	const gated = gateOutboundUrl(`${host}/oauth2/v0/token`, policy);
	if (!gated.allowed) {
		throw new ConcurTokenError(`Refusing to send the token request to ${host}: ${gated.reason}.`, { stage: 'routing' });
	}
	for (let retry = 0; ; retry++) {
		let response: TokenResponse | undefined;
		let failure: unknown;
		try {
			response = (await httpRequest({
				method: 'POST',
				url: gated.url,
				headers: {
					'Content-Type': 'application/x-www-form-urlencoded',
					Accept: 'application/json',
				},
				body: new URLSearchParams(form).toString(),
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				timeout: TOKEN_REQUEST_TIMEOUT_MS,
			})) as TokenResponse;
		} catch (error) {
			failure = error;
		}
		if (failure !== undefined || response === undefined) {
			const reason = redactSecrets(asString((failure as Error | undefined)?.message), secretsOf(form));
			throw new ConcurTokenError(`Could not reach the Concur token endpoint at ${host}: ${reason}`);
		}
		const status = Number(response.statusCode ?? 0);
		const headers = lowerCaseKeys(response.headers);
		if (status === 429 && retry < concurRetryPolicy.maxRetries) {
			await sleep(retryDelayMs(retry, parseRetryAfterMs(headers['retry-after'])));
			continue;
		}
		if (isRedirectStatus(status)) {
			throw new ConcurTokenError(
				`The Concur token endpoint at ${host} answered HTTP ${status}, a redirect${describeLocation(headers.location)}: not followed, so the client secret is not sent anywhere else. Check the token host.`,
				{ httpStatus: status },
			);
		}
		return { status, body: parseBody(response.body), correlationId: asString(headers['concur-correlationid']) };
	}
}

function lowerCaseKeys(headers: IDataObject | undefined): Record<string, unknown> {
	const result: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(headers ?? {})) result[key.toLowerCase()] = value;
	return result;
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
	policy: OutboundPolicy = {},
): Promise<TokenGrantResult> {
	let target = host;
	for (let attempt = 0; ; attempt++) {
		const { status, body, correlationId } = await postTokenOnce(httpRequest, target, form, policy);
		const named = asString(body.geolocation).trim();
		const geolocation = named === '' ? undefined : checkGeolocation(named, policy);
		if (geolocation !== undefined && !geolocation.allowed) {
			throw new ConcurTokenError(
				`Concur's token endpoint named "${named}" as this company's geolocation, which cannot be used (${geolocation.reason}): the token is not used. Check the token host.`,
				{ httpStatus: status, correlationId },
			);
		}
		if (status >= 200 && status < 300 && typeof body.access_token === 'string' && body.access_token) {
			return {
				accessToken: body.access_token,
				refreshToken: asString(body.refresh_token),
				geolocation: geolocation?.origin ?? target,
			};
		}
		const code = body.code === undefined || body.code === '' ? undefined : Number(body.code);
		if (code === 16 && attempt === 0 && geolocation?.allowed && geolocation.origin !== target) {
			target = geolocation.origin;
			continue;
		}
		const description = redactSecrets(tokenErrorText(body), secretsOf(form));
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
	const policy = outboundPolicy(credentials);
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
			policy,
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
						policy,
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
						policy,
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
			// App tokens come without a refresh token: the grant itself is repeated (Authentication API, client credentials grant).
			return finish(
				await requestConcurToken(
					httpRequest,
					tokenHost,
					{ grant_type: 'client_credentials', ...client },
					'clientCredentials',
					policy,
				),
				'',
				'',
			);
		default:
			throw new ConcurTokenError(`Unknown grant type "${asString(grantType)}".`);
	}
}
