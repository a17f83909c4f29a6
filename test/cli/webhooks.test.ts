// Notifications on their own, to a real HTTP receiver on 127.0.0.1: in
// order, retried with backoff, given up with a warning that does not show
// the URL's path, never holding up the bus, secrets masked, gates waiting
// told apart from gates answered at once.
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../src/engine/events.js';
import type { Gate } from '../../src/engine/gates.js';
import { WebhookNotifier, type WebhookOptions } from '../../src/cli/webhooks.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';

let rx: Receiver | null = null;
let notifier: WebhookNotifier | null = null;
afterEach(async () => {
  await notifier?.close(100);
  await rx?.close();
  rx = null;
  notifier = null;
});

const gate = (id: string, kind: Gate['kind'] = 'reload'): Gate => ({ id, hostname: 'sw-1', kind, step: 'activate', commands: ['install add file flash:x activate'], impact: 'sw-1 reloads', blastRadius: [], rollback: null });

function setup(o: Partial<WebhookOptions> = {}) {
  const logs: string[] = [];
  const bus = new EventBus();
  const n = new WebhookNotifier({ urls: [rx!.url], changeId: 'CHG0012345', mode: 'batch', windowEnd: null, counts: () => new Map([['upgraded', 2], ['failed', 1]]), log: (l, t) => logs.push(`${l}: ${t}`), baseDelayMs: 20, ...o });
  notifier = n;
  bus.on(n.listener);
  const run = (command: 'run' | 'check' = 'run') => bus.emit({ type: 'run', phase: 'started', command, runId: 7, waves: 1, devices: 3 });
  return { bus, n, logs, run };
}

describe('webhook notifications', () => {
  it('posts each one in order with a text line and the structured fields', async () => {
    rx = await startReceiver();
    const { bus, run } = setup();
    run();
    bus.emit({ type: 'device', hostname: 'sw-2', status: 'failed', step: 'facts', message: 'login refused', reason: 'device-error' });
    bus.emit({ type: 'device', hostname: 'sw-3', status: 'rolled-back', step: null, message: 'post-check failed: routes 100 → 40', reason: 'rolled-back' });
    bus.emit({ type: 'device', hostname: 'sw-4', status: 'needs-attention', step: 'wait', message: 'came back on 17.6.5', reason: 'device-error' });
    bus.emit({ type: 'run', phase: 'breaker', command: 'run', runId: 7, reason: '3 of 4 devices failed (75% > 20%)' });
    bus.emit({ type: 'run', phase: 'finished', command: 'run', runId: 7, outcome: 'attention' });
    await rx.waitFor((r) => r.bodies.length === 5);
    const got = rx.json();
    expect(got.map((b) => b.kind)).toEqual(['device-failed', 'device-rolled-back', 'device-needs-attention', 'breaker-tripped', 'run-finished']);
    expect(got[0]).toMatchObject({ text: '[CHG0012345] sw-2 failed at facts: login refused', change: 'CHG0012345', runId: 7, hostname: 'sw-2', status: 'failed', reason: 'device-error', run: { pid: process.pid } });
    expect(got[3].text).toBe('[CHG0012345] circuit breaker tripped: 3 of 4 devices failed (75% > 20%); no new devices start');
    expect(got[4]).toMatchObject({ text: '[CHG0012345] upshift run 7 finished: some devices need a look: upgraded 2 · failed 1', counts: { upgraded: 2, failed: 1 } });
  });

  it('retries a refused delivery with backoff, keeps the order, and gives up with a warning that hides the URL path', async () => {
    rx = await startReceiver();
    const { bus, logs, run } = setup({ attempts: 3 });
    run();
    rx.failNext = 2;
    bus.emit({ type: 'device', hostname: 'a', status: 'failed', step: null, message: 'x', reason: 'device-error' });
    bus.emit({ type: 'device', hostname: 'b', status: 'failed', step: null, message: 'y', reason: 'device-error' });
    await rx.waitFor((r) => r.bodies.length === 2);
    expect(rx.json().map((b) => b.hostname)).toEqual(['a', 'b']);
    expect(rx.attempts).toBe(4);
    rx.failNext = 3;
    bus.emit({ type: 'device', hostname: 'c', status: 'failed', step: null, message: 'z', reason: 'device-error' });
    const until = Date.now() + 5000;
    while (logs.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(logs).toEqual([`warn: webhook ${new URL(rx.url).origin}: device-failed not delivered after 3 attempts (HTTP 500)`]);
    expect(logs.join('')).not.toContain('T0KEN');
    expect(rx.bodies).toHaveLength(2);
  });

  it('never holds up the bus, even when the receiver is slow', async () => {
    rx = await startReceiver();
    rx.delayMs = 300;
    const { bus, run } = setup();
    run();
    for (let i = 0; i < 20; i++) bus.emit({ type: 'device', hostname: `d${i}`, status: 'failed', step: null, message: 'x', reason: 'device-error' });
    // Every emit returned before the receiver answered the first POST: the bus waited for none of them.
    expect(rx.bodies).toHaveLength(0);
    await rx.waitFor((r) => r.bodies.length >= 2);
    expect(rx.json().map((b) => b.hostname)).toEqual(['d0', 'd1']);
  });

  it('masks a secret that would appear in a payload', async () => {
    rx = await startReceiver();
    const { bus, n, run } = setup();
    n.addSecrets(['s3cr"et-pw']);
    run();
    bus.emit({ type: 'device', hostname: 'a', status: 'failed', step: null, message: 'device said: bad password s3cr"et-pw', reason: 'device-error' });
    await rx.waitFor((r) => r.bodies.length === 1);
    expect(rx.bodies[0]).not.toContain('s3cr');
    expect(rx.json()[0].text).toBe('[CHG0012345] a failed: device said: bad password ****');
  });

  it('batch: a gate left held is a gate waiting; one approved at once is not', async () => {
    rx = await startReceiver();
    const { bus, run } = setup({ mode: 'batch' });
    run();
    const at = new Date().toISOString();
    bus.emit({ type: 'gate', hostname: 'sw-1', gate: gate('g1'), phase: 'opened' });
    bus.emit({ type: 'gate', hostname: 'sw-1', gate: gate('g1'), phase: 'answered', decision: { decision: 'approved', by: 'op', source: '--yes', at } });
    bus.emit({ type: 'gate', hostname: 'wave 1 (canary)', gate: { ...gate('g2', 'promote'), hostname: 'wave 1 (canary)', impact: 'the rest of the run starts: 4 devices in 2 waves' }, phase: 'opened' });
    bus.emit({ type: 'gate', hostname: 'wave 1 (canary)', gate: { ...gate('g2', 'promote'), hostname: 'wave 1 (canary)', impact: 'the rest of the run starts: 4 devices in 2 waves' }, phase: 'answered', decision: { decision: 'held', by: 'op', source: 'batch', at } });
    bus.emit({ type: 'run', phase: 'finished', command: 'run', runId: 7, outcome: 'attention' });
    await rx.waitFor((r) => r.bodies.length === 2);
    expect(rx.json()[0]).toMatchObject({ kind: 'gate-waiting', hostname: 'wave 1 (canary)', gate: { kind: 'promote' }, text: '[CHG0012345] wave 1 (canary): promote gate waiting for approval (the rest of the run starts: 4 devices in 2 waves)' });
  });

  it('console: a gate still open after the grace time is waiting; one answered before is not', async () => {
    rx = await startReceiver();
    const { bus, run } = setup({ mode: 'console', graceMs: 50 });
    run();
    bus.emit({ type: 'gate', hostname: 'sw-1', gate: gate('quick'), phase: 'opened' });
    bus.emit({ type: 'gate', hostname: 'sw-1', gate: gate('quick'), phase: 'answered', decision: { decision: 'approved', by: 'op', source: 'console', at: '' } });
    bus.emit({ type: 'gate', hostname: 'sw-1', gate: gate('slow'), phase: 'opened' });
    // A gate opened later still is told after the grace time too: by then any word of 'quick' would have come first.
    bus.emit({ type: 'gate', hostname: 'sw-2', gate: { ...gate('later'), hostname: 'sw-2' }, phase: 'opened' });
    await rx.waitFor((r) => r.bodies.length === 2);
    expect(rx.json().map((b) => `${b.kind} ${b.hostname}`)).toEqual(['gate-waiting sw-1', 'gate-waiting sw-2']);
  });

  it('only an upgrade run notifies; the window closing is told once, 15 minutes before', async () => {
    rx = await startReceiver();
    const { bus, run } = setup({ windowEnd: new Date(Date.now() + 10 * 60_000) });
    run('check');
    bus.emit({ type: 'device', hostname: 'a', status: 'failed', step: 'facts', message: 'unreachable', reason: 'device-error' });
    run('run');
    run('run');
    // Delivered in order: a failure after the second run start comes after any second window notice.
    bus.emit({ type: 'device', hostname: 'b', status: 'failed', step: 'facts', message: 'unreachable', reason: 'device-error' });
    await rx.waitFor((r) => r.bodies.length === 2);
    expect(rx.json().map((b) => b.kind)).toEqual(['window-closing', 'device-failed']);
    expect(rx.json()[0].text).toMatch(/^\[CHG0012345\] the maintenance window closes at \d\d:\d\d:\d\d \(in 10 min\); 0 devices not done$/);
  });
});
