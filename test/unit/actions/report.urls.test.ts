/**
 * Report URL classification and report keys (actions/report/urls.ts).
 */
import { classifyReportUrl, extractReportKey } from '../../../nodes/Concur/actions/report/urls';

describe('classifyReportUrl', () => {
	it('recognises the callout ObjectURI (v1.1 full details), keys with $ and % included', () => {
		expect(
			classifyReportUrl(
				'https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/3%Rek29$wsIY12Di3LS9$gjei%KL23',
			),
		).toBe('fullDetails');
	});

	it('recognises an ESS facts.href (v4) and the short v4 form', () => {
		expect(
			classifyReportUrl(
				'https://us.api.concursolutions.com/expensereports/v4/users/f2d07d5f-7a6f-44fa-98c7-c4b405bd6ca3/context/TRAVELER/reports/CB899F7D9F73420A8D8B',
			),
		).toBe('v4');
		expect(classifyReportUrl('https://us.api.concursolutions.com/expensereports/v4/reports/CB899F7D9F73420A8D8B')).toBe('v4');
	});

	it('recognises v3 and v2 report URLs', () => {
		expect(classifyReportUrl('https://www.concursolutions.com/api/v3.0/expense/reports/F4F027007E814C1CA70E')).toBe('v3');
		expect(
			classifyReportUrl('https://us.api.concursolutions.com/api/expense/expensereport/v2.0/report/n6ujbuLd1Arwe45lT7As3ThJYJf2dAsrrEW'),
		).toBe('v2');
	});

	it('refuses other URLs and non-URLs', () => {
		expect(classifyReportUrl('https://www.concursolutions.com/api/v3.0/expense/reports')).toBeUndefined();
		expect(classifyReportUrl('https://www.concursolutions.com/api/platform/notifications/v1.0/notification/x')).toBeUndefined();
		expect(classifyReportUrl('/api/v3.0/expense/reports/F4F027007E814C1CA70E')).toBeUndefined();
		expect(classifyReportUrl('ftp://www.concursolutions.com/api/v3.0/expense/reports/F4F0')).toBeUndefined();
		expect(classifyReportUrl('F4F027007E814C1CA70E')).toBeUndefined();
	});
});

describe('extractReportKey', () => {
	it('keeps a key exactly, including $ and %', () => {
		expect(extractReportKey('3%Rek29$wsIY12Di3LS9$gjei%KL23')).toBe('3%Rek29$wsIY12Di3LS9$gjei%KL23');
	});

	it('takes the last segment of an ObjectURI without decoding it', () => {
		expect(
			extractReportKey(
				' https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/nxxKgLlnROzz$sHcpnRHQ$pALxamClaFfdC ',
			),
		).toBe('nxxKgLlnROzz$sHcpnRHQ$pALxamClaFfdC');
	});

	it('refuses values that would change the request path', () => {
		expect(extractReportKey('')).toBeUndefined();
		expect(extractReportKey('abc/def')).toBeUndefined();
		expect(extractReportKey('..')).toBeUndefined();
		expect(extractReportKey('abc?x=1')).toBeUndefined();
		expect(extractReportKey('a b')).toBeUndefined();
	});
});
