/**
 * Once per `npm run test:e2e`: install the n8n versions under test (cached between runs in
 * ~/.cache/n8n-nodes-concur or $N8N_HOST_DIR) and build + pack this package once.
 *
 * E2E_N8N_VERSIONS (comma-separated) narrows the versions; by default 2.40.7 is required and
 * 1.123.81 is tested when it installs here. E2E_TARBALL=<path to a .tgz> tests that tarball (e.g.
 * the one about to be published) instead of building and packing the working tree.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { buildAndPack, ensureN8nHost, N8N_V1, N8N_V2 } from '../../scripts/lib/n8n';

export default async function globalSetup(): Promise<void> {
	const requested = process.env.E2E_N8N_VERSIONS?.split(',').map((v) => v.trim()).filter(Boolean);
	const versions = requested ?? [N8N_V2, N8N_V1];
	const required = new Set(requested ?? [N8N_V2]);

	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concur-e2e-pack-'));
	const [tarball, ...hosts] = await Promise.all([
		process.env.E2E_TARBALL ? Promise.resolve(path.resolve(process.env.E2E_TARBALL)) : buildAndPack(packDir),
		...versions.map(async (version) => {
			try {
				return { version, host: await ensureN8nHost(version) };
			} catch (error) {
				if (required.has(version)) throw error;
				return { version, skipped: (error as Error).message };
			}
		}),
	]);
	process.env.E2E_TARBALL = tarball;
	process.env.E2E_N8N_HOSTS = JSON.stringify(hosts);
}
