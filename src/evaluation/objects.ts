/*
 * Object, visibility and field findings for one object requirement, in that order.
 */
import type { FieldRequirement, ObjectAccess, ObjectAccessRequirement, ObjectRequirement } from '../requirements/types.js';
import type { FieldDescribe, ObjectDescribe } from '../snapshot/types.js';
import {
  API_INTEGRATION_PSL,
  INTEGRATION_LICENSE,
  MODIFY_ALL_DATA,
  SHARING_PARENT,
  VIEW_ALL_DATA,
  isControlledByParent,
  isPublicSharingModel,
  platformForbids,
  sharingModelLabel,
  specialObjectAccess,
} from '../salesforce/index.js';
import type { Finding, GrantSource } from './types.js';
import { AccessExplanation, accessLabel, describeGrant, describeGrants } from './effectiveAccess.js';
import { EvaluationContext, GRANT_HINT, finding, verdictFrom } from './context.js';
import { crossCheckField, crossCheckObject } from './crossCheck.js';

const lookupKey = <T>(record: Record<string, T> | undefined, key: string): { key: string; value: T } | undefined => {
  if (!record) return undefined;
  if (Object.prototype.hasOwnProperty.call(record, key)) return { key, value: record[key] };
  const lower = key.toLowerCase();
  const found = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return found === undefined ? undefined : { key: found, value: record[found] };
};

/** The describe of an object: undefined when not read, null when the org does not have it. */
export const describeOf = (ctx: EvaluationContext, object: string): ObjectDescribe | null | undefined =>
  lookupKey(ctx.snapshot.objects, object)?.value;

const fieldOf = (describe: ObjectDescribe, field: string): FieldDescribe | undefined => {
  const hit = lookupKey(describe.fields, field);
  return hit ? { ...hit.value, name: hit.value.name || hit.key } : undefined;
};

/** Prefix for object fixes when the user's licence needs the API Integration PSL first. */
const licencePrefix = (ctx: EvaluationContext): string => {
  const { user } = ctx;
  if ((user.userLicense ?? '').toLowerCase() !== INTEGRATION_LICENSE.toLowerCase()) return '';
  if ((user.permissionSetLicenses ?? []).some((p) => p.toLowerCase() === API_INTEGRATION_PSL.toLowerCase())) return '';
  return 'Assign the Salesforce API Integration permission set licence first (the Salesforce Integration licence needs it for object access), then: ';
};

/**
 * What grants an object access, in words: `Edit on Contact`, or for objects without object permissions
 * the system permissions (and parent object access) that stand in for it: `EditTask (Edit Tasks)`.
 */
const accessAlternatives = (ctx: EvaluationContext, object: string, access: ObjectAccess): string[] => {
  const rule = specialObjectAccess(object, access);
  if (rule?.kind !== 'systemPermission') return [`${accessLabel(access)} on ${object}`];
  return [...rule.names.map((n) => ctx.permissionText(n)), ...(rule.object ? [`${accessLabel(rule.object.access)} on ${rule.object.object}`] : [])];
};

const objectFix = (ctx: EvaluationContext, object: string, access: ObjectAccess): string =>
  `${licencePrefix(ctx)}Add ${accessAlternatives(ctx, object, access)[0]} to a permission set assigned to the user (${GRANT_HINT})`;

const holdsDataWidePermission = (ctx: EvaluationContext): string | undefined => {
  if (ctx.access.systemPermission(MODIFY_ALL_DATA).length > 0) return 'Modify All Data';
  if (ctx.access.systemPermission(VIEW_ALL_DATA).length > 0) return 'View All Data';
  return undefined;
};

const objectAccessFinding = (ctx: EvaluationContext, object: string, item: ObjectAccessRequirement): Finding => {
  const base = { kind: 'object' as const, requirement: `${object}: ${item.access}`, path: item.path, feature: item.feature };
  const rule = specialObjectAccess(object, item.access);
  if (rule?.kind === 'implicit') {
    return finding(base, { status: 'pass', grantedBy: [{ kind: 'Org', name: object, via: 'no object permissions' }], message: rule.message });
  }
  if (rule?.kind === 'impossible') {
    return finding(base, {
      status: 'error',
      grantedBy: [],
      message: rule.message,
      fix: `Remove ${item.access} on ${object} from the requirements; no permission set can grant it`,
    });
  }
  const explanation = ctx.access.explain({ type: 'object', object, access: item.access });
  if (rule?.kind === 'systemPermission') {
    const alternatives = accessAlternatives(ctx, object, item.access);
    return finding(
      base,
      verdictFrom(
        explanation,
        alternatives.join(' or '),
        {
          message: `${rule.message}; the user has none of: ${alternatives.join(', ')}`,
          fix: `Add ${alternatives[0]} to a permission set assigned to the user (${GRANT_HINT})`,
        },
        (grants) => `${rule.message}; granted by ${describeGrants(grants)}`
      )
    );
  }
  let message = `the user has no ${accessLabel(item.access)} on ${object}`;
  if (item.access === 'create' && ctx.access.objectAccess(object, 'modifyAll').length > 0) {
    message += ` (Modify All on ${object} does not include Create)`;
  }
  return finding(base, verdictFrom(explanation, `${accessLabel(item.access)} on ${object}`, { message, fix: objectFix(ctx, object, item.access) }));
};

const orgDefault = (model: string): GrantSource => ({ kind: 'Org', name: `org-wide default ${sharingModelLabel(model)}` });

const visibilityFinding = (ctx: EvaluationContext, object: string, requirement: NonNullable<ObjectRequirement['visibility']>, describe: ObjectDescribe | undefined): Finding => {
  const base = { kind: 'visibility' as const, requirement: `${object}: visibility all`, path: requirement.path, feature: requirement.feature };
  const viewAll = ctx.access.explain({ type: 'object', object, access: 'viewAll' });
  if (viewAll.granted.length > 0) {
    return finding(base, { status: 'pass', grantedBy: viewAll.granted, message: `every ${object} record is visible: granted by ${describeGrants(viewAll.granted)}` });
  }
  const model = describe?.sharingModel;
  if (model && isPublicSharingModel(model)) {
    return finding(base, { status: 'pass', grantedBy: [orgDefault(model)], message: `${object} sharing is ${sharingModelLabel(model)}: every record is visible` });
  }
  const viewAllWhat = accessAlternatives(ctx, object, 'viewAll').join(' or ');
  const fixOpen = `Grant ${viewAllWhat} in a permission set assigned to the user (${GRANT_HINT}), or open the org-wide default for ${object} (Setup > Sharing Settings)`;
  const notGranted = (message: string, fix: string): Finding => {
    const v = verdictFrom(viewAll, viewAllWhat, { status: 'warn', message, fix });
    return finding(base, { ...v, status: 'warn', fix: v.fix ?? fix });
  };
  if (model && isControlledByParent(model)) {
    const parent = SHARING_PARENT[object];
    if (parent) {
      const parentViewAll: AccessExplanation = ctx.access.explain({ type: 'object', object: parent, access: 'viewAll' });
      const parentDescribe = describeOf(ctx, parent);
      const parentModel = parentDescribe?.sharingModel;
      if (parentViewAll.granted.length > 0) {
        return finding(base, {
          status: 'pass',
          grantedBy: parentViewAll.granted,
          message: `${object} sharing is Controlled by Parent: it follows the parent (${parent}), whose records are all visible (granted by ${describeGrants(parentViewAll.granted)})`,
        });
      }
      if (parentModel && isPublicSharingModel(parentModel)) {
        return finding(base, {
          status: 'pass',
          grantedBy: [orgDefault(parentModel)],
          message: `${object} sharing is Controlled by Parent: it follows the parent (${parent}), whose sharing is ${sharingModelLabel(parentModel)}`,
        });
      }
      return notGranted(
        `${object} sharing is Controlled by Parent: it follows the parent (${parent})${parentModel ? `, whose sharing is ${sharingModelLabel(parentModel)}` : ''}: the user sees only ${object} records whose ${parent} is shared with them`,
        `Grant View All on ${object} or on ${parent} in a permission set assigned to the user (${GRANT_HINT}), or open the ${parent} org-wide default (Setup > Sharing Settings)`
      );
    }
    return notGranted(
      `${object} sharing is Controlled by Parent: it follows the parent record, so the user sees only ${object} records whose parent is shared with them`,
      fixOpen
    );
  }
  if (!model) {
    return notGranted(`${object} sharing model is unknown: the user may see only records shared with them`, fixOpen);
  }
  return notGranted(`${object} sharing is ${sharingModelLabel(model)}: the user sees only records shared with them; grant ${viewAllWhat} or open the sharing model`, fixOpen);
};

type FieldBase = { kind: 'field'; requirement: string; path: string; feature?: string };

/** Grants that let the user write the field's record: Edit when the field is updateable, Create when createable. */
const objectWriteGrants = (ctx: EvaluationContext, object: string, fd: FieldDescribe | undefined): GrantSource[] => {
  const grants: GrantSource[] = [];
  if (!fd || fd.updateable) grants.push(...ctx.access.objectAccess(object, 'edit'));
  if (!fd || fd.createable) grants.push(...ctx.access.objectAccess(object, 'create'));
  return grants.filter((g, i) => grants.findIndex((h) => describeGrant(h) === describeGrant(g)) === i);
};

/** Not permissionable (Id, required, audit, compound fields): follows the object. */
const nonPermissionableFieldFinding = (ctx: EvaluationContext, object: string, fd: FieldDescribe, req: FieldRequirement, base: FieldBase): Finding => {
  if (req.access === 'read') {
    const objectRead = ctx.access.explain({ type: 'object', object, access: 'read' });
    const readRule = specialObjectAccess(object, 'read');
    if (readRule?.kind === 'implicit') {
      return finding(base, { status: 'pass', grantedBy: objectRead.granted, message: `not permissionable: readable with the object (${readRule.message})` });
    }
    return finding(
      base,
      verdictFrom(
        objectRead,
        `Read on ${object}`,
        { message: `not permissionable: readable with ${object}, which the user cannot read`, fix: objectFix(ctx, object, 'read') },
        (grants) => `not permissionable: readable with the object (Read on ${object} granted by ${describeGrants(grants)})`
      )
    );
  }
  const grants = objectWriteGrants(ctx, object, fd);
  if (grants.length > 0) {
    return finding(base, { status: 'pass', grantedBy: grants, message: `not permissionable: editable with the object (granted by ${describeGrants(grants)})` });
  }
  return finding(base, {
    status: 'fail',
    grantedBy: [],
    message: `not permissionable: editable only with ${[
      ...new Set([...(fd.updateable ? accessAlternatives(ctx, object, 'edit') : []), ...(fd.createable ? accessAlternatives(ctx, object, 'create') : [])]),
    ].join(' or ')}, which the user does not have`,
    fix: objectFix(ctx, object, 'edit'),
  });
};

/** A field with field-level security: the field permission, plus object Read (or Edit/Create for edit). */
const permissionableFieldFinding = (ctx: EvaluationContext, object: string, fd: FieldDescribe | undefined, req: FieldRequirement, base: FieldBase): Finding => {
  const fieldName = fd?.name ?? req.field;
  const qualified = `${object}.${fieldName}`;
  const objectReadable = ctx.access.objectAccess(object, 'read').length > 0;
  const explanation = ctx.access.explain({ type: 'field', object, field: fieldName, access: req.access });
  const accessWord = req.access === 'read' ? 'Read' : 'Edit';
  if (explanation.granted.length > 0) {
    const granted = describeGrants(explanation.granted);
    if (req.access === 'read' && !objectReadable) {
      return finding(base, {
        status: 'fail',
        grantedBy: explanation.granted,
        message: `field permission granted by ${granted}, but ${object} is not readable: field access needs Read on ${object}`,
        fix: objectFix(ctx, object, 'read'),
      });
    }
    if (req.access === 'edit' && objectWriteGrants(ctx, object, fd).length === 0) {
      return finding(base, {
        status: 'fail',
        grantedBy: explanation.granted,
        message: `field permission granted by ${granted}, but the user cannot edit or create ${object} records (needs ${accessAlternatives(ctx, object, 'edit').join(' or ')})`,
        fix: objectFix(ctx, object, 'edit'),
      });
    }
    return finding(base, { status: 'pass', grantedBy: explanation.granted, message: `granted by ${granted}` });
  }
  const dataWide = holdsDataWidePermission(ctx);
  let message = `no field permission grants ${accessWord} on ${qualified}`;
  if (dataWide) message += ` (the user holds ${dataWide}, but View All Data and Modify All Data do not grant field access)`;
  const alsoObject = req.access === 'read' && !objectReadable ? `, together with Read on ${object} (field access needs object Read)` : '';
  const fix = `${licencePrefix(ctx)}Enable field-level security ${accessWord} on ${qualified} in a permission set assigned to the user (Setup > Permission Sets > (set) > Object Settings > ${object})${alsoObject}, ${GRANT_HINT}`;
  return finding(base, verdictFrom(explanation, `${accessWord} on ${qualified}`, { message, fix }));
};

const fieldFinding = (ctx: EvaluationContext, object: string, describe: ObjectDescribe | undefined, req: FieldRequirement): Finding => {
  const fd = describe ? fieldOf(describe, req.field) : undefined;
  const fieldName = fd?.name ?? req.field;
  const qualified = `${object}.${fieldName}`;
  const base: FieldBase = {
    kind: 'field',
    requirement: `${object}.${fieldName}${req.optional ? '?' : ''}: ${req.access}`,
    path: req.path,
    ...(req.feature ? { feature: req.feature } : {}),
  };
  if (describe && !fd) {
    if (req.optional) {
      return finding(base, { status: 'skip', grantedBy: [], message: `${object}.${req.field} is not in this org (optional)` });
    }
    return finding(base, {
      status: 'error',
      grantedBy: [],
      message: `${object}.${req.field} does not exist in this org`,
      fix: `Check the field's API name; if the field exists only in some orgs (e.g. Person Account fields), mark it optional ("${req.field}?") in the manifest. No permission can grant access to a field the org does not have`,
    });
  }
  if (req.access === 'edit' && fd && !fd.updateable && !fd.createable) {
    return finding(base, {
      status: 'error',
      grantedBy: [],
      message: `${qualified} is not writable (system, calculated or compound field): no permission grants edit`,
      fix: `Ask for read on ${qualified} instead (edit its component fields if it is a compound field such as Name or an address)`,
    });
  }
  return fd?.permissionable === false
    ? nonPermissionableFieldFinding(ctx, object, fd, req, base)
    : permissionableFieldFinding(ctx, object, fd, req, base);
};

/** Findings for one object requirement: its access items, its visibility, then its fields. */
export const objectFindings = (ctx: EvaluationContext, req: ObjectRequirement): Finding[] => {
  const describe = describeOf(ctx, req.object);
  const object = describe?.name ? describe.name : req.object;
  if (describe === null) {
    return [
      {
        kind: 'object',
        requirement: object,
        path: req.path,
        status: 'error',
        grantedBy: [],
        message: `${object} does not exist in this org`,
        fix: `Check the object's API name, or enable the feature / install the package that provides ${object}; no permission can grant access to an object the org does not have`,
        ...(req.access[0]?.feature ? { feature: req.access[0].feature } : {}),
      },
    ];
  }
  if (platformForbids(ctx.user.userLicense ?? '', object)) {
    const wanted = req.access.map((a) => a.access);
    if (req.fields.length > 0 && wanted.length === 0) wanted.push('read');
    return [
      {
        kind: 'object',
        requirement: `${object}${wanted.length > 0 ? `: ${wanted.join(', ')}` : ''}`,
        path: req.path,
        status: 'error',
        grantedBy: [],
        message: `the Salesforce Platform licence cannot hold ${object} access; no permission set can grant it — use a Salesforce licence`,
        fix: `Run the integration as a user with the Salesforce licence (${ctx.user.username} has Salesforce Platform)`,
      },
    ];
  }
  const out: Finding[] = req.access.map((item) => crossCheckObject(ctx, objectAccessFinding(ctx, object, item), object, item.access));
  if (req.visibility) out.push(visibilityFinding(ctx, object, req.visibility, describe));
  for (const field of req.fields) {
    const fieldName = (describe ? fieldOf(describe, field.field)?.name : undefined) ?? field.field;
    out.push(crossCheckField(ctx, fieldFinding(ctx, object, describe, field), `${object}.${fieldName}`, field.access));
  }
  return out;
};
