import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { calloutCredentialProblems } from '../helpers/basicAuth';
import { parsePublicKeys, PublicKeyParseError } from '../helpers/keys';

/**
 * Tests of the two inbound credentials (`testedBy`): nothing to call in Concur, so each checks
 * what Concur itself would refuse or what would make every event fail.
 */
export async function concurCalloutApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = (credential.data ?? {}) as IDataObject;
	const problems = calloutCredentialProblems({
		username: typeof data.username === 'string' ? data.username : undefined,
		password: typeof data.password === 'string' ? data.password : undefined,
	});
	return problems.length === 0
		? {
				status: 'OK',
				message: 'User name and password have lengths Concur accepts (10 to 50 characters)',
			}
		: { status: 'Error', message: `${problems.join('. ')}.` };
}

export async function concurEventSubscriptionApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = (credential.data ?? {}) as IDataObject;
	let message = '';
	try {
		const keys = parsePublicKeys(typeof data.publicKeys === 'string' ? data.publicKeys : '');
		const described = keys
			.map((parsed) => `${parsed.modulusLength}-bit RSA ${parsed.fingerprint}`)
			.join(', ');
		return { status: 'OK', message: `${keys.length} public key(s) parsed: ${described}` };
	} catch (error) {
		message = error instanceof PublicKeyParseError ? error.message : 'The keys could not be read';
	}
	return { status: 'Error', message };
}
