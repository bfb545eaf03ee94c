// `npm test`: unit, integration (n8n-core's engine against the Concur simulator) and attack suites.
// The end-to-end suite (a real n8n server) has its own config: jest.e2e.config.js.
/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/test/{unit,integration,attack,tooling}/**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', isolatedModules: true, diagnostics: false }],
	},
	// Moves the process clock when CONCUR_TEST_CLOCK_SHIFT_DAYS is set (npm run test:shifted).
	setupFiles: ['<rootDir>/test/setup/shiftClock.ts'],
	testTimeout: 30000,
};
