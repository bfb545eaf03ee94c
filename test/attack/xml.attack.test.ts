import { parseCalloutNotification } from '../../nodes/Concur/helpers/callout';
import { parseXml, parseXmlToJson, XmlParseError } from '../../nodes/Concur/helpers/xml';

/**
 * One block per finding of the security review of nodes/Concur/helpers/xml.ts. Every test here
 * fails against the reader as it was before the review, except the rows marked "still refused",
 * which guard what the old reader already got right.
 */

/** The outcome as data: a refusal must be the reader's own error, anything else is a crash. */
function outcome(run: () => unknown): { ok: true; value: unknown } | { ok: false; error: string } {
	try {
		return { ok: true, value: run() };
	} catch (error) {
		if (error instanceof XmlParseError) return { ok: false, error: error.message };
		return { ok: false, error: `CRASH ${String(error)}` };
	}
}

const bytes = (text: string, encoding: BufferEncoding = 'latin1') => Buffer.from(text, encoding);

describe('finding 1: names never reach an object prototype, and never crash the reader', () => {
	it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])(
		'repeated <%s> elements become an own array, not a TypeError',
		(name) => {
			const result = outcome(() => parseXmlToJson(`<a><${name}>1</${name}><${name}>2</${name}><b/></a>`));
			expect(result).toEqual({ ok: true, value: { root: 'a', data: expect.anything() } });
			const { data } = (result as { value: { data: Record<string, unknown> } }).value;
			expect(Object.getOwnPropertyDescriptor(data, name)?.value).toEqual(['1', '2']);
			expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
		},
	);

	it('a single <__proto__> element is an ordinary key: its data stays in the JSON', () => {
		const { data } = parseXmlToJson('<a><__proto__><polluted>yes</polluted></__proto__><b>2</b></a>');
		expect(Object.keys(data)).toEqual(['__proto__', 'b']);
		expect(JSON.parse(JSON.stringify(data))).toEqual(JSON.parse('{"__proto__":{"polluted":"yes"},"b":"2"}'));
		expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
		expect((data as { polluted?: unknown }).polluted).toBeUndefined();
		expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
	});

	it('attributes named __proto__ or constructor are own keys of a prototype-free map', () => {
		const element = parseXml('<a __proto__="p" constructor="c"><b/></a>');
		expect(Object.keys(element.attributes)).toEqual(['__proto__', 'constructor']);
		expect(element.attributes.__proto__).toBe('p');
		// A lookup of an absent name finds nothing, instead of Object.prototype's member.
		expect(parseXml('<a/>').attributes.toString).toBeUndefined();
		const { data } = parseXmlToJson('<a __proto__="p" constructor="c"><b/></a>');
		expect(Object.keys(data)).toEqual(['@__proto__', '@constructor', 'b']);
	});
});

describe('finding 2: bytes are decoded as the document declares', () => {
	it('honours encoding="ISO-8859-1" (a Latin-1 é stays é, not U+FFFD)', () => {
		const latin1 = bytes('<?xml version="1.0" encoding="ISO-8859-1"?><a>caf\u00e9 \u0080</a>');
		expect(parseXmlToJson(latin1).data).toEqual({ value: 'caf\u00e9 \u0080' });
		// A string is characters already: its declaration has nothing left to decode.
		expect(parseXmlToJson('<?xml version="1.0" encoding="Shift_JIS"?><a>é</a>').data).toEqual({ value: 'é' });
	});

	it('honours encoding="windows-1252" (0x80 is €, 0x92 is ’), with its own table', () => {
		const cp1252 = Buffer.concat([bytes('<?xml version="1.0" encoding="windows-1252"?><a>'), Buffer.of(0x80, 0x92, 0xe9), bytes('</a>')]);
		expect(parseXmlToJson(cp1252).data).toEqual({ value: '€’é' });
	});

	it('reads UTF-16 with a byte order mark, either byte order', () => {
		const text = '\ufeff<?xml version="1.0" encoding="UTF-16"?><a>é😀</a>';
		expect(parseXmlToJson(bytes(text, 'utf16le')).data).toEqual({ value: 'é😀' });
		expect(parseXmlToJson(bytes(text, 'utf16le').swap16()).data).toEqual({ value: 'é😀' });
	});

	it('the callout body (raw bytes, as the trigger passes it) keeps a Latin-1 Context', () => {
		const body = bytes(
			'<?xml version="1.0" encoding="ISO-8859-1"?><Notification><EventType>x</EventType><ObjectType>EXPRPT</ObjectType><ObjectURI>https://x/y/KEY</ObjectURI><Context>Caf\u00e9</Context></Notification>',
		);
		const result = parseCalloutNotification(body);
		expect(result.ok && result.notification.context).toBe('Caf\u00e9');
	});

	it.each<[string, Buffer, RegExp]>([
		['invalid UTF-8 (a Latin-1 é) in a UTF-8 document', bytes('<?xml version="1.0" encoding="UTF-8"?><a>caf\u00e9</a>'), /not valid UTF-8/],
		['invalid UTF-8 without a declaration', bytes('<a>\u00e9</a>'), /not valid UTF-8/],
		['an encoded surrogate (CESU-8)', Buffer.concat([bytes('<a>'), Buffer.of(0xed, 0xa0, 0x80), bytes('</a>')]), /not valid UTF-8/],
		['an unsupported encoding, named in the error', bytes('<?xml version="1.0" encoding="Shift_JIS"?><a/>'), /Unsupported encoding "Shift_JIS"/],
		['a UTF-8 byte order mark with encoding="ISO-8859-1"', Buffer.concat([Buffer.of(0xef, 0xbb, 0xbf), bytes('<?xml version="1.0" encoding="ISO-8859-1"?><a/>')]), /byte order mark says UTF-8/],
		['a UTF-16 byte order mark with encoding="UTF-8"', bytes('\ufeff<?xml version="1.0" encoding="UTF-8"?><a/>', 'utf16le'), /byte order mark says UTF-16LE/],
		['bytes above 0x7F in a US-ASCII document', bytes('<?xml version="1.0" encoding="US-ASCII"?><a>\u00e9</a>'), /not US-ASCII/],
		['UTF-16 declared without a byte order mark', bytes('<?xml version="1.0" encoding="UTF-16"?><a/>'), /no UTF-16 byte order mark/],
	])('refuses %s', (_label, input, message) => {
		expect(outcome(() => parseXml(input))).toEqual({ ok: false, error: expect.stringMatching(message) });
	});
});

describe('finding 3: what XML 1.0 forbids is refused with XmlParseError', () => {
	const newlyRefused: Array<[string, string]> = [
		['"]]>" in character data', '<a>x]]>y</a>'],
		['a control character', '<a>\u0001</a>'],
		['a vertical tab', '<a>\u000b</a>'],
		['U+FFFE', '<a>\ufffe</a>'],
		['U+FFFF in an attribute', '<a x="\uffff"/>'],
		['a lone high surrogate', '<a>\ud800</a>'],
		['a lone low surrogate', '<a>\udc00x</a>'],
		['a reference to a surrogate', '<a>&#xD800;</a>'],
		['a reference to a control character', '<a>&#x1;</a>'],
		['a reference to U+FFFE', '<a x="&#65534;"/>'],
		['an upper-case X in a hex reference', '<a>&#X41;</a>'],
		['"--" inside a comment', '<a><!-- a -- b --></a>'],
		['a comment ending "--->"', '<a><!-- x ---></a>'],
		['a second XML declaration', '<?xml version="1.0"?><?xml version="1.0"?><a/>'],
		['an XML declaration after whitespace', ' <?xml version="1.0"?><a/>'],
		['an XML declaration after a comment', '<!-- c --><?xml version="1.0"?><a/>'],
		['an XML declaration without a version', '<?xml encoding="UTF-8"?><a/>'],
		['an XML declaration with its fields out of order', '<?xml version="1.0" standalone="yes" encoding="UTF-8"?><a/>'],
		['a name with a character names may not hold', '<a\u00d7b/>'],
		['a name starting with a combining mark', '<\u0301a/>'],
		['an attribute name with a character names may not hold', '<a b\u00f7c="1"/>'],
		['a name with two colons', '<a:b:c xmlns:a="urn:a"/>'],
		['an empty prefix, closed without it', '<:a></a>'],
		['an undeclared prefix', '<p:a/>'],
		['a prefix undeclared with xmlns:p=""', '<a xmlns:p=""><p:b/></a>'],
		['the same attribute under two prefixes of one namespace', '<a xmlns:p="urn:x" xmlns:q="urn:x" p:x="1" q:x="2"/>'],
		['attributes without whitespace between them', '<a x="1"y="2"/>'],
	];
	it.each(newlyRefused)('refuses %s', (_label, input) => {
		expect(outcome(() => parseXml(input))).toEqual({ ok: false, error: expect.not.stringMatching(/^CRASH/) });
	});

	const stillRefused: Array<[string, string]> = [
		['mismatched tags', '<a><b></a></b>'],
		['a duplicate attribute', '<a x="1" x="2"/>'],
		['"<" in an attribute value', '<a x="<"/>'],
		['an undefined entity reference', '<a>&nbsp;</a>'],
		['an entity named like a prototype member', '<a>&constructor;</a>'],
		['a reference to U+0000', '<a>&#0;</a>'],
		['a DOCTYPE', '<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'],
		['a DOCTYPE after the root', '<a/><!DOCTYPE a>'],
		['a processing instruction target spelled XML', '<a><?XmL x?></a>'],
	];
	it.each(stillRefused)('still refuses %s', (_label, input) => {
		expect(outcome(() => parseXml(input))).toEqual({ ok: false, error: expect.not.stringMatching(/^CRASH/) });
	});

	it('skips processing instructions, wherever they are', () => {
		const { root, data } = parseXmlToJson(
			'<?xml version="1.0"?><?xml-stylesheet href="http://127.0.0.1:1/x.xsl"?><a>x<?php echo 1; ?>y<b/><?pi?></a><?after data?>',
		);
		expect(root).toBe('a');
		expect(data).toEqual({ b: '', '#text': 'xy' });
	});

	it('accepts valid XML the old reader refused: character references with many leading zeros', () => {
		expect(parseXmlToJson(`<a>&#${'0'.repeat(20)}65;&#x${'0'.repeat(20)}42;</a>`).data).toEqual({ value: 'AB' });
	});
});

describe('finding 4: hostile input gets a clear error in linear time, never a crash or a hang', () => {
	/** A seeded PRNG (mulberry32): the same documents on every run. */
	function random(seed: number): () => number {
		let state = seed >>> 0;
		return () => {
			state = (state + 0x6d2b79f5) >>> 0;
			let t = state;
			t = Math.imul(t ^ (t >>> 15), t | 1);
			t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
			return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
		};
	}

	it('splicing hostile fragments into a callout only ever yields data or an XmlParseError', () => {
		const next = random(42);
		const fragments = ['<constructor>1</constructor>', '<toString/>', '<__proto__>x</__proto__>', '<valueOf/>', '<a', '</b>', '&#xD800;', ']]>', '<!--', '-->', '<?', '?>', '<![CDATA[', '\u0000', '\ud800', '&', 'xmlns:p=""', '<p:x/>'];
		const base = '<Notification><EventType>x</EventType><ObjectType>EXPRPT</ObjectType><ObjectURI>https://x/y/KEY</ObjectURI></Notification>';
		const crashes: string[] = [];
		for (let i = 0; i < 2000; i++) {
			let document = base;
			for (let n = 1 + Math.floor(next() * 3); n > 0; n--) {
				const at = Math.floor(next() * document.length);
				document = document.slice(0, at) + fragments[Math.floor(next() * fragments.length)] + document.slice(at);
			}
			// Repeated siblings are what used to crash: double one now and then.
			if (next() < 0.3) document = document.replace('<toString/>', '<toString/><toString/>');
			const result = outcome(() => parseXmlToJson(document));
			if (!result.ok && result.error.startsWith('CRASH')) crashes.push(`${result.error}: ${JSON.stringify(document)}`);
		}
		expect(crashes.slice(0, 5)).toEqual([]);
	});

	it('large hostile documents finish: a million digits, 50,000 attributes, deep namespace scopes', () => {
		expect(parseXmlToJson(`<a>&#${'0'.repeat(1_000_000)}65;</a>`).data).toEqual({ value: 'A' });
		const attributes = Array.from({ length: 50_000 }, (_, i) => ` a${i}="&amp;"`).join('');
		expect(Object.keys(parseXml(`<a${attributes}/>`).attributes)).toHaveLength(50_000);
		const scopes = 60;
		const nested = `${'<p:a xmlns:p="urn:x">'.repeat(scopes)}${'</p:a>'.repeat(scopes)}`;
		expect(parseXml(nested).prefix).toBe('p');
		expect(outcome(() => parseXml(`<a>${']]'.repeat(500_000)}&</a>`))).toEqual({ ok: false, error: expect.stringMatching(/entity reference/) });
		expect(outcome(() => parseXml(`<a>${'<!-- -'.repeat(200_000)}`))).toEqual({ ok: false, error: expect.stringMatching(/comment/) });
	});

	it('still keeps the size, depth and element-count limits, counting bytes before decoding them', () => {
		expect(() => parseXml(bytes(`<a>${'x'.repeat(2000)}</a>`), { maxBytes: 1000 })).toThrow(/larger than 1000 bytes/);
		expect(() => parseXml('<a>'.repeat(65) + '</a>'.repeat(65))).toThrow(/deeper than 64/);
		expect(() => parseXml(`<a>${'<b/>'.repeat(21)}</a>`, { maxNodes: 20 })).toThrow(/more than 20 elements/);
	});
});
