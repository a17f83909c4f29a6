// The metrics endpoint on its own: served on 127.0.0.1, fed by bus events,
// in the Prometheus text format, with the change label when there is one.
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../src/engine/events.js';
import type { Gate } from '../../src/engine/gates.js';
import { RunMetrics } from '../../src/cli/metrics.js';
import { scrape } from '../helpers/receiver.js';

let metrics: RunMetrics | null = null;
afterEach(async () => {
  await metrics?.close();
  metrics = null;
});

const gate = (id: string, kind: Gate['kind']): Gate => ({ id, hostname: 'a', kind, step: 'activate', commands: [], impact: '', blastRadius: [], rollback: null });

describe('metrics', () => {
  it('serves devices by status, gates waiting, step durations, failures, the window left and the ETA', async () => {
    const bus = new EventBus();
    const eta = { at: Date.now() + 600_000 as number | null };
    metrics = new RunMetrics({
      changeId: 'CHG0012345', windowEnd: new Date(Date.now() + 3_600_000), eta: () => eta.at,
      devices: [{ hostname: 'a', platform: 'iosxe', status: 'ready' }, { hostname: 'b', platform: 'panos', status: 'ready' }],
    });
    bus.on(metrics.listener);
    const at = await metrics.listen('127.0.0.1:0');
    const url = `http://${at}/metrics`;
    let m = await scrape(url);
    expect(m.status).toBe(200);
    expect(m.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(m.text).toContain('upshift_devices{status="ready",change="CHG0012345"} 2');
    expect(m.text).toContain('upshift_gates_waiting{kind="reload",change="CHG0012345"} 0');
    expect(m.text).toMatch(/upshift_window_seconds_left\{change="CHG0012345"\} 3(5|6)\d\d/);
    expect(m.text).toMatch(/upshift_run_eta_seconds\{change="CHG0012345"\} (59\d|600)/);

    bus.emit({ type: 'device', hostname: 'a', status: 'running', step: 'stage', message: null, reason: null });
    bus.emit({ type: 'step', hostname: 'a', step: 'stage', phase: 'end', outcome: 'ok', durationMs: 42_000 });
    bus.emit({ type: 'gate', hostname: 'a', gate: gate('g1', 'reload'), phase: 'opened' });
    bus.emit({ type: 'device', hostname: 'b', status: 'rolled-back', step: null, message: 'x', reason: 'rolled-back' });
    // The same status told twice is one failure.
    bus.emit({ type: 'device', hostname: 'b', status: 'rolled-back', step: null, message: 'x', reason: 'rolled-back' });
    eta.at = null;
    m = await scrape(url);
    expect(m.text).toContain('upshift_devices{status="running",change="CHG0012345"} 1');
    expect(m.text).toContain('upshift_devices{status="rolled-back",change="CHG0012345"} 1');
    expect(m.text).toContain('upshift_devices{status="ready",change="CHG0012345"} 0');
    expect(m.text).toContain('upshift_gates_waiting{kind="reload",change="CHG0012345"} 1');
    expect(m.text).toContain('upshift_step_duration_seconds_bucket{le="30",step="stage",platform="iosxe",change="CHG0012345"} 0');
    expect(m.text).toContain('upshift_step_duration_seconds_bucket{le="60",step="stage",platform="iosxe",change="CHG0012345"} 1');
    expect(m.text).toContain('upshift_step_duration_seconds_sum{step="stage",platform="iosxe",change="CHG0012345"} 42');
    expect(m.text).toContain('upshift_device_failures_total{reason="rolled-back",change="CHG0012345"} 1');
    // No run under way: no ETA sample.
    expect(m.text).not.toMatch(/^upshift_run_eta_seconds\{/m);

    bus.emit({ type: 'gate', hostname: 'a', gate: gate('g1', 'reload'), phase: 'answered' });
    expect((await scrape(url)).text).toContain('upshift_gates_waiting{kind="reload",change="CHG0012345"} 0');
    expect((await scrape(url.replace('/metrics', '/other'))).status).toBe(404);
  });

  it('has no change label without a change id, and no window metric without a window', async () => {
    metrics = new RunMetrics({ changeId: null, windowEnd: null, eta: () => null, devices: [{ hostname: 'a', platform: 'iosxe', status: 'pending' }] });
    const at = await metrics.listen('127.0.0.1:0');
    const { text } = await scrape(`http://${at}/metrics`);
    expect(text).toContain('upshift_devices{status="pending"} 1');
    expect(text).not.toContain('change=');
    expect(text).not.toContain('upshift_window_seconds_left');
  });

  it('refuses an address in use with an error the session reports', async () => {
    metrics = new RunMetrics({ changeId: null, windowEnd: null, eta: () => null, devices: [] });
    const at = await metrics.listen('127.0.0.1:0');
    const other = new RunMetrics({ changeId: null, windowEnd: null, eta: () => null, devices: [] });
    await expect(other.listen(at)).rejects.toThrow(/EADDRINUSE/);
    await other.close();
  });
});
