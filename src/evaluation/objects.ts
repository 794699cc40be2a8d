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
import { EvaluationContext, finding, orList, verdictFrom } from './context.js';
import { crossCheckField, crossCheckObject } from './crossCheck.js';
import { text } from './texts.generated.js';

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
  return `${text('object.fix.integrationLicencePrefix')} `;
};

/**
 * What grants an object access, in words: `Edit on Contact`, or for objects without object permissions
 * the system permissions (and parent object access) that stand in for it: `EditTask (Edit Tasks)`.
 */
const accessAlternatives = (ctx: EvaluationContext, object: string, access: ObjectAccess): string[] => {
  const rule = specialObjectAccess(object, access);
  if (rule?.kind !== 'systemPermission') return [text('object.accessOn', accessLabel(access), object)];
  return [...rule.names.map((n) => ctx.permissionText(n)), ...(rule.object ? [text('object.accessOn', accessLabel(rule.object.access), rule.object.object)] : [])];
};

const objectFix = (ctx: EvaluationContext, object: string, access: ObjectAccess): string =>
  licencePrefix(ctx) + text('object.fix.add', accessAlternatives(ctx, object, access)[0]);

const holdsDataWidePermission = (ctx: EvaluationContext): string | undefined => {
  if (ctx.access.systemPermission(MODIFY_ALL_DATA).length > 0) return 'Modify All Data';
  if (ctx.access.systemPermission(VIEW_ALL_DATA).length > 0) return 'View All Data';
  return undefined;
};

const objectAccessFinding = (ctx: EvaluationContext, object: string, item: ObjectAccessRequirement): Finding => {
  const base = { kind: 'object' as const, requirement: text('object.requirement', object, item.access), path: item.path, feature: item.feature };
  const rule = specialObjectAccess(object, item.access);
  if (rule?.kind === 'implicit') {
    return finding(base, { status: 'pass', grantedBy: [{ kind: 'Org', name: object, via: text('grant.noObjectPermissions') }], message: rule.message });
  }
  if (rule?.kind === 'impossible') {
    return finding(base, {
      status: 'error',
      grantedBy: [],
      message: rule.message,
      fix: text('object.impossible.fix', item.access, object),
    });
  }
  const explanation = ctx.access.explain({ type: 'object', object, access: item.access });
  if (rule?.kind === 'systemPermission') {
    const alternatives = accessAlternatives(ctx, object, item.access);
    return finding(
      base,
      verdictFrom(
        explanation,
        orList(alternatives),
        {
          message: text('object.bySystemPermission.missing.message', rule.message, alternatives.join(', ')),
          fix: text('object.fix.add', alternatives[0]),
        },
        (grants) => text('object.bySystemPermission.met.message', rule.message, describeGrants(grants))
      )
    );
  }
  let message = text('object.missing.message', accessLabel(item.access), object);
  if (item.access === 'create' && ctx.access.objectAccess(object, 'modifyAll').length > 0) {
    message += ` ${text('object.missing.modifyAllNotCreate', object)}`;
  }
  return finding(base, verdictFrom(explanation, text('object.accessOn', accessLabel(item.access), object), { message, fix: objectFix(ctx, object, item.access) }));
};

const orgDefault = (model: string): GrantSource => ({ kind: 'Org', name: text('visibility.orgDefault', sharingModelLabel(model)) });

const visibilityFinding = (ctx: EvaluationContext, object: string, requirement: NonNullable<ObjectRequirement['visibility']>, describe: ObjectDescribe | undefined): Finding => {
  const base = { kind: 'visibility' as const, requirement: text('visibility.requirement', object), path: requirement.path, feature: requirement.feature };
  const viewAll = ctx.access.explain({ type: 'object', object, access: 'viewAll' });
  if (viewAll.granted.length > 0) {
    return finding(base, { status: 'pass', grantedBy: viewAll.granted, message: text('visibility.viewAll.met.message', object, describeGrants(viewAll.granted)) });
  }
  const model = describe?.sharingModel;
  if (model && isPublicSharingModel(model)) {
    return finding(base, { status: 'pass', grantedBy: [orgDefault(model)], message: text('visibility.public.met.message', object, sharingModelLabel(model)) });
  }
  const viewAllWhat = orList(accessAlternatives(ctx, object, 'viewAll'));
  const fixOpen = text('visibility.fix', viewAllWhat, object);
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
          message: text('visibility.parentViewAll.met.message', object, parent, describeGrants(parentViewAll.granted)),
        });
      }
      if (parentModel && isPublicSharingModel(parentModel)) {
        return finding(base, {
          status: 'pass',
          grantedBy: [orgDefault(parentModel)],
          message: text('visibility.parentPublic.met.message', object, parent, sharingModelLabel(parentModel)),
        });
      }
      return notGranted(
        parentModel
          ? text('visibility.parentWithModel.warning.message', object, parent, sharingModelLabel(parentModel), object, parent)
          : text('visibility.parent.warning.message', object, parent, object, parent),
        text('visibility.parent.fix', object, parent, parent)
      );
    }
    return notGranted(
      text('visibility.unknownParent.warning.message', object, object),
      fixOpen
    );
  }
  if (!model) {
    return notGranted(text('visibility.unknownModel.warning.message', object), fixOpen);
  }
  return notGranted(text('visibility.private.warning.message', object, sharingModelLabel(model), viewAllWhat), fixOpen);
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
      return finding(base, { status: 'pass', grantedBy: objectRead.granted, message: text('field.nonPermissionable.implicitRead.message', readRule.message) });
    }
    return finding(
      base,
      verdictFrom(
        objectRead,
        text('object.accessOn', accessLabel('read'), object),
        { message: text('field.nonPermissionable.read.missing.message', object), fix: objectFix(ctx, object, 'read') },
        (grants) => text('field.nonPermissionable.read.met.message', object, describeGrants(grants))
      )
    );
  }
  const grants = objectWriteGrants(ctx, object, fd);
  if (grants.length > 0) {
    return finding(base, { status: 'pass', grantedBy: grants, message: text('field.nonPermissionable.edit.met.message', describeGrants(grants)) });
  }
  return finding(base, {
    status: 'fail',
    grantedBy: [],
    message: text(
      'field.nonPermissionable.edit.missing.message',
      orList([...new Set([...(fd.updateable ? accessAlternatives(ctx, object, 'edit') : []), ...(fd.createable ? accessAlternatives(ctx, object, 'create') : [])])])
    ),
    fix: objectFix(ctx, object, 'edit'),
  });
};

/** A field with field-level security: the field permission, plus object Read (or Edit/Create for edit). */
const permissionableFieldFinding = (ctx: EvaluationContext, object: string, fd: FieldDescribe | undefined, req: FieldRequirement, base: FieldBase): Finding => {
  const fieldName = fd?.name ?? req.field;
  const qualified = `${object}.${fieldName}`;
  const objectReadable = ctx.access.objectAccess(object, 'read').length > 0;
  const explanation = ctx.access.explain({ type: 'field', object, field: fieldName, access: req.access });
  const accessWord = accessLabel(req.access);
  if (explanation.granted.length > 0) {
    const granted = describeGrants(explanation.granted);
    if (req.access === 'read' && !objectReadable) {
      return finding(base, {
        status: 'fail',
        grantedBy: explanation.granted,
        message: text('field.objectNotReadable.message', granted, object, object),
        fix: objectFix(ctx, object, 'read'),
      });
    }
    if (req.access === 'edit' && objectWriteGrants(ctx, object, fd).length === 0) {
      return finding(base, {
        status: 'fail',
        grantedBy: explanation.granted,
        message: text('field.objectNotWritable.message', granted, object, orList(accessAlternatives(ctx, object, 'edit'))),
        fix: objectFix(ctx, object, 'edit'),
      });
    }
    return finding(base, { status: 'pass', grantedBy: explanation.granted, message: text('common.grantedBy', granted) });
  }
  const dataWide = holdsDataWidePermission(ctx);
  let message = text('field.missing.message', accessWord, qualified);
  if (dataWide) message += ` ${text('field.missing.dataWideNote', dataWide)}`;
  const fix =
    licencePrefix(ctx) +
    (req.access === 'read' && !objectReadable
      ? text('field.missing.fixWithObjectRead', accessWord, qualified, object, object)
      : text('field.missing.fix', accessWord, qualified, object));
  return finding(base, verdictFrom(explanation, text('object.accessOn', accessWord, qualified), { message, fix }));
};

const fieldFinding = (ctx: EvaluationContext, object: string, describe: ObjectDescribe | undefined, req: FieldRequirement): Finding => {
  const fd = describe ? fieldOf(describe, req.field) : undefined;
  const fieldName = fd?.name ?? req.field;
  const qualified = `${object}.${fieldName}`;
  const base: FieldBase = {
    kind: 'field',
    requirement: text('field.requirement', req.optional ? text('field.optionalMarker', qualified) : qualified, req.access),
    path: req.path,
    ...(req.feature ? { feature: req.feature } : {}),
  };
  if (describe && !fd) {
    if (req.optional) {
      return finding(base, { status: 'skip', grantedBy: [], message: text('field.optionalSkipped.message', object, req.field) });
    }
    return finding(base, {
      status: 'error',
      grantedBy: [],
      message: text('field.notInOrg.message', object, req.field),
      fix: text('field.notInOrg.fix', req.field),
    });
  }
  if (req.access === 'edit' && fd && !fd.updateable && !fd.createable) {
    return finding(base, {
      status: 'error',
      grantedBy: [],
      message: text('field.notWritable.message', qualified),
      fix: text('field.notWritable.fix', qualified),
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
        message: text('object.notInOrg.message', object),
        fix: text('object.notInOrg.fix', object),
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
        requirement: wanted.length > 0 ? text('object.requirement', object, wanted.join(', ')) : object,
        path: req.path,
        status: 'error',
        grantedBy: [],
        message: text('object.platformLicence.message', object),
        fix: text('object.platformLicence.fix', ctx.user.username),
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
