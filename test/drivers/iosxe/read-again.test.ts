// Read-only outputs with a log message that may hide output are read again:
// which commands, how often, and what is kept when every read has one; and a
// parser given such a kept output counts the line instead of claiming it.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readClear, REREADS } from '../../../src/drivers/iosxe/read-again.js';
import { commandOutput } from '../../../src/drivers/iosxe/output.js';
import { settled } from '../../../src/drivers/iosxe/session-noise.js';
import { parseBgpSummary } from '../../../src/drivers/iosxe/parsers/bgp.js';
import { parseInstallSummary } from '../../../src/drivers/iosxe/parsers/install.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/iosxe-session/outputs');
const answer = (name: string) => readFileSync(join(dir, name), 'utf8').replace(/\n$/, '');
const MSG = '*Mar  1 00:12:07.412: %SYS-5-CONFIG_I: Configured from console by netops on vty0 (192.0.2.50)';
/** A marked output, as the session's cleaning leaves one: a row, a message that may hide one, a row. */
const doubtful = (row: string) => commandOutput(`show x\nrow 1\n${MSG}${row}\nrow 3\nsw1#`, 'show x', 'sw1', true);
const clear = 'row 1\nrow 2\nrow 3';

describe('reading again an output that had a message inside', () => {
  it('reads again only the commands whose output had one, and takes the read without it', async () => {
    const asked: string[][] = [];
    const outputs = await readClear(['show a', 'show b', 'show c'], async (cmds) => {
      asked.push(cmds);
      return cmds.map((c) => (c === 'show b' && asked.length === 1 ? doubtful('row 2') : clear));
    });
    expect(asked).toEqual([['show a', 'show b', 'show c'], ['show b']]);
    expect(outputs).toEqual([clear, clear, clear]);
  });

  it(`reads ${REREADS} more times at most; a message every time: the last read, the line kept as text after the message header`, async () => {
    let reads = 0;
    const [out] = await readClear(['show b'], async () => [doubtful(`row 2 (read ${++reads})`)]);
    expect(reads).toBe(1 + REREADS);
    expect(out).toBe(`row 1\nConfigured from console by netops on vty0 (192.0.2.50)row 2 (read ${reads})\nrow 3`);
  });
});

describe('a parser given an output kept with such a line', () => {
  it('show ip bgp summary: the neighbour glued after the message is counted as unparsed, not claimed', () => {
    const kept = settled(commandOutput(answer('glued-bgp-row.txt'), 'show ip bgp summary', 'lon-core-1', true), 'keep');
    const r = parseBgpSummary(kept);
    expect(r.neighbors.map((n) => n.address)).toEqual(['10.0.0.2']);
    expect(r.unparsed).toBe(1);
  });

  it('show install summary: the IMG U row glued after the message is counted as unparsed', () => {
    const kept = settled(commandOutput(answer('glued-install-row.txt'), 'show install summary', 'sw1', true), 'keep');
    const r = parseInstallSummary(kept);
    expect(r.packages.map((p) => p.state)).toEqual(['C']);
    expect(r.unparsed).toBe(1);
  });
});
