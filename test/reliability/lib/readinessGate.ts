/**
 * A readiness-gated front for one n8n process, the loopback stand-in for what production puts in
 * front of n8n (Kubernetes readiness probe + Service, HAProxy `option httpchk`, Caddy
 * `health_uri`): requests reach n8n only while its readiness endpoint says it is ready, and a
 * front with no ready upstream answers 503, which Concur retries (Concur's Event Subscription Service docs, delivery and retries).
 *
 * - Active probe: `GET /healthz/readiness` every 250 ms (1 s timeout). n8n answers 503 there
 *   until its database is migrated and its routes are mounted, then 200. Routing is on only
 *   while the latest probe answered 200.
 * - Passive check: a connection error before n8n answered (refused, reset) turns routing off at
 *   once, until a later probe answers 200; that client gets a 503.
 * - Not routing → `503` with `Retry-After: 1`, never forwarded.
 * - `drain()` turns routing off and resolves once every request already forwarded has been
 *   answered (the preStop / `set server drain` step before stopping n8n); `resume()` turns it on
 *   again from the next probe that answers 200.
 *
 * Forwarding keeps the method, path, end-to-end headers and the exact body bytes (Concur's
 * signature is over the raw bytes) and streams the response back with its status and headers.
 * Hop-by-hop headers (RFC 9110 Concur's API docs.1: Connection, Keep-Alive, Transfer-Encoding, …) describe one
 * connection, not the message, so each side's are left to Node's HTTP stack.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReadinessGateOptions {
	upstreamPort: number;
	upstreamHost?: string;
	readinessPath?: string;
	/** Pause between the end of one probe and the next. */
	probeIntervalMs?: number;
	probeTimeoutMs?: number;
	/** A forwarded request n8n has not answered after this long gets a 504 (bounds drain()). */
	upstreamTimeoutMs?: number;
}

export interface ReadinessGateStats {
	/** Requests passed to the upstream. */
	forwarded: number;
	/** Requests answered 503 without forwarding: upstream not ready, or the front draining. */
	answered503: { notReady: number; draining: number };
	/** Forwarded requests that met a connection error before a response (answered 503). */
	upstreamErrors: number;
	/** Forwarded requests the upstream did not answer within upstreamTimeoutMs (answered 504). */
	upstreamTimeouts: number;
	probes: number;
	/** Probes that did not answer 200 (503, error or timeout). */
	probesNotReady: number;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

/**
 * `rawHeaders` ([name, value, name, value, …]) without hop-by-hop headers, as request headers:
 * one value as a string, a repeated header as the list of its values (sent as repeated lines).
 */
export function endToEndHeaders(rawHeaders: string[]): Record<string, string | string[]> {
	const values = new Map<string, { name: string; values: string[] }>();
	for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
		const name = rawHeaders[i];
		if (HOP_BY_HOP.has(name.toLowerCase())) continue;
		const entry = values.get(name.toLowerCase()) ?? { name, values: [] };
		entry.values.push(rawHeaders[i + 1]);
		values.set(name.toLowerCase(), entry);
	}
	return Object.fromEntries([...values.values()].map(({ name, values: list }) => [name, list.length === 1 ? list[0] : list]));
}

function endToEndRawHeaders(rawHeaders: string[]): string[] {
	const kept: string[] = [];
	for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
		if (!HOP_BY_HOP.has(rawHeaders[i].toLowerCase())) kept.push(rawHeaders[i], rawHeaders[i + 1]);
	}
	return kept;
}

export class ReadinessGate {
	readonly stats: ReadinessGateStats = {
		forwarded: 0,
		answered503: { notReady: 0, draining: 0 },
		upstreamErrors: 0,
		upstreamTimeouts: 0,
		probes: 0,
		probesNotReady: 0,
	};
	port = 0;
	private server?: http.Server;
	private upstreamReady = false;
	private draining = false;
	/**
	 * Bumped whenever readiness must be re-proven (passive failure, resume): a probe sent before
	 * the bump cannot turn routing back on with a 200 it got from the old state.
	 */
	private epoch = 0;
	private inFlight = 0;
	private drainWaiters: Array<() => void> = [];
	private probeTimer?: NodeJS.Timeout;
	private probeRequest?: http.ClientRequest;
	private closed = false;
	private readonly options: Required<ReadinessGateOptions>;

	constructor(options: ReadinessGateOptions) {
		this.options = {
			upstreamHost: '127.0.0.1',
			readinessPath: '/healthz/readiness',
			probeIntervalMs: 250,
			probeTimeoutMs: 1000,
			upstreamTimeoutMs: 120_000,
			...options,
		};
	}

	/** Whether a new request would be forwarded now. */
	get routing(): boolean {
		return this.upstreamReady && !this.draining;
	}

	/** Requests forwarded and not yet answered by the upstream. */
	get pending(): number {
		return this.inFlight;
	}

	async start(port = 0): Promise<number> {
		this.server = http.createServer((req, res) => this.handle(req, res));
		await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
		this.port = (this.server.address() as AddressInfo).port;
		this.probe();
		return this.port;
	}

	/** Stops routing new requests; resolves when every forwarded request has been answered. */
	drain(): Promise<void> {
		this.draining = true;
		if (this.inFlight === 0) return Promise.resolve();
		return new Promise((resolve) => this.drainWaiters.push(resolve));
	}

	/** Allows routing again, from the next probe that answers 200. */
	resume(): void {
		this.draining = false;
		this.markNotReady();
	}

	async close(): Promise<void> {
		this.closed = true;
		clearTimeout(this.probeTimer);
		this.probeRequest?.destroy();
		const server = this.server;
		if (!server) return;
		await new Promise<void>((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		});
	}

	private markNotReady(): void {
		this.upstreamReady = false;
		this.epoch++;
	}

	private probe(): void {
		if (this.closed) return;
		const epoch = this.epoch;
		let settled = false;
		const settle = (ready: boolean) => {
			if (settled) return;
			settled = true;
			this.probeRequest = undefined;
			this.stats.probes++;
			if (!ready) this.stats.probesNotReady++;
			// A 200 counts only if nothing made readiness doubtful since the probe was sent.
			if (!ready) this.upstreamReady = false;
			else if (epoch === this.epoch) this.upstreamReady = true;
			if (!this.closed) this.probeTimer = setTimeout(() => this.probe(), this.options.probeIntervalMs);
		};
		const request = http.request(
			{
				host: this.options.upstreamHost,
				port: this.options.upstreamPort,
				path: this.options.readinessPath,
				method: 'GET',
				agent: false,
				timeout: this.options.probeTimeoutMs,
			},
			(response) => {
				response.resume();
				response.on('error', () => undefined);
				response.on('close', () => settle(response.complete && response.statusCode === 200));
			},
		);
		request.on('timeout', () => request.destroy(new Error('readiness probe timed out')));
		request.on('error', () => settle(false));
		request.end();
		this.probeRequest = request;
	}

	private refuse(res: http.ServerResponse, reason: string, status = 503): void {
		if (res.headersSent) {
			res.destroy();
			return;
		}
		res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '1' });
		res.end(`${reason}\n`);
	}

	private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
		if (this.draining || !this.upstreamReady) {
			if (this.draining) this.stats.answered503.draining++;
			else this.stats.answered503.notReady++;
			req.resume();
			this.refuse(res, this.draining ? 'n8n is being restarted: retry shortly' : 'n8n is not ready: retry shortly');
			return;
		}
		this.stats.forwarded++;
		this.inFlight++;
		res.on('error', () => undefined);
		let answered = false;
		let responded = false;
		let clientGone = false;
		const done = () => {
			if (answered) return;
			answered = true;
			this.inFlight--;
			if (this.inFlight === 0 && this.draining) for (const resolve of this.drainWaiters.splice(0)) resolve();
		};
		const upstream = http.request(
			{
				host: this.options.upstreamHost,
				port: this.options.upstreamPort,
				method: req.method,
				path: req.url,
				headers: endToEndHeaders(req.rawHeaders),
				// One upstream connection per request: nothing of n8n's is reused across a restart.
				agent: false,
				timeout: this.options.upstreamTimeoutMs,
			},
			(response) => {
				responded = true;
				res.writeHead(response.statusCode ?? 502, response.statusMessage, endToEndRawHeaders(response.rawHeaders));
				response.pipe(res);
				// The client went away (or was reset) mid-response: read n8n's answer to its end anyway,
				// so the request counts as answered and drain() does not wait for it forever.
				res.on('close', () => {
					if (!response.complete) response.resume();
				});
				// A cut-off response is handled on 'close' below.
				response.on('error', () => undefined);
				response.on('close', () => {
					// Cut off mid-body: the client must see a broken response, not a short one.
					if (!response.complete) res.destroy();
					done();
				});
			},
		);
		upstream.on('timeout', () => {
			this.stats.upstreamTimeouts++;
			upstream.destroy(new Error('upstream timed out'));
			this.refuse(res, 'n8n did not answer in time', 504);
			done();
		});
		upstream.on('error', () => {
			if (answered) return;
			if (responded || clientGone) {
				res.destroy();
			} else {
				// Refused or reset before n8n answered: stop routing until a probe says 200 again.
				this.stats.upstreamErrors++;
				this.markNotReady();
				this.refuse(res, 'n8n is not reachable: retry shortly');
			}
			done();
		});
		req.on('close', () => {
			// The client gave up before sending its whole body: n8n must not get a truncated one.
			if (!req.complete) {
				clientGone = true;
				upstream.destroy();
				done();
			}
		});
		req.pipe(upstream);
	}
}
