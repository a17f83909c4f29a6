// `L` (log in again): Esc backs out with the session's credentials unchanged,
// and a typed login keeps each entry's TLS pinning and key file.
import { afterEach, describe, expect, it } from 'vitest';
import { dev } from '../helpers/lab-run.js';
import { KEY, rowOf, startConsole, type ConsoleRig } from '../helpers/console.js';
import { withLogin } from '../../src/cli/console-session.js';
import { binding } from '../../src/ui/keymap.js';

let rig: ConsoleRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

const checked = (r: ConsoleRig) => r.waitFor((f) => /READY/.test(f) && r.session.model.run.phase === 'idle' && ['acc-1', 'fw-1'].every((h) => /✓\s+ready/.test(rowOf(f, h))));

describe('L: log in again', () => {
  it('Esc cancels the prompt and restores the table; the session keeps its credentials', async () => {
    rig = await startConsole([dev('acc-1', 'cat9300'), dev('fw-1', 'panos')]);
    await checked(rig);
    await rig.press('L');
    const prompt = await rig.waitFor('username');
    // Asked again, the prompt says what the login replaces and how to keep the current one.
    expect(prompt).toContain('Log in again');
    expect(prompt.replace(/[│\n]/g, ' ').replace(/\s+/g, ' ')).toContain('Esc keeps the current credentials');
    expect(prompt).not.toContain('No credentials file');
    await rig.press('x', 'y');
    await rig.press(KEY.esc);
    const f = await rig.waitFor('Devices[2]');
    expect(f).toContain('login not changed');
    expect(rig.session.model.run.phase).toBe('idle');
    // The credentials are those of the file: a run can start and reaches its first gate.
    await rig.press('s');
    await rig.waitFor((x) => /\(gate\)/.test(rowOf(x, 'acc-1')) || /\(gate\)/.test(rowOf(x, 'fw-1')));
  });

  it('a login typed at L keeps the firewall entry\'s TLS fingerprint: the firewall passes its check again', async () => {
    rig = await startConsole([dev('acc-1', 'cat9300'), dev('fw-1', 'panos')]);
    await checked(rig);
    const { username, password, enable } = rig.run.lab.credentials;
    await rig.press('L');
    await rig.waitFor('username');
    // Typed fast, as a terminal hands it over: one chunk per field.
    await rig.press(`${username}\r`, `${password}\r`, `${enable}\r`);
    await rig.waitFor((f) => rig!.session.model.run.phase === 'checking' || /CHECKING/.test(f));
    await rig.waitFor(() => rig!.session.model.run.phase === 'idle', 30_000);
    const fw = rig.session.model.device('fw-1')!;
    expect(fw.status, fw.message ?? '').toBe('ready');
    expect(rig.session.model.device('acc-1')!.status).toBe('ready');
  });
});

describe('withLogin', () => {
  it('replaces username, password and enable; keeps TLS settings and the key file; drops an API key', () => {
    const entry = { username: 'old', password: 'old-pw', enable: 'old-en', keyFile: '/k/id_ed25519', passphrase: 'pp', apiKey: 'LUFRPT…', verifyTls: false, tlsFingerprint: 'ab'.repeat(32) };
    expect(withLogin(entry, { username: 'new', password: 'pw', enable: 'en' })).toEqual({ username: 'new', password: 'pw', enable: 'en', keyFile: '/k/id_ed25519', passphrase: 'pp', verifyTls: false, tlsFingerprint: 'ab'.repeat(32) });
    expect(withLogin(undefined, { username: 'u', password: 'p' })).toEqual({ username: 'u', password: 'p', enable: undefined, verifyTls: true });
  });
});

describe('the session names the keys it mentions from the key table', () => {
  it('with no credentials to go back to, says which key quits', async () => {
    rig = await startConsole([dev('acc-1', 'cat9300')], { withCredentials: false });
    await rig.waitFor('No credentials file');
    expect(rig.session.cancelLogin()).toBe('there are no credentials yet to go back to: enter them, or Ctrl+C quits');
    const quit = binding('loginQuit');
    const keys = quit.keys;
    quit.keys = 'F9';
    try {
      expect(rig.session.cancelLogin()).toBe('there are no credentials yet to go back to: enter them, or F9 quits');
    } finally {
      quit.keys = keys;
    }
  });
});
