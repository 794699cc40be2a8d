/* The plan under construction: what the set grants and why, what is omitted or manual, with dependency closure. */
import type { Requirements } from '../requirements/types.js';
import type { OrgSnapshot, PermissionSource, UserAccess } from '../snapshot/types.js';
import { CAN_APPROVE_UNINSTALLED_APPS } from '../salesforce/index.js';
import { compareText, dependencyClosure, dependencyTable, type DependencyTable, OBJECT_FLAG_LABELS, type ObjectFlag, objectAccessClosure } from './dependencies.js';
import type { PlanFieldPermission, PlanManualStep, PlanObjectPermission, PlanOmission, PlanReason } from './types.js';
import { text } from './planTexts.generated.js';

export const KIND_ORDER: Readonly<Record<PlanReason['kind'], number>> = { required: 0, anyOf: 1, dependency: 2 };

export function sourcesOf(user: UserAccess, snapshot: OrgSnapshot): PermissionSource[] {
  return user.permissionSetIds
    .map((id) => snapshot.permissionSets[id])
    .filter((source): source is PermissionSource => source !== undefined && !source.sessionBased && source.kind !== 'MutingPermissionSet');
}

export function compareReasons(a: PlanReason, b: PlanReason): number {
  return compareText(a.path, b.path) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || compareText(a.note ?? '', b.note ?? '');
}

export function lookup<T>(record: Record<string, T>, key: string): T | undefined {
  if (Object.prototype.hasOwnProperty.call(record, key)) return record[key];
  const lower = key.toLowerCase();
  const found = Object.keys(record).find((candidate) => candidate.toLowerCase() === lower);
  return found === undefined ? undefined : record[found];
}

export function hasKey(record: Record<string, unknown>, key: string): boolean {
  const lower = key.toLowerCase();
  return Object.keys(record).some((candidate) => candidate.toLowerCase() === lower);
}

export function listUsers(users: UserAccess[]): string {
  return users.map((user) => user.username).join(', ');
}

/** `A or B or C`: alternatives in an item or step. */
export function orList(names: readonly string[]): string {
  return names.join(` ${text('common.or')} `);
}

export class PlanBuilder {
  public readonly userPermissions = new Map<string, PlanReason>();
  public readonly objects = new Map<string, PlanObjectPermission>();
  public readonly fields = new Map<string, PlanFieldPermission>();
  public readonly manualSteps: PlanManualStep[] = [];
  public readonly omitted: PlanOmission[] = [];
  public readonly licenseAssignments = new Set<string>();
  public readonly dependencies: DependencyTable;
  private readonly available: Set<string> | undefined;
  private readonly forbidden: Set<string>;

  public constructor(requirements: Requirements, snapshot: OrgSnapshot) {
    this.dependencies = dependencyTable(snapshot.permissionDependencies);
    // An empty list means the snapshot could not tell (not that the org has no permissions).
    this.available = snapshot.availablePermissions.length > 0 ? new Set(snapshot.availablePermissions) : undefined;
    this.forbidden = new Set(requirements.user.forbiddenPermissions.flatMap((item) => item.names));
  }

  public isAvailable(name: string): boolean {
    return this.available === undefined || this.available.has(name) || name === CAN_APPROVE_UNINSTALLED_APPS;
  }

  public isForbidden(name: string): boolean {
    return this.forbidden.has(name);
  }

  /** Adds a system permission unless forbidden or not in the org; returns whether it is in the plan. */
  public addUserPermission(name: string, reason: PlanReason): boolean {
    if (this.isForbidden(name)) {
      this.omit(name, reason.path, 'listed in user.forbiddenPermissions: never put in the set');
      return false;
    }
    if (!this.isAvailable(name)) {
      this.omit(name, reason.path, 'not available in this org (edition, licence or API version): a permission set cannot grant it');
      return false;
    }
    const existing = this.userPermissions.get(name);
    // Keep the strongest reason (required > anyOf > dependency), then the first path: independent of input order.
    const better =
      existing === undefined ||
      KIND_ORDER[reason.kind] < KIND_ORDER[existing.kind] ||
      (KIND_ORDER[reason.kind] === KIND_ORDER[existing.kind] && compareReasons(reason, existing) < 0);
    if (better) {
      this.userPermissions.set(name, reason);
    }
    return true;
  }

  public addObjectAccess(object: string, access: ObjectFlag, reason: PlanReason): void {
    let entry = this.objects.get(object);
    if (entry === undefined) {
      entry = { object, read: false, create: false, edit: false, delete: false, viewAll: false, modifyAll: false, viewAllFields: false, reasons: [] };
      this.objects.set(object, entry);
    }
    entry[access] = true;
    addReason(entry.reasons, reason);
    for (const edge of objectAccessClosure(access)) {
      entry[edge.access] = true;
      addReason(entry.reasons, {
        path: reason.path,
        kind: 'dependency',
        note: text('dependency.objectAccess.note', OBJECT_FLAG_LABELS[edge.requiredBy], OBJECT_FLAG_LABELS[edge.access]),
      });
    }
  }

  public addField(field: string, access: 'read' | 'edit', reason: PlanReason): void {
    let entry = this.fields.get(field);
    if (entry === undefined) {
      entry = { field, readable: false, editable: false, reasons: [] };
      this.fields.set(field, entry);
    }
    entry.readable = true;
    if (access === 'edit') entry.editable = true;
    addReason(entry.reasons, reason);
  }

  public omit(item: string, path: string, why: string): void {
    if (!this.omitted.some((entry) => entry.item === item && entry.path === path && entry.why === why)) {
      this.omitted.push({ item, path, why });
    }
  }

  public manual(requirement: string, path: string, step: string): void {
    if (!this.manualSteps.some((entry) => entry.requirement === requirement && entry.path === path && entry.step === step)) {
      this.manualSteps.push({ requirement, path, step });
    }
  }

  public closeDependencies(): void {
    const roots = [...this.userPermissions.keys()].sort(compareText);
    const source = this.dependencies.source === 'org' ? text('dependency.source.org') : text('dependency.source.fallback');
    for (const edge of dependencyClosure(roots, this.dependencies)) {
      if (this.userPermissions.has(edge.permission)) continue;
      const requirer = this.userPermissions.get(edge.requiredBy);
      const path = requirer?.path ?? 'systemPermissions';
      if (this.isForbidden(edge.permission)) {
        this.omit(edge.permission, path, text('dependency.forbidden.why', edge.requiredBy));
        this.manual(text('dependency.forbidden.requirement', edge.requiredBy, edge.permission), path, text('dependency.forbidden.step', edge.requiredBy, edge.permission));
        continue;
      }
      this.addUserPermission(edge.permission, { path, kind: 'dependency', note: text('dependency.note', edge.requiredBy, edge.permission, source) });
    }
  }
}

export function addReason(reasons: PlanReason[], reason: PlanReason): void {
  if (!reasons.some((existing) => existing.path === reason.path && existing.kind === reason.kind && existing.note === reason.note)) {
    reasons.push(reason);
  }
}
