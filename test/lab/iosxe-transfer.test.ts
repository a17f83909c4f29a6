// Image transfer on the simulated IOS-XE device: real HTTP GET, real hashes,
// the SCP sink, and the copy prompts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { Client } from 'ssh2';
import { Lab } from '../../src/lab/lab.js';
import type { LabDeviceSpec } from '../../src/lab/fleet.js';
import type { LabImage } from '../../src/lab/images.js';
import { enable, promptOf, TestShell } from '../helpers/ssh-shell.js';
import { serveImages, type ImageServer } from '../helpers/http-images.js';

const spec = (hostname: string, kind: string, faults: string[] = []): LabDeviceSpec => ({ hostname, kind, version: '17.6.5', target: '17.9.5', faults, site: 'lab', role: 't', group: 't' });

let lab: Lab;
let http: ImageServer;
let img: LabImage;
beforeAll(async () => {
  lab = await Lab.start({ speed: 50, imageSize: 1024 * 1024, fleet: [spec('sw1', 'cat9300'), spec('sw2', 'cat9300'), spec('sw3', 'cat9300'), spec('sw4', 'cat9300')] });
  img = lab.images()[0];
  http = await serveImages(lab.images());
});
afterAll(async () => {
  await http?.close();
  await lab?.stop();
});

async function shellOn(host: string) {
  const s = await TestShell.open(lab.device(host).port, lab.credentials.username, lab.credentials.password);
  await enable(s, host, lab.credentials.enable);
  return s;
}

describe('IOS-XE lab: image transfer', () => {
  it('copies over HTTP with the destination prompt, progress and byte counts, and verifies md5 and sha512 for real', async () => {
    const s = await shellOn('sw1');
    s.send(`copy ${http.url(img.file)} flash:\n`);
    await s.waitFor(new RegExp(`Destination filename \\[${img.file.replace(/\./g, '\\.')}\\]\\? $`));
    s.send('\n');
    const out = await s.waitFor(promptOf('sw1'));
    expect(out).toContain(`Accessing ${http.url(img.file)}...`);
    expect(out).toMatch(/Loading .* !{16}/);
    expect(out).toContain(`[OK - ${img.size}/4096 bytes]`);
    expect(out).toMatch(new RegExp(`${img.size} bytes copied in [\\d.]+ secs \\(\\d+ bytes/sec\\)`));
    expect(await s.cmd(`verify /md5 flash:${img.file}`, promptOf('sw1'))).toContain(`verify /md5 (flash:${img.file}) = ${img.md5}`);
    expect(await s.cmd(`verify /sha512 flash:${img.file}`, promptOf('sw1'))).toContain(`verify /sha512 (flash:${img.file}) = ${img.sha512}`);
    expect(await s.cmd(`verify /md5 flash:${img.file} ${img.md5}`, promptOf('sw1'))).toContain(`Verified (flash:${img.file}) = ${img.md5}`);
    expect(await s.cmd(`verify /md5 flash:${img.file} ${'0'.repeat(32)}`, promptOf('sw1'))).toContain(`%Error verifying flash:${img.file}`);
    expect(await s.cmd('dir flash:', promptOf('sw1'))).toMatch(new RegExp(`-rw-\\s+${img.size}\\s+.*${img.file.replace(/\./g, '\\.')}`));
    // Copying again asks before overwriting.
    s.send(`copy ${http.url(img.file)} flash:\n`);
    await s.waitFor(/\]\? $/);
    s.send('\n');
    await s.waitFor(/Do you want to over write\? \[confirm\]$/);
    s.send('n\n');
    await s.waitFor(promptOf('sw1'));
    s.end();
  });

  it('reports HTTP and connection errors as IOS does', async () => {
    const s = await shellOn('sw2');
    s.send(`copy ${http.url('missing.bin')} flash:\n`);
    await s.waitFor(/\]\? $/);
    s.send('\n');
    expect(await s.waitFor(promptOf('sw2'))).toContain(`%Error opening ${http.url('missing.bin')} (No such file or directory)`);
    s.send('copy http://127.0.0.1:1/x.bin flash:\n');
    await s.waitFor(/\]\? $/);
    s.send('\n');
    expect(await s.waitFor(promptOf('sw2'))).toContain('%Error opening http://127.0.0.1:1/x.bin (Connection refused)');
    expect(await s.cmd('verify /md5 flash:nothing.bin', promptOf('sw2'))).toContain('%Error opening flash:nothing.bin (No such file or directory)');
    s.end();
  });

  it('accepts an SCP push only once ip scp server is enabled, and stores the real bytes', async () => {
    const dev = lab.device('sw3');
    const push = () => new Promise<string>((resolve) => {
      const c = new Client();
      c.on('error', (e) => resolve(`error: ${e.message}`));
      c.on('ready', () => c.exec(`scp -t flash:${img.file}`, (err, ch) => {
        if (err) {
          c.end();
          return resolve(`rejected: ${err.message}`);
        }
        let step = 0;
        ch.on('data', (d: Buffer) => {
          if (d[0] !== 0) return resolve(`error: ${d.toString()}`);
          step++;
          if (step === 1) ch.write(`C0644 ${img.size} ${img.file}\n`);
          else if (step === 2) {
            ch.write(img.bytes);
            ch.write(Buffer.from([0]));
          } else if (step === 3) {
            c.end();
            resolve('ok');
          }
        });
      })).connect({ host: '127.0.0.1', port: dev.port, username: 'netops', password: lab.credentials.password });
    });
    expect(await push()).toMatch(/^rejected/);
    const s = await shellOn('sw3');
    await s.cmd('configure terminal', /\(config\)#$/);
    await s.cmd('ip scp server enable', /\(config\)#$/);
    await s.cmd('end', promptOf('sw3'));
    s.end();
    expect(await push()).toBe('ok');
    const f = dev.state.files.get(img.file)!;
    expect(createHash('md5').update(dev.blobs.get(f.blob!)!).digest('hex')).toBe(img.md5);
    expect(dev.state.journal.some((e) => e.kind === 'scp' && e.detail === `${img.file} ${img.size} bytes`)).toBe(true);
  });

  it('an SCP server turned on and off again leaves running and startup saying the same; the change clock still moves', async () => {
    const dev = lab.device('sw4');
    const s = await shellOn('sw4');
    const body = (text: string) => text.split('\r\n').slice(1).filter((l) => /^(?!Building|Current configuration|Using \d|! Last|! NVRAM|! No configuration|\s*$)/.test(l) && !promptOf('sw4').test(`\r\n${l}`));
    const startup = body(await s.cmd('show startup-config', promptOf('sw4')));
    expect(startup).toContain('logging buffered 16384');
    expect(startup).not.toContain('ip scp server enable');
    await s.cmd('configure terminal', /\(config\)#$/);
    await s.cmd('ip scp server enable', /\(config\)#$/);
    await s.cmd('end', promptOf('sw4'));
    expect(body(await s.cmd('show running-config', promptOf('sw4')))).toContain('ip scp server enable');
    await s.cmd('configure terminal', /\(config\)#$/);
    await s.cmd('no ip scp server enable', /\(config\)#$/);
    await s.cmd('end', promptOf('sw4'));
    const running = await s.cmd('show running-config', promptOf('sw4'));
    expect(body(running)).toEqual(startup);
    // The header lines and the save question go by the change, not by the texts.
    expect(dev.state.lastChange!.at.getTime()).toBeGreaterThan(dev.state.nvramSaved.at.getTime());
    expect(running).toMatch(/^! Last configuration change at /m);
    s.send('reload\n');
    await s.waitFor(/System configuration has been modified\. Save\? \[yes\/no\]: $/);
    s.send('no\n');
    await s.waitFor(/\[confirm\]$/);
    s.send('n\n');
    await s.waitFor(promptOf('sw4'));
    // An operator's own change shows in the running configuration only, until saved.
    await s.cmd('configure terminal', /\(config\)#$/);
    await s.cmd('logging buffered 64000', /\(config\)#$/);
    expect(await s.cmd('logging buffered 12', /\(config\)#$/)).toContain('% Invalid input detected');
    await s.cmd('end', promptOf('sw4'));
    expect(body(await s.cmd('show running-config', promptOf('sw4')))).toContain('logging buffered 64000');
    expect(body(await s.cmd('show startup-config', promptOf('sw4')))).toContain('logging buffered 16384');
    s.end();
  });
});
