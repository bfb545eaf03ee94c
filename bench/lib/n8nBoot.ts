/**
 * Boots a real n8n with this package for the benchmarks and the reliability suite, on top of the
 * e2e helpers in scripts/lib/n8n.ts (install, boot, API key). One addition: entries of the
 * package's `n8n.nodes` / `n8n.credentials` whose files are missing from the tarball are dropped
 * before start (n8n refuses the whole package otherwise), with a warning, so a partial tree still
 * benches what it has; and its own task-broker port, so it can run next to another n8n.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { freePort, installPackageTarball, PACKAGE_NAME, startN8n, type N8nInstance, type StartN8nOptions } from '../../scripts/lib/n8n';

export function pruneMissingEntries(userFolder: string, log: (line: string) => void = console.warn): void {
	const dir = path.join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
	const manifestPath = path.join(dir, 'package.json');
	const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { n8n: Record<string, string[]> };
	for (const key of ['nodes', 'credentials']) {
		const kept = (manifest.n8n[key] ?? []).filter((file) => {
			const exists = fs.existsSync(path.join(dir, file));
			if (!exists) log(`[n8n] ${file} is not in the tarball: left out of this run`);
			return exists;
		});
		manifest.n8n[key] = kept;
	}
	fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
}

/** startN8n with the tarball installed (and pruned) into `userFolder` (a fresh temp dir by default). */
export async function bootN8n(
	options: Omit<StartN8nOptions, 'tarball'> & { tarball: string; log?: (line: string) => void },
): Promise<N8nInstance> {
	const userFolder = options.userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-concur-bench-'));
	installPackageTarball(userFolder, options.tarball);
	pruneMissingEntries(userFolder, options.log);
	const { tarball: _unused, log: _log, ...rest } = options;
	// n8n's task broker listens on 5679 by default: two n8n on one machine (other suites, dev)
	// would collide and the second one exits. Give each its own free port.
	const env = { N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...rest.env };
	return await startN8n({ ...rest, env, userFolder });
}
