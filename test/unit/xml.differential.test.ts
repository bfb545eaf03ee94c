import { SaxesParser } from 'saxes';

import { parseXml, XmlParseError, type XmlElement } from '../../nodes/Concur/helpers/xml';

/**
 * Differential test: the package's own XML reader against saxes, a strict XML 1.0 + Namespaces
 * parser, on a generated corpus of tricky documents. For every document both must refuse, or both
 * must accept and produce the same element tree. The only exceptions are the named differences in
 * ALLOWED_DIFFERENCES, where our reader deliberately refuses more than saxes.
 *
 * The mapping between the two: saxes is run with `xmlns: true` and no error handler (so its first
 * well-formedness error throws). From its events a tree is built with
 *   name = tag.local, prefix = tag.prefix (absent when empty),
 *   attributes = [qualified name, value] pairs in document order,
 *   text = every `text` and `cdata` event while the element is innermost, concatenated,
 *   children = elements opened while it is innermost, in order;
 * our XmlElement is turned into the same shape (attributes via Object.entries).
 *
 * saxes reads characters, not bytes. A byte-level case therefore carries `source`: the characters
 * its bytes mean in their encoding, which saxes reads; `source: null` marks bytes that are not a
 * document in their own encoding (see the "bytes" difference).
 */

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

interface Tree {
	name: string;
	prefix?: string;
	attributes: Array<[string, string]>;
	text: string;
	children: Tree[];
}

type Outcome = { accepted: true; tree: Tree } | { accepted: false; reason: string; crashed?: true };

interface Case {
	label: string;
	input: string | Buffer;
	/** What saxes reads; null when the bytes are not a document in their declared encoding. */
	source: string | null;
	/** Constructs in the document that our reader refuses on purpose (see ALLOWED_DIFFERENCES). */
	features: Set<Difference>;
	/** The malformed pieces the generator put in. */
	malformed: string[];
}

type Difference = 'doctype' | 'xml-version' | 'depth-limit' | 'lone-surrogate' | 'bytes';

const ALLOWED_DIFFERENCES: Record<Difference, string> = {
	doctype:
		'A DOCTYPE is refused outright, so no DTD and no entity declaration is ever read; saxes accepts a DOCTYPE and skips its internal subset.',
	'xml-version':
		'Only version="1.0" is read; saxes also reads 1.1 (with its different character rules) and any other 1.x as 1.0.',
	'depth-limit':
		'Nesting deeper than maxDepth (64 by default) is refused to bound the work per document; saxes has no limit.',
	'lone-surrogate':
		'A surrogate that is not half of a pair is not a Char of XML 1.0 and is refused; saxes 6.0.0 joins a high surrogate with whatever follows it (getCode10 never checks the low half), so it accepts "\\ud800x" in attribute values and text.',
	bytes:
		'saxes reads characters, so it cannot judge bytes: a byte order mark that contradicts the declaration, bytes invalid in the declared encoding, UTF-16 without a byte order mark and unsupported encodings are refused by our reader, and the case expects exactly that.',
};

function fromOurs(element: XmlElement): Tree {
	return {
		name: element.name,
		prefix: element.prefix,
		attributes: Object.entries(element.attributes),
		text: element.text,
		children: element.children.map(fromOurs),
	};
}

function ours(input: string | Buffer): Outcome {
	try {
		return { accepted: true, tree: fromOurs(parseXml(input)) };
	} catch (error) {
		if (error instanceof XmlParseError) return { accepted: false, reason: error.message };
		// Anything else escaped the reader: a crash, reported as a disagreement below.
		return { accepted: false, reason: String(error), crashed: true };
	}
}

function saxes(source: string): Outcome {
	const parser = new SaxesParser({ xmlns: true });
	const open: Tree[] = [];
	let root: Tree | undefined;
	parser.on('opentag', (tag) => {
		const tree: Tree = {
			name: tag.local,
			prefix: tag.prefix === '' ? undefined : tag.prefix,
			attributes: Object.values(tag.attributes).map((attribute): [string, string] => [attribute.name, attribute.value]),
			text: '',
			children: [],
		};
		if (open.length === 0) root = tree;
		else open[open.length - 1].children.push(tree);
		open.push(tree);
	});
	const addText = (text: string) => {
		if (open.length > 0) open[open.length - 1].text += text;
	};
	parser.on('text', addText);
	parser.on('cdata', addText);
	parser.on('closetag', () => open.pop());
	try {
		parser.write(source).close();
	} catch (error) {
		return { accepted: false, reason: (error as Error).message };
	}
	return root === undefined ? { accepted: false, reason: 'no root' } : { accepted: true, tree: root };
}

// ---------------------------------------------------------------------------------------------
// The corpus. A seeded PRNG (mulberry32) keeps it the same on every run.

function mulberry32(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Well-formed and malformed variants of each construct; every one of them must be generated. */
const PIECES = {
	names: {
		good: ['a', 'b', 'Notification', 'EventType', 'x-y', 'x.y', '_u', 'é', '名前', 'a\u00b7b', 'a\u0301', '\u{10000}x', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'xmlfoo'],
		bad: ['1a', '-a', '.a', '\u00b7a', '\u0301a', 'a:b:c', ':a', 'a:', '\u{f0000}a', 'a\u00d7b'],
	},
	prefixes: {
		good: ['p', 'q', 'xml', '__proto__', 'constructor', 'toString'],
		bad: ['xmlns', 'unbound'],
	},
	attributeValues: {
		good: ['', 'v', 'Tom &amp; Jerry', '&lt;&gt;&quot;&apos;', '&#65;&#x42;', '&#x1F600;', 'a\tb', 'a\nb', 'a\r\nb', 'a&#10;b&#9;c&#13;', ' spaced ', '>', ']]>', 'é😀', '\u0085\u2028', '&#00065;', 'x\u007fy\u0080z'],
		bad: ['<', 'a&b', '&nbsp;', '&constructor;', '&#0;', '&#xD800;', '&#xFFFE;', '&#X41;', '\u0001', '\uFFFF', '\uD800x', '&amp'],
	},
	texts: {
		good: ['hello', ' ', '\n  ', '\t', 'Tom &amp; Jerry', '&lt;&gt;&quot;&apos;', '&#65;', '&#x42;', '&#x1F600;', '&#0000000065;', '&#x10FFFF;', '\r\n', '\r', 'a\rb', 'é', '😀', '\u0085', '\u2028', ']]', ']>', '>', '"\'', '&#xD;', '&#9;', '\u007f', '\u009f', '\ufffd', '%x;', '€ ‘quoted’ – Œ'],
		bad: ['&#0;', '&#xD800;', '&#xDFFF;', '&#xFFFE;', '&#xFFFF;', '&#x110000;', '&#99999999999;', '&#X41;', '&#;', '&#x;', '&#x41', '&nbsp;', '&constructor;', '&__proto__;', '&toString;', '&hasOwnProperty;', '&amp', '& ', ']]>', 'a]]>b', '\u0000', '\u0001', '\u0008', '\u000b', '\u001f', '\ufffe', '\uffff', '\ud800', '\udc00', '\udbffx', '<', '&'],
	},
	cdata: {
		good: ['<![CDATA[x<y&z]]>', '<![CDATA[]]>', '<![CDATA[]]]]>', '<![CDATA[\r\n]]>', '<![CDATA[ ]] > ]]>', '<![CDATA[&amp;]]>', '<![CDATA[<!-- -->]]>'],
		bad: ['<![CDATA[x', '<![CDATA[\u0001]]>', '<![cdata[x]]>', '<![CDATA [x]]>'],
	},
	comments: {
		good: ['<!-- c -->', '<!---->', '<!-- - -->', '<!--- x -->', '<!-- <a> & ]]> -->', '<!--\r\n-->'],
		bad: ['<!-- a--b -->', '<!-- x --->', '<!--->', '<!-- x', '<!-- \u0002 -->', '<!- x ->', '<!---->-->'],
	},
	pis: {
		good: ['<?pi?>', '<?pi data?>', '<?xml-stylesheet href="a.xsl"?>', '<?pi ?>', '<?pi\tx?>', '<?pi ??>', '<?xmlfoo x?>', '<?pi <a> & ]]>?>', '<?__proto__ x?>'],
		bad: ['<?XML x?>', '<?xml version="1.0"?>', '<?xMl?>', '<??>', '<? pi?>', '<?p:i x?>', '<?pi', '<?pi+x?>', '<?pi \u0001?>'],
	},
	declarations: {
		good: ['<?xml version="1.0"?>', "<?xml version='1.0' encoding='UTF-8'?>", '<?xml version="1.0" encoding="utf-8" standalone="yes"?>', '<?xml version = "1.0" ?>', '<?xml\tversion="1.0"\nencoding="Shift_JIS"?>', '<?xml version="1.0" standalone=\'no\'?>'],
		bad: ['<?xml version="1.0"encoding="UTF-8"?>', '<?xml encoding="UTF-8"?>', '<?xml version="1.0" standalone="maybe"?>', '<?xml version="1.0" standalone="yes" encoding="UTF-8"?>', '<?xml?>', '<?xml version="1.0" encoding=""?>', ' <?xml version="1.0"?>', '<?xml version="2.0"?>', '<?xml version="1.0" foo="bar"?>', '<?xml version="1.0"?><?xml version="1.0"?>'],
	},
	/** Declarations that are well-formed XML but not XML 1.0: refused by design. */
	otherVersions: ['<?xml version="1.1"?>', '<?xml version="1.5" encoding="UTF-8"?>'],
	doctypes: ['<!DOCTYPE a>', '<!DOCTYPE a [<!ENTITY e "x">]>', '<!DOCTYPE a SYSTEM "file:///etc/passwd">', '<!DOCTYPE a [<!ELEMENT a ANY>]>'],
	namespaceDeclarations: {
		good: ['xmlns="urn:default"', 'xmlns=""', `xmlns:xml="${XML_NAMESPACE}"`, 'xmlns:p=" urn:padded "'],
		bad: ['xmlns:p=""', 'xmlns:xml="urn:x"', 'xmlns:xmlns="urn:x"', `xmlns:p="${XMLNS_NAMESPACE}"`, `xmlns:q="${XML_NAMESPACE}"`, `xmlns="${XML_NAMESPACE}"`, 'xmlns:a:b="urn:x"', 'xmlns:="urn:x"'],
	},
	/** Whitespace and spelling variants inside tags. */
	tagSpacing: {
		good: [' ', '\n', '\t', '\r\n  '],
		bad: [''],
	},
	equals: {
		good: ['=', ' = ', '\n=\t'],
		bad: ['', '=='],
	},
	quotes: {
		good: ['"', "'"],
		bad: [''],
	},
	outside: {
		good: ['\n', ' \t ', '\r\n'],
		bad: ['x', '&amp;', '<![CDATA[x]]>', '\u00a0', '\ufeff'],
	},
	endings: {
		good: ['', '\n'],
		bad: ['<b/>', 'text', '</a>', '<'],
	},
};

type PieceGroup = { good: readonly string[]; bad: readonly string[] };

/** Malformed constructs built in code rather than taken from PIECES. */
const MALFORMED_CONSTRUCTS = ['attributes:duplicate', 'attributes:expanded-duplicate', 'close:mismatched'];

/** Each malformed piece, or construct, that a document may carry as its only flaw. */
const MALFORMED_TARGETS: Array<{ group: string; piece?: string }> = [
	...Object.entries(PIECES).flatMap(([group, pieces]) =>
		Array.isArray(pieces) ? [] : (pieces as PieceGroup).bad.map((piece) => ({ group, piece })),
	),
	...MALFORMED_CONSTRUCTS.map((group) => ({ group })),
];

/** Characters that tell Latin-1, windows-1252, UTF-8 and UTF-16 apart (and a C1 control, valid in XML 1.0). */
const ENCODING_PROBE = 'é ÿ € ‘’ – Œ \u0081 \u0085 名 😀';

class Generator {
	/** Every piece generated so far, as "group:good|bad:piece" (or "group:piece" for fixed lists). */
	readonly used = new Set<string>();
	/** The malformed pieces of the last document. */
	malformed: string[] = [];
	features = new Set<Difference>();
	private readonly random: () => number;
	// A document is clean, has one malformed piece (so that no other error can hide it) or many.
	private mode: 'clean' | 'one' | 'many' = 'clean';
	/** In "one" mode: which piece goes wrong, and at which occurrence of its group. */
	private target: { group: string; piece?: string; occurrence: number } | undefined;
	private occurrences = new Map<string, number>();
	private forBytes = false;

	constructor(seed: number) {
		this.random = mulberry32(seed);
	}

	chance(probability: number): boolean {
		return this.random() < probability;
	}

	int(below: number): number {
		return Math.floor(this.random() * below);
	}

	pick<T>(items: readonly T[]): T {
		return items[this.int(items.length)];
	}

	/** Whether this occurrence of `group` is to be malformed. */
	private malform(group: string): boolean {
		if (this.mode === 'many') return this.chance(0.06);
		if (this.target?.group !== group) return false;
		const occurrence = this.occurrences.get(group) ?? 0;
		this.occurrences.set(group, occurrence + 1);
		return occurrence === this.target.occurrence;
	}

	private record(key: string, malformed: boolean): void {
		this.used.add(key);
		if (malformed) this.malformed.push(key);
	}

	private piece(group: PieceGroup, groupName: string): string {
		const bad = this.malform(groupName);
		const value = bad ? (this.target?.piece ?? this.pick(group.bad)) : this.pick(group.good);
		this.record(`${groupName}:${bad ? 'bad' : 'good'}:${value}`, bad);
		return value;
	}

	private construct(key: string): boolean {
		const malformed = this.malform(key);
		if (malformed) this.record(key, true);
		return malformed;
	}

	/**
	 * `forBytes`: no byte order mark and no XML declaration (the byte-level case writes its own),
	 * and the root starts with ENCODING_PROBE so that every encoding has characters to get wrong.
	 */
	document(forBytes = false): string {
		this.forBytes = forBytes;
		const mode = this.random();
		this.mode = mode < 0.3 ? 'clean' : mode < 0.85 ? 'one' : 'many';
		this.target = this.mode === 'one' ? { ...this.pick(MALFORMED_TARGETS), occurrence: this.int(2) } : undefined;
		this.occurrences = new Map();
		this.malformed = [];
		this.features = new Set();
		let out = '';
		if (!forBytes && this.chance(0.05)) out += '\ufeff';
		if (!forBytes && this.chance(0.5)) {
			if (this.chance(0.04)) {
				const declaration = this.pick(PIECES.otherVersions);
				this.used.add(`otherVersions:${declaration}`);
				this.features.add('xml-version');
				out += declaration;
			} else {
				out += this.piece(PIECES.declarations, 'declarations');
			}
		}
		out += this.misc();
		if (this.chance(0.04)) {
			const doctype = this.pick(PIECES.doctypes);
			this.used.add(`doctypes:${doctype}`);
			this.features.add('doctype');
			out += doctype + this.misc();
		}
		out += this.element(0, new Set(['xml']));
		out += this.misc();
		return out + this.piece(PIECES.endings, 'endings');
	}

	/** Comments, processing instructions and whitespace around the root. */
	private misc(): string {
		let out = '';
		for (let n = this.int(3); n > 0; n--) {
			const kind = this.int(3);
			if (kind === 0) out += this.piece(PIECES.comments, 'comments');
			else if (kind === 1) out += this.piece(PIECES.pis, 'pis');
			else out += this.piece(PIECES.outside, 'outside');
		}
		return out;
	}

	private qualifiedName(scope: Set<string>, declarations: string[]): string {
		if (!this.chance(0.25)) return this.piece(PIECES.names, 'names');
		const prefix = this.piece(PIECES.prefixes, 'prefixes');
		// Usually declare the prefix (on this element) if no ancestor did; sometimes forget to.
		if (!scope.has(prefix) && prefix !== 'unbound' && this.chance(0.85)) {
			declarations.push(`xmlns:${prefix}="urn:${this.pick(['p', 'q', 'same'])}"`);
			scope.add(prefix);
		}
		return `${prefix}:${this.pick(PIECES.names.good)}`;
	}

	private attribute(name: string): string {
		const quote = this.piece(PIECES.quotes, 'quotes');
		let value = this.piece(PIECES.attributeValues, 'attributeValues');
		if (quote !== '') value = value.split(quote).join(quote === '"' ? '&quot;' : '&apos;');
		return `${name}${this.piece(PIECES.equals, 'equals')}${quote}${value}${quote}`;
	}

	private element(depth: number, inherited: Set<string>): string {
		const scope = new Set(inherited);
		const declarations: string[] = [];
		if (this.chance(0.15)) declarations.push(this.piece(PIECES.namespaceDeclarations, 'namespaceDeclarations'));
		const qualified = this.qualifiedName(scope, declarations);
		const attributes: string[] = [...declarations];
		for (let n = this.int(4); n > 0; n--) {
			attributes.push(this.attribute(this.qualifiedName(scope, attributes)));
		}
		if (attributes.length > 0 && this.construct('attributes:duplicate')) attributes.push(this.pick(attributes));
		if (this.construct('attributes:expanded-duplicate')) {
			// The same local name and namespace under two prefixes.
			attributes.push('xmlns:d1="urn:dup" xmlns:d2="urn:dup" d1:x="1" d2:x="2"');
		}
		const open = `<${qualified}${attributes.map((attribute) => this.piece(PIECES.tagSpacing, 'tagSpacing') + attribute).join('')}${this.pick(['', ' ', '\n'])}`;
		const probe = depth === 0 && this.forBytes;
		if (!probe && this.chance(0.25)) return `${open}/>`;
		let content = probe ? ENCODING_PROBE : '';
		for (let n = this.int(depth < 4 ? 5 : 2); n > 0; n--) {
			const kind = this.int(depth < 4 ? 6 : 4);
			if (kind === 0) content += this.piece(PIECES.texts, 'texts');
			else if (kind === 1) content += this.piece(PIECES.cdata, 'cdata');
			else if (kind === 2) content += this.piece(PIECES.comments, 'comments');
			else if (kind === 3) content += this.piece(PIECES.pis, 'pis');
			else {
				const child = this.element(depth + 1, scope);
				// Repeated siblings, the case that used to collide on prototype names.
				content += this.chance(0.3) ? child + child : child;
			}
		}
		let close = `</${qualified}${this.pick(['', ' ', '\n'])}>`;
		if (this.construct('close:mismatched')) {
			close = this.pick([`</${qualified}x>`, '</>', `</ ${qualified}>`, '', `</${qualified}`]);
		}
		return `${open}>${content}${close}`;
	}
}

// ---------------------------------------------------------------------------------------------
// Bytes: the same documents in each supported encoding, and byte sequences that must be refused.

// The WHATWG windows-1252 index for bytes 0x80-0x9F, spelled out: Node 20's own
// TextDecoder('windows-1252') decodes these bytes as Latin-1, so it cannot be the reference.
const WINDOWS_1252_HIGH = [
	0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
	0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];
const WINDOWS_1252_ENCODE = new Map<string, number>();
for (let byte = 0; byte < 256; byte++) {
	const codePoint = byte >= 0x80 && byte <= 0x9f ? WINDOWS_1252_HIGH[byte - 0x80] : byte;
	WINDOWS_1252_ENCODE.set(String.fromCodePoint(codePoint), byte);
}

function hasLoneSurrogate(text: string): boolean {
	return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

/**
 * `text` in a single-byte encoding. A character the encoding lacks is written as a character
 * reference, and `source` gets the same substitution, so saxes reads what the bytes say (inside a
 * name or a comment the reference changes the document, for both readers alike).
 */
function singleByte(text: string, encode: (char: string) => number | undefined): { bytes: Buffer; source: string } {
	const bytes: number[] = [];
	let source = '';
	for (const char of text) {
		const byte = encode(char);
		const written = byte === undefined ? `&#x${(char.codePointAt(0) as number).toString(16)};` : char;
		source += written;
		if (byte === undefined) bytes.push(...Buffer.from(written, 'latin1'));
		else bytes.push(byte);
	}
	return { bytes: Buffer.from(bytes), source };
}

const isAscii = (char: string) => char.charCodeAt(0) < 0x80;

function declaration(encoding: string): string {
	return `<?xml version="1.0" encoding="${encoding}"?>`;
}

function utf16(text: string, bigEndian: boolean): Buffer {
	const bytes = Buffer.from(text, 'utf16le');
	return bigEndian ? bytes.swap16() : bytes;
}

/** `body` has no XML declaration: each scenario writes the one it needs. */
function byteCase(generator: Generator, body: string, index: number): Case {
	const features = new Set(generator.features);
	const malformed = [...generator.malformed];
	const refused = (label: string, input: Buffer): Case => ({ label, input, source: null, features: new Set([...features, 'bytes']), malformed });
	const accepted = (label: string, input: Buffer, source: string): Case => ({ label, input, source, features, malformed });
	const latin1Char = (char: string) => (char.charCodeAt(0) <= 0xff && char.length === 1 ? char.charCodeAt(0) : undefined);
	switch (index % 12) {
		case 0:
			return accepted('UTF-8, no declaration', Buffer.from(body, 'utf8'), body);
		case 1: {
			const text = declaration(generator.pick(['UTF-8', 'utf-8', 'utf8'])) + body;
			return generator.chance(0.5)
				? accepted('UTF-8 BOM and declaration', Buffer.concat([Buffer.of(0xef, 0xbb, 0xbf), Buffer.from(text)]), text)
				: accepted('UTF-8 BOM, no declaration', Buffer.concat([Buffer.of(0xef, 0xbb, 0xbf), Buffer.from(body)]), body);
		}
		case 2: {
			const utf8 = Buffer.from(declaration('UTF-8') + body);
			const at = 40 + generator.int(Math.max(1, utf8.length - 40));
			const bad = generator.pick([[0xe9], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xff]]);
			return refused('UTF-8 declared, invalid UTF-8 bytes', Buffer.concat([utf8.subarray(0, at), Buffer.from(bad), utf8.subarray(at)]));
		}
		case 3:
		case 4: {
			const bigEndian = index % 12 === 4;
			const label = generator.pick(['UTF-16', bigEndian ? 'UTF-16BE' : 'utf-16le', '']);
			const text = (label ? declaration(label) : '') + body;
			return accepted(`UTF-16${bigEndian ? 'BE' : 'LE'} with BOM`, utf16(`\ufeff${text}`, bigEndian), text);
		}
		case 5: {
			const bigEndian = generator.chance(0.5);
			const scenario = generator.int(4);
			if (scenario === 0) return refused('UTF-16 BOM, UTF-8 declared', utf16(`\ufeff${declaration('UTF-8')}${body}`, bigEndian));
			if (scenario === 1) return refused('UTF-16 without BOM', utf16(declaration('UTF-16') + body, bigEndian));
			if (scenario === 2) return refused('UTF-16, odd byte count', Buffer.concat([utf16(`\ufeff${body}`, bigEndian), Buffer.of(0x3c)]));
			return refused('UTF-8 BOM, Latin-1 declared', Buffer.concat([Buffer.of(0xef, 0xbb, 0xbf), Buffer.from(declaration('ISO-8859-1') + body)]));
		}
		case 6:
		case 7: {
			const { bytes, source } = singleByte(declaration(generator.pick(['ISO-8859-1', 'iso-8859-1', 'latin1', 'ISO_8859-1'])) + body, latin1Char);
			return accepted('ISO-8859-1', bytes, source);
		}
		case 8: {
			const { bytes, source } = singleByte(declaration(generator.pick(['windows-1252', 'cp1252'])) + body, (char) => WINDOWS_1252_ENCODE.get(char));
			return accepted('windows-1252', bytes, source);
		}
		case 9: {
			const text = declaration(generator.pick(['US-ASCII', 'ascii'])) + body;
			if (![...text].every(isAscii) && generator.chance(0.5)) {
				return refused('US-ASCII declared, bytes above 0x7F', Buffer.from(text, 'utf8'));
			}
			const { bytes, source } = singleByte(text, (char) => (isAscii(char) ? char.charCodeAt(0) : undefined));
			return accepted('US-ASCII', bytes, source);
		}
		case 10:
			return refused(
				'unsupported encoding',
				Buffer.from(declaration(generator.pick(['Shift_JIS', 'EBCDIC-US', 'UTF-32', 'ISO-8859-2', 'x-unknown'])) + body, 'latin1'),
			);
		default: {
			// A Latin-1 é (0xE9, then a space: never a UTF-8 sequence) in a document declared UTF-8.
			const { bytes } = singleByte(declaration('UTF-8') + body.replace('>', '>\u00e9 '), latin1Char);
			return refused('Latin-1 bytes in a UTF-8 document', bytes);
		}
	}
}

function buildCorpus(): { cases: Case[]; generator: Generator } {
	const generator = new Generator(0x5eed);
	const cases: Case[] = [];
	for (let index = 0; index < 5000; index++) {
		const document = generator.document();
		const features = new Set(generator.features);
		if (hasLoneSurrogate(document)) features.add('lone-surrogate');
		cases.push({ label: `generated #${index}`, input: document, source: document, features, malformed: [...generator.malformed] });
	}
	for (let index = 0; cases.length < 6500; index++) {
		const body = generator.document(true);
		// A lone surrogate has no encoding at all; the string cases cover it.
		if (!hasLoneSurrogate(body)) cases.push(byteCase(generator, body, index));
	}
	const deep = '<a>'.repeat(65) + '</a>'.repeat(65);
	cases.push({ label: 'nesting 65 levels', input: deep, source: deep, features: new Set(['depth-limit']), malformed: [] });
	return { cases, generator };
}

function describeInput(input: string | Buffer): string {
	return typeof input === 'string' ? JSON.stringify(input) : `<Buffer ${input.toString('hex')}>`;
}

describe('the XML reader agrees with saxes (strict XML 1.0 + Namespaces)', () => {
	const { cases, generator } = buildCorpus();
	const mismatches: string[] = [];
	const differencesUsed = new Map<Difference, number>();
	/** Malformed pieces seen as the only flaw of a document whose outcome was checked. */
	const isolated = new Set<string>();
	let bothAccepted = 0;
	let bothRefused = 0;

	for (const testCase of cases) {
		const our = ours(testCase.input);
		if (!our.accepted && our.crashed) {
			mismatches.push(`${testCase.label}: crashed (${our.reason}): ${describeInput(testCase.input)}`);
			continue;
		}
		if (testCase.malformed.length === 1) isolated.add(testCase.malformed[0]);
		const allowed = [...testCase.features];
		if (allowed.length > 0) {
			// A deliberate difference: our reader must refuse, whatever saxes does.
			if (our.accepted) mismatches.push(`${testCase.label}: should be refused (${allowed.join(', ')}): ${describeInput(testCase.input)}`);
			const theirs = testCase.source === null ? undefined : saxes(testCase.source);
			for (const name of allowed) {
				if (theirs === undefined || theirs.accepted) differencesUsed.set(name, (differencesUsed.get(name) ?? 0) + 1);
			}
			continue;
		}
		const theirs = saxes(testCase.source as string);
		if (our.accepted && theirs.accepted) {
			bothAccepted++;
			// Both trees are built with the same key order, so their JSON compares them.
			if (JSON.stringify(our.tree) !== JSON.stringify(theirs.tree)) {
				mismatches.push(`${testCase.label}: trees differ for ${describeInput(testCase.input)}\n  ours:  ${JSON.stringify(our.tree)}\n  saxes: ${JSON.stringify(theirs.tree)}`);
			}
		} else if (!our.accepted && !theirs.accepted) {
			bothRefused++;
		} else {
			mismatches.push(
				`${testCase.label}: ours ${our.accepted ? 'accepted' : `refused (${our.reason})`}, saxes ${theirs.accepted ? 'accepted' : `refused (${theirs.reason})`}: ${describeInput(testCase.input)}`,
			);
		}
	}

	it('has no disagreement outside the named differences', () => {
		expect(mismatches.slice(0, 15)).toEqual([]);
	});

	it('is a corpus worth the name: thousands of documents, many accepted and many refused', () => {
		expect(cases.length).toBeGreaterThan(6000);
		expect(bothAccepted).toBeGreaterThan(cases.length * 0.2);
		expect(bothRefused).toBeGreaterThan(cases.length * 0.25);
	});

	it('generates every piece of the catalogue, and each malformed one alone in some document', () => {
		const expected: string[] = [];
		for (const [group, pieces] of Object.entries(PIECES)) {
			if (Array.isArray(pieces)) {
				for (const piece of pieces) expected.push(`${group}:${piece}`);
			} else {
				const { good, bad } = pieces as PieceGroup;
				for (const piece of good) expected.push(`${group}:good:${piece}`);
				for (const piece of bad) expected.push(`${group}:bad:${piece}`);
			}
		}
		const malformed = [...expected.filter((piece) => piece.includes(':bad:')), ...MALFORMED_CONSTRUCTS];
		expect(expected.filter((piece) => !generator.used.has(piece))).toEqual([]);
		expect(malformed.filter((piece) => !isolated.has(piece))).toEqual([]);
	});

	it('needs every named difference: each one is a case saxes accepts (or cannot judge) and ours refuses', () => {
		for (const name of Object.keys(ALLOWED_DIFFERENCES) as Difference[]) {
			expect([name, (differencesUsed.get(name) ?? 0) > 0]).toEqual([name, true]);
		}
	});
});
