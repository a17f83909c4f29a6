// Files on the simulated device: `copy http://…` performs the real GET and
// stores the bytes, `verify /md5|/sha512` hashes them for real, `delete`, and
// the SCP sink used by `scp` pushes (ip scp server enable).
import http from 'node:http';
import https from 'node:https';
import type { CliSession } from './cli.js';
import type { Handler } from './commands.js';
import type { IosxeSimDevice } from './device.js';

const ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'Connection refused', ETIMEDOUT: 'Timed out', EHOSTUNREACH: 'No route to host', ENOTFOUND: 'Unknown host', ECONNRESET: 'Connection reset by peer',
};

function localName(s: CliSession, path: string): string | null {
  const m = /^([a-z0-9-]+:)\/?(.*)$/i.exec(path);
  if (m && m[1].toLowerCase() !== s.state.fs) return null;
  return m ? m[2] : path;
}

export const copyCommand: Handler = async (s, args) => {
  const [src, dst] = args;
  if (!dst) return s.write('% Incomplete command.\n\n');
  if (/^(system:)?running-config$/i.test(src) && /^(nvram:)?startup-config$/i.test(dst)) {
    const a = await s.ask('Destination filename [startup-config]? ');
    if (a === null) return;
    return s.device.saveConfig(s);
  }
  if (!/^https?:\/\//i.test(src)) return s.write(`%Error opening ${src} (Protocol not supported by the lab)\n`);
  const name = localName(s, dst);
  if (name === null) return s.write(`%Error parsing filename (Invalid argument)\n`);
  const defaultName = name || decodeURIComponent(new URL(src).pathname.split('/').pop() ?? '');
  const answer = await s.ask(`Destination filename [${defaultName}]? `);
  if (answer === null) return;
  const target = answer.trim() || defaultName;
  if (s.state.files.has(target)) {
    const ok = await s.confirm('%Warning:There is a file already existing with this name\nDo you want to over write? [confirm]');
    if (!ok) return;
  }
  return httpCopy(s, src, target);
};

async function httpCopy(s: CliSession, url: string, target: string): Promise<void> {
  const dev = s.device;
  const d = s.state;
  d.copyAttempts++;
  d.log('copy', `${url} -> ${d.fs}${target}`);
  await s.write(`Accessing ${url}...\n`);
  const started = Date.now();
  const chunks: Buffer[] = [];
  let received = 0;
  let bangs = 0;
  const rate = dev.timings.copyBytesPerSec * dev.clock.speed;
  const chaosAt = dev.chaos?.nextCopy() ?? null;
  const dropAt = d.faults.has('disconnect-copy') && d.copyAttempts === 1 ? 0.4 : chaosAt;
  const result = await new Promise<{ ok: true; total: number } | { ok: false; message: string; partial: boolean }>((resolve) => {
    const get = url.startsWith('https') ? https.get : http.get;
    const req = get(url, { timeout: 15_000, rejectUnauthorized: false } as http.RequestOptions, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        const why = res.statusCode === 404 ? 'No such file or directory' : res.statusCode === 403 || res.statusCode === 401 ? 'Permission denied' : `HTTP ${res.statusCode}`;
        return resolve({ ok: false, message: `%Error opening ${url} (${why})`, partial: false });
      }
      const total = Number(res.headers['content-length'] ?? 0);
      void s.write(`Loading ${url} `);
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        const want = Math.floor(received / 65_536);
        if (want > bangs) {
          void s.write('!'.repeat(want - bangs));
          bangs = want;
        }
        if (received > d.freeBytes()) {
          req.destroy();
          return resolve({ ok: false, message: `\n%Error copying ${url} (Not enough space on device)`, partial: true });
        }
        if (dropAt !== null && total > 0 && received >= total * dropAt) {
          req.destroy();
          dev.storeFile(target, Buffer.concat(chunks)); // a partial file stays behind, as on a real box
          d.log('copy-dropped', `${received}/${total} bytes`);
          if (dropAt === chaosAt) d.log('chaos', `copy-drop: ${received}/${total} bytes`);
          dev.closeSession(s);
          return resolve({ ok: false, message: '', partial: true });
        }
        const ahead = received / rate - (Date.now() - started) / 1000;
        if (ahead > 0.01) {
          res.pause();
          setTimeout(() => res.resume(), ahead * 1000);
        }
      });
      res.on('end', () => resolve({ ok: true, total: received }));
      res.on('error', (err) => resolve({ ok: false, message: `\n%Error reading ${url} (${err.message})`, partial: true }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, message: `%Error opening ${url} (${ERRNO_TEXT[err.code ?? ''] ?? err.message})`, partial: received > 0 }));
  });
  if (!result.ok) {
    if (result.message) await s.write(`${result.message}\n`);
    return;
  }
  let bytes = Buffer.concat(chunks);
  if (d.faults.has('corrupt') && bytes.length > 0) {
    bytes = Buffer.from(bytes);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
  }
  dev.storeFile(target, bytes);
  const secs = Math.max(0.001, (Date.now() - started) / 1000);
  await s.write(`\n[OK - ${result.total}/4096 bytes]\n\n${result.total} bytes copied in ${secs.toFixed(3)} secs (${Math.round(result.total / secs)} bytes/sec)\n`);
}

export const verifyCommand: Handler = async (s, args, raw) => {
  const [algoArg, path, expected] = args;
  const algo = algoArg?.toLowerCase() === '/md5' ? 'md5' : algoArg?.toLowerCase() === '/sha512' ? 'sha512' : null;
  if (!algo) return s.invalid(raw, raw.indexOf(algoArg ?? '') >= 0 ? raw.indexOf(algoArg ?? '') : raw.length);
  if (!path) return s.write('% Incomplete command.\n\n');
  const name = localName(s, path);
  const file = name === null ? undefined : s.state.files.get(name);
  if (!file) return s.write(`%Error opening ${path} (No such file or directory)\n`);
  const dots = 20;
  const ms = 500 + (file.size / s.device.timings.verifyBytesPerSec) * 1000;
  // Dots on a schedule from the start: timer lateness must not add up over 20 dots.
  const started = Date.now();
  const total = s.device.clock.ms(ms);
  for (let i = 1; i <= dots; i++) {
    await s.write('.');
    await s.device.clock.sleepUntil(started + (total * i) / dots);
  }
  const digest = file.blob ? s.device.blobs.hash(file.blob, algo) : s.device.blobs.hash(s.device.blobs.put(Buffer.alloc(0)).id, algo);
  await s.write('Done!\n');
  if (expected) {
    if (expected.toLowerCase() === digest) return s.write(`Verified (${path}) = ${digest}\n`);
    return s.write(`%Error verifying ${path}\nComputed signature  = ${digest}\nSubmitted signature = ${expected}\n`);
  }
  return s.write(`verify /${algo} (${path}) = ${digest}\n`);
};

export const deleteCommand: Handler = async (s, args) => {
  const force = args[0]?.toLowerCase() === '/force';
  const path = force ? args[1] : args[0];
  if (!path) return s.write('% Incomplete command.\n\n');
  const name = localName(s, path);
  if (!force) {
    const a = await s.ask(`Delete filename [${name ?? path}]? `);
    if (a === null) return;
    if (!(await s.confirm(`Delete ${s.state.fs}${name ?? path}? [confirm]`))) return;
  }
  if (name === null || !s.state.files.delete(name)) return s.write(`%Error deleting ${path} (No such file or directory)\n`);
  s.state.log('delete', name);
};

/** SCP sink (`scp -t <path>`): the protocol side of an `scp` push. */
export function scpSink(dev: IosxeSimDevice, target: string, channel: NodeJS.ReadWriteStream & { exit(code: number): void; close(): void; stderr: { write(s: string): void } }): void {
  let header: { size: number; name: string } | null = null;
  let buffer = Buffer.alloc(0);
  const body: Buffer[] = [];
  let got = 0;
  const fail = (msg: string) => {
    channel.write(Buffer.from(`\x01scp: ${msg}\n`));
    channel.exit(1);
    channel.close();
  };
  channel.write(Buffer.from([0]));
  channel.on('data', (data: Buffer) => {
    buffer = Buffer.concat([buffer, data]);
    if (!header) {
      const nl = buffer.indexOf(10);
      if (nl < 0) return;
      const line = buffer.subarray(0, nl).toString();
      buffer = buffer.subarray(nl + 1);
      const m = /^C0[0-7]{3} (\d+) (.+)$/.exec(line);
      if (!m) return fail(`protocol error: ${line}`);
      const dir = target.replace(/^[a-z0-9-]+:\/?/i, '');
      header = { size: Number(m[1]), name: dir && !dir.endsWith('/') ? dir : m[2] };
      if (header.size > dev.state.freeBytes()) return fail(`${dev.state.fs}${header.name}: Not enough space on device`);
      channel.write(Buffer.from([0]));
    }
    if (header && buffer.length > 0) {
      const take = Math.min(buffer.length, header.size - got);
      body.push(buffer.subarray(0, take));
      got += take;
      buffer = buffer.subarray(take);
      if (got === header.size && buffer.length > 0) {
        let bytes = Buffer.concat(body);
        if (dev.state.faults.has('corrupt')) {
          bytes = Buffer.from(bytes);
          bytes[Math.floor(bytes.length / 2)] ^= 0xff;
        }
        dev.storeFile(header.name, bytes);
        dev.state.log('scp', `${header.name} ${got} bytes`);
        channel.write(Buffer.from([0]));
        channel.exit(0);
        channel.close();
      }
    }
  });
}
