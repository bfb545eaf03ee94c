// `npm run test:e2e`: a real n8n server (2.40.7 on Node 24, and 1.123.81 on Node 20 when it
// installs) with the packed package installed as users install community packages.
// n8n is installed once into ~/.cache/n8n-nodes-concur (N8N_HOST_DIR) by the global setup.
/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/test/e2e/**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', isolatedModules: true, diagnostics: false }],
	},
	globalSetup: '<rootDir>/test/e2e/globalSetup.ts',
	// One n8n at a time: two cores, and each n8n is a heavy process.
	maxWorkers: 1,
	// Booting n8n (migrations) and waiting for polls take tens of seconds.
	testTimeout: 240000,
	slowTestThreshold: 120,
};
