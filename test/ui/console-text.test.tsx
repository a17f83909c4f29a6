// What the console writes, from a fresh operator's trial: check names with
// room after them, reasons wrapped into free rows instead of cut, READY
// without the hostname, a header that says what is true, no nested
// parentheses, the timeline given the free height, and what a pause does.
import { afterEach, describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { DetailPane } from '../../src/ui/components/DetailPane.js';
import { headerLines } from '../../src/ui/components/Chrome.js';
import { gateDialogLines } from '../../src/ui/components/Dialogs.js';
import { FleetModel } from '../../src/ui/model.js';
import type { JournalEntry } from '../../src/store/state.js';
import type { DeviceRow } from '../../src/store/types.js';
import type { ConsoleInfo } from '../../src/ui/controller.js';
import { dev } from '../helpers/lab-run.js';
import { startConsole, type ConsoleRig } from '../helpers/console.js';

const row: DeviceRow = {
  hostname: 'fw-1', host: '127.0.0.1', port: 443, platform: 'panos', targetVersion: '11.1.4-h7', image: null, site: 'lon', role: null, group: 'fw',
  wave: null, haPeer: 'fw-2', via: null, credential: 'firewalls', windowStart: null, windowEnd: null, enabled: true, notes: null, row: 2,
};
const at = '2026-11-21T02:00:00.000Z';
const info: ConsoleInfo = { workbook: '/x/lab.xlsx', stateDir: '/x/.upshift', dryRun: false, concurrency: 4, reloadTimeoutMs: 900_000, window: { start: null, end: null }, credentialNames: ['firewalls'] };
const summary = { model: 'PA-3220', serial: '0070', version: '10.2.9-h1', mode: 'HA passive', redundancy: 'HA pair (peer active on 10.2.9-h1)', storage: null, cpu: null, notes: [] };
const PRE = ['upgrade-path', 'disk', 'pending-changes', 'full-commit', 'config-lock', 'commit-lock', 'jobs', 'licenses', 'support', 'content', 'ntp', 'device-certificate'];
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

function model(): FleetModel {
  return new FleetModel([{ row }], 0);
}
const journal = (n: number): JournalEntry[] => Array.from({ length: n }, (_, i) => ({
  id: i, run_id: 1, hostname: 'fw-1', step: `step-${i + 1}`, idempotency_key: '', target_version: null, disruptive: 0, started_at: at, ended_at: at, outcome: 'ok', message: null, detail_json: null, sent_json: null,
}));
const frameOf = (el: React.ReactElement) => {
  const ui = render(el);
  const f = (ui.lastFrame() ?? '').replace(ANSI, '');
  ui.unmount();
  return f;
};

describe('the detail pane', () => {
  it('gives check names a column as wide as the longest name and a space', () => {
    const m = model();
    m.apply({ type: 'checks', hostname: 'fw-1', phase: 'pre', checks: PRE.map((name) => ({ name, ok: true, detail: name === 'pending-changes' ? 'no uncommitted changes' : 'fine' })), at } as never);
    const f = frameOf(<DetailPane device={m.device('fw-1')!} journal={[]} transcript={[]} w={80} rows={30} full focused now={Date.parse(at)} />);
    expect(f).toMatch(/✓ pending-changes\s+no uncommitted changes/);
    expect(f).toMatch(/✓ device-certificate fine/);
    m.dispose();
  });

  it('wraps a long reason into the free rows instead of cutting it', () => {
    const m = model();
    const reason = 'facts: TLS certificate of 127.0.0.1:26051 not trusted (self-signed certificate); set verify_tls: false or tls_fingerprint in its credentials entry';
    m.apply({ type: 'device', hostname: 'fw-1', status: 'failed', step: 'facts', message: `fw-1: ${reason}`, reason: 'connection', at } as never);
    const f = frameOf(<DetailPane device={m.device('fw-1')!} journal={[]} transcript={[]} w={80} rows={17} full focused now={Date.parse(at)} />);
    expect(f.replace(/[║│]/g, '').replace(/\s+/g, ' ')).toContain('in its credentials entry');
    expect(f).not.toMatch(/…/);
    m.dispose();
  });

  it('shows every timeline step when the height allows it: passed pre-checks fold into one line first', () => {
    const m = model();
    m.apply({ type: 'checks', hostname: 'fw-1', phase: 'pre', checks: PRE.map((name) => ({ name, ok: true, detail: 'fine' })), at } as never);
    const transcript = Array.from({ length: 20 }, (_, i) => `fw-1> line ${i}`);
    const f = frameOf(<DetailPane device={m.device('fw-1')!} journal={journal(9)} transcript={transcript} w={100} rows={20} full focused now={Date.parse(at)} />);
    for (let i = 1; i <= 9; i++) expect(f, `step-${i}`).toContain(`step-${i} `);
    expect(f).toMatch(/pre-checks\s+✓ upgrade-path\s+✓ disk/);
    expect(f).toContain('line 19');
    m.dispose();
  });
});

describe('READY, the header and the gate dialog', () => {
  it('a failure\'s READY text does not repeat the hostname the row already shows', () => {
    const m = model();
    m.apply({ type: 'device', hostname: 'fw-1', status: 'failed', step: 'facts', message: 'fw-1: facts: connection refused', reason: 'connection', at } as never);
    expect(m.device('fw-1')!.readiness?.text).toBe('✗ facts: connection refused');
    m.dispose();
  });

  it('says nothing is ready, and which key helps, when the check found nothing to start', () => {
    const m = model();
    m.run.phase = 'idle';
    m.apply({ type: 'device', hostname: 'fw-1', status: 'failed', step: 'facts', message: 'fw-1: facts: login refused', reason: 'auth', at } as never);
    const text = (lines: ReturnType<typeof headerLines>) => lines[0].map((s) => s.t).join('');
    expect(text(headerLines(m, info, Date.parse(at), 160))).toContain('nothing ready – L logs in again and re-checks');
    expect(text(headerLines(m, info, Date.parse(at), 160))).not.toContain('s starts the run');
    m.apply({ type: 'checks', hostname: 'fw-1', phase: 'pre', checks: [{ name: 'disk', ok: true, detail: 'fine' }], at } as never);
    expect(text(headerLines(m, info, Date.parse(at), 160))).toContain('READY – s starts the run');
    m.dispose();
  });

  it('a new check (after L) shows the last answer with its age until it answers, and a failure then replaces a ✓', () => {
    const m = model();
    m.apply({ type: 'checks', hostname: 'fw-1', phase: 'pre', checks: [{ name: 'disk', ok: true, detail: 'fine' }], at } as never);
    m.apply({ type: 'run', phase: 'started', command: 'check', runId: 2, at } as never);
    expect(m.device('fw-1')!.readiness).toMatchObject({ text: '✓', fresh: false });
    m.apply({ type: 'device', hostname: 'fw-1', status: 'failed', step: 'facts', message: 'fw-1: facts: login refused', reason: 'auth', at } as never);
    expect(m.device('fw-1')!.readiness).toMatchObject({ text: '✗ facts: login refused', tone: 'bad', fresh: true });
    m.dispose();
  });

  it('the gate dialog names an HA pair without nesting parentheses', () => {
    const m = model();
    m.apply({ type: 'facts', hostname: 'fw-1', facts: {} as never, summary, at } as never);
    const gate = { id: 'g', hostname: 'fw-1', kind: 'reload' as const, step: 'activate', commands: ['request restart system'], impact: 'x', blastRadius: [], rollback: null };
    const head = gateDialogLines(gate, m.device('fw-1'))[0].map((s) => s.t).join('');
    expect(head).toContain('PA-3220 · HA pair (peer active on 10.2.9-h1)');
    expect(head).not.toMatch(/\(\(|\)\)/);
    m.dispose();
  });
});

describe('pause', () => {
  let rig: ConsoleRig | null = null;
  afterEach(async () => {
    await rig?.close();
    rig = null;
  });

  it('s pauses and says what the engine does with steps under way', async () => {
    rig = await startConsole([dev('acc-1', 'cat9300'), dev('acc-2', 'cat9300')], { size: { columns: 80, rows: 24 } });
    await rig.waitFor(() => rig!.session.model.run.phase === 'idle');
    await rig.press('s');
    await rig.waitFor('RUNNING');
    await rig.press('s');
    const f = await rig.waitFor('PAUSED');
    await rig.waitFor('paused: steps under way finish; no device starts its next step until s resumes');
    expect(f).toBeTruthy();
  });
});

describe('the header at 80 columns', () => {
  it('keeps the run state and its key whole: the window comes after it', () => {
    const m = model();
    m.run.phase = 'idle';
    m.apply({ type: 'checks', hostname: 'fw-1', phase: 'pre', checks: [{ name: 'disk', ok: true, detail: 'fine' }], at } as never);
    const withWindow = { ...info, window: { start: new Date(Date.parse(at) - 3600_000), end: new Date(Date.parse(at) + 7 * 3600_000) } };
    const first = headerLines(m, withWindow, Date.parse(at), 80)[0].map((s) => s.t).join('');
    expect(first).toContain('READY – s starts the run');
    expect(first.length).toBeLessThanOrEqual(80);
    m.dispose();
  });
});
