import { constants, verify, type KeyObject } from 'node:crypto';

/**
 * Verification of the `Concur-Signature` header that SAP Concur's Event Subscription Service
 * sends with every event: base64 of an RSASSA-PSS signature (SHA-256, MGF1-SHA-256, salt of the
 * maximum length) over the exact raw request body. The salt length is read from the signature
 * (AUTO), so the maximum length Concur uses passes and so would any other; a PKCS#1 v1.5
 * signature never does.
 */

/** Base64 of a 4096-bit signature is 684 characters; anything much longer is not a signature. */
export const MAX_SIGNATURE_HEADER_LENGTH = 1024;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export type SignatureCheck =
	| { valid: true; keyIndex: number }
	| { valid: false; reason: 'missing' | 'malformed' | 'mismatch' };

/** Normalises a header value (string, repeated header array or undefined) to one string. */
export function headerValue(value: string | string[] | undefined): string | undefined {
	if (Array.isArray(value)) return value.length === 1 ? value[0] : undefined;
	return value;
}

/** Decodes the header into signature bytes, or undefined when it cannot be a signature. */
export function decodeSignatureHeader(header: string): Buffer | undefined {
	const trimmed = header.trim();
	if (trimmed.length === 0 || trimmed.length > MAX_SIGNATURE_HEADER_LENGTH) return undefined;
	if (trimmed.length % 4 !== 0 || !BASE64.test(trimmed)) return undefined;
	const bytes = Buffer.from(trimmed, 'base64');
	return bytes.length > 0 ? bytes : undefined;
}

function verifyWithKey(rawBody: Buffer, signature: Buffer, key: KeyObject): boolean {
	// RSA signatures are exactly as long as the modulus; skip the RSA operation otherwise.
	const modulusBits = key.asymmetricKeyDetails?.modulusLength;
	if (modulusBits !== undefined && signature.length !== Math.ceil(modulusBits / 8)) return false;
	try {
		return verify(
			'sha256',
			rawBody,
			{
				key,
				padding: constants.RSA_PKCS1_PSS_PADDING,
				saltLength: constants.RSA_PSS_SALTLEN_AUTO,
			},
			signature,
		);
	} catch {
		// OpenSSL reports some malformed signatures as exceptions rather than `false`.
		return false;
	}
}

/**
 * Checks the signature against each key in turn (current and previous during a rotation).
 * Never throws; the reason is for the caller's status code and logs (it reveals nothing secret).
 */
export function verifyConcurSignature(
	rawBody: Buffer,
	header: string | string[] | undefined,
	keys: KeyObject[],
): SignatureCheck {
	const value = headerValue(header);
	if (value === undefined || value.trim() === '') return { valid: false, reason: 'missing' };
	const signature = decodeSignatureHeader(value);
	if (signature === undefined) return { valid: false, reason: 'malformed' };
	for (let index = 0; index < keys.length; index++) {
		if (verifyWithKey(rawBody, signature, keys[index])) return { valid: true, keyIndex: index };
	}
	return { valid: false, reason: 'mismatch' };
}
