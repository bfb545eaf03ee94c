// The npm registry mirror these machines use lacks the other-platform builds of
// unrs-resolver's native bindings (an optional dependency of eslint-plugin-import-x, through
// @n8n/node-cli). npm install then writes a lock file without them, and `npm ci` refuses that
// lock file ("Missing: @unrs/resolver-binding-darwin-arm64@ from lock file"). This adds the
// missing entries (optional, with their os/cpu/libc) so `npm ci` accepts the lock file; npm never
// fetches them on a machine they don't match. Run it after any `npm install` that rewrites the
// lock file: `node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const resolver = lock.packages['node_modules/unrs-resolver'];
if (!resolver) process.exit(0);

const platform = {
	'android-arm-eabi': { os: 'android', cpu: 'arm' },
	'android-arm64': { os: 'android', cpu: 'arm64' },
	'darwin-arm64': { os: 'darwin', cpu: 'arm64' },
	'darwin-x64': { os: 'darwin', cpu: 'x64' },
	'freebsd-x64': { os: 'freebsd', cpu: 'x64' },
	'linux-arm-gnueabihf': { os: 'linux', cpu: 'arm', libc: 'glibc' },
	'linux-arm-musleabihf': { os: 'linux', cpu: 'arm', libc: 'musl' },
	'linux-arm64-gnu': { os: 'linux', cpu: 'arm64', libc: 'glibc' },
	'linux-arm64-musl': { os: 'linux', cpu: 'arm64', libc: 'musl' },
	'linux-loong64-gnu': { os: 'linux', cpu: 'loong64', libc: 'glibc' },
	'linux-loong64-musl': { os: 'linux', cpu: 'loong64', libc: 'musl' },
	'linux-ppc64-gnu': { os: 'linux', cpu: 'ppc64', libc: 'glibc' },
	'linux-riscv64-gnu': { os: 'linux', cpu: 'riscv64', libc: 'glibc' },
	'linux-riscv64-musl': { os: 'linux', cpu: 'riscv64', libc: 'musl' },
	'linux-s390x-gnu': { os: 'linux', cpu: 's390x', libc: 'glibc' },
	'linux-x64-gnu': { os: 'linux', cpu: 'x64', libc: 'glibc' },
	'linux-x64-musl': { os: 'linux', cpu: 'x64', libc: 'musl' },
	'openharmony-arm64': { os: 'openharmony', cpu: 'arm64' },
	'win32-arm64-msvc': { os: 'win32', cpu: 'arm64' },
	'win32-ia32-msvc': { os: 'win32', cpu: 'ia32' },
	'win32-x64-msvc': { os: 'win32', cpu: 'x64' },
};

let added = 0;
for (const [name, version] of Object.entries(resolver.optionalDependencies ?? {})) {
	const key = `node_modules/${name}`;
	if (lock.packages[key]) continue;
	const suffix = name.replace('@unrs/resolver-binding-', '');
	const target = platform[suffix];
	if (!target) throw new Error(`Unknown platform for ${name}; add it to scripts/complete-lockfile.mjs`);
	lock.packages[key] = {
		version,
		cpu: [target.cpu],
		dev: true,
		...(target.libc ? { libc: [target.libc] } : {}),
		license: 'MIT',
		optional: true,
		os: [target.os],
	};
	added++;
}
if (added > 0) {
	writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
}
console.log(`complete-lockfile: added ${added} entries`);
