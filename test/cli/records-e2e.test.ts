import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);
// The change record end to end: `upshift run --change … --webhook … --metrics-address …`
// against the lab, one device per wave so things happen in a known order —
// a held gate, a failure, a device needing attention, a rollback, the breaker —
// then the export's summary and Audit sheet checked against the state database,
// the webhook receiver's notifications, and the metrics scraped during the run.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { dev, startLabRun, type LabRun } from '../helpers/lab-run.js';
import { scrape, startReceiver, type Receiver } from '../helpers/receiver.js';
import { openpyxlCells } from '../helpers/workbooks.js';

let lab: LabRun | null = null;
let rx: Receiver | null = null;
afterEach(async () => {
  await lab?.lab.stop();
  await rx?.close();
  lab = null;
  rx = null;
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const CHANGE = 'CHG0012345';

describe('the change record of a run', () => {
  it('is in the runs, approvals, Audit sheet, summary, notifications and metrics', async () => {
    // The window closes in under 15 minutes: the run starts with that warning.
    lab = await startLabRun([
      dev('fw-a', 'panos', { haPeer: 'fw-b', haRole: 'active', wave: 1 }), dev('fw-b', 'panos', { haPeer: 'fw-a', haRole: 'passive', wave: 1 }),
      // Its flash too full for the image until an older release is removed: a cleanup gate, which this run's approvals do not cover (held).
      dev('full-1', 'cat9300', { faults: ['flash-full', 'old-images'], wave: 1 }),
      dev('bad-1', 'cat9300', { faults: ['auth'], wave: 2 }),
      dev('old-1', 'cat9300', { faults: ['old-version'], wave: 3 }),
      dev('regress-1', 'isr4451', { faults: ['regression'], wave: 4 }),
      dev('late-1', 'cat9300', { wave: 5 }),
    ], { settings: { max_failure_percent: 45 }, windowEnd: new Date(Date.now() + 14 * 60_000) });
    rx = await startReceiver();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/metrics`;
    // Scrape all along the run.
    const scrapes: string[] = [];
    let running = true;
    const scraper = (async () => {
      while (running) {
        try {
          scrapes.push((await scrape(url)).text);
        } catch {
          // not listening yet, or already closed
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const r = await lab.cli(['run', '--approve', 'reload,switchover,rollback', '--concurrency', '1', '--change', CHANGE, '--webhook', rx.url, '--metrics-address', `127.0.0.1:${port}`]);
    running = false;
    await scraper;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(3);
    // The line names the device once: its message goes on with the step.
    expect(r.stdout).toMatch(/ bad-1\s+FAILED\s+facts: authentication to /);

    const db = new Database(join(lab.state, 'upshift.db'), { readonly: true });
    try {
      const state = (h: string) => db.prepare('SELECT status, reason, message, current_version FROM device_state WHERE hostname = ?').get(h) as { status: string; reason: string; message: string; current_version: string };
      expect(['fw-a', 'fw-b', 'full-1', 'bad-1', 'old-1', 'regress-1', 'late-1'].map((h) => state(h).status)).toEqual(['upgraded', 'upgraded', 'held', 'failed', 'needs-attention', 'rolled-back', 'pending']);
      const run = db.prepare(`SELECT id, change_id, host, pid, os_user FROM runs WHERE command = 'run'`).get() as { id: number; change_id: string; host: string; pid: number; os_user: string };
      expect(run).toMatchObject({ change_id: CHANGE, host: hostname() });
      const approvals = db.prepare('SELECT hostname, kind, decision, operator, change_id FROM approvals ORDER BY id').all() as { hostname: string; kind: string; decision: string; operator: string; change_id: string }[];
      expect(approvals.map((a) => `${a.hostname} ${a.kind} ${a.decision}`)).toEqual(['fw-b reload approved', 'fw-a switchover approved', 'fw-a reload approved', 'full-1 cleanup held', 'old-1 reload approved', 'regress-1 reload approved', 'regress-1 rollback approved']);
      expect(approvals.every((a) => a.change_id === CHANGE)).toBe(true);

      // Notifications: each kind once, in the order things happened, none carrying a secret.
      await rx.waitFor((x) => x.bodies.length >= 7);
      const got = rx.json();
      expect(got.map((n) => n.kind)).toEqual(['window-closing', 'gate-waiting', 'device-failed', 'device-needs-attention', 'device-rolled-back', 'breaker-tripped', 'run-finished']);
      expect(got.map((n) => n.hostname)).toEqual([null, 'full-1', 'bad-1', 'old-1', 'regress-1', null, null]);
      expect(got.every((n) => n.change === CHANGE && n.runId === run.id && (n.text as string).startsWith(`[${CHANGE}] `))).toBe(true);
      expect(got[1]).toMatchObject({ gate: { kind: 'cleanup' }, status: 'held' });
      expect(got[4]).toMatchObject({ status: 'rolled-back', reason: 'rolled-back' });
      expect(got[6]).toMatchObject({ status: 'stopped', reason: 'circuit breaker' });
      for (const secret of [lab.lab.credentials.password, lab.lab.credentials.enable]) expect(rx.bodies.join('\n')).not.toContain(secret);

      // Metrics while it ran: devices moving through their statuses, all with the change label.
      const seen = (re: RegExp) => scrapes.some((t) => re.test(t));
      expect(scrapes.length).toBeGreaterThan(3);
      expect(seen(/^upshift_devices\{status="running",change="CHG0012345"\} [1-9]/m)).toBe(true);
      expect(seen(/^upshift_devices\{status="upgraded",change="CHG0012345"\} 1$/m)).toBe(true);
      expect(seen(/^upshift_devices\{status="failed",change="CHG0012345"\} 1$/m)).toBe(true);
      expect(seen(/^upshift_device_failures_total\{reason="device-error",change="CHG0012345"\} 2$/m)).toBe(true);
      expect(seen(/^upshift_step_duration_seconds_count\{step="activate",platform="panos",change="CHG0012345"\} 1$/m)).toBe(true);
      expect(seen(/^upshift_window_seconds_left\{change="CHG0012345"\} \d+$/m)).toBe(true);
      expect(seen(/^upshift_run_eta_seconds\{change="CHG0012345"\} \d+$/m)).toBe(true);

      // The export: the summary beside the workbook, every part of it from the state database.
      const out = join(lab.dir, 'change.xlsx');
      const exp = await lab.cli(['export', '--out', out]);
      expect(exp.code).toBe(0);
      const md = readFileSync(join(lab.dir, 'change.md'), 'utf8');
      expect(md).toMatch(new RegExp(`^# Change ${CHANGE}\n`));
      expect(md).toMatch(/- \*\*window\*\*: \d{4}-\d\d-\d\d \d\d:\d\d:00 → \d{4}-\d\d-\d\d \d\d:\d\d:00\n/);
      expect(md).toContain(`- **operators**: ${run.os_user} (1 run, 6 gate answers)`);
      for (const [st, n] of [['upgraded', 2], ['held', 1], ['failed', 1], ['rolled-back', 1], ['needs-attention', 1], ['pending', 1]] as const) expect(md).toContain(`| ${st} | ${n} |`);
      for (const h of ['fw-a', 'fw-b', 'full-1', 'bad-1', 'old-1', 'regress-1', 'late-1']) {
        const s = state(h);
        expect(md).toMatch(new RegExp(`\\| ${h} \\| \\w+ \\| [^|]+ \\| ${s.status} \\| ${s.reason} \\|`));
      }
      expect(md).toContain('| fw-b | panos | 10.2.9-h1 → 11.1.4-h7 | upgraded |');
      expect(md).toContain('| regress-1 | iosxe | 17.6.5 (unchanged) | rolled-back |');
      expect(md).toMatch(new RegExp(`\\| ${run.os_user} \\| rollback \\(rollback\\) \\| regress-1 \\| approved \\| --approve rollback \\| ${CHANGE} \\|`));
      // The gate nobody could approve in this run is in the record too, and why.
      expect(md).toMatch(new RegExp(`\\| ${run.os_user} \\| cleanup \\(cleanup\\) \\| full-1 \\| held \\| batch \\(no approval given\\) \\| ${CHANGE} \\|`));
      expect(md).toMatch(/\| regress-1 \| routes \| \d+ \| \d+ \| -\d+\.\d% \| routes \d+ → \d+ ✗/);
      for (const h of ['bad-1', 'old-1', 'regress-1', 'full-1', 'late-1']) {
        const s = state(h);
        expect(md).toContain(`- **${h}** ${s.status}`);
        expect(md).toContain(`(reason \`${s.reason}\`): ${s.message.slice(0, 60)}`);
      }
      expect(md).toMatch(new RegExp(`\\| run ${run.id} on ${hostname()} pid ${run.pid} ${run.os_user} \\| run \\| ${CHANGE} \\|`));
      // status --md prints the same summary.
      const plain = await lab.cli(['status']);
      expect(plain.stdout).toMatch(/\n\s+bad-1\s+failed\s+facts: authentication to /);
      const st = await lab.cli(['status', '--md']);
      expect(st.stdout.replace(/- \*\*written\*\*.*\n/, '')).toBe(md.replace(/- \*\*written\*\*.*\n/, ''));

      // The Audit sheet: a run and the change on every row, versions and reasons per device.
      const audit = openpyxlCells(out).Audit;
      const rows = Object.keys(audit).filter((k) => /^A\d+$/.test(k) && k !== 'A1').map((k) => k.slice(1));
      expect(rows.length).toBeGreaterThan(30);
      for (const n of rows) {
        if (audit[`B${n}`] !== 'result' || audit[`L${n}`]) {
          expect(audit[`K${n}`], `row ${n}`).toBe(CHANGE);
          expect(audit[`L${n}`], `row ${n}`).toMatch(new RegExp(`^run \\d+ on ${hostname()} pid \\d+ ${run.os_user}$`));
        }
        if (audit[`C${n}`]) expect(audit[`C${n}`]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      }
      const result = (h: string) => rows.find((n) => audit[`A${n}`] === h && audit[`B${n}`] === 'result')!;
      expect([audit[`F${result('fw-b')}`], audit[`I${result('fw-b')}`], audit[`J${result('fw-b')}`]]).toEqual(['upgraded', '10.2.9-h1', '11.1.4-h7']);
      expect(audit[`H${result('bad-1')}`]).toMatch(/^device-error at facts: /);
      expect(audit[`F${result('regress-1')}`]).toBe('rolled-back');
    } finally {
      db.close();
    }
  }, 240_000);
});
