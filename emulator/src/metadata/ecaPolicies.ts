/*
 * Deploying an External Client App's OAuth policies (ExtlClntAppOauthConfigurablePolicies, folder
 * extlClntAppOauthPolicies, suffix ecaOauthPlcy; Metadata API 59.0+): the emulator's own rules, not the
 * plugin's. A deployed policies file replaces the app's pre-authorization lists (commaSeparatedPermissionSet,
 * commaSeparatedProfile) and its permitted users in the org state, so the app's SetupEntityAccess rows
 * (SetupEntityType 'ExternalClientApplication') and a later readMetadata follow it.
 *
 * The emulator accepts permission set API names and profile names in the lists (as the reference's sample
 * and retrieved files write them; the reference calls the permission set entries "IDs") and refuses an
 * entry that names no permission set or profile of the org, and a file for an app that is not an
 * External Client App here.
 */
import type { OrgState } from '../orgState.js';
import type { FileProblem } from './permissionSetXml.js';
import { isExternalClientApp } from './readMetadata.js';
import { elementOf, parseXml, textOf, XmlSyntaxError } from './xml.js';

export const ECA_POLICIES_TYPE = 'ExtlClntAppOauthConfigurablePolicies';
export const ECA_POLICIES_FOLDER = { folder: 'extlClntAppOauthPolicies', suffix: 'ecaOauthPlcy' } as const;

export type EcaPolicyUpdate = {
  app: string;
  permissionSets: string[];
  profiles: string[];
  permittedUsers?: 'any' | 'adminApproved';
};

const list = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** Parses and validates one policies file against the state; problems in the Metadata API's words. */
export const checkEcaPolicies = (state: OrgState, fullName: string, text: string): { update?: EcaPolicyUpdate; problems: FileProblem[] } => {
  let root;
  try {
    root = elementOf(parseXml(text)[ECA_POLICIES_TYPE]);
  } catch (e) {
    const err = e as XmlSyntaxError;
    return { problems: [{ problem: `Error parsing file: ${err.message}`, line: err.line, column: err.column }] };
  }
  const appName = textOf(root['externalClientApplication']).trim();
  const app = (state.connectedApps ?? []).find((a) => a.name === appName && isExternalClientApp(a));
  if (!appName) return { problems: [{ problem: `Required field is missing: externalClientApplication (${fullName})` }] };
  if (!app) return { problems: [{ problem: `In field: externalClientApplication - no ExternalClientApplication named ${appName} found` }] };
  const permissionSets = list(textOf(root['commaSeparatedPermissionSet']));
  const profiles = list(textOf(root['commaSeparatedProfile']));
  const problems: FileProblem[] = [
    ...permissionSets
      .filter((n) => !(state.permissionSets ?? []).some((p) => p.name === n))
      .map((n) => ({ problem: `In field: commaSeparatedPermissionSet - no PermissionSet named ${n} found` })),
    ...profiles
      .filter((n) => !(state.profiles ?? []).some((p) => p.name === n))
      .map((n) => ({ problem: `In field: commaSeparatedProfile - no Profile named ${n} found` })),
  ];
  const permitted = textOf(root['permittedUsersPolicyType']).trim();
  const permittedUsers = permitted === 'AdminApprovedPreAuthorized' ? 'adminApproved' : permitted === 'AllSelfAuthorized' ? 'any' : undefined;
  return problems.length > 0 ? { problems } : { problems, update: { app: app.name, permissionSets, profiles, ...(permittedUsers ? { permittedUsers } : {}) } };
};

/** The state with the deployed policies' lists (and permitted users) in place of the apps' old ones. */
export const withEcaPolicies = (state: OrgState, updates: EcaPolicyUpdate[]): OrgState => {
  if (updates.length === 0) return state;
  return {
    ...state,
    connectedApps: (state.connectedApps ?? []).map((a) => {
      const u = updates.find((x) => x.app === a.name);
      return u ? { ...a, permissionSets: u.permissionSets, profiles: u.profiles, ...(u.permittedUsers ? { permittedUsers: u.permittedUsers } : {}) } : a;
    }),
  };
};
