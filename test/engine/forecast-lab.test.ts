// The forecast against a real run: bin/upshift upgrades five lab switches of
// one model, one at a time (known delays: the lab's, and a pause between
// waves); once the canary is done, `upshift status --json` gives an ETA
// that must land within 20 % of when the run really ends. And a window too
// short for the fleet is named, device by device.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { dev, startLabRun, type LabRun } from '../helpers/lab-run.js';

let lab: LabRun | null = null;
afterEach(async () => {
  await lab?.lab.stop();
  lab = null;
});

function query<T>(r: LabRun, sql: string, ...args: unknown[]): T[] {
  let db: Database.Database | null = null;
  try {
    db = new Database(join(r.state, 'upshift.db'), { readonly: true, fileMustExist: true });
    return db.prepare(sql).all(...args) as T[];
  } catch {
    return [];
  } finally {
    db?.close();
  }
}

async function until(test: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`${what} never happened`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const FLEET = ['sw-1', 'sw-2', 'sw-3', 'sw-4', 'sw-5'];

describe('forecast against the lab', () => {
  it('after the canary, the ETA is within 20 % of the real end of the run', async () => {
    lab = await startLabRun(FLEET.map((h) => dev(h, 'cat9300')), { speed: 20, settings: { canary: 1, batch_size: 2, pause_between_waves: '2 s' } });
    const run = lab.cli(['run', '--yes', '--concurrency', '1']);
    await until(() => query<{ status: string }>(lab!, `SELECT status FROM device_state WHERE hostname = 'sw-1'`)[0]?.status === 'upgraded', 'the canary upgraded');
    const asked = Date.now();
    const status = await lab.cli(['status', '--json']);
    const forecast = JSON.parse(status.stdout).forecast as { eta: string; late: unknown[]; unknown: string[] };
    expect(forecast.unknown).toEqual([]);
    expect(forecast.late).toEqual([]);
    expect((await run).code).toBe(0);
    const end = Math.max(...query<{ finished_at: string }>(lab, 'SELECT finished_at FROM device_state').map((r) => Date.parse(r.finished_at)));
    const predicted = Date.parse(forecast.eta) - asked;
    const actual = end - asked;
    console.log(`forecast after the canary: ${(predicted / 1000).toFixed(1)} s left; the run took ${(actual / 1000).toFixed(1)} s more (${(((predicted - actual) / actual) * 100).toFixed(1)} %)`);
    expect(Math.abs(predicted - actual) / actual).toBeLessThanOrEqual(0.2);
  }, 180_000);

  it('names the devices that would not fit a window closing too soon', async () => {
    lab = await startLabRun(FLEET.slice(0, 3).map((h) => dev(h, 'cat9300')), { speed: 20, settings: { canary: 1, batch_size: 1, pause_between_waves: '1 min' }, windowEnd: new Date(Date.now() + 60_000 + 40_000) });
    // Killed once the status is read: the rest of the run (minutes of pauses) is not this test's business.
    const run = lab.cli(['run', '--yes', '--concurrency', '1'], 12_000);
    await until(() => query<{ status: string }>(lab!, `SELECT status FROM device_state WHERE hostname = 'sw-1'`)[0]?.status === 'upgraded', 'the canary upgraded');
    const status = await lab.cli(['status']);
    // The window ends at most a minute and 40 s from the start (cut to the minute); a minute's pause before each later wave cannot fit both.
    expect(status.stdout).toMatch(/run \d+ under way since \d\d:\d\d:\d\d: ETA \d\d:\d\d:\d\d \(in \dm\d\ds\), window closes \d\d:\d\d:\d\d\n/);
    expect(status.stdout).toMatch(/warning: the window closes before \d devices? would be done: .*sw-3 \(\d\d:\d\d:\d\d\)/);
    await run;
  }, 180_000);
});
