// Following a device back after a reload: a login refused right after the
// boot is tried again a few times in a row, then the wait gives up on it.
import { describe, expect, it } from 'vitest';
import { AUTH_REFUSALS_TOLERATED, waitForReturn } from '../../../src/drivers/iosxe/return-watch.js';
import { DeviceError } from '../../../src/drivers/errors.js';
import type { IosxeFacts } from '../../../src/drivers/iosxe/types.js';

const facts = (version: string, uptimeSeconds = 30): IosxeFacts => ({
  platform: 'iosxe', hostname: 'sw1', model: 'C9300-48P', serial: 'FCW1', version, uptimeSeconds, lastReloadReason: 'Install', pairRole: null, uncommitted: null,
  collectedAt: new Date().toISOString(), image: 'flash:packages.conf', bootMode: 'install', filesystem: 'flash:', flashTotal: null, flashFree: null, files: [],
  redundancy: { kind: 'none', operatingMode: null, peerState: null, members: [] }, install: null, bootVariable: [], manualBoot: false, configRegister: null,
  configSaved: null, cpu5min: null, pagingOff: true,
});
const refusal = () => new DeviceError('sw1', 'wait', 'auth', 'authentication to 127.0.0.1:22 failed', undefined, false);

/** A probe that answers with each item in turn (an error is thrown). */
function probe(answers: (IosxeFacts | Error)[]) {
  let i = 0;
  return { calls: () => i, facts: async () => { const a = answers[Math.min(i++, answers.length - 1)]; if (a instanceof Error) throw a; return a; } };
}
const expectBack = { version: '17.9.5', timeoutMs: 5_000, since: Date.now(), pollMs: 5 };

describe('waitForReturn and refused logins', () => {
  it(`tries again after up to ${AUTH_REFUSALS_TOLERATED} refused logins in a row, and the device is back`, async () => {
    const p = probe([...Array.from({ length: AUTH_REFUSALS_TOLERATED }, refusal), facts('17.9.5')]);
    const r = await waitForReturn('sw1', p, { ...expectBack, since: Date.now() });
    expect(r.outcome).toBe('ok');
    expect(p.calls()).toBe(AUTH_REFUSALS_TOLERATED + 1);
  });

  it('gives up with the authentication error at the next refusal in a row, long before the reload timeout', async () => {
    const p = probe(Array.from({ length: AUTH_REFUSALS_TOLERATED + 5 }, refusal));
    const err = await waitForReturn('sw1', p, { ...expectBack, since: Date.now() }).catch((e) => e);
    expect(err).toMatchObject({ kind: 'auth', transient: false });
    expect(p.calls()).toBe(AUTH_REFUSALS_TOLERATED + 1);
  });

  it('counts refusals in a row only: an answer in between starts the count again', async () => {
    // In between, the device answers still up on the old version (the reload has not begun).
    const p = probe([refusal(), refusal(), facts('17.6.5', 86_400), refusal(), refusal(), facts('17.9.5')]);
    const r = await waitForReturn('sw1', p, { ...expectBack, since: Date.now() });
    expect(r.outcome).toBe('ok');
    expect(p.calls()).toBe(6);
  });
});
