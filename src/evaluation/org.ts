/* The org itself: does its edition have API access, and how many API requests remain today. */
import { LOW_API_REQUESTS_RATIO, editionApi } from '../salesforce/index.js';
import type { Finding } from './types.js';
import { EvaluationContext, finding } from './context.js';
import { text } from './texts.generated.js';

export const orgFindings = (ctx: EvaluationContext): Finding[] => {
  const org = ctx.snapshot.org;
  const edition = org?.edition ?? '';
  const out: Finding[] = [];
  const base = { kind: 'org' as const, requirement: text('org.apiAccess.requirement'), path: 'org' };
  switch (editionApi(edition)) {
    case 'included':
      out.push(finding(base, { status: 'pass', grantedBy: [{ kind: 'Org', name: edition }], message: text('org.apiAccess.included.message', edition) }));
      break;
    case 'addOn':
      out.push(
        finding(base, {
          status: 'warn',
          grantedBy: [],
          message: text('org.apiAccess.addOn.message', edition),
          fix: text('org.apiAccess.addOn.fix'),
        })
      );
      break;
    case 'none':
      out.push(
        finding(base, {
          status: 'error',
          grantedBy: [],
          message: text('org.apiAccess.none.message', edition),
          fix: text('org.apiAccess.none.fix'),
        })
      );
      break;
    default:
      out.push(
        finding(base, {
          status: 'warn',
          grantedBy: [],
          message: edition ? text('org.apiAccess.unrecognised.message', edition) : text('org.apiAccess.unknown.message'),
          fix: text('org.apiAccess.unconfirmed.fix'),
        })
      );
  }
  const limits = org?.dailyApiRequests;
  if (limits && Number.isFinite(limits.max) && limits.max > 0 && Number.isFinite(limits.remaining)) {
    const requestsBase = { kind: 'org' as const, requirement: text('org.apiRequests.requirement'), path: 'org' };
    if (limits.remaining / limits.max < LOW_API_REQUESTS_RATIO) {
      out.push(
        finding(requestsBase, {
          status: 'warn',
          grantedBy: [],
          message: text('org.apiRequests.low.message', limits.remaining, limits.max, LOW_API_REQUESTS_RATIO * 100),
          fix: text('org.apiRequests.low.fix'),
        })
      );
    } else {
      out.push(
        finding(requestsBase, {
          status: 'pass',
          grantedBy: [{ kind: 'Org', name: text('org.apiRequests.source') }],
          message: text('org.apiRequests.met.message', limits.remaining, limits.max),
        })
      );
    }
  }
  return out;
};
