// Whether the running configuration is saved, from the comment lines IOS
// puts at its top (`! Last configuration change at …`, `! NVRAM config last
// updated at …`), as `show running-config | include ^! …` returns them.
import { describe, expect, it } from 'vitest';
import { configSavedFromHeader } from '../../../src/drivers/iosxe/facts.js';
import { configDifference, configLines, describeDifference } from '../../../src/drivers/iosxe/config-compare.js';

const CHANGE = (t: string) => `! Last configuration change at ${t} by netops`;
const NVRAM = (t: string) => `! NVRAM config last updated at ${t} by netops`;

describe('configuration saved, from the header lines', () => {
  it.each([
    ['saved after the change', [CHANGE('14:03:42 UTC Wed Mar 3 2021'), NVRAM('14:03:44 UTC Wed Mar 3 2021')], true],
    ['saved in the same second', [CHANGE('14:03:42 UTC Wed Mar 3 2021'), NVRAM('14:03:42 UTC Wed Mar 3 2021')], true],
    ['changed after the save', [CHANGE('09:15:00 UTC Thu Dec 3 2026'), NVRAM('14:03:44 UTC Wed Mar 3 2021')], false],
    ['changed a day later, earlier in the day', [CHANGE('08:00:00 CET Fri Mar 5 2021'), NVRAM('23:00:00 CET Thu Mar 4 2021')], false],
    ['no change since the restart', ['! No configuration change since last restart', NVRAM('14:03:44 UTC Wed Mar 3 2021')], true],
    ['never saved', [CHANGE('14:03:42 UTC Wed Mar 3 2021')], false],
    ['milliseconds in the stamp', [CHANGE('14:03:42.120 UTC Wed Mar 3 2021'), NVRAM('14:03:44.004 UTC Wed Mar 3 2021')], true],
    ['zones differ (a summer-time change between them): cannot tell', [CHANGE('14:03:42 CEST Sun Mar 28 2021'), NVRAM('01:30:00 CET Sun Mar 28 2021')], null],
    ['no header lines at all: cannot tell', ['!', 'version 17.9'], null],
  ])('%s', (_name, lines, saved) => {
    expect(configSavedFromHeader(['', ...(lines as string[]), ''].join('\n'))).toBe(saved);
  });
});

describe('running against startup configuration, by what they say', () => {
  const running = (lines: string[], change = '09:15:00 UTC Thu Dec 3 2026') =>
    ['Building configuration...', '', 'Current configuration : 812 bytes', '!', CHANGE(change), NVRAM('14:03:44 UTC Wed Mar 3 2021'), '!', ...lines, 'end', ''].join('\r\n');
  const startup = (lines: string[]) => ['Using 4211 out of 33554432 bytes', '!', CHANGE('14:03:40 UTC Wed Mar 3 2021'), NVRAM('14:03:44 UTC Wed Mar 3 2021'), '!', ...lines, 'end', ''].join('\n');
  const base = ['hostname r1', '!', 'ip domain name lab.example.net', 'ip ssh version 2', '!', 'logging buffered 16384', '!'];

  it('header lines, sizes, line endings and blank lines aside, an undone change leaves them the same', () => {
    expect(configDifference(running(base), startup(base))).toEqual([]);
    expect(configLines(running(base))).not.toContainEqual(expect.stringMatching(/^(! Last|! NVRAM|Current configuration|Building)/));
  });

  it('names the lines only in running (+) and only in startup (-)', () => {
    const changed = base.map((l) => (l === 'logging buffered 16384' ? 'logging buffered 64000' : l));
    expect(configDifference(running([...changed, 'ip scp server enable']), startup(base))).toEqual(['+ logging buffered 64000', '+ ip scp server enable', '- logging buffered 16384']);
    expect(describeDifference(['+ a', '+ b', '- c', '- d', '- e', '- f'])).toBe('+ a; + b; - c; - d; and 2 more');
    // The step's message goes to the workbook and the state database: the device's own secrets stay out of it.
    expect(describeDifference(['+ snmp-server community s3cr3t RO', '+ username ops secret 9 $9$abc', '- tacacs server t1', '+  key 7 0822455D0A16'])).toBe('+ snmp-server community …; + username ops secret …; - tacacs server t1; +  key …');
  });

  it('a repeated line counts as often as it appears, and order matters', () => {
    expect(configDifference(running([...base, '!']), startup(base))).toEqual(['+ !']);
    const acl = ['ip access-list extended EDGE', ' permit tcp any any eq 22', ' deny ip any any'];
    expect(configDifference(running([acl[0], acl[2], acl[1]]), startup(acl))).toEqual(['~ the same lines in another order']);
  });
});
