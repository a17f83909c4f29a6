// The example fleet's numbers, said the same way everywhere: the lab's
// banner, `upshift lab --help` and the README count the devices to upgrade
// and name the helper rows (Panorama, jump host) the device table leaves out.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exampleFleet } from '../../src/lab/fleet.js';
import { fleetCount } from '../../src/cli/lab-files.js';
import { ROOT, runCli } from '../helpers/cli.js';

const fleet = exampleFleet();
const helpers = fleet.filter((d) => d.kind === 'panorama' || d.kind === 'jumphost');
const toUpgrade = fleet.length - helpers.length;

describe('the example fleet count', () => {
  it('the banner counts the devices to upgrade and names the helper rows', () => {
    expect(helpers.map((d) => d.hostname)).toEqual(['pano-1', 'par-jump']);
    expect(fleetCount(fleet)).toBe(`${fleet.length} simulated devices: ${toUpgrade} to upgrade, plus pano-1 (Panorama) and par-jump (jump host)`);
    expect(fleetCount(fleet, { short: true })).toBe(`${toUpgrade} devices to upgrade + Panorama, jump host`);
    expect(fleetCount(fleet.filter((d) => !helpers.includes(d)))).toBe(`${toUpgrade} simulated devices`);
  });

  it('lab --help and the README say the same numbers', async () => {
    const help = (await runCli(['lab', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`default: the example fleet: ${toUpgrade} to upgrade, plus a Panorama and a jump host`);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain(`a built-in lab of ${fleet.length} simulated devices on 127.0.0.1 — ${toUpgrade} to upgrade`);
    expect(readme).toContain(`and ${helpers.length} helper rows, the Panorama and the jump host`);
    expect(readme).toContain(`\`Devices[${toUpgrade}]\``);
  });
});
