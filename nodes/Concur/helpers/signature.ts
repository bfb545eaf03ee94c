import { constants, createHash, publicDecrypt, timingSafeEqual, verify, type KeyObject } from 'node:crypto';

/**
 * Verification of the `Concur-Signature` header that SAP Concur's Event Subscription Service
 * sends with every event: base64 of an RSASSA-PSS signature (SHA-256, MGF1-SHA-256, salt of the
 * maximum length) over the exact raw request body. The salt length is read from the signature
 * (as OpenSSL's AUTO does), so the maximum length Concur uses passes and so would any other; a
 * PKCS#1 v1.5 signature never does.
 *
 * A body larger than NATIVE_VERIFY_MAX_BODY_BYTES is hashed once per request, however many keys
 * the credential holds: each key's RSA public operation (`publicDecrypt` without padding,
 * s^e mod n) yields the encoded message, and EMSA-PSS-VERIFY (RFC 8017 §9.1.2) checks it against
 * that one digest (`verifyPssSha256Digest`). Smaller bodies (Concur's events are a few KB) go to
 * `crypto.verify` key by key: hashing them again costs less than the RSA operation every key
 * needs anyway, and OpenSSL does the rest of the work faster than the JavaScript steps.
 * Both paths give the same answer for every signature: test/unit/signature.pss.test.ts compares
 * the digest path with `crypto.verify(PSS, AUTO)` on genuine, damaged and hand-built signatures.
 * Keys of type rsa-pss (which OpenSSL will not use without padding, and whose parameters may
 * restrict the hash or salt) always go through `crypto.verify`.
 */

/** Base64 of a 4096-bit signature is 684 characters; anything much longer is not a signature. */
export const MAX_SIGNATURE_HEADER_LENGTH = 1024;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const SHA256_LENGTH = 32;
/**
 * Largest body verified with `crypto.verify` per key. SHA-256 of 64 KiB costs about one RSA-2048
 * public operation (measured with bench/), so up to here re-hashing per key at most doubles a cost
 * every key pays anyway; beyond it the body is hashed once, so an oversized body (an unsigned
 * request may carry megabytes) is not hashed once per configured key.
 */
export const NATIVE_VERIFY_MAX_BODY_BYTES = 64 * 1024;
const EIGHT_ZEROS = Buffer.alloc(8);

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

/** MGF1 with SHA-256 (RFC 8017 §B.2.1): `length` bytes of mask from `seed`. */
function mgf1Sha256(seed: Buffer, length: number): Buffer {
	const mask = Buffer.alloc(Math.ceil(length / SHA256_LENGTH) * SHA256_LENGTH);
	const counter = Buffer.alloc(4);
	for (let block = 0; block * SHA256_LENGTH < length; block++) {
		counter.writeUInt32BE(block, 0);
		createHash('sha256').update(seed).update(counter).digest().copy(mask, block * SHA256_LENGTH);
	}
	return mask.subarray(0, length);
}

/**
 * EMSA-PSS-VERIFY (RFC 8017 §9.1.2) with SHA-256 and MGF1-SHA-256, the salt length recovered from
 * the encoding (any length, 0 included, as OpenSSL's RSA_PSS_SALTLEN_AUTO).
 *
 * @param mHash SHA-256 of the message
 * @param em    the encoded message: I2OSP(s^e mod n, emLen)
 * @param emBits modBits − 1
 */
export function emsaPssVerifySha256(mHash: Buffer, em: Buffer, emBits: number): boolean {
	const emLen = Math.ceil(emBits / 8);
	// Step 3 with the smallest salt (0): there must be room for H, the 0x01 separator and 0xbc.
	if (mHash.length !== SHA256_LENGTH || em.length !== emLen || emLen < SHA256_LENGTH + 2) return false;
	// Step 4: the trailer.
	if (em[emLen - 1] !== 0xbc) return false;
	// Step 5: maskedDB || H || 0xbc.
	const dbLength = emLen - SHA256_LENGTH - 1;
	const maskedDb = em.subarray(0, dbLength);
	const h = em.subarray(dbLength, dbLength + SHA256_LENGTH);
	// Step 6: the leftmost 8·emLen − emBits bits of maskedDB must be zero.
	const keptBits = 0xff >> (8 * emLen - emBits);
	if ((maskedDb[0] & ~keptBits & 0xff) !== 0) return false;
	// Steps 7-9: DB = maskedDB xor MGF1(H), leftmost bits cleared.
	const db = mgf1Sha256(h, dbLength);
	for (let i = 0; i < dbLength; i++) db[i] ^= maskedDb[i];
	db[0] &= keptBits;
	// Step 10: DB = PS (zeros) || 0x01 || salt; the first non-zero byte must be the separator.
	let separator = 0;
	while (separator < dbLength && db[separator] === 0) separator++;
	if (separator === dbLength || db[separator] !== 0x01) return false;
	// Steps 11-14: H must equal SHA-256(0x00 × 8 || mHash || salt).
	const salt = db.subarray(separator + 1);
	const expected = createHash('sha256').update(EIGHT_ZEROS).update(mHash).update(salt).digest();
	return timingSafeEqual(h, expected);
}

/**
 * RSASSA-PSS-VERIFY (RFC 8017 §8.1.2) of `signature` against the message digest `mHash`
 * (SHA-256, MGF1-SHA-256, any salt length), for a public key of type rsa. False for anything
 * else, never throws.
 */
export function verifyPssSha256Digest(mHash: Buffer, signature: Buffer, key: KeyObject): boolean {
	const modulusBits = key.asymmetricKeyDetails?.modulusLength;
	if (key.asymmetricKeyType !== 'rsa' || modulusBits === undefined) return false;
	// Step 1: the signature is exactly k bytes.
	const k = Math.ceil(modulusBits / 8);
	if (signature.length !== k) return false;
	let decoded: Buffer;
	try {
		// Step 2: m = s^e mod n, as k bytes. OpenSSL refuses s >= n (RSAVP1's range check).
		decoded = publicDecrypt({ key, padding: constants.RSA_NO_PADDING }, signature);
	} catch {
		return false;
	}
	if (decoded.length !== k) return false;
	// I2OSP(m, emLen): when modBits − 1 is a multiple of 8, emLen is k − 1 and the first byte must be 0.
	const emLen = Math.ceil((modulusBits - 1) / 8);
	if (emLen < k && decoded[0] !== 0) return false;
	return emsaPssVerifySha256(mHash, decoded.subarray(k - emLen), modulusBits - 1);
}

function verifyWithKey(
	rawBody: Buffer,
	signature: Buffer,
	key: KeyObject,
	digest: (() => Buffer) | undefined,
): boolean {
	const modulusBits = key.asymmetricKeyDetails?.modulusLength;
	// RSA signatures are exactly as long as the modulus; skip the RSA operation otherwise.
	if (modulusBits === undefined || signature.length !== Math.ceil(modulusBits / 8)) return false;
	if (digest !== undefined && key.asymmetricKeyType === 'rsa') {
		return verifyPssSha256Digest(digest(), signature, key);
	}
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
 * A body larger than NATIVE_VERIFY_MAX_BODY_BYTES is hashed at most once. Never throws; the
 * reason is for the caller's status code and logs (it reveals nothing secret).
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
	// Hashed on first use: a signature whose length fits no key costs no hashing at all.
	let bodyDigest: Buffer | undefined;
	const digest =
		rawBody.length > NATIVE_VERIFY_MAX_BODY_BYTES
			? () => (bodyDigest ??= createHash('sha256').update(rawBody).digest())
			: undefined;
	for (let index = 0; index < keys.length; index++) {
		if (verifyWithKey(rawBody, signature, keys[index], digest)) return { valid: true, keyIndex: index };
	}
	return { valid: false, reason: 'mismatch' };
}
