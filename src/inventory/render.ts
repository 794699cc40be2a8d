/*
 * The inventory as text: a terminal report, Markdown (a security review or a pull-request comment) and
 * CSV (one row per app, permission holder and integration user, for a spreadsheet). Pure.
 */
import { RISK_TIERS } from '../salesforce/riskTiers.js';
import type { InventoryApp, Inventory, IntegrationUser, PermissionHolders } from './types.js';

const pad = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - [...text].length));

/** Aligned columns; the last column is not padded. */
const columns = (rows: string[][]): string[] => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]))).join('  ').trimEnd());
};

const day = (iso: string | undefined): string => (iso ? iso.slice(0, 10) : '');
const installedText = (a: InventoryApp): string => (a.installed ? 'installed' : 'NOT INSTALLED');
const kindText = (a: InventoryApp): string => (a.kind === 'externalClientApp' ? 'external client app' : 'connected app');
const policyText = (a: InventoryApp): string => {
  if (!a.installed) return 'set in the vendor’s org';
  const p = a.policies;
  return [
    p.permittedUsers ? `permitted users: ${p.permittedUsers === 'any' ? 'all may self-authorize' : 'admin approved'}` : undefined,
    p.ipRelaxation ? `IP: ${p.ipRelaxation}` : a.kind === 'connectedApp' ? 'IP: see check --app' : undefined,
    p.refreshTokenPolicy ? `refresh token: ${p.refreshTokenPolicy}` : undefined,
  ]
    .filter(Boolean)
    .join('; ');
};

const holdersTitle = (p: PermissionHolders): string =>
  !p.existsInOrg
    ? `${p.label} (${p.permission}): not a permission in this org`
    : `${p.label} (${p.permission}): ${p.total} active user(s)${p.truncated ? `, first ${p.holders.length} listed` : ''}`;

/** `critical 8, high 5, medium 3, low 120`, or why there is no count. */
export const excessText = (u: IntegrationUser): string =>
  u.excess ? RISK_TIERS.map((t) => `${t} ${u.excess?.counts[t] ?? 0}`).join(', ') : 'not read';

const EXCESS_NOTE = 'excess by tier: everything held counts (the inventory has no manifest; apps the user holds tokens for excepted) — run check --excess with the manifest for the exact list';

export const renderInventoryHuman = (r: Inventory): string => {
  const out: string[] = [`Org: ${r.org.name || r.org.id} — ${r.org.edition}, ${r.org.isSandbox ? 'SANDBOX' : 'PRODUCTION'}, ${r.org.instanceUrl}`, ''];
  out.push(`Connected apps and external client apps (${r.apps.length})`);
  if (r.apps.length === 0) out.push('  none');
  else {
    const rows = [['app', 'kind', 'installed', 'users', 'uses', 'last used', 'policies']];
    for (const a of r.apps) {
      rows.push([a.name, kindText(a), installedText(a), String(a.usage?.users ?? 0), String(a.usage?.useCount ?? 0), day(a.usage?.lastUsed), policyText(a)]);
    }
    out.push(...columns(rows).map((l) => `  ${l}`));
  }
  for (const p of r.permissions) {
    out.push('', holdersTitle(p));
    for (const h of p.holders) out.push(`  ${h.username}  (${h.profile}; ${h.userLicense})  ← ${h.grantedBy.join('; ')}`);
  }
  out.push('', `Integration users (${r.integrationUsers.length}): the Salesforce Integration licence or API Only User`);
  for (const u of r.integrationUsers) {
    const kinds = [u.integrationLicence ? 'Salesforce Integration licence' : u.userLicense, u.apiOnly ? 'API only' : undefined].filter(Boolean).join(', ');
    const apps = u.apps.length === 0 ? 'no OAuth tokens' : u.apps.map((a) => `${a.appName} (${a.useCount} uses, last ${day(a.lastUsed)})`).join('; ');
    out.push(`  ${u.username}  ${u.profile} — ${kinds} — ${apps}`);
    out.push(`      excess: ${excessText(u)}${u.excess?.highest && u.excess.riskiest ? ` — ${u.excess.highest}: ${u.excess.riskiest.join(', ')}` : ''}`);
  }
  if (r.integrationUsers.length > 0) out.push(`  (${EXCESS_NOTE})`);
  out.push('', r.findings.length === 0 ? 'No findings.' : `Findings (${r.findings.length})`);
  for (const f of r.findings) out.push(`  ${f.severity === 'high' ? '✖' : '!'} [${f.severity}] ${f.app}: ${f.message}`, `      fix: ${f.fix}`);
  return out.join('\n');
};

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');

export const renderInventoryMarkdown = (r: Inventory): string => {
  const out: string[] = [`## Integration inventory: ${cell(r.org.name || r.org.id)}`, '', `${cell(r.org.edition)}, ${r.org.isSandbox ? 'sandbox' : 'production'}`, ''];
  out.push('### Apps', '', '| App | Kind | Installed | Users | Uses | Last used | Policies |', '|---|---|---|---|---|---|---|');
  for (const a of r.apps) {
    out.push(`| ${cell(a.name)} | ${kindText(a)} | ${a.installed ? '✅' : '❌ not installed'} | ${a.usage?.users ?? 0} | ${a.usage?.useCount ?? 0} | ${day(a.usage?.lastUsed)} | ${cell(policyText(a))} |`);
  }
  for (const p of r.permissions) {
    out.push('', `### ${cell(holdersTitle(p))}`);
    if (p.holders.length === 0) continue;
    out.push('', '| User | Profile | Licence | Granted by |', '|---|---|---|---|');
    for (const h of p.holders) out.push(`| ${cell(h.username)} | ${cell(h.profile)} | ${cell(h.userLicense)} | ${cell(h.grantedBy.join('; '))} |`);
  }
  out.push('', `### Integration users (${r.integrationUsers.length})`);
  if (r.integrationUsers.length > 0) {
    out.push('', '| User | Profile | Licence | API only | Apps | Critical | High | Medium | Low |', '|---|---|---|---|---|---|---|---|---|');
    for (const u of r.integrationUsers) {
      const counts = RISK_TIERS.map((t) => (u.excess ? String(u.excess.counts[t]) : '')).join(' | ');
      out.push(`| ${cell(u.username)} | ${cell(u.profile)} | ${cell(u.userLicense)} | ${u.apiOnly ? 'yes' : 'no'} | ${cell(u.apps.map((a) => a.appName).join(', '))} | ${counts} |`);
    }
    out.push('', `Critical … Low: ${EXCESS_NOTE}.`);
  }
  out.push('', `### Findings (${r.findings.length})`);
  if (r.findings.length > 0) {
    out.push('', '| Severity | App | Finding | Fix |', '|---|---|---|---|');
    for (const f of r.findings) out.push(`| ${f.severity === 'high' ? '❌ high' : '⚠️ medium'} | ${cell(f.app)} | ${cell(f.message)} | ${cell(f.fix)} |`);
  }
  out.push('');
  return out.join('\n');
};

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
const csvField = (v: string | number | boolean | undefined): string => {
  const s = v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const INVENTORY_CSV_HEADER = [
  'record', 'name', 'kind', 'installed', 'users', 'useCount', 'lastUsed', 'permittedUsers', 'ipRelaxation', 'refreshTokenPolicy',
  'permission', 'profile', 'userLicense', 'grantedBy', 'apiOnly', 'apps', 'findings',
  'excessCritical', 'excessHigh', 'excessMedium', 'excessLow',
] as const;

type CsvRow = Partial<Record<(typeof INVENTORY_CSV_HEADER)[number], string | number | boolean>>;

export const renderInventoryCsv = (r: Inventory): string => {
  const rows: CsvRow[] = [];
  for (const a of r.apps) {
    rows.push({
      record: 'app',
      name: a.name,
      kind: a.kind,
      installed: a.installed,
      users: a.usage?.users ?? 0,
      useCount: a.usage?.useCount ?? 0,
      lastUsed: a.usage?.lastUsed,
      permittedUsers: a.policies.permittedUsers,
      ipRelaxation: a.policies.ipRelaxation,
      refreshTokenPolicy: a.policies.refreshTokenPolicy,
      findings: r.findings.filter((f) => f.app === a.name).map((f) => f.kind).join(';'),
    });
  }
  for (const p of r.permissions) {
    for (const h of p.holders) rows.push({ record: 'permissionHolder', name: h.username, permission: p.permission, profile: h.profile, userLicense: h.userLicense, grantedBy: h.grantedBy.join(';') });
  }
  for (const u of r.integrationUsers) {
    rows.push({
      record: 'integrationUser',
      name: u.username,
      profile: u.profile,
      userLicense: u.userLicense,
      apiOnly: u.apiOnly,
      apps: u.apps.map((a) => a.appName).join(';'),
      excessCritical: u.excess?.counts.critical,
      excessHigh: u.excess?.counts.high,
      excessMedium: u.excess?.counts.medium,
      excessLow: u.excess?.counts.low,
    });
  }
  const lines = [INVENTORY_CSV_HEADER.join(','), ...rows.map((row) => INVENTORY_CSV_HEADER.map((h) => csvField(row[h])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
};
