// The IOS-XE driver's session layer against the lab's real SSH servers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { Lab } from '../../../src/lab/lab.js';
import type { LabDeviceSpec } from '../../../src/lab/fleet.js';
import { IosxeDriver } from '../../../src/drivers/iosxe/driver.js';
import { DIALOGUES } from '../../../src/drivers/iosxe/dialogues.js';
import { IosxeSession } from '../../../src/drivers/iosxe/session.js';
import { splitTypedAhead } from '../../../src/drivers/iosxe/output.js';
import { DeviceError } from '../../../src/drivers/errors.js';
import { KnownHosts } from '../../../src/drivers/ssh/known-hosts.js';
import type { Transcript } from '../../../src/drivers/ssh/channel.js';
import { iosxeTarget, labKnownHosts } from '../../helpers/lab-targets.js';
import { tempDir } from '../../helpers/workbooks.js';

const spec = (hostname: string, kind: string, extra: Partial<LabDeviceSpec> = {}): LabDeviceSpec => ({ hostname, kind, version: '17.6.5', target: '17.9.5', faults: [], site: 'lab', role: 't', group: 't', ...extra });

let lab: Lab;
let known: KnownHosts;
// A login key the lab trusts, and one it does not.
const keys = { trusted: utils.generateKeyPairSync('ed25519'), stranger: utils.generateKeyPairSync('ed25519') };
const keyFile = (which: keyof typeof keys) => {
  const file = join(tempDir(), `${which}_ed25519`);
  writeFileSync(file, keys[which].private, { mode: 0o600 });
  return file;
};
beforeAll(async () => {
  lab = await Lab.start({
    speed: 50,
    authorizedKeys: [keys.trusted.public],
    fleet: [
      spec('sw1', 'cat9300'), spec('stk1', 'cat9300-stack'), spec('svl1', 'cat9500-svl'), spec('sup1', 'cat9400'), spec('rtr1', 'isr4451'),
      spec('asr1', 'asr1001x', { version: '16.12.4', via: 'jump1' }), spec('vxe1', 'c8000v'), spec('slow1', 'cat9300', { faults: ['slow'] }),
      spec('page1', 'cat9300', { faults: ['paging'] }), spec('deny1', 'cat9300', { faults: ['auth'] }),
      spec('kbd1', 'cat9300', { faults: ['kbd-auth'] }), spec('echo1', 'cat9300', { faults: ['echo-ahead'] }),
      { hostname: 'jump1', kind: 'jumphost', version: '', target: null, faults: [], site: 'lab', role: 'jump', group: 'mgmt' },
    ],
  });
  known = labKnownHosts(lab);
});
afterAll(async () => lab?.stop());

const driver = (host: string, extra: Parameters<typeof iosxeTarget>[2] = {}) => new IosxeDriver(iosxeTarget(lab, host, extra), { knownHosts: known, acceptNewHostKeys: false, timeouts: { idle: 1500 } });

describe('IOS-XE driver: facts from every model family', () => {
  it.each([
    ['sw1', { model: 'C9300-48P', bootMode: 'install', kind: 'none', filesystem: 'flash:' }],
    ['stk1', { model: 'C9300-48P', bootMode: 'install', kind: 'stack', filesystem: 'flash:' }],
    ['svl1', { model: 'C9500-48Y4C', bootMode: 'install', kind: 'svl', filesystem: 'bootflash:' }],
    ['sup1', { model: 'C9407R', bootMode: 'install', kind: 'dual-sup', filesystem: 'bootflash:' }],
    ['rtr1', { model: 'ISR4451-X/K9', bootMode: 'install', kind: 'none', filesystem: 'bootflash:' }],
    ['vxe1', { model: 'C8000V', bootMode: 'install', kind: 'none', filesystem: 'bootflash:' }],
  ])('%s', async (host, want) => {
    const d = driver(host);
    const f = await d.facts({ readiness: true });
    await d.close();
    const st = lab.device(host).state;
    expect(f).toMatchObject({ hostname: host, version: '17.6.5', model: want.model, bootMode: want.bootMode, serial: st.serial, filesystem: want.filesystem, flashFree: st.freeBytes(), flashTotal: st.model.flashTotal, configSaved: true, cpu5min: st.cpu5 });
    expect(f.redundancy.kind).toBe(want.kind);
    expect(f.install).toMatchObject({ uncommitted: false, autoAbortTimer: null });
    expect(f.bootVariable).toEqual([`${want.filesystem}packages.conf`]);
    if (want.kind === 'stack') expect(f.redundancy.members.map((m) => [m.number, m.state, m.version])).toEqual([[1, 'Ready', '17.6.5'], [2, 'Ready', '17.6.5'], [3, 'Ready', '17.6.5']]);
    if (want.kind === 'svl' || want.kind === 'dual-sup') expect(f.redundancy).toMatchObject({ operatingMode: 'sso', peerState: 'STANDBY HOT' });
  });

  it('reaches a bundle-mode router through the jump host', async () => {
    const target = iosxeTarget(lab, 'asr1');
    const j = lab.endpoint('jump1');
    const d = new IosxeDriver({ ...target, via: { hostname: 'jump1', host: j.host, port: j.port, ssh: { username: lab.credentials.username, password: lab.credentials.password } } }, { knownHosts: known, acceptNewHostKeys: false });
    const f = await d.facts();
    await d.close();
    expect(f).toMatchObject({ version: '16.12.4', bootMode: 'bundle', model: 'ASR1001-X', image: 'bootflash:asr1001x-universalk9.16.12.04.SPA.bin' });
    expect(lab.jumpHosts.get('jump1')!.forwarded).toContain(`127.0.0.1:${lab.device('asr1').port}`);
  });

  it('reads correct facts from slow, chunked output and with paging left on', async () => {
    for (const host of ['slow1', 'page1']) {
      const d = driver(host);
      const f = await d.facts();
      await d.close();
      expect(f.version).toBe('17.6.5');
      expect(f.files.map((x) => x.name)).toContain('cat9k_iosxe.17.06.05.SPA.bin');
    }
    const paged = driver('page1');
    expect((await paged.facts()).pagingOff).toBe(false);
    await paged.close();
  });
});

describe('IOS-XE driver: sessions', () => {
  it('finds the real prompt past a MOTD with prompt-like lines and climbs to enable', async () => {
    const s = await IosxeSession.open(iosxeTarget(lab, 'sw1'), { knownHosts: known, acceptNewHostKeys: false });
    expect(s.hostname).toBe('sw1');
    expect(s.mode).toBe('enable');
    expect(await s.run('show clock')).toMatch(/UTC/);
    s.close();
  });

  it('takes the prompt at once when it names the device, and asks again when it does not', async () => {
    const sentBy = async (hostname: string) => {
      const sent: string[] = [];
      const transcript: Transcript = { write: (direction, text) => void (direction === 'sent' && sent.push(text)) };
      const s = await IosxeSession.open(iosxeTarget(lab, 'sw1', { hostname }), { knownHosts: known, acceptNewHostKeys: false, transcript });
      expect([s.hostname, s.mode]).toEqual(['sw1', 'enable']);
      s.close();
      return sent;
    };
    // The lab prints its MOTD (with "core-router#" and "access-switch>" lines) before the prompt.
    expect((await sentBy('SW1'))[0]).toBe('enable\n');
    expect((await sentBy('sw1-in-the-workbook'))[0]).toBe('\n');
  });

  it('refuses bad passwords and a wrong enable secret as permanent auth errors', async () => {
    await expect(driver('deny1').facts()).rejects.toMatchObject({ kind: 'auth', transient: false, device: 'deny1' });
    const err = await driver('sw1', { ssh: { username: 'netops', password: lab.credentials.password, enable: 'not-the-secret' } }).facts().catch((e) => e);
    expect(err).toBeInstanceOf(DeviceError);
    expect(err.message).toBe('sw1: facts: the enable secret was refused');
  });

  it('logs in with a key file, and by keyboard-interactive where the password method is not offered', async () => {
    const user = lab.credentials.username;
    const withKey = driver('sw1', { ssh: { username: user, keyFile: keyFile('trusted'), enable: lab.credentials.enable } });
    expect((await withKey.facts()).version).toBe('17.6.5');
    await withKey.close();
    await expect(driver('sw1', { ssh: { username: user, keyFile: keyFile('stranger'), enable: lab.credentials.enable } }).facts()).rejects.toMatchObject({ kind: 'auth', transient: false });

    const logins = lab.device('kbd1').state.count('login');
    const kbd = driver('kbd1');
    expect((await kbd.facts()).version).toBe('17.6.5');
    await kbd.close();
    expect(lab.device('kbd1').state.count('login')).toBe(logins + 1);
    const wrong = driver('kbd1', { ssh: { username: user, password: 'not-the-password', enable: lab.credentials.enable } });
    await expect(wrong.facts()).rejects.toMatchObject({ kind: 'auth', transient: false, device: 'kbd1' });
    expect(lab.device('kbd1').state.count('login-failed')).toBe(1);
  });

  it('fails a "% " error with the device text, and an unknown question fast instead of hanging', async () => {
    const s = await IosxeSession.open(iosxeTarget(lab, 'sw1'), { knownHosts: known, acceptNewHostKeys: false, timeouts: { idle: 400 } });
    const bad = await s.run('show verison', { step: 'probe' }).catch((e) => e);
    expect(bad).toMatchObject({ kind: 'command', step: 'probe' });
    expect(bad.message).toContain("% Invalid input detected at '^' marker.");
    // An unknown-prompt error is the idle check's (400 ms here); a hang would end as a command timeout.
    const q = await s.run('delete flash:nothing.bin', { step: 'probe' }).catch((e) => e);
    expect(q).toMatchObject({ kind: 'unknown-prompt', transient: false });
    expect(q.deviceSaid).toContain('Delete filename [nothing.bin]?');
    s.close();
  });

  it('fails a question ending in "]:" that the operation did not declare after the idle time, not its operation timeout', async () => {
    const dev = lab.device('sw1').state;
    dev.configDirty = true;
    const s = await IosxeSession.open(iosxeTarget(lab, 'sw1'), { knownHosts: known, acceptNewHostKeys: false, timeouts: { idle: 400 } });
    // Only the reload question is declared: the save question (P5) is not, and the operation timeout is 45 min.
    const q = await s.run('reload', { step: 'probe', timeout: 'operation', dialogues: [DIALOGUES.reload] }).catch((e) => e);
    expect(q).toMatchObject({ kind: 'unknown-prompt', transient: false });
    expect(q.deviceSaid).toMatch(/Save\? \[yes\/no\]: ?$/);
    expect(dev.reloads).toBe(0);
    dev.configDirty = false;
  });

  it('types read-only commands ahead in one write and splits the answer per command; one at a time with paging on', async () => {
    const commands = ['show boot', 'show clock', 'show ip arp', 'show nonsense'];
    const writes = async (host: string) => {
      const sent: string[] = [];
      const transcript: Transcript = { write: (dir, text) => { if (dir === 'sent') sent.push(text); } };
      const s = await IosxeSession.open(iosxeTarget(lab, host), { knownHosts: known, acceptNewHostKeys: false, transcript });
      const together = await s.runReadOnly(commands, 'facts');
      const alone: string[] = [];
      for (const c of commands) alone.push(await s.run(c, { allowErrors: true }));
      s.close();
      return { sent, together, alone };
    };
    for (const host of ['sw1', 'slow1']) {
      const { sent, together, alone } = await writes(host);
      // The four commands left in one write, and each output is the one run alone gives (the clock aside).
      expect(sent.filter((t) => t === commands.map((c) => `${c}\n`).join(''))).toHaveLength(1);
      expect(together.map((t, i) => (commands[i] === 'show clock' ? t.replace(/\d+:\d+:\d+\.\d+/, 'T') : t))).toEqual(alone.map((t, i) => (commands[i] === 'show clock' ? t.replace(/\d+:\d+:\d+\.\d+/, 'T') : t)));
      expect(together[0]).toMatch(/BOOT variable/);
      expect(together[2]).toMatch(/Protocol\s+Address/);
      expect(together[3]).toMatch(/Invalid input detected/);
    }
    // A pager would take typed-ahead lines as keystrokes: with paging on, one write per command.
    const paged = await writes('page1');
    expect(paged.sent.some((t) => t.split('\n').length > 2 && t.includes('show clock'))).toBe(false);
    expect(paged.together[2]).toMatch(/Protocol\s+Address/);
  });

  it('runs the commands one at a time, then for the rest of the session, where type-ahead is echoed as it arrives', async () => {
    const sent: string[] = [];
    const transcript: Transcript = { write: (dir, text) => { if (dir === 'sent') sent.push(text); } };
    const s = await IosxeSession.open(iosxeTarget(lab, 'echo1'), { knownHosts: known, acceptNewHostKeys: false, transcript, timeouts: { idle: 300 } });
    const commands = ['show boot', 'show ip arp', 'show nonsense'];
    const first = await s.runReadOnly(commands, 'facts');
    expect(first[0]).toMatch(/BOOT variable/);
    expect(first[1]).toMatch(/Protocol\s+Address/);
    expect(first[2]).toMatch(/Invalid input detected/);
    expect(first[0]).not.toMatch(/Protocol|Invalid/);
    // Typed ahead first; the device went quiet at a prompt without the echoes, so asked again one by one.
    expect(sent).toContain(commands.map((c) => `${c}\n`).join(''));
    expect(sent.slice(-3)).toEqual(commands.map((c) => `${c}\n`));
    const before = sent.length;
    const second = await s.runReadOnly(commands, 'facts');
    s.close();
    expect(second).toEqual(first);
    expect(sent.slice(before)).toEqual(commands.map((c) => `${c}\n`));
  });

  it('splits a typed-ahead answer only where each echo follows a prompt, else leaves it to one-at-a-time', () => {
    const commands = ['show boot', 'show clock'];
    expect(splitTypedAhead('show boot\nBOOT variable = flash:packages.conf;\nsw1#show clock\n*10:00:00.000 UTC Sun Nov 22 2026', 'sw1#', commands))
      .toEqual(['BOOT variable = flash:packages.conf;', '*10:00:00.000 UTC Sun Nov 22 2026']);
    // A device that echoes type-ahead at once puts both echoes first: not split.
    expect(splitTypedAhead('show boot\nshow clock\nBOOT variable = flash:packages.conf;\nsw1#\n*10:00:00.000 UTC Sun Nov 22 2026', 'sw1#', commands)).toBeNull();
  });

  it('keeps secrets out of the transcript', async () => {
    const lines: string[] = [];
    const transcript: Transcript = { write: (dir, text) => lines.push(`${dir}: ${text}`) };
    const s = await IosxeSession.open(iosxeTarget(lab, 'sw1'), { knownHosts: known, acceptNewHostKeys: false, transcript });
    await s.run('show version');
    s.close();
    const text = lines.join('');
    expect(text).toContain('sent: ******');
    expect(text).toContain('Cisco IOS XE Software');
    expect(text).not.toContain(lab.credentials.enable);
    expect(text).not.toContain(lab.credentials.password);
  });
});

describe('IOS-XE driver: host keys', () => {
  it('refuses an unknown key, records it with --accept-new-host-keys, and then accepts it', async () => {
    const file = join(tempDir(), 'known_hosts');
    const refused = await new IosxeDriver(iosxeTarget(lab, 'sw1'), { knownHosts: new KnownHosts(file), acceptNewHostKeys: false }).facts().catch((e) => e);
    expect(refused).toMatchObject({ kind: 'host-key', transient: false });
    expect(refused.message).toContain('is not in');
    expect(refused.message).toContain('--accept-new-host-keys');
    const d = new IosxeDriver(iosxeTarget(lab, 'sw1'), { knownHosts: new KnownHosts(file), acceptNewHostKeys: true });
    await d.facts();
    await d.close();
    expect(readFileSync(file, 'utf8')).toBe(`[127.0.0.1]:${lab.device('sw1').port} ${lab.ssh.get('sw1')!.publicKey()}\n`);
    const again = new IosxeDriver(iosxeTarget(lab, 'sw1'), { knownHosts: new KnownHosts(file), acceptNewHostKeys: false });
    expect((await again.facts()).version).toBe('17.6.5');
    await again.close();
  });

  it('matches hashed |1| entries, and refuses a changed key even with --accept-new-host-keys', async () => {
    const file = join(tempDir(), 'known_hosts');
    const salt = randomBytes(20);
    const name = `[127.0.0.1]:${lab.device('rtr1').port}`;
    const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
    writeFileSync(file, `# a comment\n${hashed} ${lab.ssh.get('rtr1')!.publicKey()}\n[127.0.0.1]:${lab.device('vxe1').port} ${lab.ssh.get('sw1')!.publicKey()}\n`);
    const ok = new IosxeDriver(iosxeTarget(lab, 'rtr1'), { knownHosts: new KnownHosts(file), acceptNewHostKeys: false });
    expect((await ok.facts()).model).toBe('ISR4451-X/K9');
    await ok.close();
    const changed = await new IosxeDriver(iosxeTarget(lab, 'vxe1'), { knownHosts: new KnownHosts(file), acceptNewHostKeys: true }).facts().catch((e) => e);
    expect(changed).toMatchObject({ kind: 'host-key', transient: false });
    expect(changed.message).toMatch(/the SSH host key of \[127\.0\.0\.1\]:\d+ has CHANGED \(now ssh-ed25519 SHA256:\S+; known: .*known_hosts:3 SHA256:\S+\)/);
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(3);
  });
});
