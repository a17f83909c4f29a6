// Upgrade dialogues on the simulated IOS-XE device: install mode, bundle mode,
// conversion, cleanup and the auto-abort timer (ISSU: iosxe-issu.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, isListening } from '../../src/lab/lab.js';
import type { LabDeviceSpec } from '../../src/lab/fleet.js';
import { enable, promptOf, TestShell } from '../helpers/ssh-shell.js';
import { serveImages, type ImageServer } from '../helpers/http-images.js';

const spec = (hostname: string, kind: string, extra: Partial<LabDeviceSpec> = {}): LabDeviceSpec => ({ hostname, kind, version: '17.6.5', target: '17.9.5', faults: [], site: 'lab', role: 't', group: 't', ...extra });

let lab: Lab;
let http: ImageServer;
beforeAll(async () => {
  lab = await Lab.start({
    speed: 40, imageSize: 512 * 1024,
    fleet: [spec('inst1', 'cat9300'), spec('inst2', 'cat9300'), spec('rtr1', 'isr4451'), spec('bun1', 'cat9300', { mode: 'bundle' }),
      spec('conv1', 'cat9300', { mode: 'bundle' }), spec('tmr1', 'c8000v'), spec('sup1', 'cat9400'), spec('stk1', 'cat9300-stack'), spec('svl1', 'cat9500-svl')],
  });
  http = await serveImages(lab.images());
});
afterAll(async () => {
  await http?.close();
  await lab?.stop();
});

async function shell(host: string): Promise<TestShell> {
  const s = await TestShell.open(lab.device(host).port, lab.credentials.username, lab.credentials.password);
  await enable(s, host, lab.credentials.enable);
  return s;
}

async function stage(host: string): Promise<string> {
  const dev = lab.device(host);
  const img = lab.images().find((i) => i.file.startsWith(dev.state.model.imagePrefix))!;
  const s = await shell(host);
  s.send(`copy ${http.url(img.file)} ${dev.state.fs}\n`);
  await s.waitFor(/\]\? $/);
  s.send('\n');
  await s.waitFor(/bytes\/sec\)\r\n/);
  await s.waitFor(promptOf(host));
  s.end();
  return img.file;
}

async function waitUp(host: string, timeoutMs = 15_000): Promise<void> {
  const dev = lab.device(host);
  const start = Date.now();
  while (!(await isListening('127.0.0.1', dev.port))) {
    if (Date.now() - start > timeoutMs) throw new Error(`${host} did not come back`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('IOS-XE lab: install mode', () => {
  it('activates without commit: asks P1, drops the session, refuses connections, returns on the new version with the auto-abort timer; commit keeps it', async () => {
    const file = await stage('inst1');
    const s = await shell('inst1');
    s.send(`install add file flash:${file} activate\n`);
    const before = await s.waitFor(/This operation may require a reload of the system\. Do you want to proceed\? \[y\/n\]$/, 20_000);
    expect(before).toContain('Image added. Version: 17.09.05');
    s.send('y\n');
    await s.closed;
    expect(s.out).toContain('Install will reload the system now!');
    expect(s.out).toMatch(/SUCCESS: install_add_activate\s+\w{3} \w{3}\s+\d+ [\d:]+ UTC \d{4}/);
    expect(await isListening('127.0.0.1', lab.device('inst1').port)).toBe(false);
    await waitUp('inst1');
    const after = await shell('inst1');
    const v = await after.cmd('show version', promptOf('inst1'));
    expect(v).toContain('Cisco IOS XE Software, Version 17.09.05');
    expect(v).toContain('Last reload reason: Install ');
    expect(v).toMatch(/uptime is 0 minutes/);
    const sum = await after.cmd('show install summary', promptOf('inst1'));
    expect(sum).toMatch(/IMG\s+U\s+17\.09\.05/);
    expect(sum).toMatch(/Auto abort timer: active on install_activate, time before rollback - \d\d:\d\d:\d\d/);
    const commit = await after.cmd('install commit', promptOf('inst1'));
    expect(commit).toMatch(/SUCCESS: install_commit/);
    expect(await after.cmd('show install summary', promptOf('inst1'))).toMatch(/IMG\s+C\s+17\.09\.05[\s\S]*Auto abort timer: inactive/);
    after.end();
    expect(lab.device('inst1').state.count('reload')).toBe(1);
  });

  it('install abort returns to the committed version with one more reload', async () => {
    const file = await stage('inst2');
    const s = await shell('inst2');
    s.send(`install add file flash:${file} activate\n`);
    await s.waitFor(/\[y\/n\]$/, 20_000);
    s.send('y\n');
    await s.closed;
    await waitUp('inst2');
    const a = await shell('inst2');
    a.send('install abort\n');
    await a.waitFor(/Do you want to proceed\? \[y\/n\]$/);
    a.send('y\n');
    await a.closed;
    await waitUp('inst2');
    const b = await shell('inst2');
    expect(await b.cmd('show version', promptOf('inst2'))).toContain('Version 17.06.05');
    b.end();
    expect(lab.device('inst2').state.count('reload')).toBe(2);
  });

  it('one-shot install asks to save a modified configuration (P2) and commits', async () => {
    const file = await stage('rtr1');
    const s = await shell('rtr1');
    await s.cmd('configure terminal', /\(config\)#$/);
    await s.cmd('hostname rtr1', /\(config\)#$/);
    await s.cmd('end', promptOf('rtr1'));
    s.send(`install add file bootflash:${file} activate commit\n`);
    await s.waitFor(/Press Quit\(q\) to exit, you may save configuration and re-enter the command\. \[y\/n\/q\]$/, 20_000);
    s.send('y\n');
    await s.waitFor(/\[y\/n\]$/);
    s.send('y\n');
    await s.closed;
    expect(s.out).toContain('--- Starting Commit ---');
    await waitUp('rtr1');
    const b = await shell('rtr1');
    const summary = await b.cmd('show install summary', promptOf('rtr1'));
    expect(summary).toContain('[ R0 ] Installed Package(s) Information:');
    expect(summary).toMatch(/^IMG\s+C\s+17\.09\.05\.0\.\d+\r$/m);
    expect(summary).toMatch(/^IMG\s+I\s+17\.06\.05\.0\.\d+\r$/m);
    // Cleanup deletes the inactive version's files after P4.
    b.send('install remove inactive\n');
    const list = await b.waitFor(/Do you want to remove the above files\? \[y\/n\]$/);
    expect(list).toContain('isr4400-rpbase.17.06.05.SPA.pkg');
    b.send('y\n');
    expect(await b.waitFor(promptOf('rtr1'))).toContain('SUCCESS: install_remove');
    expect([...lab.device('rtr1').state.files.keys()].some((f) => f.includes('17.06.05'))).toBe(false);
    expect(lab.device('rtr1').state.files.has('isr4400-rpbase.17.09.05.SPA.pkg')).toBe(true);
    b.end();
  });
});

describe('IOS-XE lab: bundle mode and conversion', () => {
  it('bundle mode: boot system, write memory, reload (P6s) boots the new .bin; the first save after it asks P13', async () => {
    const file = await stage('bun1');
    const s = await shell('bun1');
    const add = await s.cmd(`install add file flash:${file}`, promptOf('bun1'));
    expect(add).toContain('FAILED: Booted in bundle mode. For Bundle-to-Install mode conversion, please use one-shot CLI');
    await s.cmd('configure terminal', /\(config\)#$/);
    await s.cmd('no boot system', /\(config\)#$/);
    await s.cmd(`boot system flash:${file}`, /\(config\)#$/);
    await s.cmd('end', promptOf('bun1'));
    expect(await s.cmd('write memory', promptOf('bun1'))).toContain('[OK]');
    expect(await s.cmd('show boot', promptOf('bun1'))).toContain(`BOOT variable = flash:${file};`);
    s.send('reload\n');
    await s.waitFor(/Reload command is being issued on Active unit, this will reload the whole stack\r\nProceed with reload\? \[confirm\]$/);
    s.send('\n');
    await s.closed;
    await waitUp('bun1');
    const b = await shell('bun1');
    const v = await b.cmd('show version', promptOf('bun1'));
    expect(v).toContain(`System image file is "flash:${file}"`);
    expect(v).toMatch(/C9300-48P\s+17\.09\.05\s+CAT9K_IOSXE\s+BUNDLE/);
    b.send('write memory\n');
    await b.waitFor(/Overwrite the previous NVRAM configuration\?\[confirm\]$/);
    b.send('\n');
    await b.waitFor(/\[OK\]/);
    b.end();
  });

  it('conversion to install mode needs the boot variable on packages.conf, confirmed at P3', async () => {
    const file = await stage('conv1');
    const s = await shell('conv1');
    s.send(`install add file flash:${file} activate commit\n`);
    await s.waitFor(/Please confirm you have changed boot config to flash:packages\.conf \[y\/n\]$/, 20_000);
    s.send('y\n');
    expect(await s.waitFor(promptOf('conv1'))).toContain('FAILED: install_add_activate_commit : boot variable on next reload is not flash:packages.conf');
    await s.cmd('configure terminal', /\(config\)#$/);
    await s.cmd('no boot system', /\(config\)#$/);
    await s.cmd('boot system flash:packages.conf', /\(config\)#$/);
    await s.cmd('end', promptOf('conv1'));
    await s.cmd('write memory', promptOf('conv1'));
    s.send(`install add file flash:${file} activate commit\n`);
    await s.waitFor(/Super package already added|\[y\/n\]$/, 20_000);
    expect(s.out).toContain('Super package already added');
  });
});

describe('IOS-XE lab: auto-abort', () => {
  it('rolls back by itself when the auto-abort timer expires', async () => {
    const fast = await Lab.start({ speed: 1200, imageSize: 256 * 1024, fleet: [spec('tmr1', 'c8000v')] });
    const srv = await serveImages(fast.images());
    try {
      const dev = fast.device('tmr1');
      const img = fast.images()[0];
      const s = await TestShell.open(dev.port, fast.credentials.username, fast.credentials.password);
      await enable(s, 'tmr1', fast.credentials.enable);
      s.send(`copy ${srv.url(img.file)} bootflash:\n`);
      await s.waitFor(/\]\? $/);
      s.send('\n');
      await s.waitFor(/bytes\/sec\)/);
      await s.waitFor(promptOf('tmr1'));
      s.send(`install add file bootflash:${img.file} activate auto-abort-timer 30\n`);
      await s.waitFor(/\[y\/n\]$/);
      s.send('y\n');
      await s.closed;
      const start = Date.now();
      while (dev.state.count('auto-abort') === 0 || dev.state.lifecycle !== 'up' || dev.state.count('boot') < 2) {
        if (Date.now() - start > 15_000) throw new Error(`no auto-abort: ${JSON.stringify(dev.state.journal.filter((e) => e.kind !== 'command'))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(dev.state.version).toBe('17.6.5');
      expect(dev.state.count('reload')).toBe(2);
    } finally {
      await srv.close();
      await fast.stop();
    }
  });
});

describe('IOS-XE lab: install add on systems of several members', () => {
  it('dual supervisors: copied to the standby, added on Active/Standby, passed on [R0 R1]', async () => {
    const file = await stage('sup1');
    const s = await shell('sup1');
    const out = await s.cmd(`install add file bootflash:${file}`, promptOf('sup1'));
    s.end();
    expect(out).toContain(`Copying image file: bootflash:/${file} to standby\r\nInfo: Finished copying bootflash:/${file} to standby\r\n--- Starting Add ---\r\nPerforming Add on Active/Standby\r\n  [1] Add package(s) on R0\r\n  [1] Add package(s) on R1\r\n`);
    expect(out).toContain('Add: Passed on [R0 R1]');
    expect(out).not.toContain('initial file syncing');
    expect(out).toMatch(/SUCCESS: install_add\s/);
  });

  it('a stack syncs the file to its members and passes on their numbers; StackWise Virtual on chassis/R0 tags', async () => {
    const file = await stage('stk1');
    const s = await shell('stk1');
    const out = await s.cmd(`install add file flash:${file}`, promptOf('stk1'));
    s.end();
    expect(out).toContain('--- Starting initial file syncing ---');
    expect(out).toContain('Performing Add on all members');
    expect(out).toContain('Add: Passed on [1 2 3]');
    const svlFile = await stage('svl1');
    const v = await shell('svl1');
    const svl = await v.cmd(`install add file bootflash:${svlFile}`, promptOf('svl1'));
    v.end();
    expect(svl).toContain(`[1]: Copying bootflash:${svlFile} from Chassis 1/R0 to Chassis 1/R0 Chassis 2/R0`);
    expect(svl).toContain('Add: Passed on [1/R0 2/R0]');
  });
});
