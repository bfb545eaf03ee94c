/** Pure helpers of the Notification resource. */
import { httpUrlPath } from '../../transport/urlGate';
import { NOTIFICATIONS_PATH } from '../../transport/paths';


const NOTIFICATION_PATH = /^\/api\/platform\/notifications\/v1\.0\/notification\/[^/]+$/i;

/** Whether a string is a NotificationURI as Get Many returns it (no query or fragment). */
export function isNotificationUri(uri: string): boolean {
	const path = httpUrlPath(uri);
	return path !== undefined && !/[?#]/.test(uri) && NOTIFICATION_PATH.test(path);
}

/** The path of one notification; the ID is used exactly as Concur issued it (it contains `$`). */
export function notificationPath(notificationId: string): string | undefined {
	const id = notificationId.trim();
	if (id === '' || id === '.' || id === '..' || /[/?#\s\\]/.test(id)) return undefined;
	return `${NOTIFICATIONS_PATH}/${id}`;
}
