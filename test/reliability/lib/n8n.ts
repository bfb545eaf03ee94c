/**
 * A real n8n for the reliability suite that can be restarted in place: same user folder (SQLite
 * database, static data, credentials), same port, same encryption key and owner. Built on the
 * e2e helpers (scripts/lib/n8n.ts) and the bench's boot helper.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { bootN8n } from '../../../bench/lib/n8nBoot';
import { buildAndPack, ensureN8nHost, freePort, N8N_V2, type N8nInstance } from '../../../scripts/lib/n8n';

export class RestartableN8n {
	instance!: N8nInstance;
	restarts = 0;

	private constructor(
		private readonly tarball: string,
		readonly userFolder: string,
		readonly port: number,
		private readonly env: NodeJS.ProcessEnv,
		private readonly password: string,
	) {}

	static async start(env: NodeJS.ProcessEnv = {}): Promise<RestartableN8n> {
		const tarball = await reliabilityTarball();
		const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-concur-reliability-'));
		const port = await freePort();
		const n8n = new RestartableN8n(
			tarball,
			userFolder,
			port,
			{
				N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
				EXECUTIONS_DATA_PRUNE: 'false',
				// n8n waits this long for running executions on SIGTERM (default 30 s).
				N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '120',
				...env,
			},
			`Concur-${randomBytes(6).toString('hex')}`,
		);
		await n8n.boot();
		return n8n;
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	private async boot(): Promise<void> {
		const host = await ensureN8nHost(N8N_V2);
		this.instance = await bootN8n({
			host,
			tarball: this.tarball,
			userFolder: this.userFolder,
			port: this.port,
			password: this.password,
			env: this.env,
			log: () => undefined,
		});
	}

	/** Graceful stop (SIGTERM: n8n finishes running executions), then start again in place. */
	async restart(): Promise<void> {
		// startN8n mints an API key with a fixed label on every boot; drop the old one first or
		// the second boot fails on n8n's unique (user, label) constraint.
		const listed = await this.instance.rest<{ items?: Array<{ id: string }> } | Array<{ id: string }>>('GET', '/api-keys');
		const keys = Array.isArray(listed) ? listed : (listed.items ?? []);
		for (const key of keys) await this.instance.rest('DELETE', `/api-keys/${key.id}`);
		await this.gracefulStop();
		this.restarts++;
		await this.boot();
	}

	/**
	 * SIGTERM and wait for n8n's own graceful shutdown (it finishes running executions, up to
	 * N8N_GRACEFUL_SHUTDOWN_TIMEOUT). N8nInstance.stop() sends SIGKILL after 20 s, which on a busy
	 * machine kills executions n8n already acknowledged ("crashed"): a restart is not a crash.
	 */
	private async gracefulStop(): Promise<void> {
		const child = (this.instance as unknown as { child: ChildProcess }).child;
		if (child.exitCode === null && child.signalCode === null) {
			const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
			child.kill('SIGTERM');
			// Bounded: n8n gives up waiting after N8N_GRACEFUL_SHUTDOWN_TIMEOUT (120 s) itself.
			const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
			await exited;
			clearTimeout(timer);
		}
		await this.instance.stop();
	}

	async stop(): Promise<void> {
		await this.instance?.stop();
		fs.rmSync(this.userFolder, { recursive: true, force: true });
	}
}

/** The packed package: from the e2e global setup when it ran, else built and packed once here. */
let packed: Promise<string> | undefined;
export function reliabilityTarball(): Promise<string> {
	if (process.env.E2E_TARBALL && fs.existsSync(process.env.E2E_TARBALL)) return Promise.resolve(process.env.E2E_TARBALL);
	packed ??= buildAndPack(fs.mkdtempSync(path.join(os.tmpdir(), 'concur-reliability-pack-')));
	return packed;
}
