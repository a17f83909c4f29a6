#!/usr/bin/env node
// Generates inventory.xlsx.example (committed). Run after `npm run build`:
//   npm run example
import { createHash } from 'node:crypto';
import { rename } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join, dirname } from 'node:path';
import { writeNewWorkbook, DEFAULT_SETTINGS_ROWS } from '../dist/store/new-workbook.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The example's images do not exist; their digests are derived from the name so
// the file is stable from one generation to the next.
const digest = (algo, name) => createHash(algo).update(`upshift example ${name}`).digest('hex');
const image = (file, version, size, models) => ({
  platform: 'iosxe', version, file, md5: digest('md5', file), sha512: digest('sha512', file), size, models,
});
const win = (h) => new Date(2026, 11, 5, h, 0, 0);
const std = { window_start: win(1), window_end: win(5) };

const devices = [
  { hostname: 'lon-core-1', host: '10.10.0.1', platform: 'iosxe', target_version: '17.9.5', image: 'cat9k_iosxe.17.09.05.SPA.bin', site: 'lon', role: 'core', group: 'core', wave: 3, ...std, notes: 'C9500-48Y4C StackWise Virtual pair; upgrade last' },
  { hostname: 'lon-dist-1', host: '10.10.0.5', platform: 'iosxe', target_version: '17.9.5', image: 'cat9k_iosxe.17.09.05.SPA.bin', site: 'lon', role: 'distribution', group: 'dist', wave: 2, ...std, notes: 'C9407R dual supervisor' },
  { hostname: 'lon-acc-1', host: '10.10.1.11', platform: 'iosxe', target_version: '17.9.5', image: 'cat9k_iosxe.17.09.05.SPA.bin', site: 'lon', role: 'access', group: 'access', ...std, notes: 'C9300-48P stack of 3' },
  { hostname: 'lon-acc-2', host: '10.10.1.12', platform: 'iosxe', target_version: '17.9.5', image: 'cat9k_iosxe.17.09.05.SPA.bin', site: 'lon', role: 'access', group: 'access', ...std, notes: 'bundle mode' },
  { hostname: 'lon-wan-1', host: '10.10.0.9', platform: 'iosxe', target_version: '17.9.5', image: 'isr4400-universalk9.17.09.05.SPA.bin', site: 'lon', role: 'wan', group: 'wan', wave: 2, ...std },
  { hostname: 'lon-vpn-1', host: '10.10.0.13', platform: 'iosxe', target_version: '17.9.5', image: 'c8000v-universalk9.17.09.05.SPA.bin', site: 'lon', role: 'vpn', group: 'wan', ...std, notes: 'C8000v in the DMZ' },
  { hostname: 'par-edge-1', host: '10.20.0.2', port: 22, platform: 'iosxe', target_version: '17.9.5', image: 'asr1000-universalk9.17.09.05.SPA.bin', site: 'par', role: 'edge', group: 'wan', via: 'par-jump', credential: 'paris', window_start: win(2), window_end: win(4), notes: 'ASR1001-X, reached through the Paris jump host' },
  { hostname: 'par-acc-1', host: '10.20.1.11', platform: 'iosxe', target_version: '17.9.5', image: 'cat9k_iosxe.17.09.05.SPA.bin', site: 'par', role: 'access', group: 'access', enabled: 'no', notes: 'RMA pending: do not touch' },
  { hostname: 'lon-fw-a', host: '10.10.0.21', platform: 'panos', target_version: '11.1.4-h7', site: 'lon', role: 'firewall', group: 'fw', ha_peer: 'lon-fw-b', via: 'pano-1', credential: 'firewalls', ...std, notes: 'PA-3220 HA active' },
  { hostname: 'lon-fw-b', host: '10.10.0.22', platform: 'panos', target_version: '11.1.4-h7', site: 'lon', role: 'firewall', group: 'fw', ha_peer: 'lon-fw-a', via: 'pano-1', credential: 'firewalls', ...std, notes: 'PA-3220 HA passive' },
  { hostname: 'pano-1', host: '10.0.0.50', platform: 'panorama', credential: 'firewalls', notes: 'Panorama M-200; proxies the firewalls' },
  { hostname: 'par-jump', host: '10.20.0.250', platform: 'jumphost', credential: 'paris', notes: 'bastion for the Paris site' },
];

const images = [
  image('cat9k_iosxe.17.09.05.SPA.bin', '17.9.5', 1_254_312_329, 'C9300-*, C9400-*, C9407R, C9500-*'),
  image('isr4400-universalk9.17.09.05.SPA.bin', '17.9.5', 742_998_016, 'ISR4451-X/K9, ISR4431/K9'),
  image('c8000v-universalk9.17.09.05.SPA.bin', '17.9.5', 872_341_504, 'C8000V'),
  image('asr1000-universalk9.17.09.05.SPA.bin', '17.9.5', 788_529_152, 'ASR1001-X'),
];

const out = join(root, 'inventory.xlsx.example');
// exceljs picks the format from the extension; write as .xlsx, then rename.
await writeNewWorkbook(`${out}.tmp.xlsx`, { devices, images, settings: [...DEFAULT_SETTINGS_ROWS.map((r) => (r[0] === 'pause_between_waves' ? [r[0], '5 min', r[2]] : r))] });
await rename(`${out}.tmp.xlsx`, out);
console.log(`wrote ${out}`);
