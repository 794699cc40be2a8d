/*
 * Small XML helpers for the Metadata API part of the emulator: a parser set up the way the
 * SOAP messages and metadata files need it, a serializer for answers, and positions of elements
 * in a source text (for lineNumber/columnNumber in deploy messages).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';
export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** A parsed XML node: text, or an element with children (arrays when repeated) and `@_` attributes. */
export type XmlNode = string | XmlElement;
export type XmlElement = { [key: string]: XmlNode | XmlNode[] | undefined };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  textNodeName: '#text',
});

export type XmlParseError = { message: string; line?: number; column?: number };

/** Parses XML text. Throws an {@link XmlSyntaxError} carrying the position when the text is not well formed. */
export class XmlSyntaxError extends Error {
  public readonly line?: number;
  public readonly column?: number;
  public constructor(error: XmlParseError) {
    super(error.message);
    this.name = 'XmlSyntaxError';
    this.line = error.line;
    this.column = error.column;
  }
}

export const parseXml = (text: string): XmlElement => {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new XmlSyntaxError({ message: valid.err.msg, line: valid.err.line, column: valid.err.col });
  }
  return parser.parse(text) as XmlElement;
};

/** Always an array: undefined → [], one → [one]. */
export const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The text of a node: '' for absent or nil, the #text of an element with attributes. */
export const textOf = (node: XmlNode | XmlNode[] | undefined): string => {
  if (node === undefined) return '';
  if (Array.isArray(node)) return textOf(node[0]);
  if (typeof node === 'string') return node;
  const t = node['#text'];
  return typeof t === 'string' ? t : '';
};

export const isElement = (node: XmlNode | XmlNode[] | undefined): node is XmlElement =>
  typeof node === 'object' && node !== null && !Array.isArray(node);

/** Element (or empty element) of a child; a text-only child becomes {'#text': text}. */
export const elementOf = (node: XmlNode | XmlNode[] | undefined): XmlElement => {
  if (node === undefined) return {};
  if (Array.isArray(node)) return elementOf(node[0]);
  if (typeof node === 'string') return node === '' ? {} : { '#text': node };
  return node;
};

/** xsd:boolean: true/1 → true, everything else → false. */
export const boolOf = (node: XmlNode | XmlNode[] | undefined): boolean => {
  const t = textOf(node).trim();
  return t === 'true' || t === '1';
};

/** Child element names of an element, attributes and text left out. */
export const childNames = (el: XmlElement): string[] => Object.keys(el).filter((k) => !k.startsWith('@_') && k !== '#text');

export const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** A value to serialize: null → xsi:nil, arrays → repeated elements, `@attr` keys → attributes. */
export type XmlValue = string | number | boolean | null | undefined | XmlObject | XmlValue[];
export type XmlObject = { [key: string]: XmlValue };

/** Serializes `value` as element(s) named `name`. undefined is left out. */
export const toXml = (name: string, value: XmlValue): string => {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => toXml(name, v)).join('');
  if (value === null) return `<${name} xsi:nil="true"/>`;
  if (typeof value === 'object') {
    const attrs: string[] = [];
    const children: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('@')) {
        if (v !== undefined && v !== null) attrs.push(` ${k.slice(1)}="${escapeXml(String(v as string))}"`);
      } else {
        children.push(toXml(k, v));
      }
    }
    const body = children.join('');
    return body === '' ? `<${name}${attrs.join('')}/>` : `<${name}${attrs.join('')}>${body}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
};

/** Line (1-based) and column (1-based) of a character offset. */
export const positionOf = (text: string, offset: number): { line: number; column: number } => {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
};

/**
 * Positions of each occurrence of an element (any namespace prefix) in a text, in document order:
 * the n-th entry is where the n-th `<tag>` starts. Good enough for the flat metadata files.
 */
export const elementPositions = (text: string, tag: string): Array<{ line: number; column: number }> => {
  // comments and CDATA can mention tags: blank them out, keeping offsets and line breaks
  const scanned = text.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/g, (m) => m.replace(/[^\n]/g, ' '));
  const re = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${tag}(?=[\\s/>])`, 'g');
  const out: Array<{ line: number; column: number }> = [];
  for (let m = re.exec(scanned); m !== null; m = re.exec(scanned)) out.push(positionOf(text, m.index));
  return out;
};
