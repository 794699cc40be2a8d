/*
 * SARIF 2.1.0 (OASIS, https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html) for code scanning:
 * every failing, impossible or warned item of every user is a result located at the line and column of the
 * manifest entry that asked for it (Finding.path, looked up in the manifest's text), so GitHub code scanning
 * annotates the manifest in a pull request. The rule id is the requirement kind (systemPermission, field, …).
 *
 * A manifest is located relative to the working directory (uriBaseId %SRCROOT%, which GitHub's upload-sarif
 * resolves against the checkout); a preset in the presets/ folder this plugin ships (uriBaseId PRESETS).
 * Users that match no Salesforce user are not manifest items and are not results (JUnit and the exit code
 * report them).
 *
 * With --excess, every excess item is a result too (rule `excess.<kind>`, e.g. `excess.systemPermission`,
 * fingerprinted by the item's stable key): `error` at or above the --fail-on-excess tier (they fail the
 * check), `note` below it; without --fail-on-excess, `warning` for critical and high, `note` otherwise. They
 * are located at the top of the manifest (no entry asks for them). With --baseline, results carry SARIF's
 * baselineState (§3.27.24): `new` for items newly failing and newly excess, `unchanged` for the others; a
 * user of the baseline now gone, inactive or frozen is a result of rule `drift.userGone`.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Messages } from '@salesforce/core';
import type { Finding, FindingKind } from '../evaluation/types.js';
import { manifestLocator, pathSegments, type Locator } from '../requirements/parse.js';
import { presetsDir } from '../requirements/presets.js';
import type { ExcessItem } from '../excess/types.js';
import { atOrAbove, type RiskTier } from '../salesforce/riskTiers.js';
import type { CheckReport } from './report.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'sarif');

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const FINGERPRINT = 'sfIntegrationAccessItem/v1';

/** The requirements' file as the report names it: where it is and its text (to locate items). */
export type ManifestSource = {
  /** URI of the file, relative to uriBaseId when there is one */
  uri: string;
  uriBaseId?: string;
  /** The absolute file: URI of uriBaseId (for originalUriBaseIds), when the tool knows it */
  baseUri?: string;
  text?: string;
};

const posix = (path: string): string => path.split(sep).join('/');

/** Where the report's requirements came from: `preset:NAME` → presets/NAME.yaml, else the manifest path. */
export const manifestSource = (origin: string, cwd = process.cwd()): ManifestSource => {
  const read = (file: string): string | undefined => {
    try {
      return readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    } catch {
      return undefined;
    }
  };
  const preset = /^preset:(.+)$/.exec(origin)?.[1];
  if (preset) {
    const dir = presetsDir();
    return { uri: `${preset}.yaml`, uriBaseId: 'PRESETS', baseUri: pathToFileURL(dir.endsWith(sep) ? dir : `${dir}${sep}`).href, text: read(join(dir, `${preset}.yaml`)) };
  }
  const absolute = resolve(cwd, origin);
  const inside = relative(cwd, absolute);
  const text = read(absolute);
  if (inside && !inside.startsWith('..') && !isAbsolute(inside)) return { uri: posix(inside), uriBaseId: '%SRCROOT%', text };
  return { uri: pathToFileURL(absolute).href, text };
};

let toolVersion: string | undefined;
const version = (): string => {
  toolVersion ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return toolVersion;
};

const RESULT_STATUSES = new Set<Finding['status']>(['fail', 'error', 'warn']);
const ruleName = (kind: string): string => kind.charAt(0).toUpperCase() + kind.slice(1);

type SarifLevel = 'error' | 'warning' | 'note';

/** An excess item's level: error at or above --fail-on-excess, note below; without it warning for critical/high. */
export const excessLevel = (item: ExcessItem, failOn: RiskTier | undefined): SarifLevel => {
  if (failOn) return atOrAbove(item.tier, failOn) ? 'error' : 'note';
  return atOrAbove(item.tier, 'high') ? 'warning' : 'note';
};

const excessRuleId = (item: ExcessItem): string => `excess.${item.kind}`;
const USER_GONE_RULE = 'drift.userGone';

export const renderSarif = (report: CheckReport, source: ManifestSource): string => {
  const locate: Locator = source.text !== undefined ? manifestLocator(source.text) : (): undefined => undefined;
  const kinds: FindingKind[] = [...new Set(report.users.flatMap((u) => u.findings.filter((f) => RESULT_STATUSES.has(f.status)).map((f) => f.kind)))].sort();
  const drift = report.drift;
  const failOn = report.excess?.failOn;
  const excessRules = [...new Set(report.users.flatMap((u) => (u.excess?.items ?? []).map(excessRuleId)))].sort();
  const gone = drift?.usersGone ?? [];
  const ruleIds: string[] = [...kinds, ...excessRules, ...(gone.length > 0 ? [USER_GONE_RULE] : [])];
  const rules = [
    ...kinds.map((kind) => ({
      id: kind,
      name: ruleName(kind),
      shortDescription: { text: messages.getMessage(`rule.${kind}`) },
      defaultConfiguration: { level: kind === 'overGrant' ? 'warning' : 'error' },
    })),
    ...excessRules.map((id) => ({
      id,
      name: `Excess${ruleName(id.slice('excess.'.length))}`,
      shortDescription: { text: messages.getMessage(`rule.${id}`) },
      defaultConfiguration: { level: 'note' },
    })),
    ...(gone.length > 0 ? [{ id: USER_GONE_RULE, name: 'DriftUserGone', shortDescription: { text: messages.getMessage(`rule.${USER_GONE_RULE}`) }, defaultConfiguration: { level: 'error' } }] : []),
  ];
  const artifactLocation = { uri: source.uri, ...(source.uriBaseId ? { uriBaseId: source.uriBaseId } : {}), index: 0 };
  const topOfManifest = [{ physicalLocation: { artifactLocation, region: { startLine: 1 } } }];
  const newlyFailing = new Set((drift?.newlyFailing ?? []).map((c) => `${c.username}|${c.path}|${c.requirement}`));
  const newlyExcess = new Set((drift?.newlyExcess ?? []).map((c) => `${c.username}|${c.item.key}`));
  /** SARIF baselineState: only with --baseline (for excess: only when both runs had an excess list). */
  const baselineState = (isNew: boolean, compared = true): { baselineState?: 'new' | 'unchanged' } =>
    drift && compared ? { baselineState: isNew ? 'new' : 'unchanged' } : {};
  const findingResults = report.users.flatMap((user) =>
    user.findings
      .filter((f) => RESULT_STATUSES.has(f.status))
      .map((f) => {
        const position = locate(pathSegments(f.path));
        const text = [messages.getMessage('result', [user.username, f.requirement, f.message]), f.fix ? `Fix: ${f.fix}` : ''].filter(Boolean).join(' ');
        return {
          ruleId: f.kind,
          ruleIndex: ruleIds.indexOf(f.kind),
          level: f.status === 'warn' ? 'warning' : 'error',
          message: { text },
          ...baselineState(newlyFailing.has(`${user.username}|${f.path}|${f.requirement}`)),
          locations: [
            {
              physicalLocation: {
                artifactLocation,
                region: { startLine: position?.line ?? 1, ...(position ? { startColumn: position.col } : {}) },
              },
            },
          ],
          partialFingerprints: { [FINGERPRINT]: `${user.username}|${f.path}|${f.requirement}` },
          properties: {
            user: user.username,
            status: f.status,
            requirement: f.requirement,
            manifestPath: f.path,
            ...(f.feature ? { feature: f.feature } : {}),
            ...(f.fix ? { fix: f.fix } : {}),
            ...(f.id ? { findingId: f.id } : {}),
          },
        };
      })
  );
  const excessResults = report.users.flatMap((user) =>
    (user.excess?.items ?? []).map((item) => {
      const sources = item.sources.map((g) => `${g.kind}: ${g.name}${g.via ? ` (${g.via})` : ''}`).join('; ');
      return {
        ruleId: excessRuleId(item),
        ruleIndex: ruleIds.indexOf(excessRuleId(item)),
        level: excessLevel(item, failOn),
        message: { text: messages.getMessage('result.excess', [user.username, item.tier, item.item, sources, item.reason]) },
        ...baselineState(newlyExcess.has(`${user.username}|${item.key}`), drift?.excessCompared),
        locations: topOfManifest,
        partialFingerprints: { [FINGERPRINT]: `${user.username}|excess|${item.key}` },
        properties: {
          user: user.username,
          tier: item.tier,
          excessKey: item.key,
          sources: item.sources,
          reference: item.reference,
          ...(item.meetsRequired ? { meetsRequired: item.meetsRequired } : {}),
        },
      };
    })
  );
  const goneResults = gone.map((g) => ({
    ruleId: USER_GONE_RULE,
    ruleIndex: ruleIds.indexOf(USER_GONE_RULE),
    level: 'error',
    message: { text: messages.getMessage('result.userGone', [g.username, g.message]) },
    baselineState: 'new',
    locations: topOfManifest,
    partialFingerprints: { [FINGERPRINT]: `${g.username}|drift|${g.reason}` },
    properties: { user: g.username, reason: g.reason },
  }));
  const results = [...findingResults, ...excessResults, ...goneResults];
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'sf-integration-access', version: version(), semanticVersion: version(), rules } },
        ...(source.uriBaseId && source.baseUri ? { originalUriBaseIds: { [source.uriBaseId]: { uri: source.baseUri } } } : {}),
        artifacts: [{ location: { uri: source.uri, ...(source.uriBaseId ? { uriBaseId: source.uriBaseId } : {}) }, mimeType: 'application/yaml' }],
        results,
        properties: {
          integration: report.integration.name,
          requirements: report.integration.origin,
          org: { id: report.org.id, name: report.org.name, instanceUrl: report.org.instanceUrl },
          summary: report.summary,
          ...(report.excess ? { excess: report.excess } : {}),
          unresolvedUsers: report.unresolvedUsers.map((u) => u.input),
        },
      },
    ],
  };
  return JSON.stringify(log, null, 2);
};
