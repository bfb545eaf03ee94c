/**
 * Differential test of the hand-written RSASSA-PSS verifier (helpers/signature.ts
 * `verifyPssSha256Digest`: the body is hashed once, then each key's s^e mod n is checked with
 * EMSA-PSS-VERIFY; the trigger uses it for bodies over 64 KiB) against OpenSSL's own
 * `crypto.verify` with PSS and RSA_PSS_SALTLEN_AUTO, which it uses for smaller ones. Every case
 * must get the same answer from both: genuine signatures with every salt length, tampered
 * signatures and bodies, other keys, PKCS#1 v1.5 signatures, random values, and hand-built
 * encodings that break one rule of RFC 8017 §9.1.2 at a time. Keys of 2048, 3072 and 4096 bits,
 * plus the two odd shapes: 2058 bits (7 zero bits on top of the encoding) and 2057 bits (the
 * encoding is one byte shorter than the modulus).
 *
 * Messages and choices come from a seeded generator, so a failure names a case that can be
 * re-run; the keys and PSS salts are random, as they are in production.
 */
import {
	constants,
	createHash,
	createPrivateKey,
	createPublicKey,
	generateKeyPairSync,
	generatePrimeSync,
	privateEncrypt,
	sign,
	verify,
	type KeyObject,
} from 'node:crypto';

import {
	emsaPssVerifySha256,
	NATIVE_VERIFY_MAX_BODY_BYTES,
	verifyConcurSignature,
	verifyPssSha256Digest,
} from '../../nodes/Concur/helpers/signature';

/** Counts how often a watched buffer is fed to a hash (node:crypto as the verifier sees it). */
const mockBodyHashing: { watched: Buffer | undefined; count: number } = { watched: undefined, count: 0 };
jest.mock('node:crypto', () => {
	const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
	return {
		...actual,
		createHash: (...args: Parameters<typeof actual.createHash>) => {
			const hash = actual.createHash(...args);
			const update = hash.update.bind(hash) as (data: unknown, encoding?: unknown) => typeof hash;
			hash.update = ((data: unknown, encoding?: unknown) => {
				if (data === mockBodyHashing.watched) mockBodyHashing.count++;
				return update(data, encoding);
			}) as typeof hash.update;
			return hash;
		},
	};
});

interface TestKey {
	label: string;
	privateKey: KeyObject;
	publicKey: KeyObject;
	bits: number;
}

function generated(bits: number): TestKey {
	const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
	return { label: `${bits}-bit`, privateKey, publicKey, bits: publicKey.asymmetricKeyDetails!.modulusLength! };
}

const toBase64Url = (value: bigint) => {
	let hex = value.toString(16);
	if (hex.length % 2) hex = `0${hex}`;
	return Buffer.from(hex, 'hex').toString('base64url');
};
const bitLength = (value: bigint) => value.toString(2).length;
function modInverse(a: bigint, m: bigint): bigint {
	let [oldR, r] = [((a % m) + m) % m, m];
	let [oldS, s] = [BigInt(1), BigInt(0)];
	while (r !== BigInt(0)) {
		const q = oldR / r;
		[oldR, r] = [r, oldR - q * r];
		[oldS, s] = [s, oldS - q * s];
	}
	if (oldR !== BigInt(1)) throw new Error('not invertible');
	return ((oldS % m) + m) % m;
}

/**
 * A 2057-bit key, which OpenSSL's key generation never makes (it rounds odd sizes down): with
 * modBits − 1 a multiple of 8, the encoded message is k − 1 bytes and the first byte of s^e mod n
 * must be zero (RFC 8017 §8.1.2 step 2c).
 */
function oddKey(bits: number): TestKey {
	const e = BigInt(65537);
	const one = BigInt(1);
	for (;;) {
		const p = generatePrimeSync(Math.ceil(bits / 2), { bigint: true });
		const q = generatePrimeSync(Math.floor(bits / 2), { bigint: true });
		const n = p * q;
		if (bitLength(n) !== bits || (p - one) % e === BigInt(0) || (q - one) % e === BigInt(0)) continue;
		const d = modInverse(e, (p - one) * (q - one));
		const jwk = {
			kty: 'RSA',
			n: toBase64Url(n),
			e: toBase64Url(e),
			d: toBase64Url(d),
			p: toBase64Url(p),
			q: toBase64Url(q),
			dp: toBase64Url(d % (p - one)),
			dq: toBase64Url(d % (q - one)),
			qi: toBase64Url(modInverse(q, p)),
		};
		const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
		const publicKey = createPublicKey(privateKey);
		return { label: `${bits}-bit (constructed)`, privateKey, publicKey, bits: publicKey.asymmetricKeyDetails!.modulusLength! };
	}
}

/** A seeded byte generator (SHA-256 in counter mode): the same seed, the same cases. */
function seeded(seed: string) {
	let counter = 0;
	let pool = Buffer.alloc(0);
	const bytes = (length: number): Buffer => {
		while (pool.length < length) {
			pool = Buffer.concat([pool, createHash('sha256').update(`${seed}:${counter++}`).digest()]);
		}
		const out = pool.subarray(0, length);
		pool = pool.subarray(length);
		return Buffer.from(out);
	};
	const int = (below: number) => bytes(4).readUInt32BE(0) % below;
	return { bytes, int };
}

/** What the trigger did before: OpenSSL's verify of PSS with the salt length read from the signature. */
function reference(body: Buffer, signature: Buffer, key: KeyObject): boolean {
	try {
		return verify('sha256', body, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, signature);
	} catch {
		return false;
	}
}

/** The digest path, whatever the body's size (the trigger takes it for bodies over 64 KiB). */
function ours(body: Buffer, signature: Buffer, key: KeyObject): boolean {
	return verifyPssSha256Digest(createHash('sha256').update(body).digest(), signature, key);
}

function signPss(body: Buffer, key: KeyObject, saltLength: number): Buffer {
	return sign('sha256', body, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
}

const sha256 = (...parts: Buffer[]) => parts.reduce((hash, part) => hash.update(part), createHash('sha256')).digest();

/** MGF1-SHA-256, written again here so the encoder below does not borrow from the code under test. */
function mgf1(seed: Buffer, length: number): Buffer {
	const blocks: Buffer[] = [];
	for (let i = 0; blocks.length * 32 < length; i++) {
		const counter = Buffer.alloc(4);
		counter.writeUInt32BE(i);
		blocks.push(sha256(seed, counter));
	}
	return Buffer.concat(blocks).subarray(0, length);
}

interface EncodeTweaks {
	/** Changes DB (PS || 0x01 || salt) before it is masked. */
	db?: (db: Buffer) => void;
	/** Changes the finished encoding. */
	em?: (em: Buffer) => void;
}

/** EMSA-PSS-ENCODE (RFC 8017 §9.1.1), with optional damage. */
function encode(mHash: Buffer, salt: Buffer, emBits: number, tweaks: EncodeTweaks = {}): Buffer {
	const emLen = Math.ceil(emBits / 8);
	const h = sha256(Buffer.alloc(8), mHash, salt);
	const db = Buffer.concat([Buffer.alloc(emLen - salt.length - 32 - 2), Buffer.from([0x01]), salt]);
	tweaks.db?.(db);
	const mask = mgf1(h, db.length);
	for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
	db[0] &= 0xff >> (8 * emLen - emBits);
	const em = Buffer.concat([db, h, Buffer.from([0xbc])]);
	tweaks.em?.(em);
	return em;
}

/** The raw RSA private operation on `em` (left-padded to k bytes): a "signature" of any encoding. */
function rawSign(em: Buffer, key: TestKey, firstByte = 0): Buffer | undefined {
	const k = Math.ceil(key.bits / 8);
	const block = Buffer.alloc(k);
	em.copy(block, k - em.length);
	if (em.length < k) block[0] = firstByte;
	try {
		return privateEncrypt({ key: key.privateKey, padding: constants.RSA_NO_PADDING }, block);
	} catch {
		return undefined; // the value is not below n: not a signature of this key
	}
}

const keys: TestKey[] = [generated(2048), generated(3072), generated(4096), generated(2058), oddKey(2057)];
const SALT_LENGTHS = [0, 1, 20, 32, 64, 190, constants.RSA_PSS_SALTLEN_DIGEST, constants.RSA_PSS_SALTLEN_MAX_SIGN];
const MESSAGE_LENGTHS = [0, 1, 31, 32, 33, 64, 1000, 4096];

interface Mismatch {
	key: string;
	label: string;
	case: number;
	reference: boolean;
	ours: boolean;
}

function compare(found: Mismatch[], key: TestKey, label: string, index: number, body: Buffer, signature: Buffer, expected?: boolean) {
	const want = reference(body, signature, key.publicKey);
	const got = ours(body, signature, key.publicKey);
	if (want !== got || (expected !== undefined && got !== expected)) {
		found.push({ key: key.label, label, case: index, reference: want, ours: got });
	}
}

it('the keys have the shapes the cases need', () => {
	expect(keys.map((key) => key.bits)).toEqual([2048, 3072, 4096, 2058, 2057]);
});

describe.each(keys.map((key) => [key.label, key] as const))('%s key', (_label, key) => {
	const other = keys.find((candidate) => candidate !== key && candidate.bits === key.bits) ?? generated(key.bits);

	it('agrees with crypto.verify on 32 random messages, each signed and then damaged in six ways', () => {
		const random = seeded(`pss-${key.label}`);
		const found: Mismatch[] = [];
		const k = Math.ceil(key.bits / 8);
		for (let index = 0; index < 32; index++) {
			const length = index < MESSAGE_LENGTHS.length ? MESSAGE_LENGTHS[index] : random.int(5000);
			const body = random.bytes(length);
			const saltLength = SALT_LENGTHS[index % SALT_LENGTHS.length];
			const signature = signPss(body, key.privateKey, saltLength);
			compare(found, key, `genuine, salt ${saltLength}`, index, body, signature, true);

			const flipped = Buffer.from(signature);
			const bit = random.int(k * 8);
			flipped[bit >> 3] ^= 1 << (bit & 7);
			compare(found, key, `signature bit ${bit} flipped`, index, body, flipped, false);

			const changed = Buffer.concat([body, Buffer.from([random.int(256)])]);
			compare(found, key, 'body one byte longer', index, changed, signature, false);
			if (body.length > 0) {
				const tampered = Buffer.from(body);
				tampered[random.int(body.length)] ^= 1 + random.int(255);
				compare(found, key, 'body byte changed', index, tampered, signature, false);
			}

			compare(found, key, 'signed by another key', index, body, signPss(body, other.privateKey, saltLength), false);
			compare(found, key, 'PKCS#1 v1.5 by the right key', index, body, sign('sha256', body, { key: key.privateKey, padding: constants.RSA_PKCS1_PADDING }), false);
			compare(found, key, 'random bytes', index, body, random.bytes(k), false);
		}
		expect(found).toEqual([]);
	});

	it('agrees on values that are not below the modulus, zero, one and all-ones', () => {
		const found: Mismatch[] = [];
		const k = Math.ceil(key.bits / 8);
		const body = Buffer.from('{"id":"x","topic":"public.concur.expense.report"}');
		const one = Buffer.alloc(k);
		one[k - 1] = 1;
		for (const [label, value] of [
			['zero', Buffer.alloc(k)],
			['one', one],
			['all ones', Buffer.alloc(k, 0xff)],
		] as const) {
			compare(found, key, label, 0, body, value, false);
		}
		expect(found).toEqual([]);
	});

	it('verifyConcurSignature agrees with crypto.verify on bodies either side of the 64 KiB switch', () => {
		const random = seeded(`large-${key.label}`);
		const found: Mismatch[] = [];
		const lengths = [NATIVE_VERIFY_MAX_BODY_BYTES, NATIVE_VERIFY_MAX_BODY_BYTES + 1, 300_000];
		lengths.forEach((length, index) => {
			const body = random.bytes(length);
			const header = (signature: Buffer) => signature.toString('base64');
			const check = (label: string, candidate: Buffer, signature: Buffer, expected: boolean) => {
				const want = reference(candidate, signature, key.publicKey);
				const got = verifyConcurSignature(candidate, header(signature), [other.publicKey, key.publicKey]).valid;
				if (want !== got || got !== expected) found.push({ key: key.label, label: `${label} (${length} bytes)`, case: index, reference: want, ours: got });
			};
			const signature = signPss(body, key.privateKey, constants.RSA_PSS_SALTLEN_MAX_SIGN);
			check('genuine', body, signature, true);
			const flipped = Buffer.from(signature);
			flipped[random.int(flipped.length)] ^= 0x10;
			check('signature byte changed', body, flipped, false);
			const tampered = Buffer.from(body);
			tampered[random.int(length)] ^= 0x01;
			check('body byte changed', tampered, signature, false);
			check('PKCS#1 v1.5', body, sign('sha256', body, { key: key.privateKey, padding: constants.RSA_PKCS1_PADDING }), false);
		});
		expect(found).toEqual([]);
	});

	it('agrees on hand-built encodings, each breaking one rule of EMSA-PSS-VERIFY', () => {
		const random = seeded(`crafted-${key.label}`);
		const emBits = key.bits - 1;
		const emLen = Math.ceil(emBits / 8);
		const zeroBits = 8 * emLen - emBits;
		const found: Mismatch[] = [];
		let skipped = 0;
		let ran = 0;
		const check = (label: string, index: number, body: Buffer, em: Buffer, expected: boolean, firstByte = 0) => {
			const signature = rawSign(em, key, firstByte);
			if (signature === undefined) {
				skipped++;
				return;
			}
			ran++;
			compare(found, key, label, index, body, signature, expected);
		};
		for (let index = 0; index < 12; index++) {
			const body = random.bytes(1 + random.int(300));
			const mHash = sha256(body);
			const maxSalt = emLen - 32 - 2;
			const salt = random.bytes([0, 32, maxSalt, random.int(maxSalt + 1)][index % 4]);

			check('built by hand, intact', index, body, encode(mHash, salt, emBits), true);
			check('trailer 0xbd', index, body, encode(mHash, salt, emBits, { em: (em) => (em[em.length - 1] = 0xbd) }), false);
			check('trailer missing (shifted)', index, body, Buffer.concat([Buffer.alloc(1), encode(mHash, salt, emBits).subarray(0, emLen - 1)]), false);
			check('H changed', index, body, encode(mHash, salt, emBits, { em: (em) => (em[emLen - 2] ^= 0x01) }), false);
			check('another message hash', index, body, encode(sha256(body, Buffer.from('x')), salt, emBits), false);
			check('separator 0x02', index, body, encode(mHash, salt, emBits, { db: (db) => (db[db.length - salt.length - 1] = 0x02) }), false);
			check('separator 0x00 (no separator)', index, body, encode(mHash, salt, emBits, { db: (db) => (db[db.length - salt.length - 1] = 0x00) }), false);
			if (db_hasPadding(emLen, salt.length)) {
				check('a non-zero byte in the padding', index, body, encode(mHash, salt, emBits, { db: (db) => (db[db.length - salt.length - 2] = 0x01) }), false);
			}
			check('salt changed after hashing', index, body, encode(mHash, salt, emBits, { db: (db) => (db[db.length - 1] ^= salt.length > 0 ? 0x01 : 0x00) }), salt.length === 0);
			if (zeroBits > 0) {
				// Each of the bits above emBits set in turn (some values exceed n and are skipped).
				for (let bit = 0; bit < zeroBits; bit++) {
					check(`bit ${7 - bit} of the first byte set`, index, body, encode(mHash, salt, emBits, { em: (em) => (em[0] |= 0x80 >> bit) }), false);
				}
			} else {
				// The encoding is k − 1 bytes: a non-zero byte in front of it.
				check('a non-zero byte before the encoding', index, body, encode(mHash, salt, emBits), false, 1);
			}
		}
		expect(found).toEqual([]);
		expect(ran).toBeGreaterThan(100);
		expect(skipped).toBeLessThan(ran);
	});
});

/** Whether DB has at least one padding byte before the separator for this salt length. */
function db_hasPadding(emLen: number, saltLength: number): boolean {
	return emLen - saltLength - 32 - 2 > 0;
}

describe('emsaPssVerifySha256 guards', () => {
	it('refuses encodings too short to hold a hash, a digest of the wrong length and a length that does not fit emBits', () => {
		const mHash = sha256(Buffer.from('m'));
		const tiny = Buffer.alloc(33, 0);
		tiny[32] = 0xbc;
		expect(emsaPssVerifySha256(mHash, tiny, 263)).toBe(false);
		const em = encode(mHash, Buffer.alloc(0), 2047);
		expect(emsaPssVerifySha256(mHash, em, 2047)).toBe(true);
		expect(emsaPssVerifySha256(mHash.subarray(0, 31), em, 2047)).toBe(false);
		expect(emsaPssVerifySha256(mHash, em, 2055)).toBe(false);
	});
});

describe('hashing', () => {
	const signer = keys[0];
	const strangers = [generated(2048), generated(2048), generated(2048)].map((key) => key.publicKey);
	const hashesOf = (body: Buffer, run: () => void) => {
		mockBodyHashing.watched = body;
		mockBodyHashing.count = 0;
		try {
			run();
			return mockBodyHashing.count;
		} finally {
			mockBodyHashing.watched = undefined;
		}
	};

	it('a body over 64 KiB is hashed once however many keys are tried', () => {
		const body = Buffer.alloc(NATIVE_VERIFY_MAX_BODY_BYTES + 1, 0x61);
		const signature = signPss(body, signer.privateKey, constants.RSA_PSS_SALTLEN_MAX_SIGN).toString('base64');
		// The signer's key last: three wrong keys are tried first.
		expect(hashesOf(body, () => expect(verifyConcurSignature(body, signature, [...strangers, signer.publicKey])).toEqual({ valid: true, keyIndex: 3 }))).toBe(1);
		expect(hashesOf(body, () => expect(verifyConcurSignature(body, signature, strangers)).toEqual({ valid: false, reason: 'mismatch' }))).toBe(1);
		// A signature of a length no key has costs no hashing at all.
		const short = Buffer.from(signature, 'base64').subarray(1).toString('base64');
		expect(hashesOf(body, () => expect(verifyConcurSignature(body, short, strangers).valid).toBe(false))).toBe(0);
	});

	it('a body up to 64 KiB goes to crypto.verify (OpenSSL hashes it per key, cheaper than the RSA operation)', () => {
		const body = Buffer.alloc(NATIVE_VERIFY_MAX_BODY_BYTES, 0x61);
		const signature = signPss(body, signer.privateKey, constants.RSA_PSS_SALTLEN_MAX_SIGN).toString('base64');
		expect(hashesOf(body, () => expect(verifyConcurSignature(body, signature, [...strangers, signer.publicKey]).valid).toBe(true))).toBe(0);
	});

	it('an rsa-pss key is verified by crypto.verify on the digest path too', () => {
		const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
		const body = Buffer.alloc(NATIVE_VERIFY_MAX_BODY_BYTES + 1, 0x62);
		const signature = signPss(body, pss.privateKey, constants.RSA_PSS_SALTLEN_MAX_SIGN).toString('base64');
		expect(verifyConcurSignature(body, signature, [signer.publicKey, pss.publicKey])).toEqual({ valid: true, keyIndex: 1 });
		expect(verifyPssSha256Digest(createHash('sha256').update(body).digest(), Buffer.from(signature, 'base64'), pss.publicKey)).toBe(false);
	});
});
