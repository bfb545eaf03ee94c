import {
	buildXml,
	escapeXml,
	parseXml,
	parseXmlToJson,
	XmlParseError,
} from '../../nodes/Concur/helpers/xml';

// Payloads quoted from Concur's public API reference (Concur's callout push sample; Concur's Notification v1.0 API; Concur's v1.1 Exceptions docs; Concur's v1.1 Workflow Action docs; Concur's HTTP status code and rate limit docs).
const CALLOUT = `<?xml version="1.0" encoding="UTF-8" ?>
<Notification>
    <EventType>Report Entered Expense Report Workflow Step - SUBMIT</EventType>
    <ObjectType>EXPRPT</ObjectType>
    <ObjectURI>https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/3%Rek29$wsIY12Di3LS9$gjei%KL23</ObjectURI>
    <EventDateTime>2012-05-01</EventDateTime>
    <Context/>
</Notification>`;

const NOTIFICATION_LIST = `<?xml version="1.0" encoding="utf-8"?>
<NotificationList xmlns="http://www.concursolutions.com/api/notification/2012/06" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
    <Notification>
        <Context i:nil="true" />
        <EventDateTime>2012-11-14T19:45:25</EventDateTime>
        <EventType>Report Entered Expense Report Workflow Step - REPORT SUBMITTED</EventType>
        <NotificationURI>https://www.concursolutions.com/api/platform/notifications/v1.0/notification/nOB1KNTDSWUcJPMV6dPDjNc$scu6EDbt9s</NotificationURI>
        <ObjectType>EXPRPT</ObjectType>
        <ObjectURI>https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/nxxKgLlnROzz$sHcpnRHQ$pALxamClaFfdC</ObjectURI>
    </Notification>
</NotificationList>`;

const EXCEPTION_RESULT = `<exception-result xmlns="http://www.concursolutions.com/api/expense/expensereport/2011/03" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
    <exceptions-succeeded>1</exceptions-succeeded>
    <exceptions-failed>1</exceptions-failed>
    <errors>
        <error>
            <Index>2</Index>
            <message>Invalid Exception Code</message>
        </error>
    </errors>
    <ExceptionDetails>
        <ExceptionInfo>
            <Index>1</Index>
            <Status>Success</Status>
        </ExceptionInfo>
    </ExceptionDetails>
</exception-result>`;

describe('parseXmlToJson', () => {
	it('reads the pushed callout notification (no namespace) with keys kept byte for byte', () => {
		const { root, data } = parseXmlToJson(CALLOUT);
		expect(root).toBe('Notification');
		expect(data).toEqual({
			EventType: 'Report Entered Expense Report Workflow Step - SUBMIT',
			ObjectType: 'EXPRPT',
			ObjectURI:
				'https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/3%Rek29$wsIY12Di3LS9$gjei%KL23',
			EventDateTime: '2012-05-01',
			Context: '',
		});
	});

	it('drops namespace noise and turns i:nil into null', () => {
		const { root, data } = parseXmlToJson(NOTIFICATION_LIST, { arrays: ['Notification'] });
		expect(root).toBe('NotificationList');
		expect(Object.keys(data)).toEqual(['Notification']);
		const [notification] = data.Notification as Array<Record<string, unknown>>;
		expect(notification.Context).toBeNull();
		expect(notification.NotificationURI).toMatch(/nOB1KNTDSWUcJPMV6dPDjNc\$scu6EDbt9s$/);
	});

	it('groups repeated children into arrays and keeps single ones as objects unless asked', () => {
		const { data } = parseXmlToJson(EXCEPTION_RESULT, { arrays: ['error'] });
		expect(data['exceptions-failed']).toBe('1');
		expect(data.errors).toEqual({ error: [{ Index: '2', message: 'Invalid Exception Code' }] });
		expect(data.ExceptionDetails).toEqual({ ExceptionInfo: { Index: '1', Status: 'Success' } });
		const twice = parseXmlToJson('<a><b>1</b><b>2</b><c>3</c></a>');
		expect(twice.data).toEqual({ b: ['1', '2'], c: '3' });
	});

	it('keeps data attributes, strips prefixes of element names', () => {
		const { root, data } = parseXmlToJson(
			'<ns:ReportDetails xmlns:ns="urn:x"><ns:Entries Count="2"><ns:ExpenseEntry><ns:Amt>1</ns:Amt></ns:ExpenseEntry></ns:Entries></ns:ReportDetails>',
			{ arrays: ['ExpenseEntry'] },
		);
		expect(root).toBe('ReportDetails');
		expect(data).toEqual({ Entries: { '@Count': '2', ExpenseEntry: [{ Amt: '1' }] } });
	});

	it('decodes the predefined entities, character references and CDATA', () => {
		const { data } = parseXmlToJson(
			'<r><a>Tom &amp; Jerry &lt;3 &#65;&#x42; &quot;q&quot; &apos;s&apos;</a><b><![CDATA[<not a tag> & raw]]></b></r>',
		);
		expect(data).toEqual({ a: 'Tom & Jerry <3 AB "q" \'s\'', b: '<not a tag> & raw' });
	});

	it('accepts a Buffer with a UTF-8 byte order mark', () => {
		const buffer = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<a>é</a>')]);
		expect(parseXmlToJson(buffer).data).toEqual({ value: 'é' });
	});
});

describe('parseXml refuses unsafe or malformed input', () => {
	const refused: Array<[string, string]> = [
		['a DOCTYPE', '<!DOCTYPE a [<!ELEMENT a ANY>]><a/>'],
		[
			'an external entity (XXE)',
			'<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Notification><Context>&xxe;</Context></Notification>',
		],
		[
			'an entity expansion bomb',
			'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>',
		],
		['an undeclared entity reference', '<a>&nbsp;</a>'],
		['a parameter entity outside a DTD', '<a>%xxe;&xxe;</a>'],
		// Processing instructions are valid XML and are skipped; a misplaced XML declaration is not one.
		['an XML declaration inside the document', '<a><?xml version="1.0"?></a>'],
		['mismatched tags', '<a><b></a></b>'],
		['an unclosed element', '<a><b></b>'],
		['two roots', '<a/><b/>'],
		['text outside the root', 'hello <a/>'],
		['an empty document', '   '],
		['an unquoted attribute', '<a x=1/>'],
		['a duplicate attribute', '<a x="1" x="2"/>'],
		['an invalid character reference', '<a>&#0;</a>'],
		['JSON', '{"id": "x"}'],
	];
	it.each(refused)('refuses %s', (_label, input) => {
		expect(() => parseXml(input)).toThrow(XmlParseError);
	});

	it('refuses documents above the byte limit before scanning them', () => {
		expect(() => parseXml(`<a>${'x'.repeat(2000)}</a>`, { maxBytes: 1000 })).toThrow(/larger than 1000 bytes/);
	});

	it('refuses nesting deeper than the limit', () => {
		const deep = '<a>'.repeat(100) + '</a>'.repeat(100);
		expect(() => parseXml(deep)).toThrow(/deeper than 64/);
		expect(() => parseXml('<a>'.repeat(10) + '</a>'.repeat(10))).not.toThrow();
	});

	it('refuses more elements than the limit', () => {
		expect(() => parseXml(`<a>${'<b/>'.repeat(50)}</a>`, { maxNodes: 20 })).toThrow(/more than 20 elements/);
	});
});

describe('buildXml', () => {
	it('builds the documented v1.1 Exceptions body with escaping, and reads back the same values', () => {
		const xml = buildXml(
			'Exceptions',
			{
				Exception: [
					{ Index: 1, ObjectType: 'Report', ObjectId: 'nxxKgLlnRODp$sie8Hq1UviOJ2AbpS7dCP', ExceptionCode: 'APPRVTO' },
					{ Index: 2, ObjectType: 'Entry', ObjectId: 'a<b>&"c"', ExceptionCode: 'NODATE' },
				],
			},
			'http://www.concursolutions.com/api/expense/expensereport/2011/03',
		);
		expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?><Exceptions xmlns="http://www.concursolutions.com/api/expense/expensereport/2011/03"><Exception><Index>1</Index>')).toBe(true);
		const { data } = parseXmlToJson(xml, { arrays: ['Exception'] });
		expect(data.Exception).toEqual([
			{ Index: '1', ObjectType: 'Report', ObjectId: 'nxxKgLlnRODp$sie8Hq1UviOJ2AbpS7dCP', ExceptionCode: 'APPRVTO' },
			{ Index: '2', ObjectType: 'Entry', ObjectId: 'a<b>&"c"', ExceptionCode: 'NODATE' },
		]);
	});

	it('omits null values and refuses element names that would inject markup', () => {
		expect(buildXml('WorkflowAction', { Action: 'Approve', Comment: null })).toBe(
			'<?xml version="1.0" encoding="UTF-8"?><WorkflowAction><Action>Approve</Action></WorkflowAction>',
		);
		expect(() => buildXml('a', { 'b><script': 'x' })).toThrow(XmlParseError);
	});

	it('escapes all five special characters', () => {
		expect(escapeXml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&apos;');
	});
});
