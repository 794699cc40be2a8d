/*
 * Sharing facts: which org-wide defaults make every record visible, and the parents that
 * Controlled-by-Parent objects follow.
 */
import { SOURCES, type Sourced } from './sources.js';

export const SHARING_SOURCE: Sourced = { source: 'Salesforce Help "Organization-Wide Sharing Defaults"' };

/** Internal sharing models under which every record is at least readable (describe / metadata spellings). */
const PUBLIC_SHARING_MODELS = new Set(
  ['Read', 'ReadWrite', 'ReadWriteTransfer', 'FullAccess', 'PublicRead', 'PublicReadOnly', 'PublicReadWrite', 'PublicReadWriteTransfer', 'PublicFullAccess', 'Edit', 'All'].map(
    (m) => m.toLowerCase()
  )
);

export const isPublicSharingModel = (model: string | undefined): boolean => model !== undefined && PUBLIC_SHARING_MODELS.has(model.toLowerCase());

export const isControlledByParent = (model: string | undefined): boolean => model !== undefined && model.toLowerCase() === 'controlledbyparent';

/** Parent object whose sharing a ControlledByParent object follows. */
export const SHARING_PARENT: Readonly<Record<string, string>> = {
  Contact: 'Account',
  Order: 'Account',
  Asset: 'Account',
  Contract: 'Account',
  CaseComment: 'Case',
  OpportunityLineItem: 'Opportunity',
};
export const SHARING_PARENT_SOURCE: Sourced = { source: SOURCES.OBJECT_REFERENCE_CASE_COMMENT };

export const sharingModelLabel = (model: string): string =>
  (
    ({
      private: 'Private',
      read: 'Public Read Only',
      readwrite: 'Public Read/Write',
      readwritetransfer: 'Public Read/Write/Transfer',
      fullaccess: 'Public Full Access',
      controlledbyparent: 'Controlled by Parent',
    }) as Record<string, string>
  )[model.toLowerCase()] ?? model;
