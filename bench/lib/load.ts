/**
 * A bounded load generator for loopback benchmarks: POSTs a fixed list of prepared requests with
 * `concurrency` workers (Concur's ESS uses 24 delivery threads) and records, per request, the
 * status and the acknowledgement latency. It stops by itself when the list is exhausted; a
 * per-request timeout keeps a stuck server from hanging the run.
 */
import * as http from 'node:http';

import { quantile } from './stats';

export interface PreparedRequest {
	body: Buffer;
	headers: Record<string, string>;
}

export interface LoadResult {
	sent: number;
	/** Status code → count (0 = connection error or timeout). */
	statuses: Record<number, number>;
	wallMs: number;
	eventsPerSecond: number;
	p50Ms: number;
	p99Ms: number;
	latenciesMs: number[];
}

function post(
	agent: http.Agent,
	url: URL,
	request: PreparedRequest,
	timeoutMs: number,
): Promise<number> {
	return new Promise((resolve) => {
		let settled = false;
		const done = (status: number) => {
			if (!settled) {
				settled = true;
				resolve(status);
			}
		};
		const req = http.request(
			url,
			{
				method: 'POST',
				agent,
				headers: { ...request.headers, 'Content-Length': String(request.body.length) },
			},
			(res) => {
				res.resume();
				res.on('end', () => done(res.statusCode ?? 0));
				res.on('error', () => done(res.statusCode ?? 0));
			},
		);
		req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
		req.on('error', () => done(0));
		req.end(request.body);
	});
}

export async function runLoad(
	targetUrl: string,
	requests: PreparedRequest[],
	{ concurrency = 24, timeoutMs = 60_000 } = {},
): Promise<LoadResult> {
	const url = new URL(targetUrl);
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	const statuses: Record<number, number> = {};
	const latenciesMs: number[] = [];
	let next = 0;
	const started = process.hrtime.bigint();
	const worker = async () => {
		for (;;) {
			const index = next++;
			if (index >= requests.length) return;
			const t0 = process.hrtime.bigint();
			const status = await post(agent, url, requests[index], timeoutMs);
			latenciesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
			statuses[status] = (statuses[status] ?? 0) + 1;
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
	const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
	agent.destroy();
	return {
		sent: requests.length,
		statuses,
		wallMs,
		eventsPerSecond: (requests.length / wallMs) * 1000,
		p50Ms: quantile(latenciesMs, 0.5),
		p99Ms: quantile(latenciesMs, 0.99),
		latenciesMs,
	};
}
