// `upshift status`: what the state database knows, without touching devices
// and without writing anything (it takes no lock; a run may be writing).
// Exit 0 when every selected device is done (upgraded, already current,
// ready, staged or skipped), 1 when any is not, 2 on bad input; --md too.
// A device still `running` while no upshift holds the lock was left mid-way
// by a run that is gone (a forced quit, a crash): it is listed as needing a look.
import { existsSync } from 'node:fs';
import { openWithoutSideFiles } from '../../store/ownership.js';
import { StateStore, type DeviceState } from '../../store/state.js';
import { describeHolder, readLockHolder } from '../../store/lock.js';
import { DEVICE_STATUSES, type DeviceStatus } from '../../store/types.js';
import { exitCodeOf, NEEDS_LOOK } from '../../engine/status.js';
import { UsageError } from '../errors.js';
import { withoutHost } from '../output.js';
import { resolvePaths, type CommonOptions } from '../options.js';
import { stateLockFile } from '../session-lock.js';
import { checkOwnership, needsIdentity, requireWorkbook } from '../state-dir.js';
import { changeSummary } from '../../store/summary.js';
import { forecastRun } from '../../engine/forecast-data.js';
import { forecastJson, forecastLines } from '../forecast-text.js';


/** The state directory of this workbook, or exit 2 when it is another workbook's. */
export async function ownStateDir(opts: CommonOptions) {
  const paths = resolvePaths(opts);
  requireWorkbook(paths.workbook);
  // Read only when the state knows this workbook under another path (it may have moved).
  const identity = needsIdentity(paths.state, paths.workbook)
    ? (await (await import('../../store/inventory.js')).importWorkbook(paths.workbook).catch(() => null))?.identity
    : undefined;
  checkOwnership(paths.state, paths.workbook, identity);
  return paths;
}

export async function statusCommand(opts: CommonOptions & { md?: boolean }): Promise<number> {
  const { workbook, state, stateDb } = await ownStateDir(opts);
  const write = (s: string) => process.stdout.write(s);
  const db = existsSync(stateDb) ? openWithoutSideFiles(stateDb) : null;
  try {
    if (!db || (db.pragma('user_version', { simple: true }) as number) === 0) {
      const msg = `no state database at ${stateDb} yet: run upshift check (or stage, run) on ${workbook} first`;
      write(opts.json ? `${JSON.stringify({ database: stateDb, counts: {}, attention: [], message: msg, exitCode: 1 })}\n` : `${msg}\n`);
      return 1;
    }
    const store = new StateStore(db);
    const states = await selected(store, opts.only ?? []);
    // The one status table decides: 1 as soon as any device is not where it should be (pending and running included).
    const exitCode = exitCodeOf(states.map((s) => s.status), null);
    const holder = readLockHolder(stateLockFile(state));
    // Running with nobody running: the process that was working on them is gone.
    const leftMidway = holder ? [] : states.filter((s) => s.status === 'running');
    if (opts.md) {
      write(changeSummary(store, { workbook }));
      if (leftMidway.length > 0) write(midwayMarkdown(leftMidway));
      return exitCode;
    }
    const eta = forecastRun(db);
    const counts = new Map<DeviceStatus, number>();
    for (const s of states) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
    const attention = [
      ...leftMidway.map((s) => ({ ...s, message: `${LEFT_MIDWAY}${s.message ? ` (last: ${s.message})` : ''}` })),
      ...states.filter((s) => NEEDS_LOOK.includes(s.status)),
    ];
    if (opts.json) {
      write(`${JSON.stringify({
        database: stateDb,
        devices: states.length,
        counts: Object.fromEntries(counts),
        attention: attention.map((s) => ({ hostname: s.hostname, status: s.status, step: s.step, message: s.message })),
        running: holder,
        leftMidway: leftMidway.map((s) => s.hostname),
        exitCode,
        forecast: forecastJson(eta),
      })}\n`);
      return exitCode;
    }
    const line = DEVICE_STATUSES.filter((s) => counts.has(s)).map((s) => `${s} ${counts.get(s)}`).join('  ');
    write(`${states.length} devices in ${stateDb}\n  ${line || 'no devices'}\n`);
    if (holder) write(`in use now by ${describeHolder(holder)}: these counts are moving\n`);
    for (const l of forecastLines(eta)) write(`${l}\n`);
    if (leftMidway.length > 0) write(`${leftMidway.length} left mid-way: ${MIDWAY_WHY}\n`);
    if (attention.length > 0) {
      const w = Math.max(...attention.map((s) => s.hostname.length));
      write(`needs a look (${attention.length}):\n`);
      for (const s of attention) {
        // "sw-1: facts: …" after the hostname and step: the message without what the line already says.
        const said = withoutHost(s.message ?? '', s.hostname);
        const text = s.step && said.startsWith(`${s.step}: `) ? said : [s.step, said].filter(Boolean).join(': ');
        write(`  ${s.hostname.padEnd(w)}  ${s.status.padEnd(15)}  ${text}\n`);
      }
    }
    return exitCode;
  } finally {
    db?.close();
  }
}

const LEFT_MIDWAY = 'left mid-way by a run that is gone';
const MIDWAY_WHY = 'no upshift holds this workbook, so the run that was working on them ended without finishing (a forced quit or a crash); the next run resumes them from the journal, looking at each device first';

/** The change summary's closing note on the devices a gone run left mid-way. */
function midwayMarkdown(devices: DeviceState[]): string {
  const items = devices.map((s) => `- **${s.hostname}** running${s.step ? ` (${s.step})` : ''}${s.message ? `: ${s.message}` : ''}`);
  return ['## Left mid-way', '', `${devices.length} device${devices.length === 1 ? '' : 's'} ${LEFT_MIDWAY}: ${MIDWAY_WHY}.`, '', ...items, ''].join('\n') + '\n';
}

/** The devices --only picks (all of them without it), as the state database knows them. */
async function selected(store: StateStore, only: string[]): Promise<DeviceState[]> {
  const states = store.states();
  if (only.length === 0) return states;
  // Loaded only here: the engine (and its drivers) would slow every other status.
  const { selectDevices, SelectionError } = await import('../../engine/runner.js');
  try {
    const picked = new Set(selectDevices(store.deviceRows(), only).map((r) => r.hostname.toLowerCase()));
    return states.filter((s) => picked.has(s.hostname.toLowerCase()));
  } catch (err) {
    if (err instanceof SelectionError) throw new UsageError(err.message);
    throw err;
  }
}
