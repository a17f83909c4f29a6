// Output variants by release on the simulated device (16.x trains, 17.x,
// engineering builds), the configuration header lines that tell whether
// the configuration is saved, and the --mix entries that ask for them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, isListening } from '../../src/lab/lab.js';
import { generatedFleet, type LabDeviceSpec } from '../../src/lab/fleet.js';
import { enable, promptOf, TestShell } from '../helpers/ssh-shell.js';

const spec = (hostname: string, kind: string, version: string, extra: Partial<LabDeviceSpec> = {}): LabDeviceSpec => ({ hostname, kind, version, target: '17.9.5', faults: [], site: 'lab', role: 't', group: 't', ...extra });

let lab: Lab;
beforeAll(async () => {
  lab = await Lab.start({
    speed: 50,
    fleet: [spec('den1', 'cat9300-stack', '16.3.7'), spec('eve1', 'cat9300', '16.6.4'), spec('fuj1', 'cat9300', '16.9.4'), spec('gib1', 'cat9300-stack', '16.12.4'),
      spec('cup1', 'cat9300-stack', '17.9.4'), spec('eng1', 'cat9300', '17.9.4', { build: 'engineering' }), spec('eng2', 'isr4451', '17.6.5', { build: 'engineering' }), spec('eng3', 'cat9400', '17.6.5', { build: 'engineering' }),
      spec('r16', 'isr4451', '16.12.4'), spec('r17', 'isr4451', '17.6.5'), spec('sup16', 'cat9400', '16.12.4'), spec('cfg1', 'c8000v', '17.6.5')],
  });
});
afterAll(async () => lab?.stop());

async function run(host: string, commands: string[]): Promise<string[]> {
  const s = await TestShell.open(lab.device(host).port, lab.credentials.username, lab.credentials.password);
  await enable(s, host, lab.credentials.enable);
  const out: string[] = [];
  for (const c of commands) out.push(await s.cmd(c, promptOf(host)));
  s.end();
  return out;
}

describe('IOS-XE lab: 16.x and 17.x outputs', () => {
  it('names each train by its codename; before 16.6 without the IOS XE version line', async () => {
    const first = async (h: string) => (await run(h, ['show version']))[0].split('\r\n').slice(1, 3).join('\n');
    expect(await first('den1')).toMatch(/^Cisco IOS Software \[Denali\], Catalyst L3 Switch Software \(CAT9K_IOSXE\), Version 16\.3\.7, RELEASE SOFTWARE \(fc3\)\nTechnical Support/);
    expect(await first('eve1')).toBe('Cisco IOS XE Software, Version 16.06.04\nCisco IOS Software [Everest], Catalyst L3 Switch Software (CAT9K_IOSXE), Version 16.6.4, RELEASE SOFTWARE (fc3)');
    expect(await first('fuj1')).toContain('[Fuji]');
    expect(await first('gib1')).toContain('[Gibraltar]');
    expect(await first('cup1')).toContain('Cisco IOS Software [Cupertino], Catalyst L3 Switch Software (CAT9K_IOSXE), Version 17.9.4, RELEASE SOFTWARE (fc1)');
  });

  it('prints show install summary in each train\'s form: double-spaced on 16.6, no auto-abort line before 16.10', async () => {
    const [eve] = await run('eve1', ['show install summary']);
    expect(eve).toMatch(/Installed Package\(s\) Information:\r\n\r\nState \(St\)/);
    expect(eve).not.toContain('Auto abort timer');
    const [fuj] = await run('fuj1', ['show install summary']);
    expect(fuj).toMatch(/Information:\r\nState \(St\)/);
    expect(fuj).not.toContain('Auto abort timer');
    expect((await run('gib1', ['show install summary']))[0]).toContain('Auto abort timer: inactive');
  });

  it('prints the 16.x show switch layout, and the 17.x one', async () => {
    const [old] = await run('gib1', ['show switch']);
    expect(old).toMatch(/Switch\/Stack Mac Address : [0-9a-f.]+\r\n\s+H\/W\s+Current\r\nSwitch#  Role   Mac Address     Priority Version  State\r\n-{58}\r\n\*1\s+Active\s/);
    expect(old).not.toContain('Mac persistency');
    const [cur] = await run('cup1', ['show switch']);
    expect(cur).toMatch(/Switch\/Stack Mac Address : [0-9a-f.]+ - Local Mac Address\r\nMac persistency wait time: Indefinite\r\n\s+H\/W\s+Current\r\nSwitch#   Role    Mac Address     Priority Version  State\r\n-{85}\r\n\*1\s+Active\s/);
  });

  it('adds Fast Switchover and Initial Garp to show redundancy from 17.x; routers name their operating mode from 17.x', async () => {
    expect((await run('sup16', ['show redundancy']))[0]).not.toContain('Fast Switchover');
    expect((await run('cup1', ['show redundancy']))[0]).toMatch(/BOOT = flash:packages\.conf;\r\n\s+Fast Switchover\s+= Enabled\r\n\s+Initial Garp\s+= Enabled/);
    expect((await run('r16', ['show version']))[0]).not.toContain('Router operating mode');
    expect((await run('r17', ['show version']))[0]).toContain('Router operating mode: Autonomous');
  });
});

describe('IOS-XE lab: engineering builds', () => {
  it('print the build label instead of the release; the release shows only in the switch and package tables', async () => {
    const [ver, sum] = await run('eng1', ['show version', 'show install summary']);
    expect(ver).toMatch(/^Cisco IOS XE Software, Version BLD_V179_THROTTLE_LATEST_\d{8}_\d{6}_V17_9_4_\d+\r$/m);
    expect(ver).toMatch(/^Cisco IOS Software \[Cupertino\], Catalyst L3 Switch Software \(CAT9K_IOSXE\), Experimental Version 17\.9\.\d{8}:\d{4} \[BLD_V179_THROTTLE_LATEST_\d{8}_\d{6}:\/nobackup\/mcpre\/s2c-build-ws 101\]\r$/m);
    expect(ver).not.toMatch(/Version 17\.9\.4[,\s]/);
    expect(ver).toMatch(/^\*\s+1 65\s+C9300-48P\s+17\.09\.04\s+CAT9K_IOSXE\s+INSTALL/m);
    expect(sum).toMatch(/IMG\s+C\s+17\.09\.04\.0\.\d+/);
    const [rver] = await run('eng2', ['show version']);
    expect(rver).toContain('Version BLD_V176_THROTTLE_LATEST_');
    expect(rver).not.toMatch(/Version 17\.6\.5[,\s]/);
  });

  it('on a dual supervisor (no switch table): no release anywhere; show redundancy names each processor\'s image as show version does', async () => {
    const [ver, red] = await run('eng3', ['show version', 'show redundancy']);
    expect(ver).not.toMatch(/^Switch Ports Model/m);
    expect(ver).not.toMatch(/17\.0?6\.0?5/);
    const banner = /^(Cisco IOS Software \[.*Experimental Version .*)\r$/m.exec(ver)![1];
    const images = [...red.matchAll(/Image Version = (.*)\r$/gm)].map((m) => m[1]);
    expect(images).toEqual([banner, banner]);
    expect(red).not.toMatch(/17\.0?6\.0?5/);
  });
});

describe('IOS-XE lab: --mix variants', () => {
  it('takes model@version and model@eng, and refuses anything else with the accepted forms', () => {
    const fleet = generatedFleet(3, ['cat9300@16.12.4', 'cat9300@eng', 'isr4451']);
    expect(fleet.map((d) => [d.kind, d.version, d.build ?? 'release'])).toEqual([['cat9300', '16.12.4', 'release'], ['cat9300', '17.6.5', 'engineering'], ['isr4451', '17.6.5', 'release']]);
    expect(() => generatedFleet(1, ['cat9300@latest'])).toThrow(/--mix entry "cat9300@latest": "latest" is neither a 16\.x\/17\.x version nor eng/);
    expect(() => generatedFleet(1, ['cat9999'])).toThrow(/unknown --mix entry "cat9999"/);
  });
});

describe('IOS-XE lab: configuration header lines', () => {
  const HEADER = 'show running-config | include ^! (Last configuration change|No configuration change|NVRAM config last updated)';
  const stamp = (text: string, what: string) => {
    const m = new RegExp(`! ${what} at (\\d\\d:\\d\\d:\\d\\d) UTC \\w{3} (\\w{3}) (\\d{1,2}) (\\d{4}) by netops`).exec(text);
    return m ? Date.parse(`${m[2]} ${m[3]} ${m[4]} ${m[1]} UTC`) : null;
  };

  it('tell a saved configuration from an unsaved one, and show no change after a restart', async () => {
    const s = await TestShell.open(lab.device('cfg1').port, lab.credentials.username, lab.credentials.password);
    await enable(s, 'cfg1', lab.credentials.enable);
    const fresh = await s.cmd(HEADER, promptOf('cfg1'));
    expect(fresh.split('\r\n').slice(1, -2)).toEqual(['! No configuration change since last restart', expect.stringMatching(/^! NVRAM config last updated at \d\d:\d\d:\d\d UTC \w{3} \w{3} \d{1,2} \d{4} by netops$/)]);
    await s.cmd('configure terminal', /\(config\)#$/);
    await s.cmd('ip scp server enable', /\(config\)#$/);
    await s.cmd('end', promptOf('cfg1'));
    const changed = await s.cmd(HEADER, promptOf('cfg1'));
    expect(stamp(changed, 'Last configuration change')!).toBeGreaterThan(stamp(changed, 'NVRAM config last updated')!);
    await s.cmd('write memory', promptOf('cfg1'));
    const saved = await s.cmd(HEADER, promptOf('cfg1'));
    expect(stamp(saved, 'NVRAM config last updated')!).toBeGreaterThanOrEqual(stamp(saved, 'Last configuration change')!);
    const startup = await s.cmd('show startup-config', promptOf('cfg1'));
    expect(startup).toMatch(/^Using \d+ out of \d+ bytes\r\n!\r\n! Last configuration change at [^\r]+\r\n! NVRAM config last updated at [^\r]+\r\n/m);
    s.send('reload\n');
    await s.waitFor(/\[confirm\]$/);
    s.send('\n');
    await s.closed;
    const dev = lab.device('cfg1');
    const start = Date.now();
    while (dev.state.count('boot') < 1 || !(await isListening('127.0.0.1', dev.port))) {
      if (Date.now() - start > 10_000) throw new Error('cfg1 did not come back');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await run('cfg1', [HEADER]))[0]).toContain('! No configuration change since last restart');
  });
});
