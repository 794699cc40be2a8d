/* The org itself: does its edition have API access, and how many API requests remain today. */
import { LOW_API_REQUESTS_RATIO, editionApi } from '../salesforce/index.js';
import type { Finding } from './types.js';
import { EvaluationContext, finding } from './context.js';

export const orgFindings = (ctx: EvaluationContext): Finding[] => {
  const org = ctx.snapshot.org;
  const edition = org?.edition ?? '';
  const out: Finding[] = [];
  const base = { kind: 'org' as const, requirement: 'API access (edition)', path: 'org' };
  switch (editionApi(edition)) {
    case 'included':
      out.push(finding(base, { status: 'pass', grantedBy: [{ kind: 'Org', name: edition }], message: `${edition} includes API access` }));
      break;
    case 'addOn':
      out.push(
        finding(base, {
          status: 'warn',
          grantedBy: [],
          message: `${edition} has API access only with the API add-on`,
          fix: 'Confirm that the org has the API add-on for Professional Edition (Salesforce account executive); without it every API call fails with API_DISABLED_FOR_ORG',
        })
      );
      break;
    case 'none':
      out.push(
        finding(base, {
          status: 'error',
          grantedBy: [],
          message: `${edition} does not include API access`,
          fix: 'Use an edition with API access (Enterprise, Unlimited, Performance or Developer); no permission can grant it',
        })
      );
      break;
    default:
      out.push(
        finding(base, {
          status: 'warn',
          grantedBy: [],
          message: edition ? `edition "${edition}" is not recognised: could not confirm that it includes API access` : 'the org edition is unknown: could not confirm that it includes API access',
          fix: 'Check the edition in Setup > Company Information; API access needs Enterprise, Unlimited, Performance or Developer Edition (Professional with the API add-on)',
        })
      );
  }
  const limits = org?.dailyApiRequests;
  if (limits && Number.isFinite(limits.max) && limits.max > 0 && Number.isFinite(limits.remaining)) {
    const requestsBase = { kind: 'org' as const, requirement: 'daily API requests', path: 'org' };
    if (limits.remaining / limits.max < LOW_API_REQUESTS_RATIO) {
      out.push(
        finding(requestsBase, {
          status: 'warn',
          grantedBy: [],
          message: `only ${limits.remaining} of ${limits.max} daily API requests remain (under ${LOW_API_REQUESTS_RATIO * 100} %)`,
          fix: 'Reduce other integrations\' API use or buy more API capacity; when none remain, calls fail with REQUEST_LIMIT_EXCEEDED until the 24-hour window frees requests',
        })
      );
    } else {
      out.push(
        finding(requestsBase, {
          status: 'pass',
          grantedBy: [{ kind: 'Org', name: 'daily API request limit' }],
          message: `${limits.remaining} of ${limits.max} daily API requests remain`,
        })
      );
    }
  }
  return out;
};
