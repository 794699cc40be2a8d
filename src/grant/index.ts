/*
 * Grant planning (pure): the least-privilege permission set an integration needs, and its source
 * file. Deploying and assigning it is apply.ts (I/O), not exported from here.
 */
export type {
  ParsedPermissionSet,
  PermissionSetPlan,
  PlanDiff,
  PlanFieldPermission,
  PlanManualStep,
  PlanObjectPermission,
  PlanOmission,
  PlanOptions,
  PlanReason,
  PlanUserPermission,
} from './types.js';
export {
  APPROVE_UNINSTALLED_APPS,
  defaultPermissionSetName,
  diffPlanAgainstUser,
  INTEGRATION_PSL,
  manifestNameFromDescription,
  permissionSetNameProblem,
  PLAN_MARKER,
  planPermissionSet,
} from './plan.js';
export { METADATA_NAMESPACE, parsePermissionSetXml, permissionSetFileName, permissionSetXml } from './permissionSetXml.js';
export {
  dependencyClosure,
  dependencyTable,
  FALLBACK_PERMISSION_DEPENDENCIES,
  isBroadPermission,
  objectAccessClosure,
  rankByPower,
} from './dependencies.js';
export type { DependencySource, DependencyTable, PermissionDependencyEdge } from './dependencies.js';
