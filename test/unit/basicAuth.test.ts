import {
	calloutCredentialProblems,
	checkBasicAuth,
	parseBasicAuthorization,
	safeEqual,
} from '../../nodes/Concur/helpers/basicAuth';
import { basicAuthorization } from '../fixtures/concurEvents';

const expected = { username: 'concur-callout', password: 'S3cret-Callout-Pass' };

describe('parseBasicAuthorization', () => {
	it('reads user name and password, the password may contain ":"', () => {
		expect(parseBasicAuthorization(basicAuthorization('user-name-1', 'pa:ss:word'))).toEqual({
			username: 'user-name-1',
			password: 'pa:ss:word',
		});
		expect(parseBasicAuthorization(`basic   ${Buffer.from('a:b').toString('base64')}`)).toEqual({ username: 'a', password: 'b' });
	});

	it('returns undefined for other schemes, junk, missing colon, arrays and huge headers', () => {
		expect(parseBasicAuthorization(undefined)).toBeUndefined();
		expect(parseBasicAuthorization('Bearer abc')).toBeUndefined();
		expect(parseBasicAuthorization('Basic !!!')).toBeUndefined();
		expect(parseBasicAuthorization(`Basic ${Buffer.from('nocolon').toString('base64')}`)).toBeUndefined();
		expect(parseBasicAuthorization(['Basic a', 'Basic b'])).toBeUndefined();
		expect(parseBasicAuthorization(`Basic ${'QUFB'.repeat(1000)}`)).toBeUndefined();
	});
});

describe('checkBasicAuth', () => {
	it('accepts exactly the configured pair', () => {
		expect(checkBasicAuth(basicAuthorization(expected.username, expected.password), expected)).toBe(true);
	});

	it('refuses a wrong user name, a wrong password, a prefix, a missing header', () => {
		expect(checkBasicAuth(basicAuthorization('concur-callouT', expected.password), expected)).toBe(false);
		expect(checkBasicAuth(basicAuthorization(expected.username, `${expected.password}x`), expected)).toBe(false);
		expect(checkBasicAuth(basicAuthorization(expected.username, expected.password.slice(0, -1)), expected)).toBe(false);
		expect(checkBasicAuth(undefined, expected)).toBe(false);
	});

	it('never lets anything in when the configured pair is empty', () => {
		expect(checkBasicAuth(basicAuthorization('', ''), { username: '', password: '' })).toBe(false);
		expect(checkBasicAuth(undefined, { username: '', password: '' })).toBe(false);
	});

	it('compares strings of different lengths without throwing', () => {
		expect(safeEqual('a', 'a'.repeat(500))).toBe(false);
		expect(safeEqual('same', 'same')).toBe(true);
	});
});

describe('calloutCredentialProblems', () => {
	it('accepts 10 to 50 characters each', () => {
		expect(calloutCredentialProblems({ username: 'u'.repeat(10), password: 'p'.repeat(50) })).toEqual([]);
	});

	it('names each field outside the range, and a colon in the user name', () => {
		expect(calloutCredentialProblems({ username: 'short', password: 'p'.repeat(51) })).toEqual([
			'User name must be 10 to 50 characters long (it has 5)',
			'Password must be 10 to 50 characters long (it has 51)',
		]);
		expect(calloutCredentialProblems({ username: 'user:name-12', password: 'p'.repeat(12) })).toEqual([
			'User name must not contain ":" (HTTP Basic Auth cannot carry it)',
		]);
		expect(calloutCredentialProblems({})).toHaveLength(2);
	});
});
