/**
 * Notification helpers (actions/notification/utils.ts).
 */
import { isNotificationUri, notificationPath } from '../../../nodes/Concur/actions/notification/utils';

describe('notification helpers', () => {
	it('builds the path from an ID kept exactly', () => {
		expect(notificationPath('nOB1KNTDSWUcJPMV6dPDjNc$scu6EDbt9s')).toBe(
			'/api/platform/notifications/v1.0/notification/nOB1KNTDSWUcJPMV6dPDjNc$scu6EDbt9s',
		);
		expect(notificationPath('a/b')).toBeUndefined();
		expect(notificationPath('')).toBeUndefined();
	});

	it('accepts only NotificationURIs', () => {
		expect(
			isNotificationUri('https://www.concursolutions.com/api/platform/notifications/v1.0/notification/nOB1KNTDSWUcJPMV6dPDjNc$scu6EDbt9s'),
		).toBe(true);
		expect(isNotificationUri('https://www.concursolutions.com/api/v3.0/expense/reports/X')).toBe(false);
	});
});
