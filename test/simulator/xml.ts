// Minimal XML helpers for the simulator: escaping for the documents it writes, and a small,
// strict parser for the few request bodies it reads (<Exceptions>, <WorkflowAction>). The parser
// refuses DOCTYPE/ENTITY declarations and knows only the five predefined entities plus character
// references, so hostile bodies get a 400 instead of surprising behaviour.

export interface XmlElement {
	/** Local name without prefix (`ns:Foo` → `Foo`). */
	name: string;
	/** Qualified name as written. */
	qname: string;
	attributes: Record<string, string>;
	children: XmlElement[];
	/** Concatenated text content directly inside this element (trimmed). */
	text: string;
}

export class XmlParseError extends Error {}

export function escapeXml(value: unknown): string {
	return String(value)
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&apos;');
}

/** `<Name>value</Name>`, or `<Name i:nil="true" />` for null/undefined when nilNamespace is used. */
export function el(name: string, value: unknown, nilAsXsi = false): string {
	if (value === null || value === undefined) return nilAsXsi ? `<${name} i:nil="true" />` : `<${name} />`;
	return `<${name}>${escapeXml(value)}</${name}>`;
}

function decodeEntities(text: string): string {
	return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (match, ref: string) => {
		if (ref[0] === '#') {
			const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
			if (!Number.isFinite(code) || code > 0x10ffff) throw new XmlParseError(`Bad character reference ${match}`);
			return String.fromCodePoint(code);
		}
		const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
		if (!(ref in named)) throw new XmlParseError(`Unknown entity ${match}`);
		return named[ref];
	});
}

const MAX_XML_BYTES = 1_000_000;
const MAX_DEPTH = 64;

/** Parses a small XML document into a tree. Throws XmlParseError on anything unexpected. */
export function parseXml(source: string): XmlElement {
	if (source.length > MAX_XML_BYTES) throw new XmlParseError('Document too large');
	let pos = 0;
	const text = source.replace(/^\uFEFF/, '');
	const skipMisc = () => {
		for (;;) {
			const ws = /^\s*/.exec(text.slice(pos));
			pos += ws ? ws[0].length : 0;
			if (text.startsWith('<?', pos)) {
				const end = text.indexOf('?>', pos);
				if (end < 0) throw new XmlParseError('Unterminated processing instruction');
				pos = end + 2;
			} else if (text.startsWith('<!--', pos)) {
				const end = text.indexOf('-->', pos);
				if (end < 0) throw new XmlParseError('Unterminated comment');
				pos = end + 3;
			} else if (text.startsWith('<!', pos)) {
				throw new XmlParseError('DOCTYPE and entity declarations are not allowed');
			} else return;
		}
	};
	const nameRe = /^[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?/;
	const parseElement = (depth: number): XmlElement => {
		if (depth > MAX_DEPTH) throw new XmlParseError('Document nested too deeply');
		if (text[pos] !== '<') throw new XmlParseError(`Expected element at ${pos}`);
		pos++;
		const nameMatch = nameRe.exec(text.slice(pos, pos + 256));
		if (!nameMatch) throw new XmlParseError(`Bad element name at ${pos}`);
		const qname = nameMatch[0];
		pos += qname.length;
		const attributes: Record<string, string> = {};
		for (;;) {
			const ws = /^\s*/.exec(text.slice(pos, pos + 1024));
			pos += ws ? ws[0].length : 0;
			if (text.startsWith('/>', pos)) {
				pos += 2;
				return { name: localName(qname), qname, attributes, children: [], text: '' };
			}
			if (text[pos] === '>') {
				pos++;
				break;
			}
			const attr = /^([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(text.slice(pos, pos + 4096));
			if (!attr) throw new XmlParseError(`Bad attribute in <${qname}>`);
			attributes[attr[1]] = decodeEntities(attr[3] ?? attr[4] ?? '');
			pos += attr[0].length;
		}
		const children: XmlElement[] = [];
		let content = '';
		for (;;) {
			if (pos >= text.length) throw new XmlParseError(`Unterminated <${qname}>`);
			if (text.startsWith('</', pos)) {
				const close = /^<\/([^\s>]+)\s*>/.exec(text.slice(pos, pos + 300));
				if (!close || close[1] !== qname) throw new XmlParseError(`Mismatched closing tag for <${qname}>`);
				pos += close[0].length;
				return { name: localName(qname), qname, attributes, children, text: decodeEntities(content).trim() };
			}
			if (text.startsWith('<!--', pos)) {
				const end = text.indexOf('-->', pos);
				if (end < 0) throw new XmlParseError('Unterminated comment');
				pos = end + 3;
			} else if (text.startsWith('<![CDATA[', pos)) {
				const end = text.indexOf(']]>', pos);
				if (end < 0) throw new XmlParseError('Unterminated CDATA');
				content += text.slice(pos + 9, end).replace(/&/g, '&amp;');
				pos = end + 3;
			} else if (text.startsWith('<!', pos) || text.startsWith('<?', pos)) {
				throw new XmlParseError('Declarations are not allowed inside elements');
			} else if (text[pos] === '<') {
				children.push(parseElement(depth + 1));
			} else {
				const next = text.indexOf('<', pos);
				const end = next < 0 ? text.length : next;
				content += text.slice(pos, end);
				pos = end;
			}
		}
	};
	skipMisc();
	const root = parseElement(0);
	skipMisc();
	if (pos !== text.length) throw new XmlParseError('Content after the root element');
	return root;
}

function localName(qname: string): string {
	const colon = qname.indexOf(':');
	return colon < 0 ? qname : qname.slice(colon + 1);
}

/** First child with the given local name. */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
	return element?.children.find((c) => c.name === name);
}

export function childText(element: XmlElement | undefined, name: string): string | undefined {
	return child(element, name)?.text;
}
