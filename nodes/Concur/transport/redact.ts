import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/**
 * The forms a secret takes on the wire and in echoes: as typed, URL-encoded (path and form
 * style), base64 and base64url (with and without padding).
 */
function secretForms(secret: string): string[] {
	const base64 = Buffer.from(secret, 'utf8').toString('base64');
	const forms = [
		secret,
		encodeURIComponent(secret),
		new URLSearchParams({ s: secret }).toString().slice(2),
		base64,
		base64.replace(/=+$/, ''),
		Buffer.from(secret, 'utf8').toString('base64url'),
	];
	// Longest first, so a form that contains another is replaced whole.
	return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

/** Credentials and tokens in the shapes that carry them, whatever their value. */
const SECRET_SHAPES: Array<[RegExp, string]> = [
	[/\bBearer\s+[A-Za-z0-9\-._~+/]{8,}=*/gi, 'Bearer [redacted]'],
	[/\b(client_secret|password|refresh_token|access_token)=[^\s&"']+/gi, '$1=[redacted]'],
	[/"(client_secret|password|refresh_token|access_token|clientSecret|refreshToken|accessToken)"\s*:\s*"[^"]*"/gi, '"$1":"[redacted]"'],
]

/**
 * Replaces every secret in a message, in each of its encodings, and any Bearer token or secret
 * form or JSON field whatever its value: errors and run data never carry them.
 */
export function redactSecrets(message: string, secrets: unknown[]): string {
	let redacted = message;
	for (const secret of secrets) {
		if (typeof secret === 'string' && secret.length >= 4) {
			for (const form of secretForms(secret)) redacted = redacted.split(form).join('[redacted]');
		}
	}
	for (const [shape, replacement] of SECRET_SHAPES) redacted = redacted.replace(shape, replacement);
	return redacted;
}

/** Every secret value a stored credential may hold. */
export function credentialSecrets(credentials: ICredentialDataDecryptedObject): string[] {
	return [
		credentials.accessToken,
		credentials.clientSecret,
		credentials.password,
		credentials.requestToken,
		credentials.refreshToken,
		credentials.rotatedRefreshToken,
	].filter((value): value is string => typeof value === 'string' && value !== '');
}
