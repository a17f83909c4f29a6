// `upshift plan`: every step and command per device; nothing is sent (with
// --refresh, facts are collected first, read-only).
import { openDatabase } from '../../store/db.js';
import { StateStore } from '../../store/state.js';
import { planDevice, formatPlan } from '../../engine/plan.js';
import type { Facts } from '../../drivers/contract.js';
import { validate } from '../run-setup.js';
import { batchCommand } from './batch.js';
import type { CommonOptions } from '../options.js';

export async function planCommand(opts: CommonOptions & { refresh?: boolean }): Promise<number> {
  if (opts.refresh) {
    const code = await batchCommand('check')({ ...opts, json: false, logLevel: 'warn' });
    if (code === 2) return code;
  }
  const v = await validate(opts, false);
  const store = new StateStore(openDatabase(v.paths.state));
  try {
    const plans = v.selected.map((row) => planDevice(row, store.latestFacts<Facts>(row.hostname)?.facts ?? null, v.inventory, { hint: 'http://<upshift>:<port>/<token>', imagesDir: v.paths.images, serveAddress: opts.serveAddress }));
    if (opts.json) process.stdout.write(`${JSON.stringify(plans)}\n`);
    else process.stdout.write(`${plans.map(formatPlan).join('\n\n')}\n`);
    const missing = plans.filter((p) => p.state === 'no-facts').length;
    if (missing && !opts.json) process.stdout.write(`\n${missing} device(s) without facts yet: run upshift check, or upshift plan --refresh\n`);
    return 0;
  } finally {
    store.db.close();
  }
}
