// The change record's options refuse bad values before anything runs (exit 2),
// and the change id falls back to Settings change_id.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { recordOptions } from '../../src/cli/records.js';
import { DEFAULT_SETTINGS } from '../../src/store/settings.js';
import { runCli } from '../helpers/cli.js';
import { buildWorkbook, IMAGE_HEADER, IMAGE_ROW, tempDir, validDevices } from '../helpers/workbooks.js';

describe('--change, --webhook, --metrics-address', () => {
  it('refuses bad values with exit 2 and says what is expected', async () => {
    const workbook = join(tempDir(), 'fleet.xlsx');
    await buildWorkbook(workbook, { Devices: validDevices(), Images: [[...IMAGE_HEADER], [...IMAGE_ROW]] });
    const cases: [string[], RegExp][] = [
      [['run', '--change', 'CHG 12; rm'], /--change <id>' argument 'CHG 12; rm' is invalid\. must be letters, digits and - _ \. \/ # \(up to 64\), e\.g\. CHG0012345/],
      [['run', '--webhook', 'ftp://example.net/x'], /--webhook <url>' argument .* is invalid\. must be an http:\/\/ or https:\/\/ URL/],
      [['check', '--metrics-address', '9464'], /--metrics-address <addr>' argument '9464' is invalid\. must be HOST:PORT, e\.g\. 127\.0\.0\.1:9464/],
      [['run', '--metrics-address', '127.0.0.1:70000'], /must be HOST:PORT/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli([...args, '--workbook', workbook]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('takes the change id and webhook from Settings when no option gives them; options add to and win over them', () => {
    const settings = { ...DEFAULT_SETTINGS, changeId: 'CHG-SETTINGS', webhookUrl: 'https://hooks.example.net/a' };
    expect(recordOptions({ workbook: 'x', only: [], logLevel: 'info' }, settings)).toEqual({ changeId: 'CHG-SETTINGS', webhooks: ['https://hooks.example.net/a'], metricsAddress: null, dryRun: false });
    const both = recordOptions({ workbook: 'x', only: [], logLevel: 'info', change: 'CHG-OPT', webhook: ['http://127.0.0.1:1/b', 'https://hooks.example.net/a'], dryRun: true }, settings);
    expect(both).toEqual({ changeId: 'CHG-OPT', webhooks: ['http://127.0.0.1:1/b', 'https://hooks.example.net/a'], metricsAddress: null, dryRun: true });
  });
});
