/*
 * Salesforce's own verdicts (UserEntityAccess / UserFieldAccess, read by the snapshot for small checks)
 * beside the computed ones. Where they disagree the finding becomes a warning that says both: the computed
 * verdict names what grants access but only sees profiles, permission sets and groups; Salesforce's is the
 * effective access but cannot say where it comes from. Agreement is recorded on the finding too.
 */
import type { ObjectAccess } from '../requirements/types.js';
import type { Finding } from './types.js';
import type { EvaluationContext } from './context.js';
import { text } from './texts.generated.js';

type Source = 'UserEntityAccess' | 'UserFieldAccess';

const lookup = <T>(record: Record<string, T>, key: string): T | undefined => {
  if (Object.prototype.hasOwnProperty.call(record, key)) return record[key];
  const lower = key.toLowerCase();
  const found = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return found === undefined ? undefined : record[found];
};

const compare = (ctx: EvaluationContext, f: Finding, source: Source, salesforce: boolean | undefined, what: string): Finding => {
  // only verdicts the evaluation reached from the sources are compared (not errors, skips or warnings)
  if (salesforce === undefined || (f.status !== 'pass' && f.status !== 'fail')) return f;
  const computed = f.status === 'pass';
  if (computed === salesforce) return { ...f, crossCheck: { source, salesforce, agrees: true } };
  if (computed) {
    return {
      ...f,
      status: 'warn',
      message: text('crossCheck.salesforceDenies.message', f.message, source, what),
      fix: text('crossCheck.salesforceDenies.fix', ctx.user.username),
      crossCheck: { source, salesforce, agrees: false },
    };
  }
  return {
    ...f,
    status: 'warn',
    message: text('crossCheck.salesforceAllows.message', source, what, f.message),
    fix: text('crossCheck.salesforceAllows.fix', ctx.user.username),
    crossCheck: { source, salesforce, agrees: false },
  };
};

const OBJECT_VERBS: Partial<Record<ObjectAccess, 'read' | 'create' | 'edit' | 'delete'>> = { read: 'read', create: 'create', edit: 'edit', delete: 'delete' };

/** An object access finding (`Contact: edit`) beside UserEntityAccess. */
export const crossCheckObject = (ctx: EvaluationContext, f: Finding, object: string, access: ObjectAccess): Finding => {
  const cc = ctx.user.crossCheck;
  const verb = OBJECT_VERBS[access];
  if (cc?.status !== 'done' || !verb) return f;
  const verdict = lookup(cc.objects, object);
  return compare(ctx, f, 'UserEntityAccess', verdict?.[verb], text('crossCheck.objectAccess.what', verb, object));
};

/** A field finding (`Contact.Email: edit`) beside UserFieldAccess: edit is met by updating or creating. */
export const crossCheckField = (ctx: EvaluationContext, f: Finding, qualified: string, access: 'read' | 'edit'): Finding => {
  const cc = ctx.user.crossCheck;
  if (cc?.status !== 'done') return f;
  const verdict = lookup(cc.fields, qualified);
  const salesforce = verdict === undefined ? undefined : access === 'read' ? verdict.read : verdict.edit || verdict.create;
  return compare(ctx, f, 'UserFieldAccess', salesforce, text('crossCheck.fieldAccess.what', access, qualified));
};
