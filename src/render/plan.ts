/* Human text of a permission set plan: what is in it, why, from which requirement; and what it cannot do. */
import type { PermissionSetPlan, PlanReason } from '../grant/types.js';

/** Why an item is in the plan: the manifest paths that ask for it, then what else needs it (each once). */
const why = (reasons: PlanReason[]): string => {
  const direct = [...new Set(reasons.filter((r) => r.kind !== 'dependency').map((r) => (r.kind === 'anyOf' ? `${r.path} (${r.note ?? 'one of several'})` : r.path)))];
  const needed = [...new Set(reasons.filter((r) => r.kind === 'dependency').map((r) => r.note ?? r.path))];
  return [...direct, ...needed].join('; ');
};

const objectAccessText = (o: PermissionSetPlan['objectPermissions'][number]): string =>
  (
    [
      ['read', o.read],
      ['create', o.create],
      ['edit', o.edit],
      ['delete', o.delete],
      ['viewAll', o.viewAll],
      ['modifyAll', o.modifyAll],
      ['viewAllFields', o.viewAllFields],
    ] as Array<[string, boolean]>
  )
    .filter(([, on]) => on)
    .map(([name]) => name)
    .join(', ');

export const renderPlan = (plan: PermissionSetPlan): string => {
  const lines: string[] = [`Permission set ${plan.name} ("${plan.label}")${plan.license ? `, licence ${plan.license}` : ''}`];
  if (plan.userPermissions.length) {
    lines.push('  System permissions');
    for (const p of plan.userPermissions) lines.push(`    + ${p.name}  ← ${why([p.reason])}`);
  }
  if (plan.customPermissions?.length) {
    lines.push('  Custom permissions');
    for (const p of plan.customPermissions) lines.push(`    + ${p.name}  ← ${why([p.reason])}`);
  }
  if (plan.objectPermissions.length) {
    lines.push('  Object permissions');
    for (const o of plan.objectPermissions) lines.push(`    + ${o.object}: ${objectAccessText(o)}  ← ${why(o.reasons)}`);
  }
  if (plan.fieldPermissions.length) {
    lines.push('  Field permissions');
    for (const f of plan.fieldPermissions) lines.push(`    + ${f.field}: ${f.editable ? 'edit' : 'read'}  ← ${why(f.reasons)}`);
  }
  if (plan.licenseAssignments.length) lines.push(`  Permission set licences assigned first: ${plan.licenseAssignments.join(', ')}`);
  if (plan.appAccess) lines.push(`  App access: ${plan.appAccess.appName}`);
  if (plan.omitted.length) {
    lines.push('  Left out');
    for (const o of plan.omitted) lines.push(`    - ${o.item}: ${o.why}`);
  }
  if (plan.manualSteps.length) {
    lines.push('', 'Manual steps a permission set cannot do:');
    for (const m of plan.manualSteps) lines.push(`  • ${m.requirement}: ${m.step}`);
  }
  return lines.join('\n');
};
