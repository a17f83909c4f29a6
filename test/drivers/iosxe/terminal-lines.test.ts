// The session layer and the parsers read a terminal's extra lines alike:
// each log message form and timestamp header line below is taken out of a
// live answer (and does not stop the prompt that precedes it from being
// matched), and is skipped by a parser reading a saved output.
import { describe, expect, it } from 'vitest';
import { commandOutput } from '../../../src/drivers/iosxe/output.js';
import { doubtfulLines, settled } from '../../../src/drivers/iosxe/session-noise.js';
import { PromptMatcher } from '../../../src/drivers/iosxe/prompt.js';
import { parseArp } from '../../../src/drivers/iosxe/parsers/tables.js';

const ROWS = [
  'Protocol  Address          Age (min)  Hardware Addr   Type   Interface',
  'Internet  10.20.0.1               -   0011.2233.4455  ARPA   Vlan20',
  'Internet  10.20.0.15              3   00aa.bbcc.ddee  ARPA   Vlan20',
];

/** Log messages in every form `service timestamps` and `service sequence-numbers` give. */
const LOGS: [string, string][] = [
  ['datetime, clock never set', '*Mar  1 00:00:07.123: %LINK-3-UPDOWN: Interface GigabitEthernet1/0/7, changed state to down'],
  ['sequence number, zone', '000123: Dec  3 10:12:33.123 UTC: %LINEPROTO-5-UPDOWN: Line protocol on Interface Gi1/0/7, changed state to down'],
  ['year, zone', 'Dec  3 2026 10:12:33.123 CET: %SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: netops] [Source: 192.0.2.50]'],
  ['clock out of sync', '.Dec  3 10:12:33.123 UTC: %ILPOWER-5-POWER_GRANTED: Interface Gi1/0/7: Power granted'],
  ['uptime', '1w2d: %DMI-5-SYNC_NEEDED: Switch 1 R0/0: dmiauthd: Configuration change requiring running configuration sync detected'],
  ['uptime in hours', '2d03h: %SYS-5-CONFIG_I: Configured from console by netops on vty0 (192.0.2.50)'],
  ['time only', '00:01:12.004: %SYS-5-RESTART: System restarted --'],
  ['no timestamp', '%LINK-5-CHANGED: Interface GigabitEthernet0/0/1, changed state to administratively down'],
  ['sub-facility', '*Mar  1 00:00:07.123: %LINK-SP-3-UPDOWN: Interface GigabitEthernet1/1, changed state to down'],
];

/** The clock line of the exec timestamp header, which starts every output: NTP, the calendar, a clock never set. */
const CLOCKS = ['Time source is NTP, *10:01:38.517 UTC Mon Jun 3 2024', 'Time source is hardware calendar, *23:04:55.392 UTC Thu Jun 6 2024', 'No time source, *00:04:12.101 UTC Mon Mar 1 1993'];
const LOAD = 'Load for five secs: 4%/0%; one minute: 5%; five minutes: 5%';

describe('one reading of a terminal\'s extra lines', () => {
  it.each(LOGS)('%s: taken out of a live answer and skipped by the parser', (_name, line) => {
    const answer = ['show ip arp', ROWS[0], line, ...ROWS.slice(1), 'sw1#'].join('\n');
    // Inside the output the message may have a row glued after it: marked, so that the session reads again.
    const out = commandOutput(answer, 'show ip arp', 'sw1', true);
    expect(doubtfulLines(out)).toBe(1);
    expect(settled(out, 'drop')).toBe(ROWS.join('\n'));
    expect(parseArp(`sw1#show ip arp\n${ROWS[0]}\n${line}\n${ROWS.slice(1).join('\n')}\nsw1#`)).toMatchObject({ entries: [{ address: '10.20.0.1' }, { address: '10.20.0.15' }], unparsed: 0 });
  });

  it.each(CLOCKS)('timestamp header "%s": taken out of a live answer and skipped by the parser', (clock) => {
    const answer = ['show ip arp', LOAD, clock, '', ...ROWS, 'sw1#'].join('\n');
    expect(commandOutput(answer, 'show ip arp', 'sw1', true)).toBe(ROWS.join('\n'));
    expect(parseArp(`sw1#show ip arp\n${LOAD}\n${clock}\n\n${ROWS.join('\n')}\nsw1#`)).toMatchObject({ entries: [{ address: '10.20.0.1' }, { address: '10.20.0.15' }], unparsed: 0 });
  });

  it.each(LOGS)('%s: a prompt followed by it is still the prompt', (_name, line) => {
    const text = `show ip arp\n${ROWS.join('\n')}\nsw1#\n${line}\n`;
    const m = new PromptMatcher('sw1').exec(text);
    expect(m?.[1]).toBe('sw1#');
    expect(m!.index + m![0].length).toBe(text.length);
  });
});
