// `upshift run` end to end: the real CLI against the lab, statuses read back
// from the workbook, the Audit sheet, and the lab's journals.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { dev, startLabRun, type LabRun } from '../helpers/lab-run.js';
import { openpyxlCells } from '../helpers/workbooks.js';
import { importWorkbook } from '../../src/store/inventory.js';

let current: LabRun | null = null;
afterEach(async () => {
  await current?.lab.stop();
  current = null;
});

const reloads = (r: LabRun, host: string) => (r.lab.iosxe.get(host) ? r.lab.device(host).state.count('reload') : r.lab.panos.firewall(host).count('reboot'));

describe('upshift run', () => {
  it('upgrades a mixed fleet with --yes: each device reloaded once, statuses and Audit in the workbook', async () => {
    current = await startLabRun([
      dev('sw-inst', 'cat9300'), dev('sw-stack', 'cat9300-stack'), dev('sw-bundle', 'cat9300', { mode: 'bundle' }), dev('core-svl', 'cat9500-svl'),
      dev('dist-sup', 'cat9400', { version: '16.12.4' }), dev('wan-isr', 'isr4451'), dev('edge-asr', 'asr1001x', { version: '16.12.4', via: 'jump' }), dev('vpn-vxe', 'c8000v'),
      dev('sw-current', 'cat9300', { version: '17.9.5' }),
      dev('fw-a', 'panos', { haPeer: 'fw-b', haRole: 'active', via: 'pano' }), dev('fw-b', 'panos', { haPeer: 'fw-a', haRole: 'passive', via: 'pano' }),
      { hostname: 'pano', kind: 'panorama', version: '11.1.4-h7', target: null, faults: [], site: 'lab', role: 'p', group: 'm' },
      { hostname: 'jump', kind: 'jumphost', version: '', target: null, faults: [], site: 'lab', role: 'j', group: 'm' },
    ], { settings: { concurrency: 4, batch_size: '50%' } });
    const r = await current.cli(['run', '--yes']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const st = current.statuses();
    for (const h of ['sw-inst', 'sw-stack', 'sw-bundle', 'core-svl', 'dist-sup', 'wan-isr', 'edge-asr', 'vpn-vxe']) {
      expect(st[h], h).toMatchObject({ status: 'upgraded', current: '17.9.5' });
      expect(st[h].message).toMatch(/^upgraded to 17\.9\.5 \(routes \d+ → \d+ ✓/);
    }
    expect(st['fw-a']).toMatchObject({ status: 'upgraded', current: '11.1.4-h7' });
    expect(st['fw-b']).toMatchObject({ status: 'upgraded', current: '11.1.4-h7' });
    expect(st['sw-current']).toMatchObject({ status: 'already-current' });
    expect(st.pano.status).toBe('');
    for (const h of ['sw-inst', 'sw-stack', 'sw-bundle', 'dist-sup', 'wan-isr', 'edge-asr', 'vpn-vxe', 'fw-a', 'fw-b']) expect(reloads(current, h), h).toBe(1);
    // ISSU: no whole-device reload, one switchover.
    // ISSU: no reload of the whole pair; each chassis reloaded once, one switchover, all by the one activation.
    const svl = current.lab.device('core-svl').state;
    expect([svl.count('reload'), svl.memberReloads(1), svl.memberReloads(2), svl.count('switchover')]).toEqual([0, 1, 1, 1]);
    expect(reloads(current, 'sw-current')).toBe(0);
    // The HA pair: the passive member first; the active one was suspended, then made functional.
    const fwA = current.lab.panos.firewall('fw-a').journal.map((e) => e.kind);
    expect(fwA.indexOf('ha')).toBeLessThan(fwA.indexOf('reboot'));
    expect(current.lab.panos.firewall('fw-b').journal.find((e) => e.kind === 'reboot')!.at < current.lab.panos.firewall('fw-a').journal.find((e) => e.kind === 'reboot')!.at).toBe(true);
    expect(current.lab.panos.firewall('fw-a').haState).toBe('passive');
    // Devices start 20 ms apart (a wave does not log in everywhere in the same instant). started_at
    // is stamped a little after each start, so gaps jitter by a few ms; without the spacing they are ~0.
    const db = new Database(join(current.dir, '.upshift', 'fleet', 'upshift.db'), { readonly: true });
    const starts = (db.prepare('SELECT started_at FROM device_state WHERE started_at IS NOT NULL').all() as { started_at: string }[]).map((r) => Date.parse(r.started_at)).sort((a, b) => a - b);
    db.close();
    expect(starts.length).toBeGreaterThanOrEqual(10);
    expect(Math.min(...starts.slice(1).map((t, i) => t - starts[i]))).toBeGreaterThanOrEqual(10);
    // The workbook is still a valid inventory, and the export carries the Audit.
    expect((await importWorkbook(current.files.workbook)).devices).toHaveLength(13);
    const out = join(current.dir, 'change.xlsx');
    expect((await current.cli(['export', '--out', out])).code).toBe(0);
    const audit = Object.entries(openpyxlCells(out).Audit);
    const rows = (host: string, step: string) => audit.filter(([ref, v]) => /^A\d+$/.test(ref) && v === host).map(([ref]) => ref.slice(1)).filter((n) => openpyxlCells(out).Audit[`B${n}`] === step);
    expect(rows('sw-inst', 'activate')).toHaveLength(1);
    expect(rows('sw-inst', 'approval: reload')).toHaveLength(1);
    // One gate for the ISSU, which says it includes a switchover: no second switchover gate.
    expect(rows('core-svl', 'approval: switchover')).toHaveLength(0);
    expect(rows('core-svl', 'approval: reload')).toHaveLength(1);
  }, 120_000); // the HA pair goes through Panorama at panorama_rps (10 a second): about 200 calls, 21 s

  it('without approval leaves devices held, reloads nothing, and a later --yes run finishes them', async () => {
    current = await startLabRun([dev('sw-1', 'cat9300'), dev('sw-2', 'isr4451')], { settings: { canary: 2 } });
    const held = await current.cli(['run']);
    expect(held.code).toBe(1);
    expect(held.stdout).toMatch(/sw-1\s+HELD\s+waiting for approval of the reload \(batch \(no approval given\)\)/);
    expect(current.statuses()['sw-1']).toMatchObject({ status: 'held' });
    expect(reloads(current, 'sw-1') + reloads(current, 'sw-2')).toBe(0);
    const only = await current.cli(['run', '--approve', 'switchover']);
    expect(only.code).toBe(1);
    expect(reloads(current, 'sw-1')).toBe(0);
    const done = await current.cli(['run', '--approve', 'reload,rollback']);
    expect(done.code).toBe(0);
    expect(current.statuses()['sw-1'].status).toBe('upgraded');
    // The image staged by the first run was not copied again.
    expect(current.lab.device('sw-1').state.count('copy')).toBe(1);
  });

  it('blocks on a pre-check, fails a corrupt image before any reload, retries a dropped copy, and rolls back a regression', async () => {
    current = await startLabRun([
      dev('full', 'cat9300', { faults: ['flash-full'] }), dev('bad', 'cat9300', { faults: ['corrupt'] }), dev('regress', 'isr4451', { faults: ['regression'] }),
      dev('drop', 'cat9300', { faults: ['disconnect-copy'] }),
    ], { settings: { canary: 4, max_failure_percent: 100 } });
    const r = await current.cli(['run', '--yes']);
    expect(r.code).toBe(1);
    const st = current.statuses();
    expect(st.full).toMatchObject({ status: 'blocked' });
    expect(st.full.message).toMatch(/^flash: [\d.]+ MB free < [\d.]+ MB needed \(image × 2\.5\)$/);
    expect(st.bad.status).toBe('failed');
    expect(st.bad.message).toMatch(/bad: verify: flash:cat9k_iosxe\.17\.09\.05\.SPA\.bin does not match the Images sheet/);
    expect(reloads(current, 'bad')).toBe(0);
    expect(st.regress).toMatchObject({ status: 'rolled-back', current: '17.6.5' });
    // Back on the release it had, it forwards as before: the check after the rollback says so.
    expect(st.regress.message).toMatch(/post-check failed: routes \d+ → \d+ \([\d.]+% > 5%\).*rolled back to 17\.6\.5 \(after it: routes (\d+) → \1 ✓/);
    expect(reloads(current, 'regress')).toBe(2);
    // A transient error (the session dropped mid-copy) is tried again and the device upgraded;
    // a permanent one (the digest does not match) is not.
    expect(st.drop).toMatchObject({ status: 'upgraded', current: '17.9.5' });
    expect(current.lab.device('drop').state.count('copy-dropped')).toBe(1);
    const db = new Database(join(current.dir, '.upshift', 'fleet', 'upshift.db'), { readonly: true });
    const outcomes = (host: string, step: string) => (db.prepare('SELECT outcome FROM journal WHERE hostname = ? AND step = ? ORDER BY id').all(host, step) as { outcome: string }[]).map((r) => r.outcome);
    expect(outcomes('drop', 'stage')).toEqual(['failed', 'ok']);
    expect(outcomes('bad', 'verify')).toEqual(['failed']);
    db.close();
  });

  it('a device that never returns needs attention without holding up the others; a closed window reloads nothing; both are explained', async () => {
    current = await startLabRun([dev('gone', 'c8000v', { faults: ['never-returns'] }), dev('ok-1', 'cat9300'), dev('ok-2', 'isr4451')], { settings: { reload_timeout: 3, canary: 3, concurrency: 3, max_failure_percent: 100 } });
    const r = await current.cli(['run', '--yes']);
    expect(r.code).toBe(1);
    expect(current.statuses().gone.status).toBe('needs-attention');
    expect(current.statuses().gone.message).toContain('did not come back on 17.9.5 within 3 s');
    // The others in its wave finished while it was still being waited for.
    const db = new Database(join(current.dir, '.upshift', 'fleet', 'upshift.db'), { readonly: true });
    const finished = new Map((db.prepare('SELECT hostname, finished_at FROM device_state').all() as { hostname: string; finished_at: string }[]).map((x) => [x.hostname, Date.parse(x.finished_at)]));
    db.close();
    for (const h of ['ok-1', 'ok-2']) {
      expect(current.statuses()[h].status, h).toBe('upgraded');
      expect(finished.get(h)!, h).toBeLessThan(finished.get('gone')! - 1000);
    }
    await current.lab.stop();
    current = await startLabRun([dev('late', 'cat9300')], { windowStart: new Date(Date.now() - 7_200_000), windowEnd: new Date(Date.now() - 3_600_000) });
    const w = await current.cli(['run', '--yes']);
    expect(w.code).toBe(3);
    expect(current.statuses().late.status).toBe('held');
    expect(current.statuses().late.message).toMatch(/^reload not started: the maintenance window closed at \d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(reloads(current, 'late')).toBe(0);
  });

  it('the circuit breaker stops later waves after a failed canary', async () => {
    current = await startLabRun([dev('canary', 'cat9300', { faults: ['corrupt'] }), dev('next-1', 'cat9300'), dev('next-2', 'cat9300')], { settings: { canary: 1, batch_size: 1 } });
    const r = await current.cli(['run', '--yes']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('circuit breaker: 1 of 1 devices failed (100% > 20%); no new devices start');
    const st = current.statuses();
    expect(st.canary.status).toBe('failed');
    expect(st['next-1'].status).toBe('pending');
    expect(current.lab.device('next-1').state.count('login')).toBe(0);
  });

  it('check and stage change nothing disruptive; plan prints the commands; bad input exits 2 and writes nothing', async () => {
    current = await startLabRun([dev('sw-1', 'cat9300'), dev('sw-b', 'cat9300', { mode: 'bundle' })], { settings: { canary: 2 } });
    expect((await current.cli(['check'])).code).toBe(0);
    expect(current.statuses()['sw-1'].status).toBe('ready');
    const plan = await current.cli(['plan']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/activate \[reload gate\]\s+write memory ; install add file flash:cat9k_iosxe\.17\.09\.05\.SPA\.bin activate/);
    expect(plan.stdout).toMatch(/if the post-check fails:\n\s+↩ rollback \[rollback gate\]\s+configure terminal ; no boot system ; boot system flash:cat9k_iosxe\.17\.06\.05\.SPA\.bin/);
    expect((await current.cli(['stage'])).code).toBe(0);
    expect(current.statuses()['sw-b'].status).toBe('staged');
    expect(reloads(current, 'sw-1') + reloads(current, 'sw-b')).toBe(0);
    const dry = await current.cli(['run', '--dry-run', '--yes']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('what the rest of the run would send (nothing was sent)');
    expect(reloads(current, 'sw-1')).toBe(0);
    const bad = await current.cli(['run', '--yes', '--only', 'nomatch*']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no enabled device matches --only nomatch*');
  });
});
