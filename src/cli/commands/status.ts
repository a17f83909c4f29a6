// `upshift status`: what the state database knows, without touching devices.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from '../../store/db.js';
import { StateStore } from '../../store/state.js';
import { DEVICE_STATUSES } from '../../store/types.js';
import { NEEDS_LOOK } from '../../engine/status.js';
import { resolvePaths, type CommonOptions } from '../options.js';
import { changeSummary } from '../../store/summary.js';
import { forecastRun } from '../../engine/forecast-data.js';
import { forecastJson, forecastLines } from '../forecast-text.js';

export async function statusCommand(opts: CommonOptions & { md?: boolean }): Promise<number> {
  const { workbook, state } = resolvePaths(opts);
  const file = join(state, 'upshift.db');
  if (!existsSync(file)) {
    const msg = `no state database at ${file} yet: run upshift check (or stage, run) on ${workbook} first`;
    if (opts.json) process.stdout.write(`${JSON.stringify({ database: file, counts: {}, attention: [], message: msg })}\n`);
    else process.stdout.write(`${msg}\n`);
    return 0;
  }
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    if ((db.pragma('user_version', { simple: true }) as number) === 0) migrate(db);
    const store = new StateStore(db);
    if (opts.md) {
      process.stdout.write(changeSummary(store, { workbook }));
      return 0;
    }
    const eta = forecastRun(db);
    const states = store.states();
    const counts = store.counts();
    const attention = states.filter((s) => NEEDS_LOOK.includes(s.status));
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({
        database: file,
        devices: states.length,
        counts: Object.fromEntries(counts),
        attention: attention.map((s) => ({ hostname: s.hostname, status: s.status, step: s.step, message: s.message })),
        forecast: forecastJson(eta),
      })}\n`);
      return 0;
    }
    const line = DEVICE_STATUSES.filter((s) => counts.has(s)).map((s) => `${s} ${counts.get(s)}`).join('  ');
    process.stdout.write(`${states.length} devices in ${file}\n  ${line || 'no devices'}\n`);
    for (const l of forecastLines(eta)) process.stdout.write(`${l}\n`);
    if (attention.length > 0) {
      const w = Math.max(...attention.map((s) => s.hostname.length));
      process.stdout.write(`needs a look (${attention.length}):\n`);
      for (const s of attention) {
        process.stdout.write(`  ${s.hostname.padEnd(w)}  ${s.status.padEnd(15)}  ${[s.step, s.message].filter(Boolean).join(': ')}\n`);
      }
    }
    return 0;
  } finally {
    db.close();
  }
}
