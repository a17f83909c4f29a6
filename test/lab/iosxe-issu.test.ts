// Redundant systems on the simulated device, seen from a plain ssh2 client:
// ISSU as Cisco documents it (standby first, then a switchover that drops
// the session, the old active rejoining on the new version), the manual
// switchover, and stacks whose install drops the session, early or late.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, isListening } from '../../src/lab/lab.js';
import type { LabDeviceSpec } from '../../src/lab/fleet.js';
import { enable, promptOf, TestShell } from '../helpers/ssh-shell.js';

const spec = (hostname: string, kind: string, extra: Partial<LabDeviceSpec> = {}): LabDeviceSpec => ({ hostname, kind, version: '17.6.5', target: '17.9.5', faults: [], site: 'lab', role: 't', group: 't', ...extra });

let lab: Lab;
beforeAll(async () => {
  lab = await Lab.start({
    speed: 40, imageSize: 256 * 1024,
    fleet: [spec('svl1', 'cat9500-svl'), spec('sup1', 'cat9400'), spec('svl2', 'cat9500-svl'), spec('sup2', 'cat9400'), spec('svl3', 'cat9500-svl'),
      spec('stk1', 'cat9300-stack'), spec('stk2', 'cat9300-stack', { faults: ['drop-early'] }), spec('cold1', 'cat9400', { faults: ['standby-cold'] }),
      spec('stuck1', 'cat9400', { faults: ['issu-standby-sync'] }), spec('norel1', 'cat9300', { faults: ['reload-refused'] })],
  });
});
afterAll(async () => lab?.stop());

/** The target image on the device's flash, as a finished copy leaves it. */
function place(host: string): string {
  const dev = lab.device(host);
  const img = lab.images().find((i) => i.file.startsWith(dev.state.model.imagePrefix))!;
  dev.storeFile(img.file, img.bytes);
  return `${dev.state.fs}${img.file}`;
}

async function shell(host: string): Promise<TestShell> {
  const s = await TestShell.open(lab.device(host).port, lab.credentials.username, lab.credentials.password);
  await enable(s, host, lab.credentials.enable);
  return s;
}

async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!(await ok())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Answers P1 of an activation and returns what the session printed until the device dropped it. */
async function activateAndDrop(s: TestShell, command: string): Promise<string> {
  s.send(`${command}\n`);
  await s.waitFor(/This operation may require a reload of the system\. Do you want to proceed\? \[y\/n\]$/, 20_000);
  s.send('y\n');
  await s.closed;
  return s.out;
}

describe('IOS-XE lab: ISSU', () => {
  it('StackWise Virtual, one step without commit: standby first, the switchover drops the session, the old active rejoins; activated-uncommitted until install commit', async () => {
    const file = place('svl1');
    const dev = lab.device('svl1');
    const s = await shell('svl1');
    s.send(`install add file ${file} activate issu\n`);
    await s.waitFor(/\[y\/n\]$/, 20_000);
    s.send('y\n');
    // While the standby reloads, the active still runs 17.6.5 and answers on another session.
    await until('the standby reloads', () => dev.state.peerState === 'DISABLED');
    const watcher = await shell('svl1');
    expect(await watcher.cmd('show redundancy', promptOf('svl1'))).toMatch(/Current Software state = ACTIVE[\s\S]*Version 17\.6\.5[\s\S]*Peer \(slot: 2\) information is not available because it is in 'DISABLED' state/);
    await s.closed;
    await watcher.closed;
    expect(s.out).toContain('install_add_activate: Adding ISSU');
    expect(s.out).toContain('Standby is STANDBY HOT on 17.09.05');
    expect(s.out).not.toMatch(/SUCCESS: install_add_activate/);
    // The failover: refused for a while, then the management address answers from the new active.
    expect(await isListening('127.0.0.1', dev.port)).toBe(false);
    await until('the new active answers', () => isListening('127.0.0.1', dev.port));
    const b = await shell('svl1');
    expect(await b.cmd('show version', promptOf('svl1'))).toContain('Cisco IOS XE Software, Version 17.09.05');
    expect(await b.cmd('show redundancy', promptOf('svl1'))).toMatch(/Active Location = Switch 2[\s\S]*Peer \(slot: 1\) information is not available because it is in 'DISABLED' state/);
    expect(await b.cmd('install commit', promptOf('svl1'))).toContain('FAILED: install_commit : Install ISSU in progress');
    await until('the old active rejoins', () => dev.state.peerState === 'STANDBY HOT' && dev.state.issu === null);
    const red = await b.cmd('show redundancy', promptOf('svl1'));
    expect(red).toMatch(/Hardware Mode = Duplex[\s\S]*Active Location = Switch 2[\s\S]*Version 17\.9\.5[\s\S]*Standby Location = Switch 1\s+Current Software state = STANDBY HOT[\s\S]*Version 17\.9\.5/);
    expect(await b.cmd('show switch', promptOf('svl1'))).toMatch(/^ 1\s+Standby\s+\S+\s+\d+\s+V02\s+Ready\s*\r$[\s\S]*^\*2\s+Active\s/m);
    expect(await b.cmd('show install summary', promptOf('svl1'))).toMatch(/IMG\s+U\s+17\.09\.05[\s\S]*Auto abort timer: active on install_activate/);
    expect(await b.cmd('install commit', promptOf('svl1'))).toContain('SUCCESS: install_commit');
    expect(await b.cmd('show install summary', promptOf('svl1'))).toMatch(/IMG\s+C\s+17\.09\.05[\s\S]*Auto abort timer: inactive/);
    b.end();
    // One reload per member, no whole-system reload, one switchover.
    expect([dev.state.memberReloads(1), dev.state.memberReloads(2), dev.state.count('reload'), dev.state.count('switchover')]).toEqual([1, 1, 0, 1]);
  });

  it('dual supervisor, three steps: install add, then install activate issu; commit afterwards', async () => {
    const file = place('sup1');
    const dev = lab.device('sup1');
    const s = await shell('sup1');
    expect(await s.cmd(`install add file ${file}`, promptOf('sup1'))).toMatch(/SUCCESS: install_add\s/);
    const out = await activateAndDrop(s, 'install activate issu');
    expect(out).toContain('install_activate: Activating ISSU');
    expect(out).toContain('[R1] Standby is STANDBY HOT on 17.09.05');
    expect(out).toContain('[R0] Switching over to the upgraded standby');
    await until('the ISSU completes', () => dev.state.issu === null && dev.state.peerState === 'STANDBY HOT');
    const b = await shell('sup1');
    expect(await b.cmd('show redundancy', promptOf('sup1'))).toMatch(/Active Location = slot 2[\s\S]*Standby Location = slot 1\s+Current Software state = STANDBY HOT/);
    expect(await b.cmd('install commit', promptOf('sup1'))).toContain('SUCCESS: install_commit');
    b.end();
    expect([dev.state.memberReloads(1), dev.state.memberReloads(2), dev.state.count('reload')]).toEqual([1, 1, 0]);
  });

  it('with commit: committed at once, no auto-abort timer', async () => {
    const file = place('svl2');
    const dev = lab.device('svl2');
    const out = await activateAndDrop(await shell('svl2'), `install add file ${file} activate issu commit`);
    expect(out).toContain('install_add_activate_commit: Adding ISSU');
    await until('the ISSU completes', () => dev.state.issu === null && dev.state.peerState === 'STANDBY HOT');
    const b = await shell('svl2');
    expect(await b.cmd('show install summary', promptOf('svl2'))).toMatch(/IMG\s+C\s+17\.09\.05[\s\S]*IMG\s+I\s+17\.06\.05|IMG\s+I\s+17\.06\.05[\s\S]*IMG\s+C\s+17\.09\.05/);
    expect(await b.cmd('show install summary', promptOf('svl2'))).toContain('Auto abort timer: inactive');
    b.end();
    expect([dev.state.memberReloads(1), dev.state.memberReloads(2)]).toEqual([1, 1]);
  });

  it('refuses ISSU on a stack and with a cold standby; refuses a switchover to a cold standby', async () => {
    const s = await shell('stk1');
    expect(await s.cmd(`install add file ${place('stk1')} activate issu`, promptOf('stk1'))).toContain('FAILED: ISSU requirement pre-check (Platform ISSU Support: No)');
    s.end();
    const c = await shell('cold1');
    expect(await c.cmd('redundancy force-switchover', promptOf('cold1'))).toContain('% Standby not ready for switchover');
    expect(await c.cmd(`install add file ${place('cold1')} activate issu`, promptOf('cold1'))).toContain('FAILED: ISSU requirement pre-check (Standby Online: No)');
    c.end();
  });
});

describe('IOS-XE lab: an ISSU stopped before its switchover', () => {
  it('issu-standby-sync: the upgraded standby stays cold and the ISSU waits; install abort issu takes the standby back, the active never reloads', async () => {
    const dev = lab.device('stuck1');
    const a = await shell('stuck1');
    expect(await a.cmd('install abort issu', promptOf('stuck1'))).toContain('FAILED: install_abort : No ISSU operation is in progress');
    a.send(`install add file ${place('stuck1')} activate issu\n`);
    await a.waitFor(/\[y\/n\]$/, 20_000);
    a.send('y\n');
    await a.waitFor(/Waiting for the standby to reach STANDBY HOT\r?\n$/, 20_000);
    expect(dev.state.peerState).toBe('STANDBY COLD');
    const b = await shell('stuck1');
    expect(await b.cmd('install commit', promptOf('stuck1'))).toContain('FAILED: install_commit : Install ISSU in progress. Abort the ISSU upgrade to proceed');
    b.send('install abort issu\n');
    await b.waitFor(/Do you want to proceed\? \[y\/n\]$/);
    b.send('y\n');
    await b.waitFor(/SUCCESS: install_abort [^\n]*\n[\s\S]*#$/, 20_000);
    expect(b.out).toContain('Performing ISSU Abort on the standby');
    await a.waitFor(/FAILED: install_add_activate : ISSU aborted by install abort issu [^\n]*\r?\n[\s\S]*#$/);
    expect(await b.cmd('show install summary', promptOf('stuck1'))).toMatch(/IMG\s+I\s+17\.09\.05/);
    a.end();
    b.end();
    expect(dev.state.issu).toBeNull();
    expect(dev.state.peerState).toBe('STANDBY HOT');
    expect(dev.state.members.map((m) => m.version)).toEqual(['17.6.5', '17.6.5']);
    expect([dev.state.memberReloads(1), dev.state.memberReloads(2), dev.state.count('reload'), dev.state.count('switchover')]).toEqual([0, 2, 0, 0]);
  });

  it('reload-refused: command authorization refuses reload at once; the device stays up', async () => {
    const dev = lab.device('norel1');
    const s = await shell('norel1');
    expect(await s.cmd('reload', promptOf('norel1'))).toMatch(/^reload\r?\nCommand authorization failed\.\r?\n/);
    s.end();
    expect(dev.state.count('reload')).toBe(0);
  });
});

describe('IOS-XE lab: switchover', () => {
  it('redundancy force-switchover (P7): the session drops, the standby answers as active, the old active rejoins on the same version', async () => {
    const dev = lab.device('svl3');
    const s = await shell('svl3');
    s.send('redundancy force-switchover\n');
    await s.waitFor(/Proceed with switchover to standby RP\? \[confirm\]$/);
    s.send('\n');
    await s.closed;
    await until('the new active answers', () => isListening('127.0.0.1', dev.port));
    await until('the old active rejoins', () => dev.state.peerState === 'STANDBY HOT');
    const b = await shell('svl3');
    const v = await b.cmd('show version', promptOf('svl3'));
    expect(v).toContain('Version 17.06.05');
    expect(v).toContain('Last reload reason: redundancy force-switchover');
    expect(await b.cmd('show redundancy', promptOf('svl3'))).toMatch(/Switchovers system experienced = 1[\s\S]*Last switchover reason = user forced[\s\S]*Active Location = Switch 2/);
    b.end();
    expect([dev.state.memberReloads(1), dev.state.memberReloads(2), dev.state.count('switchover')]).toEqual([1, 0, 1]);
  });
});

describe('IOS-XE lab: stack install', () => {
  it('the session drops when the active reloads after SUCCESS; every member reloads once and the others join after the active', async () => {
    const dev = lab.device('stk1');
    const out = await activateAndDrop(await shell('stk1'), `install add file ${place('stk1')} activate`);
    expect(out).toMatch(/Install will reload the system now!\r\nSUCCESS: install_add_activate/);
    await until('the active is back', () => isListening('127.0.0.1', dev.port));
    await until('every member joined', () => dev.state.members.every((m) => m.state === 'Ready'));
    // The active boots and answers first; members 2 and 3 join after it.
    const after = dev.state.journal.slice(dev.state.journal.findIndex((e) => e.kind === 'boot'));
    expect(after.filter((e) => e.kind === 'member-back').map((e) => e.detail)).toEqual(['member 2 on 17.9.5', 'member 3 on 17.9.5']);
    const b = await shell('stk1');
    expect(await b.cmd('show switch', promptOf('stk1'))).toMatch(/(^[* ][123]\s+(Active|Standby|Member)\s+\S+\s+\d+\s+V02\s+Ready\s*\r$[\s\S]*){3}/m);
    expect(await b.cmd('show version', promptOf('stk1'))).toMatch(/(^[* ]\s+\d 65\s+C9300-48P\s+17\.09\.05\s+CAT9K_IOSXE\s+INSTALL\s*\r$[\s\S]*){3}/m);
    b.end();
    expect([1, 2, 3].map((n) => dev.state.memberReloads(n))).toEqual([1, 1, 1]);
    expect(dev.state.count('reload')).toBe(1);
  });

  it('drop-early: the session ends before SUCCESS or "Install will reload" is printed; the stack still comes back on the new version', async () => {
    const dev = lab.device('stk2');
    const out = await activateAndDrop(await shell('stk2'), `install add file ${place('stk2')} activate`);
    expect(out).toContain('--- Starting Activate ---');
    expect(out).not.toContain('Install will reload');
    expect(out).not.toContain('SUCCESS:');
    await until('every member is back', () => dev.state.lifecycle === 'up' && dev.state.members.every((m) => m.state === 'Ready'));
    expect(dev.state.members.map((m) => m.version)).toEqual(['17.9.5', '17.9.5', '17.9.5']);
    expect([1, 2, 3].map((n) => dev.state.memberReloads(n))).toEqual([1, 1, 1]);
  });
});
