import type { IDataObject } from 'n8n-workflow';

/**
 * A small, strict XML reader and writer for the handful of XML documents Concur exchanges
 * (callout <Notification>, v1.1 report details, exception results, workflow actions, legacy
 * errors). The package may not ship runtime dependencies, and the documents are tiny, so a
 * hand-written scanner is the safer choice: it refuses DTDs, entity declarations and unknown
 * entity references outright (XXE and entity expansion bombs cannot happen), runs in linear time
 * and enforces size, depth and node-count limits.
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

const PREDEFINED_ENTITIES: Record<string, string> = {
	lt: '<',
	gt: '>',
	amp: '&',
	quot: '"',
	apos: "'",
};

const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;
const NAME_CHAR = /[A-Za-z0-9_:.\-\u00B7\u00C0-\uFFFF]/;

function decodeEntities(raw: string, position: number): string {
	if (!raw.includes('&')) return raw;
	let out = '';
	let i = 0;
	while (i < raw.length) {
		const amp = raw.indexOf('&', i);
		if (amp === -1) {
			out += raw.slice(i);
			break;
		}
		out += raw.slice(i, amp);
		const semi = raw.indexOf(';', amp);
		if (semi === -1 || semi - amp > 12) {
			throw new XmlParseError(`Unterminated entity reference near offset ${position + amp}`);
		}
		const ref = raw.slice(amp + 1, semi);
		if (ref.startsWith('#')) {
			const isHex = ref[1] === 'x' || ref[1] === 'X';
			const digits = isHex ? ref.slice(2) : ref.slice(1);
			const valid = isHex ? /^[0-9a-fA-F]{1,6}$/.test(digits) : /^[0-9]{1,7}$/.test(digits);
			const codePoint = valid ? parseInt(digits, isHex ? 16 : 10) : NaN;
			if (!valid || codePoint > 0x10ffff || codePoint === 0) {
				throw new XmlParseError(`Invalid character reference "&${ref};"`);
			}
			out += String.fromCodePoint(codePoint);
		} else if (Object.prototype.hasOwnProperty.call(PREDEFINED_ENTITIES, ref)) {
			out += PREDEFINED_ENTITIES[ref];
		} else {
			// Only the five predefined entities exist without a DTD, and DTDs are refused.
			throw new XmlParseError(`Entity references are not allowed ("&${ref};")`);
		}
		i = semi + 1;
	}
	return out;
}

function splitName(qualified: string): { name: string; prefix?: string } {
	const colon = qualified.indexOf(':');
	if (colon === -1) return { name: qualified };
	return { prefix: qualified.slice(0, colon), name: qualified.slice(colon + 1) };
}

/** Parses an XML document into an element tree. Throws XmlParseError on anything unsafe or malformed. */
export function parseXml(input: string | Buffer, limits: XmlLimits = {}): XmlElement {
	const { maxBytes, maxDepth, maxNodes } = { ...DEFAULT_LIMITS, ...limits };
	const byteLength = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
	if (byteLength > maxBytes) {
		throw new XmlParseError(`XML document is larger than ${maxBytes} bytes`);
	}
	let text = typeof input === 'string' ? input : input.toString('utf8');
	if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

	const length = text.length;
	let pos = 0;
	let nodes = 0;
	let root: XmlElement | undefined;
	const stack: XmlElement[] = [];

	const fail = (message: string): never => {
		throw new XmlParseError(`${message} (offset ${pos})`);
	};

	const readName = (): string => {
		const start = pos;
		if (pos >= length || !NAME_START.test(text[pos])) fail('Expected a name');
		pos++;
		while (pos < length && NAME_CHAR.test(text[pos])) pos++;
		return text.slice(start, pos);
	};

	const skipSpace = () => {
		while (pos < length && (text[pos] === ' ' || text[pos] === '\n' || text[pos] === '\r' || text[pos] === '\t')) {
			pos++;
		}
	};

	while (pos < length) {
		const lt = text.indexOf('<', pos);
		const chunkEnd = lt === -1 ? length : lt;
		if (chunkEnd > pos) {
			const chunk = text.slice(pos, chunkEnd);
			if (stack.length === 0) {
				if (chunk.trim() !== '') fail('Text outside the root element');
			} else {
				stack[stack.length - 1].text += decodeEntities(chunk, pos);
			}
			pos = chunkEnd;
			continue;
		}
		// text[pos] === '<'
		if (text.startsWith('<?', pos)) {
			const end = text.indexOf('?>', pos + 2);
			if (end === -1) fail('Unterminated processing instruction');
			const target = text.slice(pos + 2, end).trim().split(/\s/)[0];
			if (target.toLowerCase() !== 'xml' || root !== undefined || stack.length > 0) {
				fail('Processing instructions are not allowed');
			}
			pos = end + 2;
			continue;
		}
		if (text.startsWith('<!--', pos)) {
			const end = text.indexOf('-->', pos + 4);
			if (end === -1) fail('Unterminated comment');
			pos = end + 3;
			continue;
		}
		if (text.startsWith('<![CDATA[', pos)) {
			if (stack.length === 0) fail('CDATA outside the root element');
			const end = text.indexOf(']]>', pos + 9);
			if (end === -1) fail('Unterminated CDATA section');
			stack[stack.length - 1].text += text.slice(pos + 9, end);
			pos = end + 3;
			continue;
		}
		if (text.startsWith('<!', pos)) {
			// <!DOCTYPE ...>, <!ENTITY ...> and friends: the door to XXE and entity bombs stays shut.
			fail('Document type declarations and entity declarations are not allowed');
		}
		if (text.startsWith('</', pos)) {
			pos += 2;
			const qualified = readName();
			skipSpace();
			if (text[pos] !== '>') fail('Malformed closing tag');
			pos++;
			const open = stack.pop();
			if (!open) fail(`Unexpected closing tag </${qualified}>`);
			const openQualified = open!.prefix ? `${open!.prefix}:${open!.name}` : open!.name;
			if (openQualified !== qualified) fail(`Closing tag </${qualified}> does not match <${openQualified}>`);
			continue;
		}
		// Opening tag.
		pos++;
		if (root !== undefined && stack.length === 0) fail('More than one root element');
		const qualified = readName();
		const element: XmlElement = { ...splitName(qualified), attributes: {}, children: [], text: '' };
		nodes++;
		if (nodes > maxNodes) fail(`XML document has more than ${maxNodes} elements`);
		let selfClosing = false;
		for (;;) {
			skipSpace();
			if (pos >= length) fail('Unterminated tag');
			if (text[pos] === '>') {
				pos++;
				break;
			}
			if (text.startsWith('/>', pos)) {
				pos += 2;
				selfClosing = true;
				break;
			}
			const attributeName = readName();
			skipSpace();
			if (text[pos] !== '=') fail(`Attribute ${attributeName} has no value`);
			pos++;
			skipSpace();
			const quote = text[pos];
			if (quote !== '"' && quote !== "'") fail('Attribute values must be quoted');
			const end = text.indexOf(quote, pos + 1);
			if (end === -1) fail('Unterminated attribute value');
			const rawValue = text.slice(pos + 1, end);
			if (rawValue.includes('<')) fail('"<" is not allowed in attribute values');
			if (Object.prototype.hasOwnProperty.call(element.attributes, attributeName)) {
				fail(`Duplicate attribute ${attributeName}`);
			}
			element.attributes[attributeName] = decodeEntities(rawValue, pos + 1);
			pos = end + 1;
		}
		if (stack.length === 0) {
			root = element;
		} else {
			stack[stack.length - 1].children.push(element);
		}
		if (!selfClosing) {
			stack.push(element);
			if (stack.length > maxDepth) fail(`XML is nested deeper than ${maxDepth} levels`);
		}
	}
	if (stack.length > 0) throw new XmlParseError(`Unclosed element <${stack[stack.length - 1].name}>`);
	if (!root) throw new XmlParseError('No root element found');
	return root;
}

function isNil(element: XmlElement): boolean {
	for (const [attribute, value] of Object.entries(element.attributes)) {
		if ((attribute === 'nil' || attribute.endsWith(':nil')) && value === 'true') return true;
	}
	return false;
}

function dataAttributes(element: XmlElement): IDataObject {
	const out: IDataObject = {};
	for (const [attribute, value] of Object.entries(element.attributes)) {
		if (attribute === 'xmlns' || attribute.startsWith('xmlns:')) continue;
		if (attribute === 'nil' || attribute.endsWith(':nil')) continue;
		out[`@${splitName(attribute).name}`] = value;
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
	const attributes = dataAttributes(element);
	const hasAttributes = Object.keys(attributes).length > 0;
	if (element.children.length === 0) {
		const value = element.text.trim();
		if (value === '' && hasAttributes) return attributes;
		return value;
	}
	const arrays = new Set(options.arrays ?? []);
	const counts = new Map<string, number>();
	for (const child of element.children) counts.set(child.name, (counts.get(child.name) ?? 0) + 1);
	const out: IDataObject = { ...attributes };
	for (const child of element.children) {
		const value = xmlToJson(child, options);
		if (arrays.has(child.name) || (counts.get(child.name) ?? 0) > 1) {
			const list = (out[child.name] as unknown[] | undefined) ?? [];
			list.push(value);
			out[child.name] = list as IDataObject[];
		} else {
			out[child.name] = value;
		}
	}
	const mixedText = element.text.trim();
	if (mixedText !== '') out['#text'] = mixedText;
	return out;
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
