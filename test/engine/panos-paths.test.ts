// PAN-OS end to end: how a firewall gets to its target — a base image
// downloaded, not installed; several hops, each a gated restart verified
// before the next; a path from the workbook's Paths sheet; a busy software
// manager waited out. `upshift plan` prints the hops the run then carries out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startLabRun, type LabRun } from '../helpers/lab-run.js';
import type { DevicePlan } from '../../src/engine/plan.js';
import { count, editWorkbook, events, fw, journal } from './panos-e2e.js';

let run: LabRun;
let plans: DevicePlan[] = [];
let code: number | null = null;
let stdout = '';

beforeAll(async () => {
  run = await startLabRun([
    fw('solo'), fw('hop', { version: '10.0.12' }), fw('pathed', { target: '12.1.3' }), fw('ruled', { version: '10.2.13-h5', target: '12.1.3' }),
    fw('busy', { faults: ['busy'] }), fw('busy-job', { faults: ['busy-job'] }),
  ], { settings: { canary: 6, concurrency: 6 } });
  // The operator's path for `pathed`: through 11.1 rather than the rules' newest 11.2.
  await editWorkbook(run, (wb) => {
    const ws = wb.addWorksheet('Paths');
    ws.addRow(['from', 'to', 'via']);
    ws.addRow(['10.2.9-h1', '12.1.3', '11.1.4-h7']);
  });
  const check = await run.cli(['check']);
  expect(check.code, check.stdout).toBe(0);
  plans = JSON.parse((await run.cli(['plan', '--json'])).stdout) as DevicePlan[];
  const r = await run.cli(['run', '--yes'], 240_000);
  code = r.code;
  stdout = r.stdout;
}, 300_000);
afterAll(async () => run?.lab.stop());

const installs = (host: string) => events(run, host).filter((e) => e.startsWith('install ') || e.startsWith('boot ')).map((e) => e.replace(/^(install|boot) /, '$1 '));

describe('PAN-OS upgrade paths, end to end', () => {
  it('every firewall reaches its target', () => {
    expect(code, stdout).toBe(0);
    const st = run.statuses();
    for (const h of ['solo', 'hop', 'busy', 'busy-job']) expect(st[h], h).toMatchObject({ status: 'upgraded', current: '11.1.4-h7' });
    for (const h of ['pathed', 'ruled']) expect(st[h], h).toMatchObject({ status: 'upgraded', current: '12.1.3' });
  });

  it('a standalone firewall downloads the base image, installs only the target, restarts once', () => {
    expect(events(run, 'solo').filter((e) => /^(download|install|reboot|boot)/.test(e))).toEqual(['download 11.1.0', 'download 11.1.4-h7', 'install 11.1.4-h7', 'reboot from 10.2.9-h1', 'boot 11.1.4-h7']);
  });

  it('several hops: a gated restart per hop, each verified (release and chassis) before the next', () => {
    expect(installs('hop')).toEqual(['install 10.1.14-h9', 'boot 10.1.14-h9', 'install 11.1.4-h7', 'boot 11.1.4-h7']);
    expect(count(run, 'hop', 'reboot')).toBe(2);
    const steps = journal(run, 'hop').filter((e) => e.outcome !== 'started').map((e) => `${e.step} ${e.outcome}`);
    const from = steps.lastIndexOf('backup ok');
    expect(steps.slice(from).filter((s) => !s.startsWith('facts'))).toEqual([
      'backup ok', 'stage 10.1.14-h9 ok', 'verify 10.1.14-h9 ok', 'snapshot ok', 'install 10.1.14-h9 ok', 'activate 10.1.14-h9 ok', 'wait 10.1.14-h9 ok',
      'stage 11.1.4-h7 ok', 'verify 11.1.4-h7 ok', 'install 11.1.4-h7 ok', 'activate 11.1.4-h7 ok', 'wait 11.1.4-h7 ok', 'postcheck ok', 'commit skipped',
    ]);
    expect(journal(run, 'hop').find((e) => e.step === 'wait 10.1.14-h9')!.message).toBe('back on 10.1.14-h9, chassis ready');
    const db = new Database(join(run.state, 'upshift.db'), { readonly: true });
    const gates = db.prepare("SELECT kind, step, decision FROM approvals WHERE hostname = 'hop' ORDER BY id").all();
    db.close();
    expect(gates).toEqual([{ kind: 'reload', step: 'activate 10.1.14-h9', decision: 'approved' }, { kind: 'reload', step: 'activate 11.1.4-h7', decision: 'approved' }]);
  });

  it('the Paths sheet overrides the rules: through 11.1 where the rules go through 11.2', () => {
    expect(installs('pathed')).toEqual(['install 11.1.4-h7', 'boot 11.1.4-h7', 'install 12.1.3', 'boot 12.1.3']);
    expect(installs('ruled')).toEqual(['install 11.2.5', 'boot 11.2.5', 'install 12.1.3', 'boot 12.1.3']);
    // 12.1's base image is 12.1.2.
    expect(events(run, 'ruled').filter((e) => e.startsWith('download'))).toEqual(['download 11.2.0', 'download 11.2.5', 'download 12.1.2', 'download 12.1.3']);
  });

  it('upshift plan printed the hops and commands the run then sent', () => {
    for (const host of ['hop', 'pathed', 'solo']) {
      const plan = plans.find((p) => p.hostname === host)!;
      const planned = new Map(plan.steps.map((s) => [s.step, s.commands]));
      const ran = journal(run, host).filter((e) => e.outcome === 'ok' || e.outcome === 'skipped');
      expect(plan.steps.map((s) => s.step).filter((s) => !['facts', 'precheck'].includes(s)), host).toEqual([...new Set(ran.map((e) => e.step))].filter((s) => !['facts', 'precheck'].includes(s)));
      for (const e of ran) {
        if (e.disruptive) expect(e.sent, `${host} ${e.step}`).toEqual(planned.get(e.step));
        else for (const c of e.sent) expect(planned.get(e.step), `${host} ${e.step}: ${c}`).toContain(c);
      }
    }
    expect(plans.find((p) => p.hostname === 'pathed')!.steps.filter((s) => s.gate === 'reload').map((s) => s.step)).toEqual(['activate 11.1.4-h7', 'activate 12.1.3']);
  });

  it('a busy software manager is waited out in the install step, before the reload gate: refused, tried again, then one restart', () => {
    for (const host of ['busy', 'busy-job']) {
      const steps = journal(run, host);
      const inst = steps.find((e) => e.step === 'install' && e.outcome === 'ok')!;
      expect(inst.sent.length, host).toBeGreaterThanOrEqual(2);
      expect(new Set(inst.sent), host).toEqual(new Set(['request system software install version 11.1.4-h7']));
      expect(inst.message, host).toMatch(/^11\.1\.4-h7 installed for the next boot \(after \d+ busy refusals?\); nothing restarted$/);
      // The restart (behind its gate) comes after: the retries never ran down the reload_timeout of its wait.
      const act = steps.find((e) => e.step === 'activate' && e.outcome === 'ok')!;
      expect(steps.indexOf(act), host).toBeGreaterThan(steps.indexOf(inst));
      expect(act.sent, host).toEqual(['request restart system']);
      expect(count(run, host, 'reboot'), host).toBe(1);
    }
  });
});
