import {
	lastUriSegment,
	normaliseEventDateTime,
	parseCalloutNotification,
} from '../../nodes/Concur/helpers/callout';
import { CALLOUT_NOTIFICATION_NAMESPACED_XML, CALLOUT_NOTIFICATION_OUTPUT, CALLOUT_NOTIFICATION_XML } from '../fixtures/concurEvents';

describe('parseCalloutNotification', () => {
	it('reads the documented push sample, keeping the report key byte for byte', () => {
		expect(parseCalloutNotification(Buffer.from(CALLOUT_NOTIFICATION_XML))).toEqual({
			ok: true,
			notification: CALLOUT_NOTIFICATION_OUTPUT,
		});
	});

	it('reads a namespaced notification with a date-time and a nil context', () => {
		const result = parseCalloutNotification(CALLOUT_NOTIFICATION_NAMESPACED_XML);
		expect(result.ok && result.notification).toMatchObject({
			workflowStep: 'REPORT SUBMITTED',
			reportKey: 'nxxKgLlnROzz$sHcpnRHQ$pALxamClaFfdC',
			eventDateTime: '2012-11-14T19:45:25',
			context: null,
		});
	});

	it('reads prefixed elements, travel requests, other event types and a context text', () => {
		const xml = `<n:Notification xmlns:n="urn:x"><n:EventType>Something Else</n:EventType><n:ObjectType>TRAVELREQ</n:ObjectType><n:ObjectURI>https://www.concursolutions.com/api/travelrequest/v1.0/requests/AbC$1</n:ObjectURI><n:EventDateTime>2012-11-14:19:45:25</n:EventDateTime><n:Context>from &amp; to</n:Context></n:Notification>`;
		const result = parseCalloutNotification(xml);
		expect(result.ok && result.notification).toMatchObject({
			eventType: 'Something Else',
			workflowStep: null,
			objectTypeName: 'Travel Request',
			reportKey: 'AbC$1',
			eventDateTime: '2012-11-14T19:45:25',
			context: 'from & to',
		});
	});

	it.each([
		['empty body', ''],
		['JSON', '{"EventType":"x"}'],
		['another root', '<Report><EventType>x</EventType></Report>'],
		['missing ObjectURI', '<Notification><EventType>x</EventType><ObjectType>EXPRPT</ObjectType></Notification>'],
		['DTD', '<!DOCTYPE Notification [<!ENTITY x "y">]><Notification/>'],
		['unknown entity', '<Notification><EventType>&x;</EventType></Notification>'],
		['truncated', '<Notification><EventType>x</EventType>'],
	])('refuses %s with a reason', (_label, body) => {
		const result = parseCalloutNotification(body);
		expect(result.ok).toBe(false);
		expect(!result.ok && result.reason.length).toBeGreaterThan(0);
	});

	it('refuses a body above the 64 KiB limit before parsing it', () => {
		const big = `<Notification><Context>${'a'.repeat(70 * 1024)}</Context></Notification>`;
		const result = parseCalloutNotification(big);
		expect(!result.ok && result.reason).toMatch(/larger than/);
	});
});

describe('helpers', () => {
	it('lastUriSegment keeps $ and %, ignores a trailing slash and query', () => {
		expect(lastUriSegment('https://h/a/b/3%Re$k')).toBe('3%Re$k');
		expect(lastUriSegment('https://h/a/key/')).toBe('key');
		expect(lastUriSegment('https://h/a/key?x=1')).toBe('key');
		expect(lastUriSegment('https://h')).toBeNull();
	});

	it('normaliseEventDateTime handles both documented formats and offsets, never invents a zone', () => {
		expect(normaliseEventDateTime('2012-05-01')).toBe('2012-05-01');
		expect(normaliseEventDateTime('2012-11-14T19:45:25')).toBe('2012-11-14T19:45:25');
		expect(normaliseEventDateTime('2012-11-14:19:45:25')).toBe('2012-11-14T19:45:25');
		expect(normaliseEventDateTime('2012-11-14T19:45:25Z')).toBe('2012-11-14T19:45:25Z');
		expect(normaliseEventDateTime('2012-11-14T19:45:25+02:00')).toBe('2012-11-14T19:45:25+02:00');
		expect(normaliseEventDateTime('2012-13-45')).toBeNull();
		expect(normaliseEventDateTime('yesterday')).toBeNull();
		expect(normaliseEventDateTime(null)).toBeNull();
	});
});
