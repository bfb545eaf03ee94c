/** Pure helpers of the Notification resource. */

export const NOTIFICATIONS_PATH = '/api/platform/notifications/v1.0/notification';

const NOTIFICATION_URI = /^https?:\/\/[^/?#\s]+\/api\/platform\/notifications\/v1\.0\/notification\/[^/?#\s]+$/i;

/** Whether a string is a NotificationURI as Get Many returns it. */
export function isNotificationUri(uri: string): boolean {
	return NOTIFICATION_URI.test(uri);
}

/** The path of one notification; the ID is used exactly as Concur issued it (it contains `$`). */
export function notificationPath(notificationId: string): string | undefined {
	const id = notificationId.trim();
	if (id === '' || id === '.' || id === '..' || /[/?#\s\\]/.test(id)) return undefined;
	return `${NOTIFICATIONS_PATH}/${id}`;
}
