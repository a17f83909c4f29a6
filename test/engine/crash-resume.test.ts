// SIGKILL at many points of a run, then run again: every device ends
// upgraded, none is reloaded twice, and the workbook is valid every time.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { BIN } from '../helpers/cli.js';
import { dev, startLabRun, type LabRun } from '../helpers/lab-run.js';
import { openpyxlCells } from '../helpers/workbooks.js';
import { importWorkbook } from '../../src/store/inventory.js';

let run: LabRun;
afterAll(async () => run?.lab.stop());

/** Commands that make a device go down, as the lab journals them. */
const DISRUPTIVE = /install add file .* activate|install activate|#reload$|redundancy force-switchover|install abort/;

function disruptiveCount(r: LabRun): number {
  let n = 0;
  for (const d of r.lab.iosxe.values()) n += d.state.journal.filter((e) => e.kind === 'command' && DISRUPTIVE.test(e.detail)).length;
  for (const e of r.lab.panos.devices.values()) n += e.fw.count('reboot') + e.fw.count('ha');
  return n;
}

/** Runs `upshift run --yes`, killing it with SIGKILL when `kill` says so. */
function runUntil(r: LabRun, kill: (events: number) => boolean): Promise<{ code: number | null; killed: boolean; events: number; lines: string[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'run', '--yes', '--json', '--workbook', r.files.workbook, '--credentials', r.files.credentials], { stdio: ['ignore', 'pipe', 'pipe'] });
    let events = 0;
    let killed = false;
    const lines: string[] = [];
    const maybeKill = () => {
      if (!killed && kill(events)) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    child.stdout.on('data', (d: Buffer) => {
      const got = d.toString().split('\n').filter(Boolean);
      events += got.length;
      lines.push(...got);
      maybeKill();
    });
    const timer = setInterval(maybeKill, 2);
    const guard = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('close', (code) => {
      clearInterval(timer);
      clearTimeout(guard);
      resolve({ code, killed, events, lines });
    });
  });
}

describe('crash and resume', () => {
  it('survives SIGKILL anywhere, including just after a reload was confirmed', async () => {
    run = await startLabRun([
      dev('sw-inst', 'cat9300'), dev('sw-bun', 'cat9300', { mode: 'bundle' }), dev('rtr', 'isr4451'), dev('svl', 'cat9500-svl'),
      dev('fw-a', 'panos', { haPeer: 'fw-b', haRole: 'active' }), dev('fw-b', 'panos', { haPeer: 'fw-a', haRole: 'passive' }),
    ], { speed: 40, settings: { canary: 6, concurrency: 3 } });
    const log: string[] = [];
    // Kills after N output events, then right after each disruptive command reaches a device.
    const schedule: ((before: number) => (events: number) => boolean)[] = [
      ...[4, 12, 25, 40, 60, 90].map((n) => () => (events: number) => events >= n),
      ...Array.from({ length: 8 }, () => (before: number) => () => disruptiveCount(run) > before),
    ];
    for (const make of schedule) {
      const before = disruptiveCount(run);
      const r = await runUntil(run, make(before));
      log.push(`${r.killed ? 'killed' : `exit ${r.code}`} after ${r.events} events`);
      // The workbook is a valid inventory after every kill.
      expect((await importWorkbook(run.files.workbook)).devices).toHaveLength(6);
      expect(Object.keys(openpyxlCells(run.files.workbook))).toEqual(['Devices', 'Images', 'Settings']);
      if (!r.killed) break;
    }
    const last = await runUntil(run, () => false);
    log.push(`final exit ${last.code}`, ...last.lines.filter((l) => /"type":"(device|log)"/.test(l)).slice(-25));
    expect(last.code, log.join('\n')).toBe(0);
    expect(log.filter((l) => l.startsWith('killed')).length).toBeGreaterThanOrEqual(6);
    const st = run.statuses();
    for (const h of ['sw-inst', 'sw-bun', 'rtr', 'svl', 'fw-a', 'fw-b']) expect(st[h].status, `${h}: ${st[h].message}\n${log.join('\n')}`).toBe('upgraded');
    for (const h of ['sw-inst', 'sw-bun', 'rtr']) expect(run.lab.device(h).state.count('reload'), h).toBe(1);
    const svl = run.lab.device('svl').state;
    expect([svl.count('reload'), svl.memberReloads(1), svl.memberReloads(2), svl.count('switchover')]).toEqual([0, 1, 1, 1]);
    expect(run.lab.panos.firewall('fw-a').count('reboot')).toBe(1);
    expect(run.lab.panos.firewall('fw-b').count('reboot')).toBe(1);
  }, 600_000);
});
