/* What the routes see of the server: the org, the sessions, the fault rules, the query cursors and the router. */
import type { OrgModel } from '../context.js';
import type { AccessOverride } from '../userAccess.js';
import type { FaultInjector } from './faults.js';
import type { Req, Res } from './http.js';
import type { Sessions } from './oauth.js';
import type { QueryCursors } from './query.js';

export type RouteContext = {
  readonly model: OrgModel;
  readonly sessions: Sessions;
  readonly faults: FaultInjector;
  readonly cursors: QueryCursors;
  readonly instanceUrl: string;
  /** the corrections applied to UserEntityAccess / UserFieldAccess rows */
  accessOverrides(): AccessOverride[];
  apiUsage(): number;
  apiMax(): number;
  /** Routes one /services/data request (composite subrequests come back through it). */
  dispatch(req: Req, token: string): Promise<Res>;
};
