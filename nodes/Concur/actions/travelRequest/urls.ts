/** Travel Request v4 URLs (docs: request/v4.endpoints.request-resources, v4.endpoints.workflow-resources). */
import { httpUrlPath } from '../../transport/urlGate';
import { TRAVEL_REQUESTS_V4_PATH } from '../../transport/paths';

/** The path of one request: `/travelrequest/v4/requests/{requestUuid}`. */
export function requestPath(requestId: string, action?: string): string {
	return `${TRAVEL_REQUESTS_V4_PATH}/${encodeURIComponent(requestId)}${action ? `/${action}` : ''}`;
}

const REQUEST_URL_PATH = /^\/travelrequest\/v4\/requests\/([^/]+)$/i;

/**
 * Whether a URL is the v4 URL of one request (the `facts.href` of a `public.concur.request` event,
 * the `href` of a request in a list), read from its path as HTTP clients parse it. The URL is
 * called as given; whether it may receive the token is the transport's gate's call.
 */
export function isTravelRequestUrl(url: string): boolean {
	const path = httpUrlPath(url);
	return path !== undefined && REQUEST_URL_PATH.test(path);
}
