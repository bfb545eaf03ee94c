import { DateTime } from 'luxon';

import { childElement, isNil, parseXml, XmlParseError, type XmlElement } from './xml';

/**
 * Reading the `<Notification>` that Concur's legacy Event Notification callout POSTs.
 *
 * Always parsed from the raw request bytes: n8n's own XML body parser lower-cases tag names and
 * would accept DTDs, the ObjectURI must be kept byte for byte (report keys hold `$` and `%`), and
 * only bytes let the reader honour the byte order mark and the `encoding=` declaration.
 * The document is tiny, so tight limits make oversized or deeply nested input fail fast.
 */

export const CALLOUT_XML_LIMITS = { maxBytes: 64 * 1024, maxDepth: 16, maxNodes: 256 };

const WORKFLOW_STEP_PREFIX = 'Report Entered Expense Report Workflow Step - ';

const OBJECT_TYPE_NAMES: Record<string, string> = {
	EXPRPT: 'Expense Report',
	TRAVELREQ: 'Travel Request',
};

export interface CalloutNotification {
	/** As sent, e.g. "Report Entered Expense Report Workflow Step - SUBMIT". */
	eventType: string;
	/** The step name after "Report Entered Expense Report Workflow Step - ", or null. */
	workflowStep: string | null;
	/** EXPRPT or TRAVELREQ, as sent. */
	objectType: string;
	/** "Expense Report" or "Travel Request"; null for a type Concur has not documented. */
	objectTypeName: string | null;
	/** As sent (legacy www.concursolutions.com host, v1.1 report details). */
	objectUri: string;
	/** Last ObjectURI segment exactly as sent (v1.1 report key, may contain `$` and `%`). */
	reportKey: string | null;
	/** ISO 8601: a date (2012-05-01) or a date-time (2012-11-14T19:45:25); null if unreadable. */
	eventDateTime: string | null;
	/** EventDateTime exactly as sent. */
	eventDateTimeRaw: string | null;
	context: string | null;
}

export type CalloutParseResult =
	| { ok: true; notification: CalloutNotification }
	| { ok: false; reason: string };

function childText(element: XmlElement, name: string): string | null {
	const found = childElement(element, name);
	if (found === undefined || isNil(found)) return null;
	const text = found.text.trim();
	return text === '' ? null : text;
}

/** Last path segment of a URI, kept exactly as sent (no decoding); null if there is none. */
export function lastUriSegment(uri: string): string | null {
	const path = uri.split(/[?#]/, 1)[0];
	const segments = path.split('/').filter((segment) => segment !== '');
	if (segments.length === 0) return null;
	const last = segments[segments.length - 1];
	// "https:" or a bare host is not a key.
	return segments.length <= 2 && /^[a-z][a-z0-9+.-]*:$/i.test(segments[0]) ? null : last;
}

/**
 * EventDateTime in ISO 8601. Concur documents `YYYY-MM-DD` (push sample `2012-05-01`) and
 * `YYYY-MM-DD:HH:MM:SS` (sample `2012-11-14T19:45:25`) and never states a time zone, so none is
 * invented: a date stays a date and a local date-time stays local; an explicit offset is kept.
 */
export function normaliseEventDateTime(raw: string | null): string | null {
	if (raw === null) return null;
	const value = raw.trim();
	if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
		const date = DateTime.fromFormat(value, 'yyyy-MM-dd', { zone: 'utc' });
		return date.isValid ? date.toISODate() : null;
	}
	const colonForm = /^(\d{4}-\d{2}-\d{2}):(\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/.exec(value);
	const isoText = colonForm ? `${colonForm[1]}T${colonForm[2]}` : value;
	const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(isoText);
	const parsed = DateTime.fromISO(isoText, hasOffset ? { setZone: true } : { zone: 'utc' });
	if (!parsed.isValid) return null;
	return parsed.toISO({ suppressMilliseconds: true, includeOffset: hasOffset });
}

function readNotification(root: XmlElement): CalloutParseResult {
	if (root.name.toLowerCase() !== 'notification') {
		return { ok: false, reason: `Expected a <Notification> document, got <${root.name}>` };
	}
	const eventType = childText(root, 'EventType');
	const objectType = childText(root, 'ObjectType');
	const objectUri = childText(root, 'ObjectURI');
	if (eventType === null || objectType === null || objectUri === null) {
		return { ok: false, reason: 'The <Notification> lacks EventType, ObjectType or ObjectURI' };
	}
	const eventDateTimeRaw = childText(root, 'EventDateTime');
	return {
		ok: true,
		notification: {
			eventType,
			workflowStep: eventType.startsWith(WORKFLOW_STEP_PREFIX)
				? eventType.slice(WORKFLOW_STEP_PREFIX.length).trim()
				: null,
			objectType,
			objectTypeName: OBJECT_TYPE_NAMES[objectType.toUpperCase()] ?? null,
			objectUri,
			reportKey: lastUriSegment(objectUri),
			eventDateTime: normaliseEventDateTime(eventDateTimeRaw),
			eventDateTimeRaw,
			context: childText(root, 'Context'),
		},
	};
}

/** Parses a callout body. Never throws: unsafe or malformed input comes back as a reason. */
export function parseCalloutNotification(rawBody: Buffer | string): CalloutParseResult {
	let root: XmlElement | undefined;
	let reason = 'The body is not XML';
	try {
		root = parseXml(rawBody, CALLOUT_XML_LIMITS);
	} catch (error) {
		reason = error instanceof XmlParseError ? error.message : reason;
	}
	if (root === undefined) return { ok: false, reason };
	return readNotification(root);
}
