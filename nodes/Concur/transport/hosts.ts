/**
 * Where the credential's requests go: the token host the user chose, the geolocation Concur
 * answered with, and which custom host (if any) the outbound gate may honour.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { asString } from '../helpers/values';
import { ConcurTokenError } from './tokenError';
import { checkOrigin, gateOutboundUrl } from './urlGate';
import type { OutboundPolicy } from './urlGate';

export const GLZ_TOKEN_HOST = 'https://glz.api.concursolutions.com';
export const CUSTOM_TOKEN_HOST = 'custom';

/** Hosts that served pre-2017 APIs; tokens only work on the geolocation hosts (Concur's Authentication API: geolocation). */
export const LEGACY_CONCUR_HOSTS = [
	'www.concursolutions.com',
	'eu1.concursolutions.com',
	'implementation.concursolutions.com',
	'eu1imp.concursolutions.com',
];

export function trimTrailingSlashes(url: string): string {
	return url.replace(/\/+$/, '');
}

/**
 * The host the first grant goes to: one of Concur's token hosts, or the custom one the user typed
 * (https anywhere, plain http only on this machine, for the simulator).
 */
export function resolveTokenHost(credentials: ICredentialDataDecryptedObject): string {
	const choice = asString(credentials.tokenHostUrl) || GLZ_TOKEN_HOST;
	const isCustom = choice === CUSTOM_TOKEN_HOST;
	const typed = (isCustom ? asString(credentials.customTokenHostUrl) : choice).trim();
	const checked = checkOrigin(typed);
	if (!checked.allowed) {
		throw new ConcurTokenError(`The token host "${typed}" cannot be used: ${checked.reason}.`, { stage: 'routing' });
	}
	// A listed host that is not Concur's can only come from an edited or imported credential.
	if (!isCustom && !gateOutboundUrl(checked.origin).allowed) {
		throw new ConcurTokenError(`The token host "${typed}" is not a Concur host: choose one from the list or Custom.`, {
			stage: 'routing',
		});
	}
	return checked.origin;
}

/** Which hosts besides Concur's may receive this credential's secrets: its custom token host. */
export function outboundPolicy(credentials: ICredentialDataDecryptedObject): OutboundPolicy {
	return asString(credentials.tokenHostUrl) === CUSTOM_TOKEN_HOST
		? { customOrigin: resolveTokenHost(credentials) }
		: {};
}

/**
 * A geolocation is only ever a Concur host or the custom token host: the token endpoint's answer
 * decides where every later request (and the token) goes, so it passes the same gate.
 */
export function checkGeolocation(geolocation: string, policy: OutboundPolicy): { allowed: true; origin: string } | { allowed: false; reason: string } {
	const origin = checkOrigin(geolocation);
	if (!origin.allowed) return origin;
	const gated = gateOutboundUrl(origin.origin, policy);
	return gated.allowed ? origin : gated;
}

/** The base URL API calls go to: the geolocation the token came with, else the token host. */
export function resolveApiHost(credentials: ICredentialDataDecryptedObject): string {
	const geolocation = asString(credentials.geolocation).trim();
	if (geolocation === '') return resolveTokenHost(credentials);
	const checked = checkGeolocation(geolocation, outboundPolicy(credentials));
	if (!checked.allowed) {
		throw new ConcurTokenError(
			`The stored geolocation "${geolocation}" cannot be used (${checked.reason}): reconnect the credential.`,
			{ stage: 'routing' },
		);
	}
	return checked.origin;
}
