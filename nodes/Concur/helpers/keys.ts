import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

import { BoundedMap } from './boundedMap';

/**
 * Turns the PEM text of the `concurEventSubscriptionApi` credential into public KeyObjects.
 *
 * Parsing a PEM costs far more than verifying one signature, and the text only changes when a
 * user edits the credential, so parsed keys are cached per distinct credential text (keyed by a
 * SHA-256 of the text, so the cache never holds the text itself). The cache is bounded: an
 * instance with many workflows and credentials cannot grow it without limit.
 */

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const MAX_CACHED_KEY_SETS = 64;
const MAX_KEYS_PER_CREDENTIAL = 16;
/**
 * The smallest RSA modulus accepted. Concur signs with 2048-bit keys; a shorter key (512 bits
 * can be factored for little money, and NIST has disallowed 1024 bits for signatures since the
 * end of 2013) would let whoever factors it sign events, so it fails the credential test and the
 * trigger refuses to use it.
 */
export const MIN_RSA_MODULUS_BITS = 2048;

export class PublicKeyParseError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'PublicKeyParseError';
	}
}

export interface ParsedPublicKey {
	key: KeyObject;
	/** Short fingerprint (first 16 hex characters of SHA-256 over the DER form), safe to log. */
	fingerprint: string;
	/** Modulus length in bits (at least MIN_RSA_MODULUS_BITS). */
	modulusLength: number;
}

const keyCache = new BoundedMap<string, ParsedPublicKey[] | PublicKeyParseError>(MAX_CACHED_KEY_SETS);

function parseBlock(block: string, index: number): ParsedPublicKey {
	if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(block)) {
		// Deriving the public half would work, but a private key has no business in n8n here.
		throw new PublicKeyParseError(
			`Key ${index + 1} is a private key; paste only the public key Concur publishes`,
		);
	}
	let key: KeyObject | undefined;
	let reason = '';
	try {
		key = createPublicKey({ key: block, format: 'pem' });
	} catch (error) {
		reason = (error as Error).message;
	}
	if (key === undefined) {
		throw new PublicKeyParseError(`Key ${index + 1} is not a valid PEM public key (${reason})`);
	}
	if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'rsa-pss') {
		throw new PublicKeyParseError(
			`Key ${index + 1} is a ${String(key.asymmetricKeyType)} key; Concur signs with RSA`,
		);
	}
	const der = key.export({ type: 'spki', format: 'der' });
	const fingerprint = createHash('sha256').update(der).digest('hex').slice(0, 16);
	const modulusLength = key.asymmetricKeyDetails?.modulusLength;
	if (modulusLength === undefined || modulusLength < MIN_RSA_MODULUS_BITS) {
		throw new PublicKeyParseError(
			`Key ${index + 1} (${fingerprint}) is a ${modulusLength ?? 'unknown'}-bit RSA key; keys shorter than ${MIN_RSA_MODULUS_BITS} bits are refused (Concur signs with ${MIN_RSA_MODULUS_BITS}-bit keys)`,
		);
	}
	return { key, fingerprint, modulusLength };
}

/**
 * Parses one or more PEM public keys (SPKI "PUBLIC KEY" or PKCS#1 "RSA PUBLIC KEY", or an
 * X.509 "CERTIFICATE" whose key is used) from free text. Throws PublicKeyParseError when there
 * is no key or any block is invalid: a typo should surface in the credential test, not as
 * silently rejected events.
 */
export function parsePublicKeys(pemText: string): ParsedPublicKey[] {
	const blocks = (pemText ?? '').match(PEM_BLOCK) ?? [];
	if (blocks.length === 0) {
		throw new PublicKeyParseError('No PEM block ("-----BEGIN PUBLIC KEY-----") found');
	}
	if (blocks.length > MAX_KEYS_PER_CREDENTIAL) {
		throw new PublicKeyParseError(`At most ${MAX_KEYS_PER_CREDENTIAL} keys are supported`);
	}
	return blocks.map(parseBlock);
}

/** parsePublicKeys with the bounded cache: each distinct credential text is parsed once. */
export function getCachedPublicKeys(pemText: string): ParsedPublicKey[] {
	const cacheKey = createHash('sha256')
		.update(pemText ?? '')
		.digest('hex');
	let entry = keyCache.get(cacheKey);
	if (entry === undefined) {
		// A broken credential is cached as its error, so it is not re-parsed on every request.
		try {
			entry = parsePublicKeys(pemText);
		} catch (error) {
			entry =
				error instanceof PublicKeyParseError ? error : new PublicKeyParseError(String(error));
		}
	}
	// Set again on a hit too: the least recently used entry is the one evicted.
	keyCache.set(cacheKey, entry);
	if (entry instanceof PublicKeyParseError) throw entry;
	return entry;
}

/** For tests: how many distinct credential texts are cached. */
export function cachedKeySetCount(): number {
	return keyCache.size;
}

export function clearPublicKeyCache(): void {
	keyCache.clear();
}
