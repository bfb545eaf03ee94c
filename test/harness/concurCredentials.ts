/**
 * `concurOAuth2Api` credential data pointing at a running Concur simulator, per grant type.
 * The token host is the simulator (custom host); the geolocation comes back from its token endpoint.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

export interface SimulatorLike {
	baseUrl: string;
	seed: {
		clientId: string;
		clientSecret: string;
		companyUuid: string;
		requestToken: string;
		username: string;
		password: string;
	};
}

export type ConcurGrant = 'companyRequestToken' | 'password' | 'refreshToken' | 'clientCredentials';

export function concurCredentials(
	sim: SimulatorLike,
	grantType: ConcurGrant = 'companyRequestToken',
	overrides: ICredentialDataDecryptedObject = {},
): ICredentialDataDecryptedObject {
	const base: ICredentialDataDecryptedObject = {
		grantType,
		tokenHostUrl: 'custom',
		customTokenHostUrl: sim.baseUrl,
		clientId: sim.seed.clientId,
		clientSecret: sim.seed.clientSecret,
	};
	if (grantType === 'companyRequestToken') {
		Object.assign(base, { companyUuid: sim.seed.companyUuid, requestToken: sim.seed.requestToken });
	}
	if (grantType === 'password') {
		Object.assign(base, { username: sim.seed.username, password: sim.seed.password });
	}
	return { ...base, ...overrides };
}
