// HA pairs in the PAN-OS lab: states as each member reports them, suspend
// and functional, restarts, preemption, config sync and version gaps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, isListening } from '../../src/lab/lab.js';
import { CMD, Client, doc, fw, until } from './panos-client.js';

let lab: Lab;
beforeAll(async () => {
  lab = await Lab.start({
    speed: 20,
    fleet: [
      fw('ha-a', { haPeer: 'ha-b', haRole: 'active' }), fw('ha-b', { haPeer: 'ha-a', haRole: 'passive' }),
      fw('pre-a', { haPeer: 'pre-b', haRole: 'active', faults: ['preempt'] }), fw('pre-b', { haPeer: 'pre-a', haRole: 'passive', faults: ['preempt'] }),
      fw('ns-a', { haPeer: 'ns-b', haRole: 'active', faults: ['not-synced'] }), fw('ns-b', { haPeer: 'ns-a', haRole: 'passive' }),
      fw('gap-a', { haPeer: 'gap-b', haRole: 'active', faults: ['ha-peer-apart'] }), fw('gap-b', { haPeer: 'gap-a', haRole: 'passive' }),
      fw('pm-a', { haPeer: 'pm-b', haRole: 'active' }), fw('pm-b', { haPeer: 'pm-a', haRole: 'passive', faults: ['ha-plugin-mismatch'] }),
      fw('solo'),
    ],
  });
});
afterAll(async () => lab?.stop());

type Group = { mode: string; 'local-info': Record<string, string>; 'peer-info': Record<string, string>; 'running-sync': string };
const group = async (host: string): Promise<Group> => doc(await new Client(lab, host).op(CMD.ha)).result.group;
const states = async (host: string) => {
  const g = await group(host);
  return `${g['local-info'].state}/${g['peer-info'].state}`;
};
const listening = (host: string, want: boolean) => until(`${host} listening=${want}`, async () => ((await isListening('127.0.0.1', lab.panos.port(host))) === want ? true : undefined), 10_000, 2);
const jobId = (xml: string) => String(doc(xml).result.job);
/** The roles seen in order (readiness labels dropped, repeats merged). */
const roles = (seen: string[]) => seen.map((s) => s.replace(' (not ready)', '')).filter((s, i, all) => i === 0 || all[i - 1] !== s);
/** A member is "initial" only while it is not ready. */
const initialOnlyWhileNotReady = (seen: string[]) => seen.every((s) => !s.startsWith('initial') || s.endsWith('(not ready)'));

/** Restarts `host` and records its own HA state (and chassis-ready) from the moment it answers again until `done` holds. */
async function restartWatching(host: string, done: (state: string) => boolean): Promise<string[]> {
  const c = new Client(lab, host);
  await c.op(CMD.restart);
  await listening(host, false);
  await listening(host, true);
  const seen: string[] = [];
  await until(`${host} settled`, async () => {
    // chassis-ready first: a member that said "ready" has taken its HA role by the time it is asked for it.
    const notReady = doc(await c.op(CMD.ready)).result === 'no' ? ' (not ready)' : '';
    const s = `${doc(await c.op(CMD.ha)).result.group['local-info'].state}${notReady}`;
    if (seen.at(-1) !== s) seen.push(s);
    return done(s) ? s : undefined;
  }, 10_000, 2);
  return seen;
}

describe('PAN-OS lab: HA', () => {
  it('reports an active/passive pair, and a standalone firewall as not enabled', async () => {
    const g = await group('ha-a');
    expect(g.mode).toBe('Active-Passive');
    expect(g['local-info']).toMatchObject({ state: 'active', 'build-rel': '10.2.9-h1', preemptive: 'no', priority: '100', 'build-compat': 'Match', 'platform-model': 'PA-3220' });
    expect(g['peer-info']).toMatchObject({ state: 'passive', 'conn-status': 'up', 'build-rel': '10.2.9-h1', priority: '110' });
    expect(g['running-sync']).toBe('synchronized');
    expect(await new Client(lab, 'solo').op(CMD.ha)).toBe('<response status="success"><result><enabled>no</enabled></result></response>');
  });

  it('suspending the active hands over to the passive; functional makes it passive', async () => {
    const a = new Client(lab, 'ha-a');
    expect(await a.op(CMD.suspend)).toBe('<response status="success"><result>Successfully changed HA state to suspended</result></response>');
    expect(await states('ha-a')).toBe('suspended/active');
    expect(await states('ha-b')).toBe('active/suspended');
    expect(await a.op(CMD.functional)).toBe('<response status="success"><result>Successfully changed HA state to functional</result></response>');
    expect(await states('ha-a')).toBe('passive/active');
  });

  it('a restarting active member hands over; it comes back initial while not ready, then passive', async () => {
    // ha-b is active now.
    const c = new Client(lab, 'ha-b');
    await c.op(CMD.restart);
    await listening('ha-b', false);
    const g = await group('ha-a');
    expect(g['local-info'].state).toBe('active');
    expect(g['peer-info']).toMatchObject({ state: 'unknown', 'conn-status': 'down' });
    expect(g['running-sync']).toBe('not synchronized');
    await listening('ha-b', true);
    const seen: string[] = [];
    await until('ha-b passive', async () => {
      // chassis-ready first: a member that said "ready" has taken its HA role by the time it is asked for it.
    const notReady = doc(await c.op(CMD.ready)).result === 'no' ? ' (not ready)' : '';
    const s = `${doc(await c.op(CMD.ha)).result.group['local-info'].state}${notReady}`;
      if (seen.at(-1) !== s) seen.push(s);
      return s === 'passive' ? s : undefined;
    }, 10_000, 2);
    expect(roles(seen)).toEqual(['initial', 'passive']);
    expect(initialOnlyWhileNotReady(seen)).toBe(true);
    expect(await states('ha-a')).toBe('active/passive');
  });

  it('preemption: the higher-priority member comes back passive, then takes back active', async () => {
    const seen = await restartWatching('pre-a', (s) => s === 'active');
    expect(roles(seen)).toEqual(['initial', 'passive', 'active']);
    expect(initialOnlyWhileNotReady(seen)).toBe(true);
    expect(await states('pre-b')).toBe('passive/active');
    expect((await group('pre-a'))['local-info'].preemptive).toBe('yes');
  });

  it('not-synced: running configuration not synchronized until sync-to-remote', async () => {
    expect((await group('ns-b'))['running-sync']).toBe('not synchronized');
    const r = await new Client(lab, 'ns-a').op('<request><high-availability><sync-to-remote><running-config></running-config></sync-to-remote></high-availability></request>');
    expect(r).toBe('<response status="success"><result><msg><line>HA synchronization job has been queued on peer. Please check job status on peer.</line></msg></result></response>');
    await until('synchronized', async () => ((await group('ns-a'))['running-sync'] === 'synchronized' ? true : undefined));
    const peerJobs = doc(await new Client(lab, 'ns-b').op('<show><jobs><all></all></jobs></show>')).result.job as Record<string, string>[];
    expect(peerJobs[0]).toMatchObject({ type: 'HA-Sync', status: 'FIN', result: 'OK' });
  });

  it('ha-peer-apart: the peer runs the next feature release; versions mismatch and config cannot sync', async () => {
    const g = await group('gap-a');
    expect(g['peer-info']['build-rel']).toBe('11.0.6');
    expect(g['local-info']['build-compat']).toBe('Mismatch');
    expect(g['running-sync']).toBe('not synchronized');
    expect(`${g['local-info'].state}/${g['peer-info'].state}`).toBe('active/passive');
    const r = doc(await new Client(lab, 'gap-a').op('<request><high-availability><sync-to-remote><running-config/></sync-to-remote></high-availability></request>'));
    expect(r.msg.line[0]).toContain('the HA peer runs 11.0.6, this firewall 10.2.9-h1');
  });

  it('ha-plugin-mismatch: a member restarted onto another release is non-functional until its peer runs it too', async () => {
    const upgrade = async (host: string) => {
      const c = new Client(lab, host);
      await c.op(CMD.swCheck);
      for (const v of ['11.1.0', '11.1.4-h7']) await c.waitJob(jobId(await c.op(CMD.download(v))));
      expect((await c.waitJob(jobId(await c.op(CMD.install('11.1.4-h7'))))).job.result).toBe('OK');
    };
    await upgrade('pm-b');
    const b = await restartWatching('pm-b', (s) => s === 'non-functional');
    expect(b.at(-1)).toBe('non-functional');
    expect(await states('pm-a')).toBe('active/non-functional');
    await upgrade('pm-a');
    await restartWatching('pm-a', (s) => s === 'active');
    expect(await states('pm-b')).toBe('passive/active');
  });
});
