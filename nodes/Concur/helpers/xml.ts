import type { IDataObject } from 'n8n-workflow';

/**
 * A small, strict XML 1.0 reader and writer for the handful of XML documents Concur exchanges
 * (callout <Notification>, v1.1 report details, exception results, workflow actions, legacy
 * errors). The package may not ship runtime dependencies, and the documents are tiny, so a
 * hand-written scanner is the safer choice. The callout body comes from anyone who can reach the
 * webhook, so the reader is written for hostile input:
 * - it refuses DTDs and knows only the five predefined entities, so XXE and entity expansion
 *   bombs cannot happen;
 * - it refuses every document that is not well-formed XML 1.0 with namespaces (its output is
 *   checked against saxes in test/unit/xml.differential.test.ts);
 * - element and attribute names never become keys of an object with a prototype, so names such
 *   as `__proto__` or `constructor` are ordinary data;
 * - given bytes, it honours the byte order mark and the declared encoding, and refuses bytes that
 *   are not valid in that encoding instead of replacing them;
 * - it runs in linear time and enforces size, depth and element-count limits.
 * Every refusal is an XmlParseError.
 */

export class XmlParseError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'XmlParseError';
	}
}

export interface XmlElement {
	/** Local name, namespace prefix removed. */
	name: string;
	prefix?: string;
	/**
	 * Qualified attribute name to normalised value, in document order. The object has no
	 * prototype, so a lookup of a name that is absent (`constructor`, `toString`) finds nothing.
	 */
	attributes: Record<string, string>;
	children: XmlElement[];
	/** Concatenated character data directly inside this element (not trimmed). */
	text: string;
}

export interface XmlLimits {
	maxBytes?: number;
	maxDepth?: number;
	maxNodes?: number;
}

const DEFAULT_LIMITS: Required<XmlLimits> = {
	maxBytes: 10 * 1024 * 1024,
	maxDepth: 64,
	maxNodes: 200_000,
};

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

const PREDEFINED_ENTITIES = new Map([
	['lt', '<'],
	['gt', '>'],
	['amp', '&'],
	['quot', '"'],
	['apos', "'"],
]);

function fail(message: string, offset?: number): never {
	throw new XmlParseError(offset === undefined ? message : `${message} (offset ${offset})`);
}

function codePointLabel(codePoint: number): string {
	return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Characters and names (XML 1.0 fifth edition, productions [2], [3], [4], [4a]).

function isSpace(code: number): boolean {
	return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}

function isXmlChar(codePoint: number): boolean {
	return (
		(codePoint >= 0x20 && codePoint <= 0xd7ff) ||
		codePoint === 0x09 ||
		codePoint === 0x0a ||
		codePoint === 0x0d ||
		(codePoint >= 0xe000 && codePoint <= 0xfffd) ||
		(codePoint >= 0x10000 && codePoint <= 0x10ffff)
	);
}

/** Refuses control characters, U+FFFE/U+FFFF and surrogates that are not part of a pair. */
function assertXmlChars(text: string): void {
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if ((code >= 0x20 && code < 0xd800) || code === 0x0a || code === 0x09 || code === 0x0d) continue;
		if (code >= 0xe000 && code <= 0xfffd) continue;
		if (code >= 0xd800 && code <= 0xdbff) {
			const next = text.charCodeAt(i + 1);
			if (next >= 0xdc00 && next <= 0xdfff) {
				i++;
				continue;
			}
		}
		fail(`Character ${codePointLabel(code)} is not allowed in XML`, i);
	}
}

function isNameStartChar(c: number): boolean {
	return (
		(c >= 0x61 && c <= 0x7a) ||
		(c >= 0x41 && c <= 0x5a) ||
		c === 0x5f ||
		c === 0x3a ||
		(c >= 0xc0 && c <= 0xd6) ||
		(c >= 0xd8 && c <= 0xf6) ||
		(c >= 0xf8 && c <= 0x2ff) ||
		(c >= 0x370 && c <= 0x37d) ||
		(c >= 0x37f && c <= 0x1fff) ||
		(c >= 0x200c && c <= 0x200d) ||
		(c >= 0x2070 && c <= 0x218f) ||
		(c >= 0x2c00 && c <= 0x2fef) ||
		(c >= 0x3001 && c <= 0xd7ff) ||
		(c >= 0xf900 && c <= 0xfdcf) ||
		(c >= 0xfdf0 && c <= 0xfffd) ||
		(c >= 0x10000 && c <= 0xeffff)
	);
}

function isNameChar(c: number): boolean {
	return (
		isNameStartChar(c) ||
		c === 0x2d ||
		c === 0x2e ||
		(c >= 0x30 && c <= 0x39) ||
		c === 0xb7 ||
		(c >= 0x300 && c <= 0x36f) ||
		(c >= 0x203f && c <= 0x2040)
	);
}

/** Index just past the Name starting at `start`, or `start` itself when no Name starts there. */
function nameEnd(text: string, start: number): number {
	let pos = start;
	while (pos < text.length) {
		const codePoint = text.codePointAt(pos) as number;
		if (!(pos === start ? isNameStartChar(codePoint) : isNameChar(codePoint))) break;
		pos += codePoint > 0xffff ? 2 : 1;
	}
	return pos;
}

/** Splits a QName (Namespaces in XML 1.0): at most one colon, with a name on both sides. */
function splitQName(qualified: string, offset: number): { prefix?: string; local: string } {
	const colon = qualified.indexOf(':');
	if (colon === -1) return { local: qualified };
	const prefix = qualified.slice(0, colon);
	const local = qualified.slice(colon + 1);
	if (prefix === '' || local === '' || local.includes(':') || nameEnd(local, 0) !== local.length) {
		fail(`"${qualified}" is not a valid qualified name`, offset);
	}
	return { prefix, local };
}

// ---------------------------------------------------------------------------------------------
// References (&lt; &#65; &#x41;) in character data and attribute values.

/** Value of the character reference whose digits start at `start`; `end` is the `;`. */
function readCharacterReference(raw: string, start: number, offset: number): { value: string; end: number } {
	const hex = raw.charCodeAt(start) === 0x78; // lower-case x only, as production [66] says
	let pos = hex ? start + 1 : start;
	let codePoint = 0;
	const digitsStart = pos;
	for (; pos < raw.length; pos++) {
		const digit = hex ? parseInt(raw[pos], 16) : raw.charCodeAt(pos) - 0x30;
		if (Number.isNaN(digit) || digit < 0 || digit > (hex ? 15 : 9)) break;
		// Capped so that endless leading digits cannot overflow into a valid code point.
		codePoint = Math.min(codePoint * (hex ? 16 : 10) + digit, 0x110000);
	}
	if (pos === digitsStart || raw[pos] !== ';') fail('Malformed character reference', offset + start - 2);
	if (!isXmlChar(codePoint)) {
		fail(`Character reference to ${codePointLabel(codePoint)} is not allowed in XML`, offset + start - 2);
	}
	return { value: String.fromCodePoint(codePoint), end: pos };
}

/** Replaces references; `offset` is where `raw` starts in the document (for messages). */
function decodeReferences(raw: string, offset: number): string {
	let amp = raw.indexOf('&');
	if (amp === -1) return raw;
	let out = '';
	let done = 0;
	while (amp !== -1) {
		out += raw.slice(done, amp);
		let end: number;
		if (raw.charCodeAt(amp + 1) === 0x23) {
			const reference = readCharacterReference(raw, amp + 2, offset);
			out += reference.value;
			end = reference.end;
		} else {
			end = nameEnd(raw, amp + 1);
			if (end === amp + 1 || raw[end] !== ';') fail('"&" must start an entity reference such as &amp;', offset + amp);
			const name = raw.slice(amp + 1, end);
			const value = PREDEFINED_ENTITIES.get(name);
			// Only the five predefined entities exist without a DTD, and DTDs are refused.
			if (value === undefined) fail(`Undefined entity reference "&${name};"`, offset + amp);
			out += value;
		}
		done = end + 1;
		amp = raw.indexOf('&', done);
	}
	return out + raw.slice(done);
}

// ---------------------------------------------------------------------------------------------
// The XML declaration and the encoding of a document given as bytes (XML 1.0 §4.3.3, App. F).

interface XmlDeclaration {
	encoding?: string;
	/** Index just past `?>`. */
	end: number;
}

const DECLARATION_FIELDS = ['version', 'encoding', 'standalone'];

/** Reads `<?xml version=... encoding=... standalone=...?>` at the very start, if there is one. */
function readXmlDeclaration(text: string): XmlDeclaration | undefined {
	if (!text.startsWith('<?xml') || !isSpace(text.charCodeAt(5))) return undefined;
	const values = new Map<string, string>();
	let pos = 5;
	let nextField = 0;
	for (;;) {
		const spaceStart = pos;
		while (isSpace(text.charCodeAt(pos))) pos++;
		if (text.startsWith('?>', pos)) break;
		if (pos === spaceStart) fail('The XML declaration needs whitespace between its fields', pos);
		const nameStart = pos;
		while (text.charCodeAt(pos) >= 0x61 && text.charCodeAt(pos) <= 0x7a) pos++;
		const name = text.slice(nameStart, pos);
		const field = DECLARATION_FIELDS.indexOf(name, nextField);
		if (field === -1 || (nextField === 0 && field !== 0)) {
			fail('The XML declaration must read <?xml version="1.0" encoding="..." standalone="..."?>', nameStart);
		}
		nextField = field + 1;
		while (isSpace(text.charCodeAt(pos))) pos++;
		if (text[pos] !== '=') fail(`The XML declaration's ${name} has no value`, pos);
		pos++;
		while (isSpace(text.charCodeAt(pos))) pos++;
		const quote = text[pos];
		if (quote !== '"' && quote !== "'") fail(`The XML declaration's ${name} must be quoted`, pos);
		const close = text.indexOf(quote, pos + 1);
		if (close === -1) fail('Unterminated XML declaration', pos);
		values.set(name, text.slice(pos + 1, close));
		pos = close + 1;
	}
	const version = values.get('version');
	if (version === undefined) fail('The XML declaration has no version', 0);
	if (version !== '1.0') {
		const known = /^1\.[0-9]+$/.test(version);
		fail(known ? `XML version ${version} is not supported (only 1.0 is)` : `"${version}" is not an XML version`, 0);
	}
	const encoding = values.get('encoding');
	if (encoding !== undefined && !/^[A-Za-z][A-Za-z0-9._-]*$/.test(encoding)) {
		fail(`"${encoding}" is not an encoding name`, 0);
	}
	const standalone = values.get('standalone');
	if (standalone !== undefined && standalone !== 'yes' && standalone !== 'no') {
		fail('standalone must be "yes" or "no"', 0);
	}
	return { encoding, end: pos + 2 };
}

type Encoding = 'UTF-8' | 'UTF-16' | 'ISO-8859-1' | 'US-ASCII' | 'windows-1252';

/** Encoding names this reader decodes, lower-cased (IANA names and their common aliases). */
const ENCODINGS = new Map<string, Encoding>([
	['utf-8', 'UTF-8'],
	['utf8', 'UTF-8'],
	['utf-16', 'UTF-16'],
	['utf-16le', 'UTF-16'],
	['utf-16be', 'UTF-16'],
	['iso-8859-1', 'ISO-8859-1'],
	['iso_8859-1', 'ISO-8859-1'],
	['iso8859-1', 'ISO-8859-1'],
	['latin1', 'ISO-8859-1'],
	['l1', 'ISO-8859-1'],
	['us-ascii', 'US-ASCII'],
	['ascii', 'US-ASCII'],
	['windows-1252', 'windows-1252'],
	['cp1252', 'windows-1252'],
]);

/** windows-1252 bytes 0x80-0x9F (the WHATWG table); every other byte is the Latin-1 character. */
const WINDOWS_1252_HIGH =
	'\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
	'\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

// fatal: malformed UTF-8 is refused, not turned into U+FFFD. ignoreBOM: the caller strips it.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf8(bytes: Buffer): string {
	try {
		return UTF8.decode(bytes);
	} catch {
		return fail('The document is not valid UTF-8');
	}
}

/** Surrogates that are not pairs survive this decoding and are refused by assertXmlChars. */
function decodeUtf16(bytes: Buffer, bigEndian: boolean): string {
	if (bytes.length % 2 !== 0) fail('The UTF-16 document has an odd number of bytes');
	return (bigEndian ? Buffer.from(bytes).swap16() : bytes).toString('utf16le');
}

function startsWithBytes(bytes: Buffer, prefix: number[]): boolean {
	return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}

/** A byte order mark fixes the encoding; a declaration that says otherwise is a contradiction. */
function checkDeclaredEncoding(text: string, byteOrderMark: string, allowed: string[]): string {
	const declared = readXmlDeclaration(text)?.encoding;
	if (declared !== undefined && !allowed.includes(declared.toLowerCase())) {
		fail(`The byte order mark says ${byteOrderMark} but the XML declaration says encoding="${declared}"`);
	}
	return text;
}

function decodeDocument(bytes: Buffer): string {
	if (startsWithBytes(bytes, [0xef, 0xbb, 0xbf])) {
		return checkDeclaredEncoding(decodeUtf8(bytes.subarray(3)), 'UTF-8', ['utf-8', 'utf8']);
	}
	if (startsWithBytes(bytes, [0xff, 0xfe])) {
		return checkDeclaredEncoding(decodeUtf16(bytes.subarray(2), false), 'UTF-16LE', ['utf-16', 'utf-16le']);
	}
	if (startsWithBytes(bytes, [0xfe, 0xff])) {
		return checkDeclaredEncoding(decodeUtf16(bytes.subarray(2), true), 'UTF-16BE', ['utf-16', 'utf-16be']);
	}
	if (startsWithBytes(bytes, [0x3c, 0x00, 0x3f, 0x00]) || startsWithBytes(bytes, [0x00, 0x3c, 0x00, 0x3f])) {
		fail('A UTF-16 document must start with a byte order mark');
	}
	// Without a byte order mark the document starts in an ASCII-compatible encoding, so the
	// declaration reads the same in every candidate and names the encoding of the whole.
	let declared: string | undefined;
	if (startsWithBytes(bytes, [0x3c, 0x3f, 0x78, 0x6d, 0x6c])) {
		const close = bytes.indexOf('?>');
		declared = readXmlDeclaration(bytes.toString('latin1', 0, close === -1 ? bytes.length : close + 2))?.encoding;
	}
	switch (declared === undefined ? 'UTF-8' : ENCODINGS.get(declared.toLowerCase())) {
		case 'UTF-8':
			return decodeUtf8(bytes);
		case 'ISO-8859-1':
			return bytes.toString('latin1');
		case 'windows-1252':
			return bytes.toString('latin1').replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80]);
		case 'US-ASCII': {
			const offset = bytes.findIndex((byte) => byte > 0x7f);
			if (offset !== -1) fail(`Byte 0x${bytes[offset].toString(16)} is not US-ASCII`, offset);
			return bytes.toString('latin1');
		}
		case 'UTF-16':
			return fail(`The document declares encoding="${declared}" but has no UTF-16 byte order mark`);
		default:
			return fail(`Unsupported encoding "${declared}" (supported: UTF-8, UTF-16, ISO-8859-1, US-ASCII, windows-1252)`);
	}
}

// ---------------------------------------------------------------------------------------------
// The document.

interface OpenElement {
	element: XmlElement;
	qualified: string;
	/** Prefixes this element declared, unbound again when it closes. */
	declared: string[];
}

class DocumentReader {
	private pos = 0;
	private nodes = 0;
	private root: XmlElement | undefined;
	private readonly open: OpenElement[] = [];
	/** Prefix to the stack of namespace names in scope; a Map, so any prefix is just a key. */
	private readonly namespaces = new Map<string, string[]>([['xml', [XML_NAMESPACE]]]);

	constructor(
		private readonly text: string,
		private readonly limits: Required<XmlLimits>,
	) {}

	read(): XmlElement {
		const { text } = this;
		this.pos = readXmlDeclaration(text)?.end ?? 0;
		while (this.pos < text.length) {
			if (text.charCodeAt(this.pos) !== 0x3c) this.readCharData();
			else if (text.startsWith('<?', this.pos)) this.skipProcessingInstruction();
			else if (text.startsWith('<!--', this.pos)) this.skipComment();
			else if (text.startsWith('<![CDATA[', this.pos)) this.readCData();
			else if (text.startsWith('<!', this.pos)) {
				// <!DOCTYPE ...>, <!ENTITY ...> and friends: the door to XXE and entity bombs stays shut.
				this.fail('Document type declarations and entity declarations are not allowed');
			} else if (text.startsWith('</', this.pos)) this.readEndTag();
			else this.readStartTag();
		}
		if (this.open.length > 0) fail(`Unclosed element <${this.open[this.open.length - 1].qualified}>`);
		if (this.root === undefined) fail('No root element found');
		return this.root;
	}

	private fail(message: string): never {
		return fail(message, this.pos);
	}

	private current(): XmlElement | undefined {
		return this.open[this.open.length - 1]?.element;
	}

	private skipSpace(): boolean {
		const start = this.pos;
		while (isSpace(this.text.charCodeAt(this.pos))) this.pos++;
		return this.pos > start;
	}

	private readName(what: string): string {
		const end = nameEnd(this.text, this.pos);
		if (end === this.pos) this.fail(`Expected ${what}`);
		const name = this.text.slice(this.pos, end);
		this.pos = end;
		return name;
	}

	private readCharData(): void {
		const start = this.pos;
		const lt = this.text.indexOf('<', start);
		const end = lt === -1 ? this.text.length : lt;
		const chunk = this.text.slice(start, end);
		const element = this.current();
		if (element === undefined) {
			for (let i = 0; i < chunk.length; i++) {
				if (!isSpace(chunk.charCodeAt(i))) fail('Text outside the root element', start + i);
			}
		} else {
			const cdataEnd = chunk.indexOf(']]>');
			if (cdataEnd !== -1) fail('"]]>" is not allowed in character data', start + cdataEnd);
			element.text += decodeReferences(chunk, start);
		}
		this.pos = end;
	}

	/** Processing instructions carry nothing the nodes use; they are checked and skipped. */
	private skipProcessingInstruction(): void {
		this.pos += 2;
		const target = this.readName('a processing instruction target');
		if (target.toLowerCase() === 'xml') {
			this.fail(
				target === 'xml'
					? 'An XML declaration is only allowed at the very start of the document'
					: `The processing instruction target "${target}" is reserved`,
			);
		}
		if (target.includes(':')) this.fail(`The processing instruction target "${target}" contains a colon`);
		if (!this.text.startsWith('?>', this.pos) && !this.skipSpace()) this.fail('Malformed processing instruction');
		const end = this.text.indexOf('?>', this.pos);
		if (end === -1) this.fail('Unterminated processing instruction');
		this.pos = end + 2;
	}

	private skipComment(): void {
		const end = this.text.indexOf('--', this.pos + 4);
		if (end === -1) this.fail('Unterminated comment');
		if (this.text[end + 2] !== '>') fail('"--" is not allowed inside a comment', end);
		this.pos = end + 3;
	}

	private readCData(): void {
		const element = this.current();
		if (element === undefined) this.fail('CDATA outside the root element');
		const end = this.text.indexOf(']]>', this.pos + 9);
		if (end === -1) this.fail('Unterminated CDATA section');
		element.text += this.text.slice(this.pos + 9, end);
		this.pos = end + 3;
	}

	private readEndTag(): void {
		this.pos += 2;
		const qualified = this.readName('a closing tag name');
		this.skipSpace();
		if (this.text[this.pos] !== '>') this.fail('Malformed closing tag');
		const open = this.open.pop();
		if (open === undefined) this.fail(`Unexpected closing tag </${qualified}>`);
		if (open.qualified !== qualified) this.fail(`Closing tag </${qualified}> does not match <${open.qualified}>`);
		for (const prefix of open.declared) this.namespaces.get(prefix)?.pop();
		this.pos++;
	}

	private readAttributeValue(): string {
		const quote = this.text[this.pos];
		if (quote !== '"' && quote !== "'") this.fail('Attribute values must be quoted');
		const end = this.text.indexOf(quote, this.pos + 1);
		if (end === -1) this.fail('Unterminated attribute value');
		const raw = this.text.slice(this.pos + 1, end);
		const lt = raw.indexOf('<');
		if (lt !== -1) fail('"<" is not allowed in attribute values', this.pos + 1 + lt);
		// Attribute-value normalisation (§3.3.3): literal tabs and newlines become spaces, while
		// &#9; and &#10; keep theirs.
		const value = decodeReferences(raw.replace(/[\t\n]/g, ' '), this.pos + 1);
		this.pos = end + 1;
		return value;
	}

	private readStartTag(): void {
		const start = this.pos;
		if (this.root !== undefined && this.open.length === 0) this.fail('More than one root element');
		this.pos++;
		const qualified = this.readName('an element name');
		this.nodes++;
		if (this.nodes > this.limits.maxNodes) this.fail(`XML document has more than ${this.limits.maxNodes} elements`);
		const attributes: Array<[string, string]> = [];
		const names = new Set<string>();
		let selfClosing = false;
		for (;;) {
			const spaced = this.skipSpace();
			if (this.text[this.pos] === '>') {
				this.pos++;
				break;
			}
			if (this.text.startsWith('/>', this.pos)) {
				this.pos += 2;
				selfClosing = true;
				break;
			}
			if (this.pos >= this.text.length) this.fail('Unterminated tag');
			if (!spaced) this.fail('Attributes must be separated by whitespace');
			const name = this.readName('an attribute name');
			if (names.has(name)) this.fail(`Duplicate attribute ${name}`);
			names.add(name);
			this.skipSpace();
			if (this.text[this.pos] !== '=') this.fail(`Attribute ${name} has no value`);
			this.pos++;
			this.skipSpace();
			attributes.push([name, this.readAttributeValue()]);
		}

		const declared = this.declareNamespaces(attributes, start);
		const { prefix, local } = splitQName(qualified, start);
		// xmlns is never bound (declaring it is refused), so <xmlns:a> fails here too.
		if (prefix !== undefined && this.namespace(prefix) === undefined) {
			fail(`<${qualified}> uses the undeclared namespace prefix "${prefix}"`, start);
		}
		// No prototype: an attribute named __proto__ is stored as an own key, not as the prototype.
		const attributeMap: Record<string, string> = Object.create(null);
		const expandedNames = new Set<string>();
		for (const [name, value] of attributes) {
			const split = splitQName(name, start);
			if (split.prefix !== undefined) {
				const uri = split.prefix === 'xmlns' ? XMLNS_NAMESPACE : this.namespace(split.prefix);
				if (uri === undefined) fail(`Attribute ${name} uses the undeclared namespace prefix "${split.prefix}"`, start);
				const expanded = `{${uri}}${split.local}`;
				if (expandedNames.has(expanded)) fail(`Duplicate attribute ${name} (same namespace and local name)`, start);
				expandedNames.add(expanded);
			}
			attributeMap[name] = value;
		}

		const element: XmlElement = { name: local, attributes: attributeMap, children: [], text: '' };
		if (prefix !== undefined) element.prefix = prefix;
		const parent = this.current();
		if (parent === undefined) this.root = element;
		else parent.children.push(element);
		if (selfClosing) {
			for (const declaredPrefix of declared) this.namespaces.get(declaredPrefix)?.pop();
		} else {
			this.open.push({ element, qualified, declared });
			if (this.open.length > this.limits.maxDepth) this.fail(`XML is nested deeper than ${this.limits.maxDepth} levels`);
		}
	}

	private namespace(prefix: string): string | undefined {
		const bound = this.namespaces.get(prefix);
		return bound?.[bound.length - 1];
	}

	/** Binds the element's xmlns:p declarations (Namespaces in XML 1.0 §3) and returns the prefixes. */
	private declareNamespaces(attributes: Array<[string, string]>, offset: number): string[] {
		const declared: string[] = [];
		for (const [name, value] of attributes) {
			if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
			const prefix = name === 'xmlns' ? '' : splitQName(name, offset).local;
			const uri = value.trim();
			if (prefix === 'xmlns') fail('The prefix xmlns cannot be declared', offset);
			if (prefix === 'xml' ? uri !== XML_NAMESPACE : uri === XML_NAMESPACE) {
				fail(`The prefix xml and the namespace ${XML_NAMESPACE} belong only to each other`, offset);
			}
			if (uri === XMLNS_NAMESPACE) fail(`The namespace ${XMLNS_NAMESPACE} cannot be declared`, offset);
			if (prefix === '') continue;
			if (uri === '') fail(`${name}="" cannot undeclare a prefix in XML 1.0`, offset);
			const bound = this.namespaces.get(prefix);
			if (bound === undefined) this.namespaces.set(prefix, [uri]);
			else bound.push(uri);
			declared.push(prefix);
		}
		return declared;
	}
}

/**
 * Parses an XML document into an element tree. Throws XmlParseError on anything unsafe or
 * malformed. Give it the raw bytes where there are any: only then can the byte order mark and the
 * `encoding=` declaration be honoured (a string is taken as already decoded).
 */
export function parseXml(input: string | Buffer, limits: XmlLimits = {}): XmlElement {
	const resolved = { ...DEFAULT_LIMITS, ...limits };
	const byteLength = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
	if (byteLength > resolved.maxBytes) fail(`XML document is larger than ${resolved.maxBytes} bytes`);
	const decoded =
		typeof input === 'string' ? (input.charCodeAt(0) === 0xfeff ? input.slice(1) : input) : decodeDocument(input);
	// End-of-line handling (§2.11): CR LF and lone CR reach the document as LF.
	const text = decoded.replace(/\r\n?/g, '\n');
	assertXmlChars(text);
	return new DocumentReader(text, resolved).read();
}

function localName(qualified: string): string {
	return qualified.slice(qualified.indexOf(':') + 1);
}

function isNilAttribute(name: string): boolean {
	return localName(name) === 'nil';
}

/** Whether an element is `xsi:nil="true"` (xsd:boolean: surrounding white space is ignored). */
export function isNil(element: XmlElement): boolean {
	return Object.entries(element.attributes).some(([name, value]) => isNilAttribute(name) && value.trim() === 'true');
}

/** The first child with this local name, compared case-insensitively (Concur's casing varies). */
export function childElement(element: XmlElement, name: string): XmlElement | undefined {
	const wanted = name.toLowerCase();
	return element.children.find((candidate) => candidate.name.toLowerCase() === wanted);
}

/**
 * Element and attribute names are collected in a Map and copied with defineProperty: assigning
 * `out["__proto__"] = value` would replace the object's prototype instead of adding a key. The
 * result is a plain object shaped exactly as JSON.parse would shape the same keys.
 */
function toPlainObject(fields: Map<string, unknown>): IDataObject {
	const out: IDataObject = {};
	for (const [key, value] of fields) {
		Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
	}
	return out;
}

export interface XmlToJsonOptions {
	/** Element names that always become arrays, even when they occur once. */
	arrays?: string[];
}

/** Turns an element into plain JSON without namespace noise. */
export function xmlToJson(
	element: XmlElement,
	options: XmlToJsonOptions = {},
): IDataObject | string | null {
	if (isNil(element)) return null;
	const fields = new Map<string, unknown>();
	for (const [attribute, value] of Object.entries(element.attributes)) {
		if (attribute === 'xmlns' || attribute.startsWith('xmlns:') || isNilAttribute(attribute)) continue;
		fields.set(`@${localName(attribute)}`, value);
	}
	if (element.children.length === 0) {
		const value = element.text.trim();
		return value === '' && fields.size > 0 ? toPlainObject(fields) : value;
	}
	const arrays = new Set(options.arrays ?? []);
	const counts = new Map<string, number>();
	for (const child of element.children) counts.set(child.name, (counts.get(child.name) ?? 0) + 1);
	for (const child of element.children) {
		const value = xmlToJson(child, options);
		if (arrays.has(child.name) || (counts.get(child.name) ?? 0) > 1) {
			const list = fields.get(child.name) as unknown[] | undefined;
			if (list === undefined) fields.set(child.name, [value]);
			else list.push(value);
		} else {
			fields.set(child.name, value);
		}
	}
	const mixedText = element.text.trim();
	if (mixedText !== '') fields.set('#text', mixedText);
	return toPlainObject(fields);
}

/** Parses XML and returns the root's local name with its content as clean JSON. */
export function parseXmlToJson(
	input: string | Buffer,
	options: XmlToJsonOptions & XmlLimits = {},
): { root: string; data: IDataObject } {
	const root = parseXml(input, options);
	const value = xmlToJson(root, options);
	const data: IDataObject =
		value !== null && typeof value === 'object' ? value : { value: value as string | null };
	return { root: root.name, data };
}

export function escapeXml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&apos;');
}

const ELEMENT_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function assertElementName(name: string): void {
	if (!ELEMENT_NAME.test(name)) throw new XmlParseError(`"${name}" is not a valid XML element name`);
}

function buildChildren(content: IDataObject): string {
	let out = '';
	for (const [name, value] of Object.entries(content)) {
		if (value === null || value === undefined) continue;
		assertElementName(name);
		const values = Array.isArray(value) ? value : [value];
		for (const item of values) {
			if (item === null || item === undefined) continue;
			if (typeof item === 'object') {
				out += `<${name}>${buildChildren(item as IDataObject)}</${name}>`;
			} else {
				out += `<${name}>${escapeXml(String(item))}</${name}>`;
			}
		}
	}
	return out;
}

/** Builds a complete XML document; object keys become child elements in order, arrays repeat. */
export function buildXml(root: string, content: IDataObject, namespace?: string): string {
	assertElementName(root);
	const xmlns = namespace ? ` xmlns="${escapeXml(namespace)}"` : '';
	return `<?xml version="1.0" encoding="UTF-8"?><${root}${xmlns}>${buildChildren(content)}</${root}>`;
}
