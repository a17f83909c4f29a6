// Whether the running configuration is saved, from the comment lines IOS
// puts at its top (`! Last configuration change at …`, `! NVRAM config last
// updated at …`), as `show running-config | include ^! …` returns them.
import { describe, expect, it } from 'vitest';
import { configSavedFromHeader } from '../../../src/drivers/iosxe/facts.js';

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
