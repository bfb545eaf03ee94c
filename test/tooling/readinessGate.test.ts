/**
 * The reliability suite's readiness-gated front (test/reliability/lib/readinessGate.ts) against a
 * loopback stand-in for n8n whose readiness endpoint the test switches: routing follows the
 * probe, a refused upstream stops routing at once, drain() waits for forwarded requests, and
 * forwarded requests arrive byte for byte.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { endToEndHeaders, ReadinessGate } from '../reliability/lib/readinessGate';

interface Received {
	method: string;
	url: string;
	rawHeaders: string[];
	body: Buffer;
}

/** A fake n8n: readiness from `ready`, every other request recorded and answered by `answer`. */
class FakeN8n {
	ready = false;
	readonly received: Received[] = [];
	answer: (req: Received, res: http.ServerResponse) => void = (_req, res) => {
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end('{"ok":true}');
	};
	port = 0;
	private readonly server = http.createServer((req, res) => {
		if (req.url === '/healthz/readiness') {
			res.writeHead(this.ready ? 200 : 503).end();
			return;
		}
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const received = { method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body: Buffer.concat(chunks) };
			this.received.push(received);
			this.answer(received, res);
		});
	});

	async listen(port = 0): Promise<number> {
		await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
		this.port = (this.server.address() as AddressInfo).port;
		return this.port;
	}

	async close(): Promise<void> {
		await new Promise<void>((resolve) => {
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
	}
}

interface Reply {
	status: number;
	rawHeaders: string[];
	headers: http.IncomingHttpHeaders;
	body: Buffer;
}

function send(port: number, { method = 'POST', path = '/webhook/abc', headers = {}, body = Buffer.alloc(0) }: { method?: string; path?: string; headers?: Record<string, string | string[]>; body?: Buffer } = {}): Promise<Reply> {
	return new Promise((resolve, reject) => {
		const req = http.request({ host: '127.0.0.1', port, method, path, headers: { ...headers, 'Content-Length': String(body.length) }, agent: false }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, headers: res.headers, body: Buffer.concat(chunks) }));
		});
		req.on('error', reject);
		req.end(body);
	});
}

async function until(what: string, condition: () => boolean): Promise<void> {
	for (let i = 0; i < 400; i++) {
		if (condition()) return;
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	throw new Error(`never happened: ${what}`);
}

describe('ReadinessGate', () => {
	let n8n: FakeN8n;
	let gate: ReadinessGate;
	let gatePort: number;

	async function startGate(probeIntervalMs = 20): Promise<void> {
		gate = new ReadinessGate({ upstreamPort: n8n.port, probeIntervalMs });
		gatePort = await gate.start();
	}

	beforeEach(async () => {
		n8n = new FakeN8n();
		await n8n.listen();
	});

	afterEach(async () => {
		await gate.close();
		await n8n.close();
	});

	it('answers 503 with Retry-After and never forwards while the readiness endpoint says 503', async () => {
		await startGate();
		await until('two probes', () => gate.stats.probes >= 2);
		const reply = await send(gatePort, { body: Buffer.from('{"id":"1"}') });
		expect(reply.status).toBe(503);
		expect(reply.headers['retry-after']).toBe('1');
		expect(reply.body.toString()).toMatch(/not ready/);
		expect(n8n.received).toEqual([]);
		expect(gate.stats.answered503).toEqual({ notReady: 1, draining: 0 });
		expect(gate.stats.forwarded).toBe(0);
	});

	it('forwards method, path, headers and the exact body bytes once the probe says 200, and streams the answer back', async () => {
		n8n.ready = true;
		await startGate();
		await until('routing', () => gate.routing);
		n8n.answer = (_req, res) => {
			res.writeHead(201, 'Created Here', [['X-Trace', 'a'], ['X-Trace', 'b'], ['Content-Type', 'text/plain']].flat());
			res.write('part one, ');
			res.end('part two');
		};
		// Not valid UTF-8 on purpose: a signature is over bytes, any re-encoding would break it.
		const body = Buffer.from([0x7b, 0xff, 0x00, 0xc3, 0x28, 0x7d]);
		const reply = await send(gatePort, {
			method: 'PUT',
			path: '/webhook/abc/def?x=1&y=%20',
			headers: { 'Concur-Signature': 'c2lnbmF0dXJl', 'X-Repeated': ['one', 'two'] },
			body,
		});

		expect(n8n.received).toHaveLength(1);
		const [received] = n8n.received;
		expect(received.method).toBe('PUT');
		expect(received.url).toBe('/webhook/abc/def?x=1&y=%20');
		expect(received.body.equals(body)).toBe(true);
		const sentHeaders = endToEndHeaders(received.rawHeaders);
		expect(sentHeaders['Concur-Signature']).toBe('c2lnbmF0dXJl');
		expect(sentHeaders['X-Repeated']).toEqual(['one', 'two']);
		expect(sentHeaders['Content-Length']).toBe(String(body.length));

		expect(reply.status).toBe(201);
		expect(reply.body.toString()).toBe('part one, part two');
		expect(endToEndHeaders(reply.rawHeaders)['X-Trace']).toEqual(['a', 'b']);
		expect(gate.stats.forwarded).toBe(1);
	});

	// One probe only (at start), so nothing but the failed request itself can change readiness.
	it('stops routing at once when the upstream refuses the connection, without waiting for a probe', async () => {
		n8n.ready = true;
		await startGate(60_000);
		await until('routing', () => gate.routing);
		await n8n.close();

		const refused = await send(gatePort, { body: Buffer.from('{}') });
		expect(refused.status).toBe(503);
		expect(refused.headers['retry-after']).toBe('1');
		expect(gate.stats.upstreamErrors).toBe(1);
		expect(gate.routing).toBe(false);
		const next = await send(gatePort, { body: Buffer.from('{}') });
		expect(next.status).toBe(503);
		expect(gate.stats.answered503.notReady).toBe(1);
		expect(gate.stats.forwarded).toBe(1);
	});

	it('stops routing when the upstream resets the connection before answering, and routes again after a probe says 200', async () => {
		n8n.ready = true;
		await startGate();
		await until('routing', () => gate.routing);
		n8n.answer = (_req, res) => res.socket?.resetAndDestroy();

		const reset = await send(gatePort, { body: Buffer.from('first') });
		expect(reset.status).toBe(503);
		expect(gate.stats.upstreamErrors).toBe(1);

		n8n.answer = (_req, res) => res.writeHead(200).end('ok');
		await until('routing again', () => gate.routing);
		expect((await send(gatePort, { body: Buffer.from('second') })).status).toBe(200);
		expect(n8n.received.map((r) => r.body.toString())).toEqual(['first', 'second']);
	});

	it('drain() answers new requests 503 and resolves only after every forwarded request was answered; resume() routes again', async () => {
		n8n.ready = true;
		await startGate();
		await until('routing', () => gate.routing);
		let release!: () => void;
		const held = new Promise<void>((resolve) => (release = resolve));
		n8n.answer = (_req, res) => {
			void held.then(() => res.writeHead(200).end('late'));
		};
		const slow = send(gatePort, { body: Buffer.from('slow') });
		await until('request reached n8n', () => n8n.received.length === 1);

		let drained = false;
		const draining = gate.drain().then(() => {
			drained = true;
		});
		const during = await send(gatePort, { body: Buffer.from('during') });
		expect(during.status).toBe(503);
		expect(during.body.toString()).toMatch(/restarted/);
		expect(gate.stats.answered503.draining).toBe(1);
		expect(n8n.received).toHaveLength(1);
		expect(drained).toBe(false);
		expect(gate.pending).toBe(1);

		release();
		await draining;
		expect((await slow).body.toString()).toBe('late');
		expect(gate.pending).toBe(0);

		// Still draining after the drain resolved, though n8n says ready: only resume() reopens.
		const probesBefore = gate.stats.probes;
		await until('another probe', () => gate.stats.probes >= probesBefore + 2);
		expect((await send(gatePort, { body: Buffer.from('still') })).status).toBe(503);

		n8n.answer = (_req, res) => res.writeHead(204).end();
		gate.resume();
		await until('routing after resume', () => gate.routing);
		expect((await send(gatePort, { body: Buffer.from('after') })).status).toBe(204);
		expect(n8n.received.map((r) => r.body.toString())).toEqual(['slow', 'after']);
	});

	it('drain() with nothing in flight resolves at once and stops routing', async () => {
		n8n.ready = true;
		await startGate();
		await until('routing', () => gate.routing);
		await expect(gate.drain()).resolves.toBeUndefined();
		expect(gate.routing).toBe(false);
	});

	it('leaves hop-by-hop headers to each connection and keeps repeated end-to-end ones', async () => {
		await startGate();
		expect(endToEndHeaders(['Host', 'x', 'Connection', 'close', 'Transfer-Encoding', 'chunked', 'Keep-Alive', 'timeout=5', 'x-a', '1', 'X-A', '2'])).toEqual({
			Host: 'x',
			'x-a': ['1', '2'],
		});
	});
});
