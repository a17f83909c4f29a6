// The masking wrapper on the listeners that write somewhere: every string of an
// event, at any depth, has the session's secrets masked; an event without one
// reaches the listener as it was.
import { describe, expect, it } from 'vitest';
import { masked, maskDeep, SessionSecrets } from '../../src/cli/masking.js';
import type { Stamped } from '../../src/engine/events.js';

const creds = (password: string, enable?: string) => new Map([['default', { username: 'netops', password, enable, verifyTls: true }]]);

describe('masking wrapper', () => {
  it('masks the secrets of every credential added, in nested strings, without changing the event it was given', () => {
    const secrets = new SessionSecrets();
    secrets.add(creds('Hunter2-pw', 'En4ble!'));
    // A console login later in the session adds its own; a 2-character secret is never masked.
    secrets.add(new Map([['other', { username: 'x', password: 'L0gin"Q', verifyTls: true }], ['short', { username: 'y', password: 'ab', verifyTls: true }]]));
    const seen: Stamped[] = [];
    const listener = masked((e) => void seen.push(e), secrets);
    const event = {
      type: 'device', hostname: 'r1', status: 'failed', at: '2026-12-03T00:00:00.000Z',
      message: 'r1: connect: the session closed; the device said: enable secret is En4ble! | user Hunter2-pw',
      detail: { lines: ['ok', 'L0gin"Q here'], n: 3, none: null },
    } as unknown as Stamped;
    listener(event);
    expect(seen[0]).toMatchObject({
      message: 'r1: connect: the session closed; the device said: enable secret is ****** | user ******',
      detail: { lines: ['ok', '****** here'], n: 3, none: null },
    });
    expect(JSON.stringify(seen[0])).not.toMatch(/Hunter2-pw|En4ble!|L0gin/);
    // The emitter's event is untouched (other listeners get it as it was).
    expect((event as unknown as { message: string }).message).toContain('Hunter2-pw');
    expect(secrets.list).toEqual(['Hunter2-pw', 'En4ble!', 'L0gin"Q']);
  });

  it('passes an event without a secret through as the same object', () => {
    const e = { type: 'log', level: 'info', text: 'nothing secret', at: 'x' } as unknown as Stamped;
    expect(maskDeep(e, ['Hunter2-pw'])).toBe(e);
    const secrets = new SessionSecrets();
    const seen: Stamped[] = [];
    masked((x) => void seen.push(x), secrets)(e);
    expect(seen[0]).toBe(e);
  });
});
