/*
 * PermissionSet in Metadata API shape: reading a deployed `.permissionset` file, and writing an
 * org-state permission set (or profile) back as a readMetadata record.
 */
import type { FieldAccessName, ObjectAccessName, PermissionSetState, ProfileState } from '../orgState.js';
import {
  asArray,
  boolOf,
  childNames,
  elementOf,
  elementPositions,
  isElement,
  METADATA_NS,
  parseXml,
  textOf,
  XmlNode,
  XmlObject,
  XmlSyntaxError,
} from './xml.js';

export type Position = { line: number; column: number };

/** One problem found in a file, with where it is when known. */
export type FileProblem = { problem: string; line?: number; column?: number };

export type ParsedUserPermission = { name: string; enabled: boolean; pos?: Position };
export type ParsedObjectPermission = { object: string; access: ObjectAccessName[]; pos?: Position };
export type ParsedFieldPermission = { field: string; readable: boolean; editable: boolean; pos?: Position };
export type ParsedCustomPermission = { name: string; enabled: boolean; pos?: Position };

export type ParsedPermissionSet = {
  label?: string;
  description?: string;
  license?: string;
  hasActivationRequired: boolean;
  userPermissions: ParsedUserPermission[];
  objectPermissions: ParsedObjectPermission[];
  fieldPermissions: ParsedFieldPermission[];
  customPermissions: ParsedCustomPermission[];
  /** Problems found while reading the file (unknown elements, unsupported grants, missing label). */
  problems: FileProblem[];
};

/** Child elements of PermissionSet in the v66 schema (metadata.xsd), in schema order. */
export const PERMISSION_SET_ELEMENTS = [
  'agentAccesses',
  'applicationVisibilities',
  'classAccesses',
  'customMetadataTypeAccesses',
  'customPermissions',
  'customSettingAccesses',
  'dataspaceScopes',
  'description',
  'emailRoutingAddressAccesses',
  'externalCredentialPrincipalAccesses',
  'externalDataSourceAccesses',
  'fieldPermissions',
  'flowAccesses',
  'genComputingSummaryDefAccesses',
  'hasActivationRequired',
  'label',
  'license',
  'objectPermissions',
  'pageAccesses',
  'recordTypeVisibilities',
  'servicePresenceStatusAccesses',
  'tabSettings',
  'userPermissions',
] as const;

/** Elements the emulator models. The others are accepted only when they grant nothing. */
const MODELLED = new Set([
  'fullName',
  'customPermissions',
  'description',
  'label',
  'license',
  'hasActivationRequired',
  'userPermissions',
  'objectPermissions',
  'fieldPermissions',
]);
const KNOWN = new Set<string>([...PERMISSION_SET_ELEMENTS, 'fullName']);

/** Metadata object-permission flags and the org-state access names they stand for, in state order. */
export const OBJECT_FLAGS: Array<[flag: string, access: ObjectAccessName]> = [
  ['allowRead', 'read'],
  ['allowCreate', 'create'],
  ['allowEdit', 'edit'],
  ['allowDelete', 'delete'],
  ['viewAllRecords', 'viewAll'],
  ['modifyAllRecords', 'modifyAll'],
  ['viewAllFields', 'viewAllFields'],
];

/** Whether an entry of an unmodelled element grants anything (an enabled/visible flag, a visible tab). */
const grantsSomething = (element: string, entry: XmlNode): boolean => {
  if (!isElement(entry)) return textOf(entry).trim() !== '';
  if (element === 'tabSettings') {
    const v = textOf(entry['visibility']).trim();
    return v !== '' && v !== 'None';
  }
  return childNames(entry).some((k) => textOf(entry[k]).trim() === 'true');
};

/** A short name for an entry of an unmodelled element, for the message (its first non-flag child). */
const entryName = (entry: XmlNode): string => {
  if (!isElement(entry)) return textOf(entry);
  for (const k of childNames(entry)) {
    const t = textOf(entry[k]).trim();
    if (t !== '' && t !== 'true' && t !== 'false') return t;
  }
  return '';
};

/**
 * Reads a PermissionSet metadata file. Throws {@link XmlSyntaxError} for text that is not XML;
 * every other problem is returned in `problems`.
 */
export const parsePermissionSetXml = (text: string): ParsedPermissionSet => {
  const doc = parseXml(text);
  const rootName = Object.keys(doc).find((k) => !k.startsWith('@_') && k !== '#text' && !k.startsWith('?'));
  if (rootName !== 'PermissionSet') {
    const pos = rootName ? elementPositions(text, rootName)[0] : undefined;
    throw new XmlSyntaxError({
      message: `Error parsing file: Element {${METADATA_NS}}${rootName ?? '(none)'} invalid at this location`,
      ...pos,
    });
  }
  const root = elementOf(doc[rootName]);
  const problems: FileProblem[] = [];
  const result: ParsedPermissionSet = {
    hasActivationRequired: false,
    userPermissions: [],
    objectPermissions: [],
    fieldPermissions: [],
    customPermissions: [],
    problems,
  };

  for (const name of childNames(root)) {
    if (KNOWN.has(name)) continue;
    const pos = elementPositions(text, name)[0];
    problems.push({
      problem: `Error parsing file: Element {${METADATA_NS}}${name} invalid at this location in type PermissionSet`,
      ...pos,
    });
  }

  const label = textOf(root['label']).trim();
  if (label !== '') result.label = label;
  else problems.push({ problem: 'Required field is missing: label' });
  const description = textOf(root['description']);
  if (description !== '') result.description = description;
  const license = textOf(root['license']).trim();
  if (license !== '') result.license = license;
  result.hasActivationRequired = boolOf(root['hasActivationRequired']);

  const upPos = elementPositions(text, 'userPermissions');
  asArray(root['userPermissions']).forEach((node, i) => {
    const el = elementOf(node);
    result.userPermissions.push({ name: textOf(el['name']).trim(), enabled: boolOf(el['enabled']), pos: upPos[i] });
  });

  const cpPos = elementPositions(text, 'customPermissions');
  asArray(root['customPermissions']).forEach((node, i) => {
    const el = elementOf(node);
    result.customPermissions.push({ name: textOf(el['name']).trim(), enabled: boolOf(el['enabled']), pos: cpPos[i] });
  });

  const opPos = elementPositions(text, 'objectPermissions');
  asArray(root['objectPermissions']).forEach((node, i) => {
    const el = elementOf(node);
    const access = OBJECT_FLAGS.filter(([flag]) => boolOf(el[flag])).map(([, a]) => a);
    result.objectPermissions.push({ object: textOf(el['object']).trim(), access, pos: opPos[i] });
  });

  const fpPos = elementPositions(text, 'fieldPermissions');
  asArray(root['fieldPermissions']).forEach((node, i) => {
    const el = elementOf(node);
    result.fieldPermissions.push({
      field: textOf(el['field']).trim(),
      readable: boolOf(el['readable']),
      editable: boolOf(el['editable']),
      pos: fpPos[i],
    });
  });

  for (const name of childNames(root)) {
    if (MODELLED.has(name) || !KNOWN.has(name)) continue;
    const positions = elementPositions(text, name);
    asArray(root[name]).forEach((entry, i) => {
      if (!grantsSomething(name, entry)) return;
      const what = entryName(entry);
      problems.push({
        problem: `${name}${what ? ` (${what})` : ''}: Not supported by the emulator`,
        ...positions[i],
      });
    });
  }
  return result;
};

/** Object access list → the metadata row. */
export const objectPermissionRecord = (object: string, access: readonly ObjectAccessName[]): XmlObject => {
  const has = (a: ObjectAccessName): boolean => access.includes(a);
  // schema order: allowCreate allowDelete allowEdit allowRead modifyAllRecords object viewAllFields viewAllRecords
  return {
    allowCreate: has('create'),
    allowDelete: has('delete'),
    allowEdit: has('edit'),
    allowRead: has('read'),
    modifyAllRecords: has('modifyAll'),
    object,
    viewAllFields: has('viewAllFields'),
    viewAllRecords: has('viewAll'),
  };
};

export const fieldPermissionRecord = (field: string, access: FieldAccessName): XmlObject => ({
  editable: access === 'edit',
  field,
  readable: true,
});

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const bundleRecords = (
  bundle: Pick<PermissionSetState, 'systemPermissions' | 'objectPermissions' | 'fieldPermissions' | 'customPermissions'>
): { customPermissions: XmlObject[]; fieldPermissions: XmlObject[]; objectPermissions: XmlObject[]; userPermissions: XmlObject[] } => {
  const fields = bundle.fieldPermissions ?? {};
  const objects = bundle.objectPermissions ?? {};
  return {
    customPermissions: [...new Set(bundle.customPermissions ?? [])].sort(byName).map((name) => ({ enabled: true, name })),
    fieldPermissions: Object.keys(fields)
      .sort(byName)
      .map((f) => fieldPermissionRecord(f, fields[f])),
    objectPermissions: Object.keys(objects)
      .sort(byName)
      .map((o) => objectPermissionRecord(o, objects[o] ?? []))
      .filter((row) => OBJECT_FLAGS.some(([flag]) => row[flag] === true)),
    userPermissions: [...new Set(bundle.systemPermissions ?? [])].sort(byName).map((name) => ({ enabled: true, name })),
  };
};

/** A permission set of the org state as a readMetadata record (fields in schema order). */
export const permissionSetRecord = (ps: PermissionSetState): XmlObject => {
  const lists = bundleRecords(ps);
  return {
    '@xsi:type': 'PermissionSet',
    fullName: ps.name,
    customPermissions: lists.customPermissions,
    description: ps.description,
    fieldPermissions: lists.fieldPermissions,
    hasActivationRequired: ps.sessionBased === true,
    label: ps.label ?? ps.name,
    license: ps.license,
    objectPermissions: lists.objectPermissions,
    userPermissions: lists.userPermissions,
  };
};

/** A profile of the org state as a readMetadata record. */
export const profileRecord = (p: ProfileState): XmlObject => {
  const lists = bundleRecords(p);
  return {
    '@xsi:type': 'Profile',
    fullName: p.name,
    custom: true,
    customPermissions: lists.customPermissions,
    fieldPermissions: lists.fieldPermissions,
    objectPermissions: lists.objectPermissions,
    userLicense: p.userLicense,
    userPermissions: lists.userPermissions,
  };
};

/** The parsed file as the org-state entry a deploy creates (the whole set is replaced). */
export const toPermissionSetState = (name: string, parsed: ParsedPermissionSet): PermissionSetState => {
  const objectPermissions: Record<string, ObjectAccessName[]> = {};
  for (const row of parsed.objectPermissions) if (row.access.length > 0) objectPermissions[row.object] = [...row.access];
  const fieldPermissions: Record<string, FieldAccessName> = {};
  for (const row of parsed.fieldPermissions) {
    if (row.editable) fieldPermissions[row.field] = 'edit';
    else if (row.readable) fieldPermissions[row.field] = 'read';
  }
  const systemPermissions = [...new Set(parsed.userPermissions.filter((u) => u.enabled).map((u) => u.name))];
  const state: PermissionSetState = {
    name,
    label: parsed.label ?? name,
    systemPermissions,
    objectPermissions,
    fieldPermissions,
  };
  const customPermissions = [...new Set(parsed.customPermissions.filter((c) => c.enabled).map((c) => c.name))];
  if (customPermissions.length > 0) state.customPermissions = customPermissions;
  if (parsed.description !== undefined) state.description = parsed.description;
  if (parsed.license !== undefined) state.license = parsed.license;
  if (parsed.hasActivationRequired) state.sessionBased = true;
  return state;
};

