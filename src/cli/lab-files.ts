// The files `upshift lab` and `upshift demo` write for a running lab: the
// workbook pointing at it, a 0600 credentials file, the image repository and
// the devices' SSH host keys.
import { chmodSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { Lab } from '../lab/lab.js';
import { writeImages } from '../lab/images.js';
import { iosxeModel } from '../lab/models.js';
import { defaultStateDir } from './state-dir.js';
import { DEFAULT_SETTINGS_ROWS, writeNewWorkbook, type NewDevice } from '../store/new-workbook.js';

const HELPER_KINDS: Record<string, string> = { panorama: 'Panorama', jumphost: 'jump host' };

/**
 * "14 simulated devices: 12 to upgrade, plus pano-1 (Panorama) and par-jump (jump host)".
 * The helper rows are reached, not upgraded: the console's device table and status leave them out.
 */
export function fleetCount(fleet: readonly { hostname: string; kind: string }[], opts: { short?: boolean } = {}): string {
  const helpers = fleet.filter((d) => d.kind in HELPER_KINDS);
  // The console's header has one line: "12 devices to upgrade + Panorama, jump host".
  if (opts.short) return `${fleet.length - helpers.length} devices to upgrade${helpers.length ? ` + ${helpers.map((d) => HELPER_KINDS[d.kind]).join(', ')}` : ''}`;
  const named = helpers.map((d) => `${d.hostname} (${HELPER_KINDS[d.kind]})`);
  const list = named.length > 1 ? `${named.slice(0, -1).join(', ')} and ${named.at(-1)}` : named[0];
  const total = `${fleet.length} simulated device${fleet.length === 1 ? '' : 's'}`;
  return helpers.length === 0 ? total : `${total}: ${fleet.length - helpers.length} to upgrade, plus ${list}`;
}

export interface LabFiles {
  workbook: string;
  credentials: string;
  images: string;
  knownHosts: string;
}

export async function writeLabFiles(lab: Lab, workbook: string, overrides: { settings?: Record<string, string | number>; windowStart?: Date; windowEnd?: Date } = {}): Promise<LabFiles> {
  const dir = dirname(workbook);
  mkdirSync(dir, { recursive: true });
  const files: LabFiles = {
    workbook,
    credentials: join(dir, 'lab-credentials.yaml'),
    images: join(dir, 'images'),
    // Where upshift looks by default: the workbook's own state directory (its real path, as upshift resolves it).
    knownHosts: join(defaultStateDir(join(realpathSync(dir), basename(workbook))), 'known_hosts'),
  };
  const now = Date.now();
  const windowStart = overrides.windowStart ?? new Date(now - 10 * 60_000);
  const windowEnd = overrides.windowEnd ?? new Date(now + 8 * 3_600_000);
  windowStart.setSeconds(0, 0);
  windowEnd.setSeconds(0, 0);
  const devices: NewDevice[] = lab.fleet.map((spec) => {
    const { host, port } = lab.endpoint(spec.hostname);
    const platform = spec.kind === 'panos' ? 'panos' : spec.kind === 'panorama' ? 'panorama' : spec.kind === 'jumphost' ? 'jumphost' : 'iosxe';
    const image = platform === 'iosxe' && spec.target ? lab.catalog.image(iosxeModel(spec.kind), spec.target).file : null;
    return {
      hostname: spec.hostname, host, port, platform, target_version: spec.target, image, site: spec.site, role: spec.role, group: spec.group,
      wave: spec.wave ?? null, ha_peer: spec.haPeer ?? null, via: spec.via ?? null,
      credential: platform === 'iosxe' || platform === 'jumphost' ? 'default' : 'firewalls',
      window_start: platform === 'panorama' || platform === 'jumphost' ? null : windowStart, window_end: platform === 'panorama' || platform === 'jumphost' ? null : windowEnd,
      enabled: 'yes',
      notes: [spec.notes, spec.faults.length ? `lab faults: ${spec.faults.join(', ')}` : null, platform === 'iosxe' ? iosxeModel(spec.kind).pid : null].filter(Boolean).join('; ') || null,
    };
  });
  const images = lab.images().map((i) => ({ platform: 'iosxe' as const, version: i.version, file: i.file, md5: i.md5, sha512: i.sha512, size: i.size, models: modelsFor(lab, i.file) }));
  // A reload in the lab lasts bootMs/speed: time out well after that, not after 30 minutes.
  const reloadTimeoutS = Math.max(20, Math.ceil((lab.timings.bootMs * 4) / lab.clock.speed / 1000));
  const settings = DEFAULT_SETTINGS_ROWS.map(([k, v, m]) => [k, overrides.settings?.[k] ?? (k === 'reload_timeout' ? `${reloadTimeoutS} s` : v), m] as [string, string | number, string]);
  for (const [k, v] of Object.entries(overrides.settings ?? {})) if (!settings.some(([key]) => key === k)) settings.push([k, v, '']);
  await writeNewWorkbook(workbook, { devices, images, settings });

  writeImages(files.images, lab.images());
  const creds = {
    default: { username: lab.credentials.username, password: lab.credentials.password, enable: lab.credentials.enable },
    firewalls: { username: lab.credentials.username, password: lab.credentials.password, tls_fingerprint: lab.panos.fingerprint || undefined },
  };
  writeFileSync(files.credentials, `# upshift lab credentials: valid while this lab runs\n${stringify(creds)}`, { mode: 0o600 });
  chmodSync(files.credentials, 0o600);
  mkdirSync(dirname(files.knownHosts), { recursive: true, mode: 0o700 });
  writeFileSync(files.knownHosts, lab.knownHosts());
  return files;
}

function modelsFor(lab: Lab, file: string): string {
  const pids = new Set<string>();
  for (const s of lab.fleet) {
    if (s.kind === 'panos' || s.kind === 'panorama' || s.kind === 'jumphost' || !s.target) continue;
    const m = iosxeModel(s.kind);
    if (lab.catalog.image(m, s.target).file === file) pids.add(m.pid);
  }
  return [...pids].join(', ');
}

/** What the lab started, for the terminal. */
export function describeLab(lab: Lab, files: LabFiles): string {
  const rows = lab.fleet.map((s) => {
    const { port } = lab.endpoint(s.hostname);
    const kind = s.kind === 'panos' ? 'PA-3220' : s.kind === 'panorama' ? 'Panorama' : s.kind === 'jumphost' ? 'jump host' : iosxeModel(s.kind).pid;
    const proto = s.kind === 'panos' || s.kind === 'panorama' ? 'https' : 'ssh';
    const versions = s.target && s.target !== s.version ? `${s.version} → ${s.target}` : s.version;
    return `  ${s.hostname.padEnd(22)} ${kind.padEnd(13)} ${versions.padEnd(24)} ${proto.padEnd(5)} ${lab.host}:${port}${s.faults.length ? `  faults: ${s.faults.join(',')}` : ''}`;
  });
  const shown = rows.length > 25 ? [...rows.slice(0, 20), `  … and ${rows.length - 20} more (see the workbook)`] : rows;
  const firstSsh = [...lab.iosxe.values()][0];
  return [
    `upshift lab: ${fleetCount(lab.fleet)} on ${lab.host} (speed ×${lab.clock.speed})`,
    ...shown,
    '',
    `workbook     ${files.workbook}`,
    `credentials  ${files.credentials} (mode 600)`,
    `images       ${files.images}`,
    `known hosts  ${files.knownHosts}`,
    '',
    firstSsh ? `try:  ssh -p ${firstSsh.port} ${lab.credentials.username}@${lab.host}    (password and enable secret in the credentials file)` : '',
    `      upshift check --workbook ${files.workbook} --credentials ${files.credentials}`,
    'Ctrl-C stops the lab.',
  ].join('\n');
}
