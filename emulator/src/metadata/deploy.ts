/*
 * Deploy jobs, shared by the SOAP (deploy / checkDeployStatus / cancelDeploy) and REST
 * (deployRequest) entry points. A job is queued on submit, reports InProgress on its first status
 * check and finishes on the second: that is when the zip's components are validated against the
 * org state of the moment and, when allowed, applied through ctx.commit.
 */
/* eslint-disable no-param-reassign -- a DeployJob is the mutable record of one job; its steps update it in place */
import JSZip from 'jszip';
import type { OrgState, PermissionSetState } from '../orgState.js';
import type { MetadataContext } from './context.js';
import { FileProblem, parsePermissionSetXml, ParsedPermissionSet, toPermissionSetState } from './permissionSetXml.js';
import { validatePermissionSet } from './validate.js';
import { checkEcaPolicies, ECA_POLICIES_FOLDER, ECA_POLICIES_TYPE, type EcaPolicyUpdate, withEcaPolicies } from './ecaPolicies.js';
import { asArray, elementOf, parseXml, textOf, XmlSyntaxError } from './xml.js';

export type DeployOptions = {
  allowMissingFiles: boolean;
  autoUpdatePackage: boolean;
  checkOnly: boolean;
  ignoreWarnings: boolean;
  performRetrieve: boolean;
  purgeOnDelete: boolean;
  rollbackOnError: boolean;
  runTests: string[];
  singlePackage: boolean;
  testLevel?: string;
};

export type DeployStatus = 'Pending' | 'InProgress' | 'Succeeded' | 'SucceededPartial' | 'Failed' | 'Canceling' | 'Canceled';

/** DeployMessage of the Metadata API (fields in schema order). */
export type DeployMessage = {
  changed: boolean;
  columnNumber?: number;
  componentType: string;
  created: boolean;
  createdDate: string;
  deleted: boolean;
  fileName: string;
  fullName: string;
  id?: string;
  lineNumber?: number;
  problem?: string;
  problemType?: 'Error' | 'Warning';
  success: boolean;
};

/** DeployResult of the Metadata API (fields in schema order). */
export type DeployResult = {
  canceledBy?: string;
  canceledByName?: string;
  checkOnly: boolean;
  completedDate?: string;
  createdBy: string;
  createdByName: string;
  createdDate: string;
  details?: {
    componentFailures: DeployMessage[];
    componentSuccesses: DeployMessage[];
    runTestResult: { numFailures: number; numTestsRun: number; totalTime: number };
  };
  done: boolean;
  errorMessage?: string;
  errorStatusCode?: string;
  id: string;
  ignoreWarnings: boolean;
  lastModifiedDate?: string;
  numberComponentErrors: number;
  numberComponentsDeployed: number;
  numberComponentsTotal: number;
  numberTestErrors: number;
  numberTestsCompleted: number;
  numberTestsTotal: number;
  rollbackOnError: boolean;
  runTestsEnabled: boolean;
  startDate?: string;
  stateDetail?: string;
  status: DeployStatus;
  success: boolean;
};

/** One component found in the zip (or named in package.xml). */
type Component = {
  type: string;
  fullName: string;
  fileName: string;
  /** file text for PermissionSet */
  text?: string;
  /** a problem known before validation (missing file, unsupported type) */
  problem?: FileProblem;
};

type Prepared = { components: Component[]; packageFile: string } | { fatal: string; statusCode: string };

/** Who the emulator reports as having run deploys. */
export const DEPLOY_USER = { id: '005000000000001AAA', name: 'Emulator Admin' };

export type DeployJob = {
  kind: 'emulator-deploy-job';
  id: string;
  options: DeployOptions;
  prepared: Prepared;
  polls: number;
  status: DeployStatus;
  createdDate: string;
  startDate?: string;
  completedDate?: string;
  lastModifiedDate: string;
  canceled?: boolean;
  outcome?: {
    failures: DeployMessage[];
    successes: DeployMessage[];
    componentErrors: number;
    componentsDeployed: number;
    errorMessage?: string;
    errorStatusCode?: string;
  };
};

const isJob = (v: unknown): v is DeployJob =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'emulator-deploy-job';

export const getJob = (ctx: MetadataContext, id: string): DeployJob | undefined => {
  const v = ctx.deploys.get(id) ?? ctx.deploys.get(id.slice(0, 15));
  return isJob(v) ? v : undefined;
};

const now = (): string => new Date().toISOString();

/** Deterministic 18-character deploy ids per emulator instance: 0Af000000000001AAA, ... */
const nextId = (ctx: MetadataContext): string => {
  let n = ctx.deploys.size + 1;
  let id = `0Af${String(n).padStart(12, '0')}AAA`;
  while (ctx.deploys.has(id)) id = `0Af${String(++n).padStart(12, '0')}AAA`;
  return id;
};

const bool = (v: unknown, dflt: boolean): boolean => {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.trim() === 'true' ? true : v.trim() === 'false' ? false : dflt;
  return dflt;
};

/** DeployOptions from a SOAP element or a REST JSON object (defaults as the Metadata API documents). */
export const readDeployOptions = (raw: Record<string, unknown> | undefined): DeployOptions => {
  const r = raw ?? {};
  const runTests = r['runTests'];
  const testLevel = r['testLevel'];
  return {
    allowMissingFiles: bool(r['allowMissingFiles'], false),
    autoUpdatePackage: bool(r['autoUpdatePackage'], false),
    checkOnly: bool(r['checkOnly'], false),
    ignoreWarnings: bool(r['ignoreWarnings'], false),
    performRetrieve: bool(r['performRetrieve'], false),
    purgeOnDelete: bool(r['purgeOnDelete'], false),
    rollbackOnError: bool(r['rollbackOnError'], true),
    runTests: (Array.isArray(runTests) ? runTests : runTests === undefined || runTests === '' ? [] : [runTests]).map(String),
    singlePackage: bool(r['singlePackage'], false),
    ...(typeof testLevel === 'string' && testLevel !== '' ? { testLevel } : {}),
  };
};

/** Folder and suffix of the types the emulator can at least name in messages. */
const TYPE_FOLDERS: Record<string, { folder: string; suffix: string }> = {
  PermissionSet: { folder: 'permissionsets', suffix: 'permissionset' },
  PermissionSetGroup: { folder: 'permissionsetgroups', suffix: 'permissionsetgroup' },
  MutingPermissionSet: { folder: 'mutingpermissionsets', suffix: 'mutingpermissionset' },
  Profile: { folder: 'profiles', suffix: 'profile' },
  ConnectedApp: { folder: 'connectedApps', suffix: 'connectedApp' },
  CustomObject: { folder: 'objects', suffix: 'object' },
  ApexClass: { folder: 'classes', suffix: 'cls' },
  [ECA_POLICIES_TYPE]: ECA_POLICIES_FOLDER,
};

const NOT_SUPPORTED = 'Not supported by the emulator';

/** Unzips and reads package.xml; no org state is looked at here. */
export const prepareZip = async (zipData: Buffer): Promise<Prepared> => {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(zipData);
  } catch (e) {
    return { fatal: `The zip file could not be read: ${(e as Error).message}`, statusCode: 'UNKNOWN_EXCEPTION' };
  }
  const files = Object.keys(zip.files).filter((p) => !zip.files[p].dir);
  const manifests = files.filter((p) => p === 'package.xml' || /^[^/]+\/package\.xml$/.test(p)).sort((a, b) => a.length - b.length);
  if (manifests.length === 0) {
    return {
      components: [
        {
          type: '',
          fullName: 'package.xml',
          fileName: 'package.xml',
          problem: { problem: 'No package.xml found' },
        },
      ],
      packageFile: 'package.xml',
    };
  }
  const packageFile = manifests[0];
  const base = packageFile.slice(0, packageFile.length - 'package.xml'.length);
  const components: Component[] = [];
  let pkg;
  try {
    pkg = elementOf(parseXml(await zip.files[packageFile].async('string'))['Package']);
  } catch (e) {
    const err = e as XmlSyntaxError;
    return {
      components: [
        {
          type: '',
          fullName: 'package.xml',
          fileName: packageFile,
          problem: { problem: `Error parsing file: ${err.message}`, line: err.line, column: err.column },
        },
      ],
      packageFile,
    };
  }
  const readText = async (path: string): Promise<string | undefined> => zip.files[path]?.async('string');

  for (const typesNode of asArray(pkg['types'])) {
    const types = elementOf(typesNode);
    const type = textOf(types['name']).trim();
    const members = asArray(types['members']).map((m) => textOf(m).trim());
    const where = TYPE_FOLDERS[type];
    if ((type === 'PermissionSet' || type === ECA_POLICIES_TYPE) && where) {
      const prefix = `${base}${where.folder}/`;
      const suffix = `.${where.suffix}`;
      const names = members.includes('*')
        ? files.filter((f) => f.startsWith(prefix) && f.endsWith(suffix)).map((f) => f.slice(prefix.length, -suffix.length))
        : members;
      for (const name of [...new Set(names)]) {
        const fileName = `${prefix}${name}${suffix}`;
        // eslint-disable-next-line no-await-in-loop
        const text = await readText(fileName);
        components.push(
          text === undefined
            ? {
                type,
                fullName: name,
                fileName: packageFile,
                problem: {
                  problem: `An object '${name}' of type ${type} was named in package.xml, but was not found in zipped directory`,
                },
              }
            : { type, fullName: name, fileName, text }
        );
      }
      continue;
    }
    for (const name of members) {
      const guess = where
        ? files.find((f) => f.startsWith(`${base}${where.folder}/${name}.`) && !f.endsWith('-meta.xml'))
        : files.find((f) => f.slice(f.lastIndexOf('/') + 1).split('.')[0] === name && !f.endsWith('-meta.xml'));
      components.push({
        type,
        fullName: name,
        fileName: guess ?? packageFile,
        problem: { problem: `${NOT_SUPPORTED}: metadata type ${type}` },
      });
    }
  }
  for (const destructive of ['destructiveChanges.xml', 'destructiveChangesPre.xml', 'destructiveChangesPost.xml']) {
    const path = `${base}${destructive}`;
    // eslint-disable-next-line no-await-in-loop
    const text = await readText(path);
    if (text === undefined) continue;
    components.push({
      type: '',
      fullName: destructive,
      fileName: path,
      problem: { problem: `${NOT_SUPPORTED}: destructive changes` },
    });
  }
  return { components, packageFile };
};

/** Starts a deploy job: unzips now, validates and applies when the job runs. */
export const submitDeploy = async (ctx: MetadataContext, zipData: Buffer, options: DeployOptions): Promise<DeployJob> => {
  const prepared = await prepareZip(zipData);
  const created = now();
  const job: DeployJob = {
    kind: 'emulator-deploy-job',
    id: nextId(ctx),
    options,
    prepared,
    polls: 0,
    status: 'Pending',
    createdDate: created,
    lastModifiedDate: created,
  };
  ctx.deploys.set(job.id, job);
  return job;
};

const message = (c: Component, when: string, extra: Partial<DeployMessage>): DeployMessage => ({
  changed: false,
  componentType: c.type,
  created: false,
  createdDate: when,
  deleted: false,
  fileName: c.fileName,
  fullName: c.fullName,
  success: false,
  ...extra,
});

const failure = (c: Component, when: string, p: FileProblem): DeployMessage =>
  message(c, when, {
    ...(p.column !== undefined ? { columnNumber: p.column } : {}),
    ...(p.line !== undefined ? { lineNumber: p.line } : {}),
    problem: p.problem,
    problemType: 'Error',
    success: false,
  });

const sameSet = (a: PermissionSetState | undefined, b: PermissionSetState): boolean => {
  if (!a) return false;
  const norm = (ps: PermissionSetState): string =>
    JSON.stringify({
      label: ps.label ?? ps.name,
      description: ps.description ?? '',
      license: ps.license ?? '',
      sessionBased: ps.sessionBased === true,
      systemPermissions: [...(ps.systemPermissions ?? [])].sort(),
      objectPermissions: Object.entries(ps.objectPermissions ?? {})
        .filter(([, v]) => v.length > 0)
        .map(([k, v]) => [k, [...v].sort()])
        .sort(),
      fieldPermissions: Object.entries(ps.fieldPermissions ?? {}).sort(),
    });
  return norm(a) === norm(b);
};

/** Applies sets to a copy of the state: a deployed set replaces the whole entry of that name. */
const withSets = (state: OrgState, sets: PermissionSetState[], policies: EcaPolicyUpdate[] = []): OrgState => withEcaPolicies(withSetsOnly(state, sets), policies);

const withSetsOnly = (state: OrgState, sets: PermissionSetState[]): OrgState => {
  const list = [...(state.permissionSets ?? [])];
  for (const ps of sets) {
    const i = list.findIndex((p) => p.name === ps.name);
    if (i >= 0) list[i] = ps;
    else list.push(ps);
  }
  return { ...state, permissionSets: list };
};

type Checked = {
  failuresByComponent: Map<Component, DeployMessage[]>;
  valid: Array<{ component: Component; set: PermissionSetState }>;
  /** ExtlClntAppOauthConfigurablePolicies components (emulator/src/metadata/ecaPolicies.ts) */
  policies: Array<{ component: Component; update: EcaPolicyUpdate }>;
};

/** Reads and validates every component against the state; nothing is written. */
const checkComponents = (ctx: MetadataContext, state: OrgState, components: Component[], when: string): Checked => {
  const failuresByComponent = new Map<Component, DeployMessage[]>();
  const valid: Checked['valid'] = [];
  const policies: Checked['policies'] = [];
  for (const c of components) {
    if (c.problem) {
      failuresByComponent.set(c, [failure(c, when, c.problem)]);
      continue;
    }
    if (c.type === ECA_POLICIES_TYPE) continue; // checked below, against the sets this deploy adds
    let parsed: ParsedPermissionSet;
    try {
      parsed = parsePermissionSetXml(c.text ?? '');
    } catch (e) {
      const err = e as XmlSyntaxError;
      const problem = err.message.startsWith('Error parsing file') ? err.message : `Error parsing file: ${err.message}`;
      failuresByComponent.set(c, [failure(c, when, { problem, line: err.line, column: err.column })]);
      continue;
    }
    const { problems, canonical } = validatePermissionSet(ctx, state, c.fullName, parsed);
    if (problems.length > 0) {
      failuresByComponent.set(
        c,
        problems.map((p) => failure(c, when, p))
      );
      continue;
    }
    valid.push({ component: c, set: toPermissionSetState(c.fullName, canonical) });
  }
  const withValidSets = withSetsOnly(state, valid.map((v) => v.set));
  for (const c of components.filter((x) => x.type === ECA_POLICIES_TYPE && !x.problem)) {
    const { update, problems } = checkEcaPolicies(withValidSets, c.fullName, c.text ?? '');
    if (update) policies.push({ component: c, update });
    else failuresByComponent.set(c, problems.map((p) => failure(c, when, p)));
  }
  return { failuresByComponent, valid, policies };
};

/**
 * Writes the valid sets through ctx.commit, as the options allow; a refused commit becomes a
 * component failure. Returns the components reported as successes.
 */
const applySets = (
  ctx: MetadataContext,
  options: DeployOptions,
  state: OrgState,
  checked: Checked,
  when: string
): Checked['valid'] => {
  const { failuresByComponent, valid } = checked;
  if (options.checkOnly || (failuresByComponent.size > 0 && options.rollbackOnError)) {
    return valid; // validated; nothing is written
  }
  if (options.rollbackOnError) {
    try {
      ctx.commit(withSets(state, valid.map((v) => v.set), checked.policies.map((p) => p.update)));
      return valid;
    } catch (e) {
      const why = (e as Error).message;
      const named = valid.filter((v) => why.includes(v.set.name));
      for (const v of named.length > 0 ? named : valid) {
        failuresByComponent.set(v.component, [failure(v.component, when, { problem: why })]);
      }
      return valid.filter((v) => !failuresByComponent.has(v.component));
    }
  }
  const applied: Checked['valid'] = [];
  for (const v of valid) {
    try {
      ctx.commit(withSets(ctx.getState(), [v.set]));
      applied.push(v);
    } catch (e) {
      failuresByComponent.set(v.component, [failure(v.component, when, { problem: (e as Error).message })]);
    }
  }
  for (const p of checked.policies) {
    try {
      ctx.commit(withEcaPolicies(ctx.getState(), [p.update]));
    } catch (e) {
      failuresByComponent.set(p.component, [failure(p.component, when, { problem: (e as Error).message })]);
    }
  }
  return applied;
};

/** Runs the job: validate every component, then apply (all or nothing unless rollbackOnError is false). */
const runJob = (ctx: MetadataContext, job: DeployJob): void => {
  const when = now();
  const prepared = job.prepared;
  if ('fatal' in prepared) {
    job.outcome = {
      failures: [],
      successes: [],
      componentErrors: 0,
      componentsDeployed: 0,
      errorMessage: prepared.fatal,
      errorStatusCode: prepared.statusCode,
    };
    job.status = 'Failed';
    return;
  }
  const state = ctx.getState();
  const checked = checkComponents(ctx, state, prepared.components, when);
  const applied = applySets(ctx, job.options, state, checked, when);

  const before = new Map((state.permissionSets ?? []).map((p) => [p.name, p]));
  const successes: DeployMessage[] = applied.map(({ component, set }) => {
    const old = before.get(set.name);
    return message(component, when, { changed: !sameSet(old, set), created: old === undefined, success: true });
  });
  for (const p of checked.policies) {
    const written = !checked.failuresByComponent.has(p.component) && (job.options.checkOnly || checked.failuresByComponent.size === 0 || !job.options.rollbackOnError);
    if (written) successes.push(message(p.component, when, { changed: true, success: true }));
  }
  successes.push(
    message({ type: '', fullName: 'package.xml', fileName: prepared.packageFile }, when, { changed: true, success: true })
  );
  const failures = [...checked.failuresByComponent.values()].flat();
  const componentErrors = checked.failuresByComponent.size;
  job.outcome = { failures, successes, componentErrors, componentsDeployed: successes.length - 1 };
  if (componentErrors === 0) job.status = 'Succeeded';
  else if (!job.options.rollbackOnError && applied.length > 0) job.status = 'SucceededPartial';
  else job.status = 'Failed';
};

const countComponents = (job: DeployJob): number => ('fatal' in job.prepared ? 0 : job.prepared.components.length);

/** Advances a job by one status check: Pending → InProgress → done. */
export const pollJob = (ctx: MetadataContext, job: DeployJob): void => {
  if (isDone(job)) return;
  job.polls++;
  const t = now();
  job.lastModifiedDate = t;
  if (job.polls === 1) {
    job.status = 'InProgress';
    job.startDate = t;
    return;
  }
  runJob(ctx, job);
  job.completedDate = now();
  job.lastModifiedDate = job.completedDate;
};

export const isDone = (job: DeployJob): boolean =>
  job.status === 'Succeeded' || job.status === 'SucceededPartial' || job.status === 'Failed' || job.status === 'Canceled';

/** Cancels a job that has not finished; nothing of it is applied. Returns whether it was canceled. */
export const cancelJob = (job: DeployJob): boolean => {
  if (isDone(job)) return job.status === 'Canceled';
  job.status = 'Canceled';
  job.canceled = true;
  const t = now();
  job.completedDate = t;
  job.lastModifiedDate = t;
  return true;
};

const RUNS_TESTS = new Set(['RunSpecifiedTests', 'RunLocalTests', 'RunAllTestsInOrg', 'RunRelevantTests']);

/** The DeployResult of a job as the Metadata API reports it. */
export const deployResultOf = (job: DeployJob, includeDetails: boolean): DeployResult => {
  const done = isDone(job);
  const o = job.outcome;
  const failures = o?.failures ?? [];
  const successes = o?.successes ?? [];
  const result: DeployResult = {
    ...(job.status === 'Canceled' ? { canceledBy: DEPLOY_USER.id, canceledByName: DEPLOY_USER.name } : {}),
    checkOnly: job.options.checkOnly,
    ...(done && job.completedDate ? { completedDate: job.completedDate } : {}),
    createdBy: DEPLOY_USER.id,
    createdByName: DEPLOY_USER.name,
    createdDate: job.createdDate,
    details: {
      componentFailures: includeDetails ? failures : [],
      componentSuccesses: includeDetails ? successes : [],
      runTestResult: { numFailures: 0, numTestsRun: 0, totalTime: 0 },
    },
    done,
    ...(o?.errorMessage ? { errorMessage: o.errorMessage } : {}),
    ...(o?.errorStatusCode ? { errorStatusCode: o.errorStatusCode } : {}),
    id: job.id,
    ignoreWarnings: job.options.ignoreWarnings,
    lastModifiedDate: job.lastModifiedDate,
    numberComponentErrors: o?.componentErrors ?? 0,
    numberComponentsDeployed: o?.componentsDeployed ?? 0,
    numberComponentsTotal: countComponents(job),
    numberTestErrors: 0,
    numberTestsCompleted: 0,
    numberTestsTotal: 0,
    rollbackOnError: job.options.rollbackOnError,
    runTestsEnabled: job.options.testLevel !== undefined && RUNS_TESTS.has(job.options.testLevel),
    ...(job.startDate ? { startDate: job.startDate } : {}),
    ...(job.status === 'InProgress' ? { stateDetail: 'Processing Type: PermissionSet' } : {}),
    status: job.status,
    success: job.status === 'Succeeded' || job.status === 'SucceededPartial',
  };
  return result;
};
