import { constants, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';

import { CONCUR_PUBLISHED_SIGNING_PEMS } from '../../credentials/ConcurEventSubscriptionApi.credentials';
import {
	cachedKeySetCount,
	clearPublicKeyCache,
	getCachedPublicKeys,
	parsePublicKeys,
	PublicKeyParseError,
} from '../../nodes/Concur/helpers/keys';
import {
	decodeSignatureHeader,
	MAX_SIGNATURE_HEADER_LENGTH,
	verifyConcurSignature,
} from '../../nodes/Concur/helpers/signature';
import { generateSigningKey, signPkcs1, signPss } from '../fixtures/concurEvents';

const current = generateSigningKey();
const previous = generateSigningKey();
const stranger = generateSigningKey();
const body = Buffer.from('{"id":"0490b3fb-04ad-4919-b299-afb9fa75e07c","topic":"public.concur.expense.report"}');
const keysOf = (...pems: string[]) => parsePublicKeys(pems.join('\n')).map((parsed) => parsed.key);

describe('verifyConcurSignature', () => {
	it('accepts RSASSA-PSS SHA-256 with the maximum salt over the raw bytes', () => {
		expect(verifyConcurSignature(body, signPss(body, current.privateKey), keysOf(current.publicPem))).toEqual({
			valid: true,
			keyIndex: 0,
		});
	});

	it('accepts any PSS salt length (AUTO), e.g. a digest-length salt', () => {
		const digestSalt = sign('sha256', body, {
			key: current.privateKey,
			padding: constants.RSA_PKCS1_PSS_PADDING,
			saltLength: 32,
		}).toString('base64');
		expect(verifyConcurSignature(body, digestSalt, keysOf(current.publicPem)).valid).toBe(true);
	});

	it('tries every configured key, so the previous key still verifies during a rotation', () => {
		const keys = keysOf(current.publicPem, previous.publicPem);
		expect(verifyConcurSignature(body, signPss(body, previous.privateKey), keys)).toEqual({
			valid: true,
			keyIndex: 1,
		});
	});

	it('rejects a PKCS#1 v1.5 signature made with the right key', () => {
		expect(verifyConcurSignature(body, signPkcs1(body, current.privateKey), keysOf(current.publicPem))).toEqual({
			valid: false,
			reason: 'mismatch',
		});
	});

	it('rejects a signature by a key that is not configured', () => {
		expect(verifyConcurSignature(body, signPss(body, stranger.privateKey), keysOf(current.publicPem)).valid).toBe(false);
	});

	it('rejects a body changed by one byte, or re-serialised', () => {
		const signature = signPss(body, current.privateKey);
		const tampered = Buffer.from(body);
		tampered[10] ^= 0x01;
		expect(verifyConcurSignature(tampered, signature, keysOf(current.publicPem)).valid).toBe(false);
		const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 1));
		expect(verifyConcurSignature(reserialised, signature, keysOf(current.publicPem)).valid).toBe(false);
	});

	it('says "missing" for an absent or blank header and "malformed" for non-signatures', () => {
		const keys = keysOf(current.publicPem);
		expect(verifyConcurSignature(body, undefined, keys)).toEqual({ valid: false, reason: 'missing' });
		expect(verifyConcurSignature(body, '   ', keys)).toEqual({ valid: false, reason: 'missing' });
		expect(verifyConcurSignature(body, 'not base64!', keys)).toEqual({ valid: false, reason: 'malformed' });
		expect(verifyConcurSignature(body, 'A'.repeat(MAX_SIGNATURE_HEADER_LENGTH + 4), keys)).toEqual({
			valid: false,
			reason: 'malformed',
		});
	});

	it('rejects a truncated signature without throwing', () => {
		const signature = Buffer.from(signPss(body, current.privateKey), 'base64');
		const truncated = signature.subarray(0, 128).toString('base64');
		expect(verifyConcurSignature(body, truncated, keysOf(current.publicPem))).toEqual({ valid: false, reason: 'mismatch' });
	});

	it('decodes only canonical base64', () => {
		expect(decodeSignatureHeader('QUJD')).toEqual(Buffer.from('ABC'));
		expect(decodeSignatureHeader('QUJ')).toBeUndefined();
		expect(decodeSignatureHeader('QU=D')).toBeUndefined();
		expect(decodeSignatureHeader('')).toBeUndefined();
	});
});

describe('public keys', () => {
	it("parses Concur's published current and previous keys (credential default)", () => {
		const keys = parsePublicKeys(CONCUR_PUBLISHED_SIGNING_PEMS);
		expect(keys).toHaveLength(2);
		expect(keys.map((key) => key.modulusLength)).toEqual([2048, 2048]);
		expect(keys[0].fingerprint).not.toEqual(keys[1].fingerprint);
		expect(CONCUR_PUBLISHED_SIGNING_PEMS).toContain('MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuE2x914aLmJa9GSzVVcT');
		expect(CONCUR_PUBLISHED_SIGNING_PEMS).toContain('MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA2wJd8TVDGUxD00bCqemz');
	});

	it('accepts PKCS#1 "RSA PUBLIC KEY" blocks and surrounding text', () => {
		const pkcs1 = createPublicKey(current.publicPem).export({ type: 'pkcs1', format: 'pem' }).toString();
		expect(parsePublicKeys(`Current key:\n${pkcs1}\nPrevious:\n${previous.publicPem}`)).toHaveLength(2);
	});

	it('refuses empty text, broken blocks, private keys and non-RSA keys', () => {
		expect(() => parsePublicKeys('')).toThrow(PublicKeyParseError);
		expect(() =>
			parsePublicKeys('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'),
		).toThrow(/Key 1 is not a valid PEM public key/);
		const privatePem = current.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
		expect(() => parsePublicKeys(privatePem)).toThrow(/private key/);
		const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
		expect(() => parsePublicKeys(`${current.publicPem}\n${ec}`)).toThrow(/Key 2 is a ec key/);
	});

	it('parses each distinct credential text once and keeps the cache bounded', () => {
		clearPublicKeyCache();
		const first = getCachedPublicKeys(current.publicPem);
		expect(getCachedPublicKeys(current.publicPem)).toBe(first);
		expect(cachedKeySetCount()).toBe(1);
		for (let i = 0; i < 100; i++) getCachedPublicKeys(`${current.publicPem}\n# variant ${i}`);
		expect(cachedKeySetCount()).toBeLessThanOrEqual(64);
	});

	it('caches a broken credential as its error instead of re-parsing it', () => {
		clearPublicKeyCache();
		expect(() => getCachedPublicKeys('garbage')).toThrow(PublicKeyParseError);
		expect(cachedKeySetCount()).toBe(1);
		expect(() => getCachedPublicKeys('garbage')).toThrow(PublicKeyParseError);
	});
});
