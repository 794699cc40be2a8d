/*
 * Fault injection: the rules a test sets (PUT /__emulator/faults), matched against top-level requests,
 * composite subrequests and the records of an sObject Collections insert, and the answer Salesforce gives
 * for each fault.
 */
import { noSuchColumn, unsupportedType } from '../soql.js';
import { WriteError } from '../writes.js';
import { invalidSession, sfError, soapFault, type Res } from './http.js';

export type FaultKind =
  | 'http503'
  | 'reset'
  | 'timeout'
  | 'REQUEST_LIMIT_EXCEEDED'
  | 'INVALID_SESSION_ID'
  | 'UNABLE_TO_LOCK_ROW'
  | 'INSUFFICIENT_ACCESS'
  /** 400 INVALID_TYPE "sObject type 'X' is not supported", as for an object the org lacks (X: the query's FROM object) */
  | 'INVALID_TYPE'
  /** 400 INVALID_FIELD "No such column 'C' on entity 'X'" for the first column of the query's WHERE clause, as for a filter the org lacks */
  | 'INVALID_FIELD'
  /** 403 API_DISABLED_FOR_ORG, as for an edition without API access */
  | 'API_DISABLED_FOR_ORG';

export type FaultRule = {
  /**
   * substring of `METHOD /path?query`, or /regex/flags. A SOAP request's target ends with its operation
   * in brackets (`POST /services/Soap/m/62.0 [checkDeployStatus]`), so polls can be told from deploys.
   */
  match: string;
  /** how many matching requests fail (default 1) */
  times?: number;
  /** let the first N matching requests through */
  skip?: number;
  fault: FaultKind;
  /**
   * Match each subrequest of a Composite request instead of top-level requests, against its decoded
   * target (`GET /services/data/v62.0/query?q=SELECT Id FROM PermissionSet …`): one query of a batch
   * fails the way Salesforce fails it while the others answer. reset/timeout take the whole request down.
   * Each record of an sObject Collections insert is a subrequest too, matched as
   * `POST sobjects/TYPE {"Field":"value",…}` (e.g. one user's PermissionSetAssignment by its AssigneeId).
   */
  subrequests?: boolean;
};

/** A fault's outcome: an answer, or the connection reset / never answered. */
export type Faulted = Res | 'reset' | 'timeout';

/** A fault that takes the whole connection down, raised from inside a subrequest. */
export class ConnectionFault extends Error {
  public constructor(public readonly kind: 'reset' | 'timeout') {
    super(kind);
  }
}

/** What a faulted request was about: its SOQL (query endpoints) and its sObject type (sobjects paths). */
export type FaultSubject = { soql?: string; sobject?: string };

export const faultSubject = (path: string, query: URLSearchParams): FaultSubject => ({
  soql: /\/query(?:All)?$/.test(path) ? query.get('q') ?? undefined : undefined,
  sobject: /\/sobjects\/([^/]+)/.exec(path)?.[1],
});

/** Salesforce's answer for a query or request naming an object the org lacks. */
const invalidTypeFault = (about: FaultSubject): Res => {
  const from = about.soql ? /\bFROM\s+([A-Za-z_]\w*)/i.exec(about.soql)?.[1] : undefined;
  if (about.soql && from) {
    const e = unsupportedType(about.soql, from);
    return sfError(e.status, e.errorCode, e.message);
  }
  return sfError(
    400,
    'INVALID_TYPE',
    `sObject type '${about.sobject ?? 'unknown'}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`
  );
};

/** Salesforce's answer for a query naming a column (here: the first filtered one) the object lacks. */
const invalidFieldFault = (about: FaultSubject): Res => {
  const soql = about.soql ?? '';
  const from = /\bFROM\s+([A-Za-z_]\w*)/i.exec(soql)?.[1] ?? about.sobject ?? 'unknown';
  const column = /\bWHERE\s+\(?\s*([A-Za-z_][\w.]*)/i.exec(soql)?.[1] ?? /^\s*SELECT\s+([A-Za-z_][\w.]*)/i.exec(soql)?.[1] ?? 'Id';
  const e = noSuchColumn(soql, column, from);
  return sfError(e.status, e.errorCode, e.message);
};

/** `METHOD /path?query` of a composite subrequest, decoded so rules can name SOQL text. */
export const subrequestTarget = (sub: { method: string; path: string; query: URLSearchParams }): string => {
  const q = [...sub.query.entries()].map(([k, v]) => `${k}=${v}`).join('&');
  return `${sub.method} ${sub.path}${q ? `?${q}` : ''}`;
};

/** The operation of a SOAP envelope: the first element inside its Body. */
export const soapOperation = (body: Buffer): string | undefined =>
  /<(?:[\w-]+:)?Body\b[^>]*>\s*<(?:[\w-]+:)?([A-Za-z]\w*)/.exec(body.toString('utf8'))?.[1];

/** The answer Salesforce gives for the fault: REST errors as JSON, SOAP errors as a SOAP fault. */
export const faultResponse = (f: FaultRule, about: FaultSubject = {}, soap = false): Faulted => {
  if (soap && f.fault !== 'reset' && f.fault !== 'timeout' && f.fault !== 'http503') {
    const rest = faultResponse(f, about);
    const first = typeof rest === 'object' && Array.isArray(rest.json) ? (rest.json[0] as { errorCode: string; message: string }) : undefined;
    const code = first?.errorCode ?? 'UNKNOWN_EXCEPTION';
    return soapFault(`sf:${code}`, `${code}: ${first?.message ?? 'fault'}`, 500);
  }
  switch (f.fault) {
    case 'reset':
      return 'reset';
    case 'timeout':
      return 'timeout';
    case 'http503':
      // what Salesforce's edge answers during maintenance: an HTML page, not a JSON error
      if (soap) return { status: 503, text: '<html><body><h1>503 Service Unavailable</h1></body></html>', contentType: 'text/html' };
      return sfError(503, 'SERVER_UNAVAILABLE', 'Server is unavailable, please retry later');
    case 'REQUEST_LIMIT_EXCEEDED':
      return sfError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
    case 'INVALID_SESSION_ID':
      return invalidSession();
    case 'UNABLE_TO_LOCK_ROW':
      return sfError(400, 'UNABLE_TO_LOCK_ROW', 'unable to obtain exclusive access to this record or 1 records');
    case 'INSUFFICIENT_ACCESS':
      return sfError(400, 'INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id');
    case 'INVALID_TYPE':
      return invalidTypeFault(about);
    case 'INVALID_FIELD':
      return invalidFieldFault(about);
    case 'API_DISABLED_FOR_ORG':
      return sfError(403, 'API_DISABLED_FOR_ORG', 'API is not enabled for this Organization or Partner');
    default:
      return sfError(500, 'UNKNOWN_EXCEPTION', 'fault');
  }
};

/** The fault rules in force and how often each has matched and fired. */
export class FaultInjector {
  private rules: Array<FaultRule & { seen: number; fired: number }> = [];

  public set(rules: FaultRule[]): void {
    this.rules = rules.map((r) => ({ ...r, seen: 0, fired: 0 }));
  }

  /** The injected answer for a top-level request, if a rule matches it. */
  public forRequest(method: string, logPath: string, body: Buffer): Faulted | undefined {
    const isSoap = logPath.startsWith('/services/Soap/');
    const operation = isSoap && method === 'POST' ? soapOperation(body) : undefined;
    const fault = this.match(`${method} ${logPath}${operation ? ` [${operation}]` : ''}`, false);
    if (!fault) return undefined;
    const q = logPath.indexOf('?');
    const about = faultSubject(q >= 0 ? logPath.slice(0, q) : logPath, new URLSearchParams(q >= 0 ? logPath.slice(q + 1) : ''));
    return faultResponse(fault, about, isSoap);
  }

  /** The injected answer for a composite subrequest, if a subrequest rule matches it; throws ConnectionFault for reset/timeout. */
  public forSubrequest(sub: { method: string; path: string; query: URLSearchParams }): Res | undefined {
    const rule = this.match(subrequestTarget(sub), true);
    const faulted = rule ? faultResponse(rule, faultSubject(sub.path, sub.query)) : undefined;
    if (faulted === 'reset' || faulted === 'timeout') throw new ConnectionFault(faulted);
    return faulted;
  }

  /** The injected error for one record of an sObject Collections insert, if a subrequest rule matches it. */
  public forRecord(type: string, fields: Record<string, unknown>): WriteError | undefined {
    const rule = this.match(`POST sobjects/${type} ${JSON.stringify(fields)}`, true);
    if (!rule) return undefined;
    const faulted = faultResponse(rule, { sobject: type });
    if (faulted === 'reset' || faulted === 'timeout') throw new ConnectionFault(faulted);
    const first = Array.isArray(faulted.json) ? (faulted.json[0] as { errorCode: string; message: string }) : undefined;
    return new WriteError(faulted.status, first?.errorCode ?? 'UNKNOWN_EXCEPTION', first?.message ?? 'fault');
  }

  private match(target: string, subrequest: boolean): FaultRule | undefined {
    for (const f of this.rules) {
      if ((f.subrequests ?? false) !== subrequest) continue;
      const re = /^\/(.*)\/([a-z]*)$/.exec(f.match);
      const hit = re ? new RegExp(re[1], re[2]).test(target) : target.includes(f.match);
      if (!hit) continue;
      f.seen++;
      if (f.seen <= (f.skip ?? 0)) continue;
      if (f.fired >= (f.times ?? 1)) continue;
      f.fired++;
      return f;
    }
    return undefined;
  }
}
