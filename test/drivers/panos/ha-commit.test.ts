// The end of a pair member's upgrade (commitHa) against a firewall that
// reports its HA state in turn: just booted, it shows initial before it
// shows it is still suspended, and must still be made functional.
import { describe, expect, it } from 'vitest';
import { commitHa } from '../../../src/drivers/panos/ha.js';
import type { Conn } from '../../../src/drivers/panos/facts.js';
import type { ActivationPlan } from '../../../src/drivers/contract.js';
import type { Xml } from '../../../src/drivers/panos/xml.js';

const plan: ActivationPlan = { kind: 'panos', image: null, targetVersion: '11.1.4-h7', filesystem: '', previousBoot: [], previousVersion: '10.2.9-h1', stack: false, hops: ['11.1.4-h7'] };

const haXml = (local: string, peer: string): Xml => ({
  enabled: 'yes',
  group: {
    mode: 'Active-Passive', 'running-sync': 'synchronized', 'running-sync-enabled': 'yes',
    'local-info': { state: local, 'build-rel': '11.1.4-h7' },
    'peer-info': { state: peer, 'build-rel': '11.1.4-h7', 'conn-status': 'up' },
  },
});

/** A member whose states come from a script; functional moves it on as a firewall would. */
function member(states: string[]): Conn & { sent: string[] } {
  let i = 0;
  let functional = false;
  const sent: string[] = [];
  return {
    name: 'fw-a', sent,
    op: async (cmd) => {
      sent.push(cmd);
      if (functional) return haXml('passive', 'active');
      return haXml(states[Math.min(i++, states.length - 1)], 'active');
    },
    opText: async (cmd) => {
      sent.push(cmd);
      functional = true;
      return 'Successfully changed HA state to functional';
    },
    configShow: async () => ({}),
  };
}

describe('commitHa', () => {
  it('waits out initial after a boot: a member that then shows suspended is made functional, and the pair verified', async () => {
    const c = member(['initial', 'initial', 'suspended']);
    const r = await commitHa(c, plan, 'commit', { pollMs: 1, settleMs: 1_000 });
    expect(c.sent.filter((s) => s.includes('functional'))).toHaveLength(1);
    expect(r.message).toBe('HA made functional again; pair verified: this member passive, peer active, configuration synchronized, both on 11.1.4-h7');
  });

  it('a member already passive is only verified', async () => {
    const c = member(['passive']);
    const r = await commitHa(c, plan, 'commit', { pollMs: 1, settleMs: 1_000 });
    expect(c.sent.some((s) => s.includes('functional'))).toBe(false);
    expect(r.message).toMatch(/^pair verified: this member passive/);
  });
});
