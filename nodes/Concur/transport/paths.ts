/** Concur API paths used by more than one node (resolved against the geolocation). */

/** Expense Report v3: list and get (`{Items, NextPage}` pages of at most 100). */
export const REPORTS_V3_PATH = '/api/v3.0/expense/reports';

/** Notification v1.0: failed legacy callouts, listed until deleted. */
export const NOTIFICATIONS_PATH = '/api/platform/notifications/v1.0/notification';

/** Expense Report v4 (reports, expenses, itemizations, attendees, workflows): JSON, user or company token. */
export const EXPENSE_REPORTS_V4_PATH = '/expensereports/v4';

/** Expense Entries v3: a report's entries by `reportID` (`{Items, NextPage}` pages). */
export const EXPENSE_ENTRIES_V3_PATH = '/api/v3.0/expense/entries';

/** Travel Request v4: requests (`{data, operations}` pages with a `next` link) and their workflow actions. */
export const TRAVEL_REQUESTS_V4_PATH = '/travelrequest/v4/requests';

/** Image v1.0: receipt image URLs of expense entries, receipts and reports, and image uploads (XML). */
export const IMAGE_V1_PATH = '/api/image/v1.0';
