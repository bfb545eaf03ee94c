/** Concur API paths used by more than one node (resolved against the geolocation). */

/** Expense Report v3: list and get (`{Items, NextPage}` pages of at most 100). */
export const REPORTS_V3_PATH = '/api/v3.0/expense/reports';

/** Notification v1.0: failed legacy callouts, listed until deleted. */
export const NOTIFICATIONS_PATH = '/api/platform/notifications/v1.0/notification';
