// `npm run test:reliability`: the soak and fault suite against a real n8n 2.40.7 (installed once
// into ~/.cache/n8n-nodes-concur by the e2e global setup, which also builds and packs the package).
// Long-running (see the README's "Reliability" notes): not part of `npm test` or `.ci/run`.
process.env.E2E_N8N_VERSIONS = process.env.E2E_N8N_VERSIONS || '2.40.7';

/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/reliability'],
	testMatch: ['**/test/reliability/**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', isolatedModules: true, diagnostics: false }],
	},
	globalSetup: '<rootDir>/test/e2e/globalSetup.ts',
	// One real n8n at a time: two cores.
	maxWorkers: 1,
	testTimeout: 45 * 60 * 1000,
	slowTestThreshold: 600,
};
