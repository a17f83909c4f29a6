// Conformance of the IOS-XE parsers with real captured outputs (ntc-templates
// samples), kept beside the checkout and never in it: where, FIXTURES below;
// what they are, docs/devices/iosxe-outputs.md (Sources). Their field names are mapped
// here; they never enter the product. One test per sample, so a sample that
// reads wrong fails on its own; the field accuracy (fields read right / fields
// ntc-templates extracts that upshift also reports) is printed overall and per
// command. Skipped with a one-line notice when the samples are absent.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseIosxe, ParseError } from '../../../src/drivers/iosxe/parsers/index.js';
import { normalizeVersion } from '../../../src/common/versions.js';
import { ROOT } from '../../helpers/cli.js';

const FIXTURES = join(ROOT, '..', 'shared', 'fixtures', 'iosxe');
type Rec = Record<string, unknown>;
type Pair = [field: string, ours: unknown, theirs: unknown];

const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const list = (v: unknown) => (Array.isArray(v) ? (v as unknown[]).map(s) : []);

/** Per sample folder: the command line, and how to pair our result with ntc's records. */
const MAPPINGS: Record<string, { command: string; pairs: (ours: Rec, ntc: Rec[]) => Pair[] }> = {
  show_version: {
    command: 'show version',
    pairs: (o, [n]) => {
      const switches = o.switches as Rec[];
      const hardware = list(n.hardware);
      const serials = list(n.serial);
      return [
        ['hostname', o.hostname, n.hostname],
        ['version', o.version, normalizeVersion(s(n.version))],
        // ntc keeps the image without its file system ("packages.conf", "/vios-…").
        ['image', s(o.image).endsWith(s(n.running_image)) ? s(n.running_image) : o.image, n.running_image],
        ['model', o.model, hardware[0] ?? null],
        ['serial', o.serial, serials[0] ?? null],
        ['uptime', o.uptime, n.uptime],
        ['configRegister', s(o.configRegister), n.config_register],
        ['lastReloadReason', o.lastReloadReason, n.reload_reason],
        // Further members: ntc lists every member's model and serial after the local one's.
        ...hardware.slice(1).flatMap((h, i): Pair[] => [
          [`switches[${i + 1}].model`, switches[i + 1]?.model, h],
          [`switches[${i + 1}].serial`, switches[i + 1]?.serial, serials[i + 1] ?? null],
        ]),
      ];
    },
  },
  dir: {
    command: 'dir',
    pairs: (o, ntc) => {
      const files = o.files as { name: string; size: number; isDirectory: boolean }[];
      const named = ntc.filter((n) => n.name !== '');
      return [
        ['filesystem', o.filesystem, s(ntc[0].file_system).replace(/\/$/, '')],
        ['totalBytes', o.totalBytes, Number(ntc[0].total_size)],
        ['freeBytes', o.freeBytes, Number(ntc[0].total_free)],
        ['files', files.length, named.length],
        ...named.flatMap((n, i): Pair[] => [
          [`files[${i}].name`, files[i]?.name, n.name],
          [`files[${i}].size`, files[i]?.size, Number(n.size)],
          [`files[${i}].isDirectory`, files[i]?.isDirectory, s(n.permissions).startsWith('d')],
        ]),
      ];
    },
  },
  show_boot: {
    command: 'show boot',
    pairs: (o, [n]) => [
      ['bootVariable', (o.bootVariable as string[]).join(';'), s(n.boot_path).replace(/;$/, '')],
      ['manualBoot', o.manualBoot, n.manual_boot === '' ? null : n.manual_boot === 'yes'],
      ...(s(n.switch_number) ? [['members[0].number', (o.members as Rec[])[0]?.number, Number(n.switch_number)] as Pair] : []),
    ],
  },
  show_redundancy: {
    command: 'show redundancy',
    pairs: (o, [n]) => [
      ['hardwareMode', o.hardwareMode, n.hardware_mode],
      ['configuredMode', o.configuredMode, n.configured_redundancy_mode],
      ['operatingMode', o.operatingMode, n.operating_redundancy_mode],
      ['localState', o.localState, n.active_software_state],
      ['peerState', o.peerState, s(n.standby_software_state) || s(n.standby_status)],
      ['switchovers', o.switchovers, Number(n.switchovers)],
    ],
  },
  show_switch_detail: {
    command: 'show switch detail',
    pairs: (o, ntc) => rows(o.members as Rec[], ntc, (e, n) => [
      ['number', e.number, Number(n.switch)], ['role', e.role, n.role], ['mac', e.mac, n.mac_address], ['priority', e.priority, Number(n.priority)], ['state', e.state, n.state],
    ]),
  },
  show_ip_route_summary: {
    command: 'show ip route summary',
    pairs: (o, ntc) => ntc.flatMap((n): Pair[] => {
      const count = Number(n.networks || 0) + Number(n.subnets || 0);
      if (n.route_source === 'Total') return [['total', o.total, count]];
      if (n.route_source === 'internal') return []; // not a route source; upshift does not report it
      return [[`bySource[${s(n.route_source)}]`, (o.bySource as Rec)[s(n.route_source)], count]];
    }),
  },
  show_ip_arp: {
    command: 'show ip arp',
    pairs: (o, ntc) => rows(o.entries as Rec[], ntc, (e, n) => [['address', e.address, n.ip_address], ['mac', e.mac, n.mac_address], ['interface', e.interface ?? '', n.interface]]),
  },
  show_ip_bgp_summary: {
    command: 'show ip bgp summary',
    pairs: (o, ntc) => rows(o.neighbors as Rec[], ntc, (e, n) => [
      ['address', e.address, n.bgp_neighbor], ['asn', e.asn, n.neighbor_as],
      ['stateOrPrefixes', e.prefixesReceived ?? e.state, /^\d+$/.test(s(n.state_or_prefixes_received)) ? Number(n.state_or_prefixes_received) : n.state_or_prefixes_received],
    ]),
  },
  show_ip_ospf_neighbor: {
    command: 'show ip ospf neighbor',
    pairs: (o, ntc) => rows(o.neighbors as Rec[], ntc, (e, n) => [
      ['routerId', e.routerId, n.neighbor_id], ['state', e.state, s(n.state).replace(/\s+/g, ' ')], ['address', e.address, n.ip_address], ['interface', e.interface, n.interface],
    ]),
  },
  show_ip_interface_brief: {
    command: 'show ip interface brief',
    pairs: (o, ntc) => rows(o.interfaces as Rec[], ntc, (e, n) => [
      ['name', e.name, n.interface], ['address', e.address ?? 'unassigned', n.ip_address], ['status', e.status, n.status], ['protocol', e.protocol, n.proto],
    ]),
  },
};

function rows(ours: Rec[], ntc: Rec[], pair: (e: Rec, n: Rec) => Pair[]): Pair[] {
  return [['rows', ours.length, ntc.length], ...ntc.flatMap((n, i) => pair(ours[i] ?? {}, n).map(([f, a, b]): Pair => [`[${i}].${f}`, a, b]))];
}

/** Stands for a refused output when counting the fields it would have had to read. */
const NOTHING: Rec = new Proxy({}, { get: (_, key) => (key === 'bySource' ? {} : ['switches', 'files', 'members', 'bootVariable', 'entries', 'neighbors', 'interfaces'].includes(String(key)) ? [] : null) });

interface Outcome { folder: string; compared: number; matched: number }

describe.skipIf(!existsSync(FIXTURES))('IOS-XE parsers against the captured samples', () => {
  const outcomes: Outcome[] = [];

  for (const [folder, mapping] of Object.entries(MAPPINGS)) {
    const dir = join(FIXTURES, folder);
    if (!existsSync(dir)) continue;
    for (const raw of readdirSync(dir).filter((f) => f.endsWith('.raw')).sort()) {
      it(`${folder}/${raw}`, () => {
        const text = readFileSync(join(dir, raw), 'utf8');
        const ntc = (parseYaml(readFileSync(join(dir, raw.replace(/\.raw$/, '.yml')), 'utf8')) as { parsed_sample: Rec[] }).parsed_sample;
        let ours: Rec;
        try {
          ours = parseIosxe(mapping.command, text) as Rec;
        } catch (err) {
          // A refusal must be a clear ParseError; every field ntc read counts as missed.
          outcomes.push({ folder, compared: mapping.pairs(NOTHING, ntc).length, matched: 0 });
          expect(err).toBeInstanceOf(ParseError);
          throw err;
        }
        const pairs = mapping.pairs(ours, ntc);
        const mismatches = pairs.filter(([, a, b]) => JSON.stringify(a ?? '') !== JSON.stringify(b ?? '')).map(([f, a, b]) => `${f}: ours ${JSON.stringify(a)} vs ntc ${JSON.stringify(b)}`);
        outcomes.push({ folder, compared: pairs.length, matched: pairs.length - mismatches.length });
        expect(pairs.length).toBeGreaterThan(0);
        expect(mismatches).toEqual([]);
      });
    }
  }

  it('found the samples of every mapped command', () => {
    const folders = Object.keys(MAPPINGS).filter((f) => existsSync(join(FIXTURES, f)));
    expect(folders.length).toBeGreaterThanOrEqual(9);
  });

  afterAll(() => {
    const sum = (xs: Outcome[]) => [xs.reduce((a, r) => a + r.matched, 0), xs.reduce((a, r) => a + r.compared, 0)];
    const pct = (m: number, c: number) => `${m}/${c} (${c ? ((m / c) * 100).toFixed(1) : '0.0'}%)`;
    const [matched, compared] = sum(outcomes);
    const perCommand = Object.keys(MAPPINGS).map((folder) => {
      const mine = outcomes.filter((o) => o.folder === folder);
      const [m, c] = sum(mine);
      return mine.length ? `  ${folder}: ${pct(m, c)} over ${mine.length} samples` : null;
    }).filter(Boolean);
    // The figure commits and docs quote; printed so CI logs carry it.
    console.log(`IOS-XE parser conformance: ${pct(matched, compared)} fields read right over ${outcomes.length} samples\n${perCommand.join('\n')}`);
  });
});

if (!existsSync(FIXTURES)) console.log(`notice: ${FIXTURES} not found; the IOS-XE conformance suite is skipped`);
