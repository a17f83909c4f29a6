// The IOS-XE parsers against the project's own fixtures (test/fixtures/iosxe,
// layout in its README): one test per variant, comparing the whole parse,
// `unparsed` and the unparsed lines included, or the error it must raise.
import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIosxe, ParseError, unparsedLinesOf } from '../../../src/drivers/iosxe/parsers/index.js';
import { ROOT } from '../../helpers/cli.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'iosxe');

interface Expected { command: string; result?: Record<string, unknown>; unparsedLines?: string[]; error?: string }

/** Every leaf of a parse, by its path (`switches[1].serial`): the fields the accuracy counts. */
function leaves(v: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(v)) {
    out.set(`${path}.length`, String(v.length));
    v.forEach((x, i) => leaves(x, `${path}[${i}]`, out));
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) leaves(x, path ? `${path}.${k}` : k, out);
  } else out.set(path, JSON.stringify(v));
  return out;
}

const folders = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

describe('IOS-XE parsers on the project\'s own fixtures', () => {
  const counts = { variants: 0, fields: 0, right: 0 };
  it('has several variants for each of the 12 parsed commands', () => {
    expect(folders.sort()).toEqual([
      'dir', 'show_boot', 'show_install_rollback', 'show_install_summary', 'show_ip_arp', 'show_ip_bgp_summary', 'show_ip_interface_brief',
      'show_ip_ospf_neighbor', 'show_ip_route_summary', 'show_redundancy', 'show_switch', 'show_version',
    ]);
    for (const folder of folders) expect(readdirSync(join(FIXTURES, folder)).filter((f) => f.endsWith('.txt')).length, folder).toBeGreaterThanOrEqual(5);
  });

  for (const folder of folders) {
    describe(folder, () => {
      for (const file of readdirSync(join(FIXTURES, folder)).filter((f) => f.endsWith('.txt')).sort()) {
        const variant = file.replace(/\.txt$/, '');
        it(variant, () => {
          const text = readFileSync(join(FIXTURES, folder, file), 'utf8');
          const want = JSON.parse(readFileSync(join(FIXTURES, folder, `${variant}.json`), 'utf8')) as Expected;
          if (want.error !== undefined) {
            let thrown: unknown = null;
            try {
              parseIosxe(want.command, text);
            } catch (err) {
              thrown = err;
            }
            expect(thrown).toBeInstanceOf(ParseError);
            expect((thrown as Error).message).toBe(want.error);
            return;
          }
          const got = parseIosxe(want.command, text);
          expect(got).not.toBeNull();
          const have = leaves(JSON.parse(JSON.stringify(got)));
          const expected = leaves(want.result);
          counts.variants++;
          counts.fields += expected.size;
          counts.right += [...expected].filter(([k, v]) => have.get(k) === v).length;
          // Through JSON, as `upshift parse` prints it.
          expect(JSON.parse(JSON.stringify(got))).toEqual(want.result);
          expect(unparsedLinesOf(got!)).toEqual(want.unparsedLines);
        });
      }
    });
  }
  afterAll(() => {
    // The figure the notes quote, printed so CI logs carry it (each variant's test fails on its own mismatch).
    const pct = counts.fields ? ((counts.right / counts.fields) * 100).toFixed(1) : '0.0';
    console.log(`IOS-XE own fixtures: ${counts.right}/${counts.fields} (${pct}%) fields read right over ${counts.variants} parsed variants`);
  });
});
