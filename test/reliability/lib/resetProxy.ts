/**
 * A loopback TCP proxy that resets some connections, to give Concur's sender the I/O errors it
 * retries on (Concur's Event Subscription Service docs, delivery and retries: "read timeout, connection refused, broken pipe"). Each connection is one
 * delivery (the simulator's sender does not keep connections alive). Two kinds of reset:
 * - `before`: the request never reaches n8n (the client's socket is destroyed at once);
 * - `after`: the request is forwarded, n8n answers, and the answer is thrown away (the client's
 *   socket is destroyed when the first response bytes come back): n8n accepted the event but
 *   Concur thinks it failed and redelivers it, the case dedupe exists for.
 * While the upstream is down (n8n restarting) connections are refused the same way.
 */
import * as net from 'node:net';

export interface ResetProxyOptions {
	upstreamPort: number;
	/** Share of connections reset before forwarding (0..1). */
	resetBefore?: number;
	/** Share of connections whose response is dropped (0..1). */
	resetAfter?: number;
	/** Deterministic choice: connection n is reset when rand() says so. */
	rand?: () => number;
}

export class ResetProxy {
	readonly stats = { connections: 0, resetBefore: 0, resetAfter: 0, upstreamErrors: 0 };
	private server?: net.Server;
	private readonly sockets = new Set<net.Socket>();
	port = 0;

	constructor(private readonly options: ResetProxyOptions) {}

	async start(port = 0): Promise<number> {
		const rand = this.options.rand ?? Math.random;
		this.server = net.createServer((client) => {
			this.stats.connections++;
			this.track(client);
			const roll = rand();
			const before = this.options.resetBefore ?? 0;
			const after = this.options.resetAfter ?? 0;
			if (roll < before) {
				this.stats.resetBefore++;
				client.resetAndDestroy();
				return;
			}
			const dropResponse = roll < before + after;
			const upstream = net.connect(this.options.upstreamPort, '127.0.0.1');
			this.track(upstream);
			client.pipe(upstream);
			if (dropResponse) {
				upstream.once('data', () => {
					this.stats.resetAfter++;
					client.resetAndDestroy();
					upstream.destroy();
				});
			} else {
				upstream.pipe(client);
			}
			upstream.on('error', () => {
				this.stats.upstreamErrors++;
				client.resetAndDestroy();
			});
			client.on('error', () => upstream.destroy());
			client.on('close', () => upstream.end());
			upstream.on('close', () => client.end());
		});
		await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
		this.port = (this.server.address() as net.AddressInfo).port;
		return this.port;
	}

	private track(socket: net.Socket): void {
		this.sockets.add(socket);
		socket.on('close', () => this.sockets.delete(socket));
		socket.on('error', () => undefined);
	}

	async close(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}
}
