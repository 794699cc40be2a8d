/*
 * Dated platform changes the verdicts follow (see the "Platform changes" table of the project's
 * Salesforce reference). A verdict that depends on one of them says so, with the date and source,
 * and a manifest or vendor page written before the date is reported as out of date on that point.
 */
import { SOURCES, type Sourced } from './sources.js';

export type PlatformChange = Sourced & {
  id: PlatformChangeId;
  /** When, in Salesforce's words */
  when: string;
  /** What changed, in one sentence */
  change: string;
  /** For a release (Spring '25) the release's first month: the exact day varies by instance */
  since: string;
};

export type PlatformChangeId =
  | 'approveUninstalledApps'
  | 'useAnyApiClientNoLongerAuthorizes'
  | 'noNewConnectedApps'
  | 'viewAllFields'
  | 'profilePermissionsRemovalPostponed';

export const PLATFORM_CHANGES: readonly PlatformChange[] = [
  {
    id: 'approveUninstalledApps',
    when: 'early September 2025',
    since: '2025-09-02',
    change:
      'Uninstalled connected apps are blocked for users without Approve Uninstalled Connected Apps (auto-added to the standard System Administrator profile only); users who authorized before keep access, except with the OAuth device flow',
    source: SOURCES.HELP_CONNECTED_APP_RESTRICTIONS,
  },
  {
    id: 'useAnyApiClientNoLongerAuthorizes',
    when: 'the week of 8 December 2025',
    since: '2025-12-08',
    change:
      'Use Any API Client no longer lets a user self-authorize an uninstalled connected app; its other effect (unrestricted API access under API Access Control) stays',
    source: SOURCES.HELP_USE_ANY_API_CLIENT_CHANGE,
  },
  {
    id: 'noNewConnectedApps',
    when: "Spring '26",
    since: '2026-02-01',
    change:
      'New connected apps can no longer be created by customers (UI and APIs), except through package installation or a Support request; external client apps are the path for new integrations',
    source: SOURCES.HELP_NO_NEW_CONNECTED_APPS,
  },
  {
    id: 'viewAllFields',
    when: "Spring '25",
    since: '2025-02-01',
    change: 'The object permission View All Fields grants read on every field of the object, including fields created later',
    source: SOURCES.RN_VIEW_ALL_FIELDS,
  },
  {
    id: 'profilePermissionsRemovalPostponed',
    when: 'postponed',
    since: '2025-01-01',
    change: 'Removing permissions from profiles is postponed: profiles still grant permissions and stay in effective access',
    source: SOURCES.HELP_PROFILE_PERMISSIONS_POSTPONED,
  },
];

export const platformChange = (id: PlatformChangeId): PlatformChange => {
  const change = PLATFORM_CHANGES.find((c) => c.id === id);
  if (!change) throw new Error(`unknown platform change ${id}`);
  return change;
};

/** `the week of 8 December 2025 (Salesforce Help 005228838)` */
export const describeChange = (id: PlatformChangeId): string => {
  const c = platformChange(id);
  return `${c.when} (${c.source})`;
};
