/**
 * Readers of Concur's list answers (helpers/concurLists.ts), shared by the polling trigger and the
 * Concur node: tolerant of every shape Concur sends, never throwing.
 */
import { notificationsOf, reportPageOf } from '../../nodes/Concur/helpers/concurLists';
import { parseXmlToJson } from '../../nodes/Concur/helpers/xml';

describe('reading Concur answers', () => {
	it('reportPageOf: Items and NextPage, tolerant of null, empty and missing', () => {
		expect(reportPageOf({ Items: [{ ID: 'A' }], NextPage: 'https://x/next' })).toEqual({ items: [{ ID: 'A' }], nextPage: 'https://x/next' });
		expect(reportPageOf({ Items: [{ ID: 'A' }, 'junk', null], NextPage: null }).items).toEqual([{ ID: 'A' }]);
		expect(reportPageOf({ Items: [], NextPage: '  ' }).nextPage).toBeUndefined();
		expect(reportPageOf({})).toEqual({ items: [], nextPage: undefined });
		expect(reportPageOf('oops')).toEqual({ items: [] });
	});

	it('notificationsOf: the JSON array, or the XML NotificationList with one or several entries', () => {
		const one = { NotificationURI: 'u1', EventDateTime: '2012-11-14T19:45:25' };
		const two = { NotificationURI: 'u2' };
		expect(notificationsOf([one, two, 3])).toEqual([one, two]);
		expect(notificationsOf({ NotificationList: { Notification: one } })).toEqual([one]);
		expect(notificationsOf({ NotificationList: { Notification: [one, two] } })).toEqual([one, two]);
		expect(notificationsOf({ NotificationList: '' })).toEqual([]);
		expect(notificationsOf(null)).toEqual([]);
	});

	it('notificationsOf: the XML list as the transport returns it (root element dropped)', () => {
		const xml = (entries: string) =>
			`<NotificationList xmlns="http://www.concursolutions.com/api/notification/2012/06">${entries}</NotificationList>`;
		const entry = (id: string) => `<Notification><NotificationURI>${id}</NotificationURI><EventDateTime>2012-11-14T19:45:25</EventDateTime></Notification>`;
		expect(notificationsOf(parseXmlToJson(xml(entry('u1'))).data)).toEqual([{ NotificationURI: 'u1', EventDateTime: '2012-11-14T19:45:25' }]);
		expect(notificationsOf(parseXmlToJson(xml(entry('u1') + entry('u2'))).data).map((n) => n.NotificationURI)).toEqual(['u1', 'u2']);
		expect(notificationsOf({ Notification: 'junk' })).toEqual([]);
		expect(notificationsOf({})).toEqual([]);
	});
});
