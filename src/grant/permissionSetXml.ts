/*
 * The permission set as Metadata API source (`NAME.permissionset-meta.xml`), and back.
 * Elements follow the order of the Metadata API schema (xsd:sequence of type PermissionSet and its
 * children), lists are sorted, so identical plans give byte-identical files.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { compareText } from './dependencies.js';
import { manifestNameFromDescription, PLAN_MARKER } from './plan.js';
import type { ParsedPermissionSet, PermissionSetPlan } from './types.js';

export const METADATA_NAMESPACE = 'http://soap.sforce.com/2006/04/metadata';

/** Source-format file name of a permission set: `NAME.permissionset-meta.xml`. */
export function permissionSetFileName(name: string): string {
  return `${name}.permissionset-meta.xml`;
}

/** Characters XML 1.0 cannot carry at all (not even escaped): removed from text before writing. */
// eslint-disable-next-line no-control-regex
const INVALID_XML_CHARS = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function text(value: string): string {
  return value.replace(INVALID_XML_CHARS, '');
}

function bool(value: boolean): string {
  return value ? 'true' : 'false';
}

type XmlNode = { [key: string]: string | XmlNode | XmlNode[] };

/**
 * The permission set source for `plan`: `<?xml …?>`, root `PermissionSet` in the metadata namespace,
 * 4-space indentation, a trailing newline. Only the permission set itself: licence assignments,
 * app access and manual steps are not metadata of the set.
 */
export function permissionSetXml(plan: PermissionSetPlan): string {
  const permissionSet: XmlNode = { '@_xmlns': METADATA_NAMESPACE };
  // customPermissions precede description in the xsd:sequence of PermissionSet (Metadata API v66 WSDL)
  const customPermissions = [...new Set((plan.customPermissions ?? []).map((entry) => entry.name))].sort(compareText);
  if (customPermissions.length > 0) {
    permissionSet.customPermissions = customPermissions.map((name) => ({ enabled: 'true', name: text(name) }));
  }
  if (plan.description !== '') permissionSet.description = text(plan.description);
  const fields = [...plan.fieldPermissions].sort((a, b) => compareText(a.field, b.field));
  if (fields.length > 0) {
    permissionSet.fieldPermissions = fields.map((entry) => ({
      editable: bool(entry.editable),
      field: text(entry.field),
      readable: bool(entry.readable || entry.editable),
    }));
  }
  permissionSet.hasActivationRequired = 'false';
  permissionSet.label = text(plan.label);
  if (plan.license !== undefined && plan.license !== '') permissionSet.license = text(plan.license);
  const objects = [...plan.objectPermissions].sort((a, b) => compareText(a.object, b.object));
  if (objects.length > 0) {
    permissionSet.objectPermissions = objects.map((entry) => ({
      allowCreate: bool(entry.create),
      allowDelete: bool(entry.delete),
      allowEdit: bool(entry.edit),
      allowRead: bool(entry.read),
      modifyAllRecords: bool(entry.modifyAll),
      object: text(entry.object),
      viewAllFields: bool(entry.viewAllFields),
      viewAllRecords: bool(entry.viewAll),
    }));
  }
  const permissions = [...new Set(plan.userPermissions.map((entry) => entry.name))].sort(compareText);
  if (permissions.length > 0) {
    permissionSet.userPermissions = permissions.map((name) => ({ enabled: 'true', name: text(name) }));
  }
  const builder = new XMLBuilder({
    format: true,
    indentBy: '    ',
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    processEntities: true,
    suppressEmptyNode: false,
  });
  const document = builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    PermissionSet: permissionSet,
  });
  return document.endsWith('\n') ? document : `${document}\n`;
}

const LIST_ELEMENTS = new Set(['PermissionSet.customPermissions', 'PermissionSet.userPermissions', 'PermissionSet.objectPermissions', 'PermissionSet.fieldPermissions']);

type RawEntry = Record<string, unknown>;

function rawText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function rawBool(value: unknown): boolean {
  const raw = rawText(value);
  return raw === 'true' || raw === '1';
}

function entries(value: unknown): RawEntry[] {
  if (!Array.isArray(value)) return [];
  return value.filter((entry): entry is RawEntry => typeof entry === 'object' && entry !== null);
}

/**
 * Reads a permission set source file: enough to tell whether it is one of ours (the description
 * marker) and to diff it against a plan. Elements it does not need (tabSettings, classAccesses, …)
 * are ignored.
 *
 * @throws Error when the text is not well-formed XML or its root is not `PermissionSet`.
 */
export function parsePermissionSetXml(xml: string): ParsedPermissionSet {
  if (/<!DOCTYPE/i.test(xml)) {
    throw new Error('Not a permission set file: a DOCTYPE is not allowed in metadata source.');
  }
  const wellFormed = XMLValidator.validate(xml);
  if (wellFormed !== true) {
    throw new Error(`Not well-formed XML: ${wellFormed.err.msg} (line ${wellFormed.err.line}).`);
  }
  const parser = new XMLParser({
    ignoreAttributes: true,
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: true,
    htmlEntities: true,
    isArray: (_name: string, jpath: string) => LIST_ELEMENTS.has(jpath),
  });
  const document = parser.parse(xml) as Record<string, unknown>;
  const root = document.PermissionSet;
  if (root === undefined || root === null || typeof root !== 'object') {
    if (root === '') return emptyParsed();
    throw new Error('Not a permission set file: the root element is not PermissionSet.');
  }
  const set = root as RawEntry;
  const description = rawText(set.description);
  const parsed: ParsedPermissionSet = {
    userPermissions: entries(set.userPermissions)
      .map((entry) => ({ name: rawText(entry.name) ?? '', enabled: rawBool(entry.enabled) }))
      .filter((entry) => entry.name !== ''),
    objectPermissions: entries(set.objectPermissions)
      .map((entry) => ({
        object: rawText(entry.object) ?? '',
        allowRead: rawBool(entry.allowRead),
        allowCreate: rawBool(entry.allowCreate),
        allowEdit: rawBool(entry.allowEdit),
        allowDelete: rawBool(entry.allowDelete),
        viewAllRecords: rawBool(entry.viewAllRecords),
        modifyAllRecords: rawBool(entry.modifyAllRecords),
        viewAllFields: rawBool(entry.viewAllFields),
      }))
      .filter((entry) => entry.object !== ''),
    fieldPermissions: entries(set.fieldPermissions)
      .map((entry) => ({ field: rawText(entry.field) ?? '', readable: rawBool(entry.readable), editable: rawBool(entry.editable) }))
      .filter((entry) => entry.field !== ''),
    generatedByThisTool: description?.includes(PLAN_MARKER) ?? false,
  };
  const customPermissions = entries(set.customPermissions)
    .map((entry) => ({ name: rawText(entry.name) ?? '', enabled: rawBool(entry.enabled) }))
    .filter((entry) => entry.name !== '');
  if (customPermissions.length > 0) parsed.customPermissions = customPermissions;
  const label = rawText(set.label);
  const license = rawText(set.license);
  const manifestName = manifestNameFromDescription(description);
  if (label !== undefined) parsed.label = label;
  if (description !== undefined) parsed.description = description;
  if (license !== undefined) parsed.license = license;
  if (set.hasActivationRequired !== undefined) parsed.hasActivationRequired = rawBool(set.hasActivationRequired);
  if (manifestName !== undefined) parsed.manifestName = manifestName;
  return parsed;
}

function emptyParsed(): ParsedPermissionSet {
  return { userPermissions: [], objectPermissions: [], fieldPermissions: [], generatedByThisTool: false };
}
