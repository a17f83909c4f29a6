// The IOS-XE driver against lab devices whose log messages end without a
// line break (docs/devices/iosxe-sessions.md, section 3): an output line
// glued after a message cannot be told from it, so a read-only output with
// one is read again; the echo of a command typed after a message lands at the
// end of the message's line.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Lab } from '../../../src/lab/lab.js';
import type { LabDeviceSpec } from '../../../src/lab/fleet.js';
import { IosxeDriver } from '../../../src/drivers/iosxe/driver.js';
import { SNAPSHOT_COMMANDS } from '../../../src/drivers/iosxe/plan.js';
import { FACTS_COMMANDS } from '../../../src/drivers/iosxe/facts.js';
import { REREADS } from '../../../src/drivers/iosxe/read-again.js';
import type { KnownHosts } from '../../../src/drivers/ssh/known-hosts.js';
import type { Transcript } from '../../../src/drivers/ssh/channel.js';
import type { Snapshot } from '../../../src/drivers/contract.js';
import { iosxeTarget, labKnownHosts } from '../../helpers/lab-targets.js';

const spec = (hostname: string, kind: string): LabDeviceSpec => ({ hostname, kind, version: '17.6.5', target: '17.9.5', faults: ['syslog-sticky'], site: 'lab', role: 't', group: 't' });
const GLUED_LOG = /: %[A-Z_]+-\d-[A-Z0-9_]+: [^\r\n]*?\S(?:Internet|GigabitEthernet|Loopback|Vlan|10\.\d+\.\d+\.\d+ )/;

let lab: Lab;
let known: KnownHosts;
beforeAll(async () => {
  lab = await Lab.start({ speed: 50, imageSize: 256 * 1024, fleet: [spec('glr', 'isr4451'), spec('gls', 'cat9300')] });
  known = labKnownHosts(lab);
});
afterAll(async () => lab?.stop());
// No message but those a test asks for; each glued to what follows.
beforeEach(() => {
  for (const h of ['glr', 'gls']) lab.device(h).state.syslog = { everyMs: 3_600_000, afterPrompt: 0, afterPromptLater: 0.5, betweenLines: 0, reprint: 0, glued: true };
});

/** A driver whose transcript records what was sent (one entry per write) and calls `onSent` before the device gets it. */
function driver(host: string, onSent: (text: string) => void = () => undefined) {
  const sent: string[] = [];
  const received: string[] = [];
  const transcript: Transcript = { write: (dir, text) => void (dir === 'sent' ? (sent.push(text), onSent(text)) : received.push(text)) };
  return { d: new IosxeDriver(iosxeTarget(lab, host), { knownHosts: known, acceptNewHostKeys: false, transcript }), sent, received };
}

const withoutTime = ({ takenAt: _t, ...rest }: Snapshot) => rest;
/** The writes that carried snapshot commands, as the lists of commands in each. */
const batches = (sent: string[], commands: string[]) => sent.filter((t) => commands.some((c) => t.includes(`${c}\n`))).map((t) => t.split('\n').filter(Boolean));

describe('IOS-XE driver: output glued after a log message', () => {
  it('reads again the outputs that had a message inside: the snapshot is the one a quiet device gives', async () => {
    const dev = lab.device('glr').state;
    const quiet = driver('glr');
    const baseline = withoutTime(await quiet.d.snapshot());
    await quiet.d.close();
    expect(baseline.bgp.length).toBe(dev.bgp.length);
    // Every output of the first read carries a message, with the next line glued to it; the reads after it none.
    dev.syslog.betweenLines = 1;
    let writes = 0;
    const noisy = driver('glr', (t) => {
      if (SNAPSHOT_COMMANDS.some((c) => t.includes(c)) && ++writes === 2) dev.syslog.betweenLines = 0;
    });
    const snap = withoutTime(await noisy.d.snapshot());
    await noisy.d.close();
    expect(noisy.received.join('')).toMatch(GLUED_LOG);
    const reads = batches(noisy.sent, SNAPSHOT_COMMANDS);
    expect(reads[0]).toEqual(SNAPSHOT_COMMANDS);
    // The second read: the commands whose output had more than one line (a message went into each).
    expect(reads[1].length).toBeGreaterThan(0);
    expect(reads).toHaveLength(2);
    expect(snap).toEqual(baseline);
  });

  it(`a message inside every read: read ${1 + REREADS} times, then the last read, never more than it shows`, async () => {
    const dev = lab.device('glr').state;
    const quiet = driver('glr');
    const baseline = withoutTime(await quiet.d.snapshot());
    await quiet.d.close();
    dev.syslog.betweenLines = 1;
    const noisy = driver('glr');
    const got = await noisy.d.snapshot().catch((e: Error) => e);
    await noisy.d.close();
    const reads = batches(noisy.sent, SNAPSHOT_COMMANDS);
    expect(reads).toHaveLength(1 + REREADS);
    expect(reads.at(-1)).toContain('show ip interface brief');
    // A line the output always prints glued every time (a short output's table header): the parse refuses rather than guess.
    // The error names the device, the step and the command (a DeviceError), then what the parser missed.
    if (got instanceof Error) return expect(got.message).toMatch(/^glr: snapshot: "show ip [\w ]+": show ip \w+( \w+)*: not the output of this command: no /);
    const snap = withoutTime(got);
    // What was glued after a message is not read as an entry: no interface, neighbour or peer the device does not have.
    const names = (xs: { name: string }[]) => xs.map((x) => x.name);
    expect(names(snap.interfaces).every((n) => names(baseline.interfaces).includes(n))).toBe(true);
    expect(snap.bgp.every((n) => baseline.bgp.some((b) => b.address === n.address))).toBe(true);
    expect(snap.ospf.every((n) => baseline.ospf.some((b) => b.routerId === n.routerId))).toBe(true);
    expect(snap.arp!).toBeLessThanOrEqual(baseline.arp!);
  });

  it('the echo of commands typed after a message lands at the end of its line: facts right, and type-ahead kept', async () => {
    const dev = lab.device('gls').state;
    const { d, sent, received } = driver('gls');
    const quiet = await d.facts();
    // A message after every prompt, in the prompt's packet: each command typed ahead echoes at the end of its line.
    dev.syslog = { ...dev.syslog, afterPrompt: 1, afterPromptLater: 0 };
    const again = await d.facts();
    await d.close();
    expect(received.join('')).toMatch(/\r\ngls#\r\n[^\r\n]*: %[A-Z_]+-\d-[A-Z0-9_]+: [^\r\n]*\Sshow redundancy\r\n/);
    const { collectedAt: _a, ...first } = quiet;
    const { collectedAt: _b, ...second } = again;
    expect(second).toEqual({ ...first, uptimeSeconds: second.uptimeSeconds });
    // Both reads typed ahead in one write each: the glued echo did not make the session fall back to one command per round trip.
    expect(batches(sent, FACTS_COMMANDS)).toEqual([FACTS_COMMANDS, FACTS_COMMANDS]);
  });
});
