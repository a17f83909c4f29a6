// The live forecast (fed by events, for the console and metrics) agrees with
// the one `upshift status` makes from the state database, mid-run, on the
// real engine with fake devices; and it says nothing for a check or a dry run.
import { afterEach, describe, expect, it } from 'vitest';
import { forecastRun } from '../../src/engine/forecast-data.js';
import { LiveForecast } from '../../src/engine/forecast-live.js';
import { engineRig, fakeRow, type EngineRig } from '../helpers/engine-rig.js';

let rig: EngineRig;
afterEach(() => rig?.close());

async function until(test: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

const rows = () => ['a', 'b', 'c', 'd', 'e'].map((h) => fakeRow(h));

describe('live forecast', () => {
  it('gives the same ETA and late devices as the state database mid-run', async () => {
    const end = Date.now() + 60_000;
    rig = engineRig(rows().map((r) => ({ ...r, windowEnd: new Date(end) })), { canary: 1, batchSize: { count: 2 }, pauseBetweenWavesMs: 200 });
    // The wave of b and c is under way (c held in its stage) when both forecasts are asked.
    const release = rig.device('c').hold('stage');
    const { ctx, done } = rig.start('run');
    await until(() => rig.steps('c').includes('stage:started') && rig.state('b').status === 'upgraded');
    const live = new LiveForecast(rig.store.db, new Map(rows().map((r) => [r.hostname, 'iosxe'])));
    for (const e of rig.events) live.listener(e);
    const now = Date.now();
    const fromEvents = live.forecast(now, new Map(rows().map((r) => [r.hostname, end])))!;
    const fromDb = forecastRun(rig.store.db, now, ctx.runId)!;
    expect(fromEvents.runId).toBe(ctx.runId);
    expect(fromDb.forecast.finishAt).not.toBeNull();
    // Durations measured two ways (events' clocks, journal timestamps) differ by a few milliseconds at most.
    expect(Math.abs(fromEvents.forecast.finishAt! - fromDb.forecast.finishAt!)).toBeLessThan(40);
    expect(fromEvents.forecast.devices.map((d) => d.hostname)).toEqual(['c', 'd', 'e']);
    expect(fromDb.forecast.devices.map((d) => d.hostname)).toEqual(['c', 'd', 'e']);
    // The pause before the last wave is part of it.
    expect(fromDb.forecast.finishAt! - now).toBeGreaterThanOrEqual(200);
    release();
    expect((await done).exitCode).toBe(0);
    for (const e of rig.events.slice(-1)) live.listener(e);
    expect(live.forecast()).toBeNull();
  });

  it('has nothing to say for a check or a dry run', async () => {
    rig = engineRig(rows(), { canary: 1 });
    const live = new LiveForecast(rig.store.db, new Map());
    const check = rig.start('check');
    live.listener(rig.events[0]);
    expect(live.forecast()).toBeNull();
    await check.done;
    const dry = rig.start('run', { dryRun: true });
    live.listener(rig.events.find((e) => e.type === 'run' && e.phase === 'started' && e.runId === dry.ctx.runId)!);
    expect(live.forecast()).toBeNull();
    expect(forecastRun(rig.store.db, Date.now(), dry.ctx.runId)).toBeNull();
    await dry.done;
  });
});
