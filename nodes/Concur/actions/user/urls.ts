/**
 * Identity v4.1 and User Provisioning v4 paths (docs: profile/v4.1.identity, profile/v4.1.search,
 * user-provisioning/v4.user-provisioning). Both APIs take company tokens only.
 */

/** Identity v4.1 users: `GET …/Users/{id}`; the search is `POST …/Users/.search`. */
export const IDENTITY_USERS_PATH = '/profile/identity/v4.1/Users';

/** Identity v4.1 search (`POST`, a SCIM SearchRequest body; GET with `filter` is no longer supported). */
export const IDENTITY_SEARCH_PATH = `${IDENTITY_USERS_PATH}/.search`;

/** User Provisioning v4 bulk endpoint, with the trailing slash its docs give: `POST` creates users, `PATCH` updates them (202, a provisioning request). */
export const PROVISIONING_BULK_PATH = '/profile/v4/Bulk/';

/** The path of one user's identity profile. */
export function userPath(userId: string): string {
	return `${IDENTITY_USERS_PATH}/${encodeURIComponent(userId)}`;
}

/** `GET /profile/v4/provisions/{provision-id}/status`: the status of a provisioning request. */
export function provisionStatusPath(provisionId: string): string {
	return `/profile/v4/provisions/${encodeURIComponent(provisionId)}/status`;
}
