import { createHash } from 'node:crypto';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { BoundedMap } from '../helpers/boundedMap';
import { asString } from '../helpers/values';
import { fetchConcurToken, tokenSourceFingerprint } from './grants';
import type { ConcurTokenState, TokenHttpRequest } from './grants';

/**
 * One grant per credential state at a time in a process, and its result for callers that still
 * hold the refresh token it rotated away: Concur accepts each refresh token once (code 108 after),
 * and concurrent executions each refresh with their own copy. Keys are digests, never secrets.
 * See docs/ARCHITECTURE.md, "Token refresh".
 */
const grantsInFlight = new Map<string, Promise<ConcurTokenState>>();
/** How long a fresh grant answers callers that still hold the token it replaced. */
export const SHARED_GRANT_REUSE_MS = 5 * 60_000;
const recentGrants = new BoundedMap<string, { state: ConcurTokenState; at: number }>(256);

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
				recentGrants.set(key, { state, at: Date.now() });
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
