/*
 * Licence and edition facts: which objects a Salesforce Platform user cannot hold, what the
 * Salesforce Integration licence needs for object access, which editions have API access.
 */
import { SOURCES, type Sourced } from './sources.js';

export const PLATFORM_LICENSE = 'Salesforce Platform';
/**
 * CRM objects the Salesforce Platform user licence cannot hold. Case is deliberately absent: Help
 * footnotes it as available in some Platform editions.
 */
export const PLATFORM_FORBIDDEN_OBJECTS: readonly string[] = [
  'Lead',
  'Opportunity',
  'OpportunityLineItem',
  'OpportunityContactRole',
  'Campaign',
  'CampaignMember',
  'Contract',
  'Quote',
  'QuoteLineItem',
  'Forecast',
];
/** Forecasting objects (ForecastingItem, ForecastingQuota, …) are CRM objects too. */
const FORECAST_PREFIX = /^forecast/i;
export const PLATFORM_FORBIDDEN_SOURCE: Sourced = { source: SOURCES.HELP_USER_LICENSES };

export const platformForbids = (userLicense: string, object: string): boolean =>
  userLicense.toLowerCase() === PLATFORM_LICENSE.toLowerCase() &&
  (PLATFORM_FORBIDDEN_OBJECTS.some((o) => o.toLowerCase() === object.toLowerCase()) || FORECAST_PREFIX.test(object));

/**
 * The Salesforce Integration user licence holds object access only with the permission set licence
 * "Salesforce API Integration", assigned before the permission sets that grant object access
 * (otherwise: "The user license doesn't allow the permission: Read Account").
 */
export const INTEGRATION_LICENSE = 'Salesforce Integration';
export const API_INTEGRATION_PSL = 'SalesforceAPIIntegrationPsl';
export const API_INTEGRATION_PSL_LABEL = 'Salesforce API Integration';
export const INTEGRATION_LICENSE_SOURCE: Sourced = { source: SOURCES.HELP_INTEGRATION_USER };

export type EditionApi = 'included' | 'addOn' | 'none' | 'unknown';

/**
 * API access by edition (Organization.OrganizationType): on for Enterprise, Unlimited, Performance and
 * Developer; Professional needs the API add-on; Group/Team, Essentials, Personal, Contact Manager, Base
 * have none (API_DISABLED_FOR_ORG). Anything else is unknown.
 */
export const editionApi = (edition: string): EditionApi => {
  const e = edition.toLowerCase();
  if (/enterprise|unlimited|performance|developer/.test(e)) return 'included';
  if (e.includes('professional')) return 'addOn';
  if (/team|group|essentials|personal|contact manager|base edition|starter/.test(e)) return 'none';
  return 'unknown';
};
export const EDITION_API_SOURCE: Sourced = { source: SOURCES.HELP_API_EDITIONS };

/** Warn when fewer than this share of the daily API requests remain (a project threshold, not a Salesforce fact). */
export const LOW_API_REQUESTS_RATIO = 0.1;
