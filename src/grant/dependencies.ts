/*
 * Permission dependencies: which system permissions need which others, and which object
 * permissions imply which. Pure data and functions.
 */
import type { ObjectAccess } from '../requirements/types.js';
import {
  BROAD_PERMISSION_RANK,
  FALLBACK_PERMISSION_DEPENDENCIES,
  OBJECT_ACCESS_LABELS,
  OBJECT_ACCESS_REQUIRES,
} from '../salesforce/index.js';

export { FALLBACK_PERMISSION_DEPENDENCIES };

export type DependencySource = 'org' | 'fallback';

export type DependencyTable = {
  source: DependencySource;
  /** permission -> directly required permissions */
  requires: (permission: string) => readonly string[];
};

/** The org's dependency table when the snapshot has one, else the built-in fallback. */
export function dependencyTable(orgDependencies: Record<string, string[]> | undefined): DependencyTable {
  const org = orgDependencies ?? {};
  if (Object.keys(org).length > 0) {
    return { source: 'org', requires: (permission) => org[permission] ?? [] };
  }
  return { source: 'fallback', requires: (permission) => FALLBACK_PERMISSION_DEPENDENCIES[permission] ?? [] };
}

export type PermissionDependencyEdge = {
  /** The permission that is needed */
  permission: string;
  /** The permission that needs it (a direct requirer, possibly itself a dependency) */
  requiredBy: string;
};

/**
 * The transitive dependencies of `roots`, breadth first, each with the permission that pulled it in.
 * Roots themselves are not returned; cycles are tolerated. Order is deterministic: roots in the order
 * given, each permission's requirements sorted by name.
 */
export function dependencyClosure(roots: readonly string[], table: DependencyTable): PermissionDependencyEdge[] {
  const seen = new Set(roots);
  const edges: PermissionDependencyEdge[] = [];
  const queue = [...roots];
  while (queue.length > 0) {
    const current = queue.shift() as string;
    const required = [...table.requires(current)].sort(compareText);
    for (const permission of required) {
      if (seen.has(permission)) continue;
      seen.add(permission);
      edges.push({ permission, requiredBy: current });
      queue.push(permission);
    }
  }
  return edges;
}

/** Broad permissions: Modify All Data, View All Data, Author Apex, Customize Application (and a few more). */
export function isBroadPermission(name: string): boolean {
  return (BROAD_PERMISSION_RANK[name] ?? 0) >= 2;
}

/**
 * Orders alternatives from least to most powerful: by breadth rank, then by how many permissions
 * the member drags in through dependencies, then in the manifest's order.
 */
export function rankByPower(names: readonly string[], table: DependencyTable): string[] {
  const indexed = names.map((name, index) => ({
    name,
    index,
    rank: BROAD_PERMISSION_RANK[name] ?? 0,
    dependencies: dependencyClosure([name], table).length,
  }));
  indexed.sort((a, b) => a.rank - b.rank || a.dependencies - b.dependencies || a.index - b.index);
  return indexed.map((entry) => entry.name);
}

/** The object access vocabulary of the manifest (one list, one set of Setup labels, shared with check). */
export type ObjectFlag = ObjectAccess;
export const OBJECT_FLAG_LABELS = OBJECT_ACCESS_LABELS;

export type ObjectAccessEdge = { access: ObjectFlag; requiredBy: ObjectFlag };

/** Transitive object-permission dependencies of one access (excluding the access itself). */
export function objectAccessClosure(access: ObjectAccess): ObjectAccessEdge[] {
  const seen = new Set<ObjectFlag>([access]);
  const edges: ObjectAccessEdge[] = [];
  const queue: ObjectFlag[] = [access];
  while (queue.length > 0) {
    const current = queue.shift() as ObjectFlag;
    for (const needed of OBJECT_ACCESS_REQUIRES[current]) {
      if (seen.has(needed)) continue;
      seen.add(needed);
      edges.push({ access: needed, requiredBy: current });
      queue.push(needed);
    }
  }
  return edges;
}

/** Code-unit order: locale-independent, so output is identical on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
