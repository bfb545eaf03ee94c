/**
 * The v3 report list query (actions/report/listQuery.ts).
 */
import { DateTime } from 'luxon';

import { buildReportListQuery, toConcurDateTime } from '../../../nodes/Concur/actions/report/listQuery';

describe('v3 list query', () => {
	it('formats dates as UTC yyyy-MM-ddTHH:mm:ss.SSS, reading zone-less values in the workflow zone', () => {
		expect(toConcurDateTime('2026-11-20T10:00:00', 'Europe/Berlin')).toBe('2026-11-20T09:00:00.000');
		expect(toConcurDateTime('2026-11-20T10:00:00.250+02:00', 'UTC')).toBe('2026-11-20T08:00:00.250');
		expect(toConcurDateTime(DateTime.fromISO('2026-01-01T00:00:00Z'), 'UTC')).toBe('2026-01-01T00:00:00.000');
		expect(toConcurDateTime(new Date('2026-01-01T12:30:00Z'), 'UTC')).toBe('2026-01-01T12:30:00.000');
		expect(toConcurDateTime('yesterday', 'UTC')).toBeUndefined();
	});

	it('builds user, status and date parameters', () => {
		expect(
			buildReportListQuery(
				'ALL',
				{
					approvalStatusCode: 'A_EXTV',
					paymentStatusCode: 'P_NOTP',
					modifiedAfter: '2026-11-01T00:00:00',
					submittedBefore: '2026-11-30T23:59:59',
					createdAfter: '',
				},
				'UTC',
			),
		).toEqual({
			user: 'ALL',
			approvalStatusCode: 'A_EXTV',
			paymentStatusCode: 'P_NOTP',
			modifiedDateAfter: '2026-11-01T00:00:00.000',
			submitDateBefore: '2026-11-30T23:59:59.000',
		});
	});

	it('omits an empty user and refuses an unreadable date', () => {
		expect(buildReportListQuery('  ', {}, 'UTC')).toEqual({});
		expect(() => buildReportListQuery('ALL', { modifiedAfter: 'soon' }, 'UTC')).toThrow(/modifiedAfter/);
	});
});
