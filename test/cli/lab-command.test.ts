// `upshift lab` as an operator runs it: files written, devices reachable, Ctrl-C stops it.
import { afterEach, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { BIN, runCli } from '../helpers/cli.js';
import { openpyxlCells, tempDir } from '../helpers/workbooks.js';
import { isListening } from '../../src/lab/lab.js';
import { enable, promptOf, TestShell } from '../helpers/ssh-shell.js';

let child: ChildProcess | null = null;
// A failed assertion must not leave the lab running after the test.
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = null;
});

describe('upshift lab', () => {
  it('writes the workbook, a 0600 credentials file, the images and known hosts; devices answer; SIGINT stops it cleanly', async () => {
    const dir = tempDir();
    const out = join(dir, 'fleet', 'lab.xlsx');
    child = spawn(process.execPath, [BIN, 'lab', '--devices', '4', '--mix', 'cat9300,isr4451,panos', '--speed', '20', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stdout += d));
    const start = Date.now();
    while (!stdout.includes('Ctrl-C stops the lab.')) {
      if (Date.now() - start > 30_000) throw new Error(`lab did not start:\n${stdout}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const fleetDir = join(dir, 'fleet');
    const creds = join(fleetDir, 'lab-credentials.yaml');
    expect(statSync(creds).mode & 0o777).toBe(0o600);
    const c = parse(readFileSync(creds, 'utf8'));
    expect(c.default.username).toBe('netops');
    expect(c.firewalls.tls_fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const cells = openpyxlCells(out);
    const images = Object.entries(cells.Images).filter(([ref]) => /^C\d+$/.test(ref) && ref !== 'C1').map(([ref, file]) => ({ file, md5: cells.Images[`D${ref.slice(1)}`], sha512: cells.Images[`E${ref.slice(1)}`] }));
    expect(images.map((i) => i.file).sort()).toEqual(['cat9k_iosxe.17.09.05.SPA.bin', 'isr4400-universalk9.17.09.05.SPA.bin']);
    for (const img of images) {
      const bytes = readFileSync(join(fleetDir, 'images', img.file));
      expect(createHash('md5').update(bytes).digest('hex')).toBe(img.md5);
      expect(createHash('sha512').update(bytes).digest('hex')).toBe(img.sha512);
    }
    const hosts = Object.entries(cells.Devices).filter(([ref]) => /^A\d+$/.test(ref) && ref !== 'A1').map(([, v]) => v);
    expect(hosts).toHaveLength(5); // 4 devices and the Panorama their firewalls go through
    expect(stdout).toContain('upshift lab: 5 simulated devices: 4 to upgrade, plus pano-lab (Panorama) on 127.0.0.1');
    const sw = Object.entries(cells.Devices).find(([, v]) => v.includes('cat9300'))![0].slice(1);
    const port = Number(cells.Devices[`C${sw}`]);
    expect(stdout).toContain(`127.0.0.1:${port}`);
    // In the workbook's own state directory, where upshift looks by default.
    expect(readFileSync(join(fleetDir, '.upshift', 'lab', 'known_hosts'), 'utf8')).toContain(`[127.0.0.1]:${port} ssh-ed25519 `);
    const shell = await TestShell.open(port, 'netops', c.default.password);
    await enable(shell, cells.Devices[`A${sw}`], c.default.enable);
    expect(await shell.cmd('show version | include Version', promptOf(cells.Devices[`A${sw}`]))).toContain('Version 17.06.05');
    shell.end();

    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child!.on('close', r));
    expect(code).toBe(0);
    expect(stdout).toContain('lab stopped');
    expect(existsSync(creds)).toBe(false); // the lab's passwords do not outlive it
    expect(await isListening('127.0.0.1', port)).toBe(false);
  });

  it('refuses an unknown fault or model with exit 2', async () => {
    const dir = tempDir();
    const bad = await runCli(['lab', '--devices', '2', '--faults', 'melt@1', '--out', join(dir, 'x.xlsx')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--faults: "melt" is not an IOS-XE fault (known: auth, slow, disconnect-copy');
    const mix = await runCli(['lab', '--devices', '2', '--mix', 'nexus', '--out', join(dir, 'y.xlsx')]);
    expect(mix.code).toBe(2);
    expect(mix.stderr).toContain('unknown --mix entry "nexus"');
  });
});
