// `npm test`: unit, integration (n8n-core's engine against the Concur simulator) and attack suites.
// The end-to-end suite (a real n8n server) has its own config: jest.e2e.config.js.
/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/test/{unit,integration,attack}/**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', isolatedModules: true, diagnostics: false }],
	},
	testTimeout: 30000,
};
