// Which devices a lab starts: the example fleet (what `upshift demo` shows),
// or N devices cycling through a mix of models, with faults assigned.
import { parseFaultSpec, IOSXE_FAULTS, PANOS_FAULTS } from './faults.js';
import { LabSpecError } from './errors.js';
import { IOSXE_MODELS } from './models.js';

export interface LabDeviceSpec {
  hostname: string;
  kind: string; // an IOS-XE model key, 'panos', 'panorama' or 'jumphost'
  version: string;
  target: string | null;
  mode?: 'install' | 'bundle';
  /** An engineering build (`Version BLD_V179_THROTTLE_LATEST_…`) of `version`, not the release. */
  build?: 'engineering';
  faults: string[];
  haPeer?: string;
  haRole?: 'active' | 'passive';
  via?: string;
  site: string;
  role: string;
  group: string;
  wave?: number;
  notes?: string;
}

export const IOSXE_TARGET = '17.9.5';
export const PANOS_TARGET = '11.1.4-h7';

/** The demo fleet: every model family, an HA pair behind Panorama, one already current. */
export function exampleFleet(): LabDeviceSpec[] {
  const s = (hostname: string, kind: string, version: string, extra: Partial<LabDeviceSpec> = {}): LabDeviceSpec => ({
    hostname, kind, version, target: kind === 'panorama' || kind === 'jumphost' ? null : kind === 'panos' ? PANOS_TARGET : IOSXE_TARGET, faults: [], site: 'lon', role: 'access', group: 'access', ...extra,
  });
  return [
    s('lon-acc-1', 'cat9300', '17.6.5', { notes: 'canary' }),
    s('lon-acc-2', 'cat9300-stack', '17.6.5', { notes: 'stack of 3' }),
    s('lon-acc-3', 'cat9300', '17.6.5', { mode: 'bundle', notes: 'bundle mode' }),
    s('lon-acc-4', 'cat9300', '17.9.5', { notes: 'already on target' }),
    s('lon-dist-1', 'cat9400', '17.6.5', { role: 'distribution', group: 'dist', notes: 'dual supervisor' }),
    s('lon-core-1', 'cat9500-svl', '17.6.5', { role: 'core', group: 'core', notes: 'StackWise Virtual' }),
    s('lon-wan-1', 'isr4451', '17.6.5', { role: 'wan', group: 'wan' }),
    s('lon-vpn-1', 'c8000v', '17.6.5', { role: 'vpn', group: 'wan' }),
    s('par-edge-1', 'asr1001x', '16.12.4', { site: 'par', role: 'edge', group: 'wan', via: 'par-jump', notes: 'bundle mode router, reached through the jump host' }),
    s('par-acc-1', 'cat9300', '17.6.5', { site: 'par', faults: ['flash-full'], notes: 'flash nearly full' }),
    s('lon-fw-a', 'panos', '10.2.9-h1', { role: 'firewall', group: 'fw', haPeer: 'lon-fw-b', haRole: 'active', via: 'pano-1' }),
    s('lon-fw-b', 'panos', '10.2.9-h1', { role: 'firewall', group: 'fw', haPeer: 'lon-fw-a', haRole: 'passive', via: 'pano-1' }),
    s('pano-1', 'panorama', '11.1.4-h7', { role: 'panorama', group: 'mgmt' }),
    s('par-jump', 'jumphost', '', { site: 'par', role: 'bastion', group: 'mgmt' }),
  ];
}

export const DEFAULT_MIX = ['cat9300', 'cat9300-stack', 'cat9500-svl', 'cat9400', 'isr4451', 'c8000v', 'asr1001x', 'panos'];

/**
 * A --mix entry: a model key, optionally with the release it starts on or an
 * engineering build of the default one (`cat9300@16.12.4`, `cat9300@eng`).
 */
function mixEntry(entry: string): { kind: string; version: string; build?: 'engineering' } {
  const [kind, variant] = entry.split('@', 2);
  if (kind !== 'panos' && !IOSXE_MODELS.some((m) => m.key === kind)) throw new LabSpecError(`unknown --mix entry "${entry}" (known: ${[...IOSXE_MODELS.map((m) => m.key), 'panos'].join(', ')}; a model may be followed by @<version> or @eng)`);
  if (variant === undefined) return { kind, version: '17.6.5' };
  if (kind === 'panos') throw new LabSpecError(`--mix entry "${entry}": panos takes no @ variant`);
  if (variant === 'eng') return { kind, version: '17.6.5', build: 'engineering' };
  if (!/^1[67]\.\d{1,2}\.\d{1,2}[a-z]?$/.test(variant)) throw new LabSpecError(`--mix entry "${entry}": "${variant}" is neither a 16.x/17.x version nor eng`);
  return { kind, version: variant };
}

/** N devices cycling through the mix; PAN-OS entries come as HA pairs behind one Panorama. */
export function generatedFleet(count: number, mix: string[] = DEFAULT_MIX): LabDeviceSpec[] {
  const entries = mix.map(mixEntry);
  const out: LabDeviceSpec[] = [];
  const sites = ['lon', 'par', 'nyc', 'sin', 'fra'];
  let needPanorama = false;
  for (let i = 0; out.length < count; i++) {
    const { kind, version, build } = entries[i % entries.length];
    const site = sites[i % sites.length];
    const n = String(out.length + 1).padStart(4, '0');
    if (kind === 'panos') {
      if (count - out.length < 2) {
        if (entries.every((e) => e.kind === 'panos')) out.push({ hostname: `fw-${n}`, kind, version: '10.2.9-h1', target: PANOS_TARGET, faults: [], site, role: 'firewall', group: 'fw' });
        else continue;
        break;
      }
      const a = `fw-${n}a`;
      const b = `fw-${n}b`;
      needPanorama = true;
      out.push({ hostname: a, kind, version: '10.2.9-h1', target: PANOS_TARGET, faults: [], haPeer: b, haRole: 'active', via: 'pano-lab', site, role: 'firewall', group: 'fw' });
      out.push({ hostname: b, kind, version: '10.2.9-h1', target: PANOS_TARGET, faults: [], haPeer: a, haRole: 'passive', via: 'pano-lab', site, role: 'firewall', group: 'fw' });
      continue;
    }
    const model = IOSXE_MODELS.find((m) => m.key === kind)!;
    out.push({ hostname: `${site}-${kind.replace(/[^a-z0-9]/g, '')}-${n}`, kind, version, ...(build ? { build } : {}), target: IOSXE_TARGET, faults: [], site, role: model.family === 'cat9k' ? 'switch' : 'router', group: model.family });
  }
  if (needPanorama) out.push({ hostname: 'pano-lab', kind: 'panorama', version: PANOS_TARGET, target: null, faults: [], site: 'lon', role: 'panorama', group: 'mgmt' });
  return out;
}

/** Applies "host=fault+fault,…" or "fault@3" (the third device) to a fleet; unknown faults are errors. */
export function applyFaults(fleet: LabDeviceSpec[], spec: string): void {
  for (const { target, faults } of parseFaultSpec(spec)) {
    for (const f of faults) {
      const [name, at] = f.split('@');
      const device = at ? fleet[Number(at) - 1] : fleet.find((d) => d.hostname === target);
      if (!device) throw new LabSpecError(`--faults: no device "${at ? `#${at}` : target}" in the lab`);
      const known: readonly string[] = device.kind === 'panos' ? PANOS_FAULTS : IOSXE_FAULTS;
      if (!known.includes(name)) throw new LabSpecError(`--faults: "${name}" is not an ${device.kind === 'panos' ? 'PAN-OS' : 'IOS-XE'} fault (known: ${known.join(', ')})`);
      device.faults.push(name);
    }
  }
}
