/*
 * The query shapes of the reader (src/snapshot/read.ts, src/snapshot/crossCheck.ts), by the key the reader
 * gives each query: what each reads and when the reader sends it. The queries themselves are not copied
 * here: the doctor runs the reader and watches what it sends (probeQueries in batch.ts); this table only
 * names them and says why one was not sent. A key the reader sends that is missing here is still reported.
 */
export type ShapeInfo = { reads: string; when: string; unverified?: string };

export const SHAPES: Readonly<Record<string, ShapeInfo>> = {
  org: { reads: 'Organization: edition, sandbox, instance', when: 'always' },
  psColumns: { reads: 'EntityParticle of PermissionSet: which Permissions… columns exist (QualifiedApiName IN …)', when: 'always', unverified: 'EntityParticle rows for PermissionSet columns' },
  psls: { reads: 'PermissionSetLicense', when: 'always' },
  users: { reads: 'User by Id, Username or Email (with Profile.UserLicense)', when: 'always' },
  logins: { reads: 'UserLogin (frozen) by a User semi-join', when: 'always' },
  assignments: { reads: 'PermissionSetAssignment by a User semi-join', when: 'always' },
  pslAssignments: { reads: 'PermissionSetLicenseAssign by a User semi-join', when: 'always' },
  tokens: { reads: 'OauthToken of the users (User semi-join)', when: 'an app is named (--app or the manifest)' },
  entities: { reads: 'EntityDefinition of the objects named (sharing model)', when: 'the manifest names objects' },
  particles: { reads: 'EntityParticle filtered by object and field (field facts)', when: 'the manifest names objects', unverified: 'EntityParticle filter on EntityDefinition.QualifiedApiName and QualifiedApiName' },
  app: { reads: 'ConnectedApplication by Name', when: 'an app is named' },
  eca: { reads: 'ExternalClientApplication by DeveloperName or MasterLabel', when: 'an app is named', unverified: "External Client App objects' column names" },
  ecaPolicy: { reads: 'ExtlClntAppOauthPlcyCnfg by an ExternalClientApplication semi-join (DeveloperName: the policies component name)', when: 'an app is named', unverified: "External Client App objects' column names" },
  ecaPolicyLists: {
    reads: 'readMetadata of ExtlClntAppOauthConfigurablePolicies (commaSeparatedPermissionSet / commaSeparatedProfile: the pre-authorized sets and profiles)',
    when: 'the named app is an External Client App',
    unverified: 'the component fullName = ExtlClntAppOauthPlcyCnfg.DeveloperName; list entries as names (the reference says "IDs"; names and Ids are both matched)',
  },
  dependencies: { reads: 'PermissionDependency (Tooling API), user permission to user permission', when: 'grant (planning)' },
  sets: { reads: 'PermissionSet by Id (and by a PermissionSetGroupComponent semi-join) with Permissions… columns', when: 'the user has assignments' },
  objectPerms: { reads: 'ObjectPermissions by ParentId and SobjectType', when: 'the manifest names objects' },
  fieldPerms: { reads: 'FieldPermissions by ParentId and Field', when: 'the manifest names fields' },
  appAccess: {
    reads: 'SetupEntityAccess by SetupEntityId and ParentId',
    when: 'the named app exists in the org',
    unverified: "an External Client App's rows (SetupEntityType 'ExternalClientApplication', API 60.0+) matching its policies' lists",
  },
  components: { reads: 'PermissionSetGroupComponent by a PermissionSetAssignment semi-join (members of the users\' groups)', when: 'always' },
  muting: { reads: 'MutingPermissionSet by a PermissionSetGroupComponent semi-join', when: 'the user is assigned a permission set group' },
  ecaSettings: { reads: 'ExtlClntAppOauthSettings FIELDS(STANDARD) (its OauthScopes… columns) of the named External Client App', when: 'an app is named' },
  customPermissions: { reads: 'CustomPermission by DeveloperName', when: 'the manifest names custom permissions' },
  customPermissionAccess: { reads: 'SetupEntityAccess of the custom permissions by ParentId', when: 'the manifest names custom permissions' },
  psAllColumns: { reads: 'EntityParticle of PermissionSet: every Permissions… column', when: 'check --excess' },
  appNames: { reads: 'ConnectedApplication Id and Name', when: 'check --excess' },
  ecaNames: { reads: 'ExternalClientApplication Id and DeveloperName', when: 'check --excess' },
  setColumns: { reads: 'PermissionSet by Id with the Permissions… columns the manifest does not name', when: 'check --excess' },
  allAppAccess: { reads: 'SetupEntityAccess of the users\' sets for every connected app and External Client App', when: 'check --excess' },
  probedSet: { reads: 'PermissionSet by Name (the set grant generates)', when: 'grant' },
  refreshAssignments: { reads: 'PermissionSetAssignment by AssigneeId', when: "grant's re-check" },
  refreshPslAssignments: { reads: 'PermissionSetLicenseAssign by AssigneeId', when: "grant's re-check" },
  crossCheckObjects: {
    reads: 'UserEntityAccess by UserId and EntityDefinitionId IN (…)',
    when: 'check of one or two users with object requirements',
    unverified: 'EntityDefinitionId IN (…) beside UserId =',
  },
  crossCheckFields: {
    reads: 'UserFieldAccess by UserId and EntityDefinitionId IN (…)',
    when: 'check of one or two users with field requirements',
    unverified: 'EntityDefinitionId IN (…) beside UserId =; DurableId = field DurableId + user Id',
  },
};

/** The shape name of a query key (the cross-check's keys carry the user Id). */
export const shapeOf = (key: string): string => key.split(':')[0];
