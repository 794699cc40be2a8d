/*
 * Setup labels of the system permissions named in deploy messages ("Permission Customize
 * Application depends on permission(s): View Setup and Configuration"). Values are taken from
 * ../fixtures/salesforce/user-permission-labels.tsv (Salesforce Field Reference v67.0); names not
 * listed here fall back to their API name.
 */
import type { ObjectAccessName } from '../orgState.js';

const PERMISSION_LABELS: Record<string, string> = {
  ApiEnabled: 'API Enabled',
  ApiUserOnly: 'API Only User',
  AuthorApex: 'Author Apex',
  CustomizeApplication: 'Customize Application',
  EditEvent: 'Edit Events',
  EditTask: 'Edit Tasks',
  ManageCustomPermissions: 'Manage Custom Permissions',
  ManageRemoteAccess: 'Manage Connected Apps',
  ManageUsers: 'Manage Users',
  ModifyAllData: 'Modify All Data',
  ModifyMetadata: 'Modify Metadata Through Metadata API Functions',
  RunReports: 'Run Reports',
  TransferAnyEntity: 'Transfer Record',
  TransferAnyLead: 'Transfer Leads',
  ViewAllData: 'View All Data',
  ViewAllUsers: 'View All Users',
  ViewRoles: 'View Roles and Role Hierarchy',
  ViewSetup: 'View Setup and Configuration',
};

export const permissionLabel = (apiName: string): string => PERMISSION_LABELS[apiName] ?? apiName;

const ACCESS_LABELS: Record<ObjectAccessName, string> = {
  read: 'Read',
  create: 'Create',
  edit: 'Edit',
  delete: 'Delete',
  viewAll: 'View All',
  modifyAll: 'Modify All',
  viewAllFields: 'View All Fields',
};

/** "Edit Contact" */
export const objectAccessLabel = (access: ObjectAccessName, object: string): string => `${ACCESS_LABELS[access]} ${object}`;
