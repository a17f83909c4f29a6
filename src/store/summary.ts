// The change summary `<out>.md` (and `upshift status --md`): what a reviewer
// reads in the ticket, built from the state database alone — the runs and
// their change ids, the window, who ran and approved, where every device
// ended and why, versions before → after, what moved between the pre and
// post snapshots, and how long things took. Plain Markdown tables and lists.
import { basename } from 'node:path';
import type { DB } from './db.js';
import { formatLocal } from './dates.js';
import { hasChangeRecords, runLabel, runRecords, utcOffset, versionsBefore } from './records.js';
import type { StateStore } from './state.js';
import { DEVICE_STATUSES } from './types.js';

/** A Markdown table cell: one line, pipes escaped, long texts cut. */
function cell(text: string | number | null | undefined, max = 160): string {
  const t = String(text ?? '').replace(/\s+/g, ' ').trim();
  return (t.length > max ? `${t.slice(0, max - 1)}…` : t).replace(/\|/g, '\\|') || '–';
}

function table(header: string[], rows: (string | number | null)[][], max?: number): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map((c) => cell(c, max)).join(' | ')} |`)];
}

const at = (iso: string | null | undefined) => (iso ? formatLocal(new Date(iso)) : '–');

export function took(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 9500) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

const span = (from: string | null, to: string | null) => (from && to ? Date.parse(to) - Date.parse(from) : null);

/** What the snapshots hold that a reviewer compares (the drivers' snapshot, as stored). */
interface StoredSnapshot {
  routes: number | null;
  arp: number | null;
  sessions: number | null;
  bgp: { address: string; state: string }[];
  ospf: { routerId: string; state: string }[];
  interfaces: { name: string; up: boolean }[];
  /** The HA peer whose state a standby member's post-check compared (it carries the traffic). */
  of?: string;
}

/** The items that moved between two snapshots: counts, and the neighbours, peers and interfaces lost. */
export function movedItems(pre: StoredSnapshot, post: StoredSnapshot): { item: string; before: string; after: string; detail: string }[] {
  const out: { item: string; before: string; after: string; detail: string }[] = [];
  const count = (item: string, a: number | null, b: number | null) => {
    if (a !== b) out.push({ item, before: String(a ?? '–'), after: String(b ?? '–'), detail: a && b !== null ? `${b - a >= 0 ? '+' : ''}${(((b - a) / a) * 100).toFixed(1)}%` : '' });
  };
  count('routes', pre.routes, post.routes);
  count('arp', pre.arp, post.arp);
  count('sessions', pre.sessions, post.sessions);
  const lost = <T>(name: string, a: T[], b: T[], up: (x: T) => boolean, id: (x: T) => string) => {
    const gone = a.filter(up).filter((x) => !b.some((y) => id(y) === id(x) && up(y)));
    const na = a.filter(up).length;
    const nb = b.filter(up).length;
    if (na !== nb || gone.length > 0) out.push({ item: name, before: String(na), after: String(nb), detail: gone.length ? `lost: ${gone.slice(0, 8).map(id).join(', ')}${gone.length > 8 ? ` and ${gone.length - 8} more` : ''}` : '' });
  };
  lost('bgp established', pre.bgp ?? [], post.bgp ?? [], (n) => n.state === 'Established', (n) => n.address);
  lost('ospf full', pre.ospf ?? [], post.ospf ?? [], (n) => n.state.startsWith('FULL'), (n) => n.routerId);
  lost('interfaces up', pre.interfaces ?? [], post.interfaces ?? [], (i) => i.up, (i) => i.name);
  return out;
}

function latestSnapshots(db: DB): Map<string, { pre?: StoredSnapshot; post?: StoredSnapshot }> {
  const out = new Map<string, { pre?: StoredSnapshot; post?: StoredSnapshot }>();
  const rows = db.prepare(`SELECT s.hostname, s.phase, s.data_json FROM snapshots s JOIN device_state d ON d.hostname = s.hostname
    WHERE s.target_version IS d.target_version AND s.phase IN ('pre', 'post') ORDER BY s.id`).all() as { hostname: string; phase: 'pre' | 'post'; data_json: string }[];
  for (const r of rows) {
    const k = r.hostname;
    const e = out.get(k) ?? {};
    e[r.phase] = JSON.parse(r.data_json) as StoredSnapshot;
    out.set(k, e);
  }
  return out;
}

/** Where a run takes a device; every other status (a new one too) is listed as left behind — a device killed mid-upgrade (running) included. */
const WHERE_RUNS_TAKE_IT = ['upgraded', 'already-current', 'skipped', 'ready', 'staged'];

export interface SummaryOptions { workbook: string; now?: Date }

export function changeSummary(store: StateStore, opts: SummaryOptions): string {
  const db = store.db;
  const now = opts.now ?? new Date();
  const runs = runRecords(db);
  const changes = [...new Set(runs.map((r) => r.changeId).filter((c): c is string => !!c))];
  const rows = store.deviceRows();
  const states = store.states();
  const platform = new Map(rows.map((r) => [r.hostname.toLowerCase(), r.platform]));
  const before = versionsBefore(db);
  type Approval = { hostname: string; kind: string; step: string; decision: string; operator: string; source: string; at: string; change: string | null };
  const approvals = db.prepare(`SELECT hostname, kind, step, decision, operator, source, at, ${hasChangeRecords(db) ? 'change_id' : 'NULL'} AS change FROM approvals ORDER BY seq`).all() as Approval[];
  const out: string[] = [];

  out.push(`# ${changes.length === 0 ? 'Change record' : `Change ${changes.join(', ')}`}`, '');
  const starts = rows.map((r) => r.windowStart?.getTime()).filter((t): t is number => t !== undefined);
  const ends = rows.map((r) => r.windowEnd?.getTime()).filter((t): t is number => t !== undefined);
  const window = starts.length || ends.length ? `${starts.length ? formatLocal(new Date(Math.min(...starts))) : '…'} → ${ends.length ? formatLocal(new Date(Math.max(...ends))) : '…'}` : 'none in the workbook';
  const ranBy = new Map<string, number>();
  for (const r of runs) ranBy.set(r.user, (ranBy.get(r.user) ?? 0) + 1);
  const approvedBy = new Map<string, number>();
  // A held gate is nobody's answer: it is listed below, not counted as one.
  for (const a of approvals) if (a.decision !== 'held') approvedBy.set(a.operator, (approvedBy.get(a.operator) ?? 0) + 1);
  const operators = [...new Set([...ranBy.keys(), ...approvedBy.keys()])].map((u) => `${u} (${[ranBy.get(u) ? `${ranBy.get(u)} run${ranBy.get(u) === 1 ? '' : 's'}` : null, approvedBy.get(u) ? `${approvedBy.get(u)} gate answer${approvedBy.get(u) === 1 ? '' : 's'}` : null].filter(Boolean).join(', ')})`);
  const facts: [string, string][] = [
    ['change', changes.join(', ') || 'none given (--change or Settings change_id)'],
    ['workbook', basename(opts.workbook)],
    ['window', window],
    ['operators', operators.join('; ') || 'nobody has run upshift yet'],
    ['runs', runs.length ? `${runs.length}, ${at(runs[0].startedAt)} → ${at(runs.at(-1)!.endedAt ?? null)}` : 'none'],
    ['written', `${formatLocal(now)} by upshift; times are local (UTC${utcOffset(now)})`],
  ];
  out.push(...facts.map(([k, v]) => `- **${k}**: ${cell(v, 400)}`), '');

  out.push('## Devices by status', '');
  const counts = new Map<string, number>();
  for (const s of states) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  out.push(...table(['status', 'devices'], DEVICE_STATUSES.filter((s) => counts.has(s)).map((s) => [s, counts.get(s)!])), '');

  out.push('## Devices', '');
  out.push(...table(['device', 'platform', 'version before → after', 'status', 'reason', 'started', 'took', 'message'], states.map((s) => {
    const from = before.get(s.hostname.toLowerCase()) ?? s.current_version;
    const versions = from && s.current_version && from !== s.current_version ? `${from} → ${s.current_version}` : `${s.current_version ?? '?'} (unchanged)`;
    return [s.hostname, platform.get(s.hostname.toLowerCase()) ?? '', versions, s.status, s.reason, at(s.started_at), took(span(s.started_at, s.finished_at)), s.message];
  })), '');

  out.push('## Approvals', '');
  if (approvals.length === 0) out.push('No gate was approved or refused.', '');
  else out.push(...table(['when', 'who', 'gate', 'device', 'decision', 'how', 'change'], approvals.map((a) => [at(a.at), a.operator, `${a.kind} (${a.step})`, a.hostname, a.decision, a.source, a.change])), '');

  out.push('## Pre/post differences that moved', '');
  const snaps = latestSnapshots(db);
  const moved: (string | null)[][] = [];
  for (const s of states) {
    const sn = snaps.get(s.hostname);
    if (!sn?.pre || !sn.post) continue;
    // The post-check's verdict once per device, on its first row.
    // A standby member's post-check compared the traffic on its peer: the record says where the "after" was read.
    const where = sn.post.of ? ` (after: on ${sn.post.of}, carrying the traffic)` : '';
    for (const [i, m] of movedItems(sn.pre, sn.post).entries()) moved.push([s.hostname, `${m.item}${where}`, m.before, m.after, m.detail, i === 0 ? s.postcheck : '″']);
  }
  if (moved.length === 0) out.push('Nothing moved between the pre- and post-upgrade snapshots.', '');
  else out.push(...table(['device', 'item', 'before', 'after', 'change', 'post-check'], moved), '');

  out.push('## Failures, rollbacks and devices left behind', '');
  const behind = states.filter((s) => !WHERE_RUNS_TAKE_IT.includes(s.status));
  if (behind.length === 0) out.push('None: every device ended where the runs took it.', '');
  for (const s of behind) out.push(`- **${s.hostname}** ${s.status}${s.step ? ` at \`${s.step}\`` : ''}${s.reason ? ` (reason \`${s.reason}\`)` : ''}: ${cell(s.message, 500)}`);
  if (behind.length) out.push('');

  out.push('## Durations', '');
  out.push(...table(['run', 'command', 'change', 'started', 'ended', 'took', 'outcome'], runs.map((r) => [runLabel(r), r.command, r.changeId, at(r.startedAt), at(r.endedAt), took(span(r.startedAt, r.endedAt)), r.outcome ?? (r.endedAt ? '' : 'did not end')])), '');
  const steps = db.prepare(`SELECT step, (julianday(ended_at) - julianday(started_at)) * 86400000.0 AS ms FROM journal WHERE outcome IN ('ok', 'skipped', 'reconciled') AND ended_at IS NOT NULL ORDER BY step`).all() as { step: string; ms: number }[];
  const byStep = new Map<string, number[]>();
  for (const s of steps) byStep.set(s.step, [...(byStep.get(s.step) ?? []), s.ms]);
  if (byStep.size > 0) {
    out.push(...table(['step', 'times', 'median', 'longest'], [...byStep].map(([step, ms]) => {
      const sorted = [...ms].sort((a, b) => a - b);
      return [step, ms.length, took(sorted[Math.floor(sorted.length / 2)]), took(sorted.at(-1)!)];
    })), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
