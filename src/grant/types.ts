/*
 * The grant plan: the least-privilege permission set an integration needs, as plain data.
 * Produced by the pure planner (plan.ts), written as source by permissionSetXml.ts, deployed and
 * assigned by apply.ts (I/O). Every entry says why it is there (the manifest path that asked for
 * it, or the dependency that pulled it in).
 */
import type { ObjectPermissionFlags } from '../snapshot/types.js';

/** Why a plan entry exists. */
export type PlanReason = {
  /** Manifest path of the requirement, e.g. `objects.Contact.access[1]` or `systemPermissions[0]` */
  path: string;
  /**
   * `required`: asked for directly; `dependency`: needed by something else in the plan (e.g. Edit
   * requires Read); `anyOf`: the member chosen from alternatives.
   */
  kind: 'required' | 'dependency' | 'anyOf';
  /** e.g. `Edit requires Read`, `CustomizeApplication requires ViewSetup (org PermissionDependency)` */
  note?: string;
};

export type PlanUserPermission = { name: string; reason: PlanReason };

export type PlanObjectPermission = ObjectPermissionFlags & {
  object: string;
  reasons: PlanReason[];
};

export type PlanFieldPermission = {
  /** `Object.Field` */
  field: string;
  readable: boolean;
  editable: boolean;
  reasons: PlanReason[];
};

/** Something a permission set cannot do, and what an admin has to do instead. */
export type PlanManualStep = {
  /** Human-readable requirement, e.g. `oauth.refreshTokenPolicy: infinite` */
  requirement: string;
  path: string;
  step: string;
};

/** Something left out of the set on purpose. */
export type PlanOmission = { item: string; path: string; why: string };

export type PermissionSetPlan = {
  /** API name, e.g. `CrankWheel_Integration` */
  name: string;
  /** e.g. `CrankWheel Integration` */
  label: string;
  /** Includes the marker `[sf-integration-access]` and the manifest name, so our sets can be recognised */
  description: string;
  /** Permission set licence developer name the set declares (only when every target user holds it) */
  license?: string;
  userPermissions: PlanUserPermission[];
  objectPermissions: PlanObjectPermission[];
  fieldPermissions: PlanFieldPermission[];
  /** Requirement items a permission set cannot satisfy, with the manual step */
  manualSteps: PlanManualStep[];
  /** Things left out on purpose (non-permissionable field, optional field absent, object absent) */
  omitted: PlanOmission[];
  /** Permission set licences that must be assigned to the users before the set (e.g. SalesforceAPIIntegrationPsl) */
  licenseAssignments: string[];
  /** Setup entity access to add for an admin-approved app (SetupEntityAccess row; not part of the XML) */
  appAccess?: { appName: string; appId?: string };
  /** Custom permissions the set enables (`<customPermissions>`; qualified API names) */
  customPermissions?: PlanUserPermission[];
};

export type PlanOptions = {
  /** Permission set API name (default: `defaultPermissionSetName(requirements)`) */
  name?: string;
  /** Permission set label (default: `<manifest label> Integration`) */
  label?: string;
};

/** What assigning the planned set would change for one user: human-readable items. */
export type PlanDiff = {
  /** Items the user does not hold today, e.g. `Contact: Read`, `Contact.Email: Read`, `ApiEnabled` */
  toAdd: string[];
  /** Items the user already holds through the profile or another set */
  alreadyHeld: string[];
};

/** A permission set source file, read back. */
export type ParsedPermissionSet = {
  label?: string;
  description?: string;
  license?: string;
  hasActivationRequired?: boolean;
  userPermissions: Array<{ name: string; enabled: boolean }>;
  objectPermissions: Array<{
    object: string;
    allowRead: boolean;
    allowCreate: boolean;
    allowEdit: boolean;
    allowDelete: boolean;
    viewAllRecords: boolean;
    modifyAllRecords: boolean;
    viewAllFields: boolean;
  }>;
  fieldPermissions: Array<{ field: string; readable: boolean; editable: boolean }>;
  customPermissions?: Array<{ name: string; enabled: boolean }>;
  /** The description carries the `[sf-integration-access]` marker: this tool generated the set */
  generatedByThisTool: boolean;
  /** The manifest name recorded after the marker (`[sf-integration-access] manifest=NAME`) */
  manifestName?: string;
};
