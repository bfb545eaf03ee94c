// OAuth2 side of the simulator: RS256 JWT access tokens, opaque rotating refresh tokens,
// company request tokens, and the error bodies of Concur's Authentication API, response codes.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

export interface KeyPairPem {
	privateKeyPem: string;
	publicKeyPem: string;
}

let cachedKeys: { jwt: KeyPairPem; ess: KeyPairPem } | undefined;

function newRsaKeyPair(): KeyPairPem {
	const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	return {
		privateKeyPem: (privateKey as KeyObject).export({ type: 'pkcs8', format: 'pem' }).toString(),
		publicKeyPem: (publicKey as KeyObject).export({ type: 'spki', format: 'pem' }).toString(),
	};
}

/** RSA keys are generated once per process: generation is the slowest part of starting a simulator. */
export function simulatorKeys(): { jwt: KeyPairPem; ess: KeyPairPem } {
	cachedKeys ??= { jwt: newRsaKeyPair(), ess: newRsaKeyPair() };
	return cachedKeys;
}

export type TokenType = 'user' | 'company' | 'app';

export interface AccessClaims {
	sub: string;
	iss: string;
	aud: string;
	exp: number;
	nbf: number;
	iat: number;
	jti: string;
	'concur.type': TokenType;
	'concur.scopes': string[];
	'concur.company'?: string;
	'concur.version': number;
	'concur.app': string;
}

export interface RefreshRecord {
	type: 'user' | 'company';
	subject: string; // user uuid or company uuid
	geolocation: string;
	scope: string;
	expiresAt: number;
}

/** A Concur OAuth error as Concur's Authentication API, response codes documents it. */
export class OAuthError extends Error {
	constructor(
		readonly httpStatus: number,
		readonly code: number,
		readonly error: string,
		readonly description: string,
		readonly geolocation: string,
	) {
		super(description);
	}
	body() {
		return { code: this.code, error: this.error, error_description: this.description, geolocation: this.geolocation };
	}
}

export interface TokenSettings {
	lifetimeSeconds: number;
	expiredStatus: 401 | 403;
}

/**
 * Issues and checks tokens. Access tokens are real RS256 JWTs; the simulator additionally keeps
 * the set of jtis declared expired (expireAll) so "early expiry" works without waiting.
 */
export class TokenAuthority {
	readonly settings: TokenSettings = { lifetimeSeconds: 3600, expiredStatus: 401 };
	private readonly refreshTokens = new Map<string, RefreshRecord>();
	/** Refresh tokens that were valid once and have been rotated away (for code 108 assertions). */
	private readonly rotatedRefreshTokens = new Set<string>();
	private readonly forcedExpiredJtis = new Set<string>();
	private readonly issuedJtis = new Set<string>();
	issuedAccessTokens = 0;
	refreshCount = 0;

	/** Parsed once: parsing a PEM on every request costs more than verifying the JWT. */
	private readonly privateKey: KeyObject;
	private readonly publicKey: KeyObject;

	constructor(
		privateKeyPem: string,
		readonly publicKeyPem: string,
		private readonly appId: string,
	) {
		this.privateKey = createPrivateKey(privateKeyPem);
		this.publicKey = createPublicKey(publicKeyPem);
	}

	issueAccessToken(type: TokenType, subject: string, geolocation: string, scope: string, companyUuid?: string): string {
		const now = Math.floor(Date.now() / 1000);
		const jti = randomUUID();
		this.issuedJtis.add(jti);
		this.issuedAccessTokens++;
		const claims: AccessClaims = {
			sub: subject,
			iss: geolocation,
			aud: '*',
			iat: now,
			nbf: now - 1,
			exp: now + this.settings.lifetimeSeconds,
			jti,
			'concur.type': type,
			'concur.scopes': scope.split(' ').filter(Boolean),
			'concur.version': 3,
			'concur.app': this.appId,
			...(companyUuid ? { 'concur.company': companyUuid } : {}),
		};
		return jwt.sign(claims, this.privateKey, { algorithm: 'RS256', keyid: 'concur-simulator-1' });
	}

	issueIdToken(type: TokenType, subject: string, geolocation: string, clientId: string): string {
		const now = Math.floor(Date.now() / 1000);
		return jwt.sign(
			{ aud: clientId, sub: subject, iss: geolocation, iat: now, nbf: now - 1, exp: now + this.settings.lifetimeSeconds, 'concur.type': type, 'concur.version': 3 },
			this.privateKey,
			{ algorithm: 'RS256', keyid: 'concur-simulator-1' },
		);
	}

	issueRefreshToken(record: Omit<RefreshRecord, 'expiresAt'>): string {
		const token = randomUUID() + '-' + randomBytes(8).toString('hex');
		this.refreshTokens.set(token, { ...record, expiresAt: Date.now() + 180 * 24 * 3600 * 1000 });
		return token;
	}

	/** The record behind a refresh token, without consuming it. */
	peekRefreshToken(token: string): RefreshRecord | undefined {
		const record = this.refreshTokens.get(token);
		return record && record.expiresAt >= Date.now() ? record : undefined;
	}

	/** Rotation: the presented refresh token is consumed; the caller issues a new one. */
	consumeRefreshToken(token: string): RefreshRecord | undefined {
		const record = this.refreshTokens.get(token);
		if (!record || record.expiresAt < Date.now()) return undefined;
		this.refreshTokens.delete(token);
		this.rotatedRefreshTokens.add(token);
		this.refreshCount++;
		return record;
	}

	wasRotated(token: string): boolean {
		return this.rotatedRefreshTokens.has(token);
	}

	/** Returns claims, or 'expired' / 'invalid'. */
	verifyAccessToken(token: string): AccessClaims | 'expired' | 'invalid' {
		try {
			const claims = jwt.verify(token, this.publicKey, { algorithms: ['RS256'] }) as unknown as AccessClaims;
			if (this.forcedExpiredJtis.has(claims.jti)) return 'expired';
			return claims;
		} catch (error) {
			if ((error as Error).name === 'TokenExpiredError') return 'expired';
			return 'invalid';
		}
	}

	/** Every access token issued so far is answered as expired from now on. */
	expireAll(): void {
		for (const jti of this.issuedJtis) this.forcedExpiredJtis.add(jti);
		this.issuedJtis.clear();
	}

	/** Invalidates every refresh token (e.g. the user revoked the app). */
	revokeRefreshTokens(): void {
		for (const token of this.refreshTokens.keys()) this.rotatedRefreshTokens.add(token);
		this.refreshTokens.clear();
	}

	activeRefreshTokens(): number {
		return this.refreshTokens.size;
	}
}
