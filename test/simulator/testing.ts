// Small helpers for tests that talk to the simulator over HTTP (loopback only).
import type { ConcurSimulator } from './index';

export interface SimResponse {
	status: number;
	headers: Headers;
	text: string;
	json: () => any;
}

export async function call(
	url: string,
	options: { method?: string; token?: string; scheme?: string; body?: string | object; headers?: Record<string, string> } = {},
): Promise<SimResponse> {
	const headers: Record<string, string> = { ...options.headers };
	if (options.token) headers.Authorization = `${options.scheme ?? 'Bearer'} ${options.token}`;
	let body: string | undefined;
	if (typeof options.body === 'string') body = options.body;
	else if (options.body !== undefined) {
		body = JSON.stringify(options.body);
		headers['Content-Type'] ??= 'application/json';
	}
	const response = await fetch(url, { method: options.method ?? 'GET', headers, body });
	const text = await response.text();
	return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

/** POSTs a form to the token endpoint of `base` (default: the simulator's primary geolocation). */
export function tokenRequest(sim: ConcurSimulator, form: Record<string, string>, base = sim.baseUrl): Promise<SimResponse> {
	return call(`${base}/oauth2/v0/token`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ client_id: sim.seed.clientId, client_secret: sim.seed.clientSecret, ...form }).toString(),
	});
}

export async function companyToken(sim: ConcurSimulator): Promise<{ access_token: string; refresh_token: string; geolocation: string }> {
	const response = await tokenRequest(sim, { grant_type: 'password', credtype: 'authtoken', username: sim.seed.companyUuid, password: sim.seed.requestToken });
	if (response.status !== 200) throw new Error(`company grant failed: ${response.text}`);
	return response.json();
}

export async function userToken(sim: ConcurSimulator, loginId = sim.seed.username): Promise<{ access_token: string; refresh_token: string; geolocation: string }> {
	const response = await tokenRequest(sim, { grant_type: 'password', username: loginId, password: sim.seed.password });
	if (response.status !== 200) throw new Error(`password grant failed: ${response.text}`);
	return response.json();
}

export async function appToken(sim: ConcurSimulator): Promise<string> {
	const response = await tokenRequest(sim, { grant_type: 'client_credentials' });
	if (response.status !== 200) throw new Error(`client credentials grant failed: ${response.text}`);
	return (response.json() as { access_token: string }).access_token;
}
