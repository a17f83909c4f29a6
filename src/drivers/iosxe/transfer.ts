// Getting the image onto the device: the device pulls it over HTTP from
// upshift's image server, or upshift pushes it with SCP. A copy that is
// already there with the right hash is never made again.
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { ClientChannel } from 'ssh2';
import type { DriverHooks, ImageSpec } from '../contract.js';
import type { StageInput } from './types.js';
import { DeviceError } from '../errors.js';
import type { SshTransport } from '../ssh/transport.js';
import { DIALOGUES } from './dialogues.js';
import { parseDir } from './parsers/dir.js';
import { parseVerify } from './parsers/misc.js';
import type { IosxeSession } from './session.js';

/** Digest of a file on flash: sha512 when the Images sheet has it, else md5. */
export async function deviceDigest(s: IosxeSession, image: ImageSpec, filesystem: string, step: string): Promise<{ algo: 'md5' | 'sha512'; expected: string; actual: string }> {
  const algo = image.sha512 ? 'sha512' : 'md5';
  const expected = (image.sha512 ?? image.md5 ?? '').toLowerCase();
  const [out] = await s.runReadOnly([`verify /${algo} ${filesystem}${image.file}`], step, 'operation');
  try {
    return { algo, expected, actual: parseVerify(out, algo) };
  } catch (err) {
    throw new DeviceError(s.target.hostname, step, 'command', `cannot verify ${filesystem}${image.file}`, out.trim(), false);
  }
}

export async function presentAndVerified(s: IosxeSession, input: StageInput, step: string): Promise<'verified' | 'absent' | 'different'> {
  const [dir] = await s.runReadOnly([`dir ${input.filesystem}`], step);
  s.failIfRefused(`dir ${input.filesystem}`, dir, step);
  const listing = parseDir(dir, `dir ${input.filesystem}`);
  const file = listing.files.find((f) => f.name === input.image.file);
  if (!file) return 'absent';
  if (input.image.size !== null && file.size !== input.image.size) return 'different';
  const d = await deviceDigest(s, input.image, input.filesystem, step);
  return d.actual === d.expected ? 'verified' : 'different';
}

/** `copy http://… flash:` with the destination and overwrite questions answered. */
export async function httpPull(s: IosxeSession, input: StageInput, step: string): Promise<string> {
  if (!input.url) throw new DeviceError(s.target.hostname, step, 'precondition', 'no image server URL for an HTTP transfer', undefined, false);
  const dest = `${input.filesystem}${input.image.file}`;
  const out = await s.run(`copy ${input.url} ${dest}`, { step, timeout: 'operation', allowErrors: true, dialogues: [DIALOGUES.destination, DIALOGUES.overwrite] });
  if (/bytes copied in/.test(out)) return out;
  const err = /%Error[^\n]*/.exec(out)?.[0] ?? out.trim().split('\n').at(-1) ?? '';
  if (/Not enough space|No space/i.test(err)) throw new DeviceError(s.target.hostname, step, 'no-space', `no room for ${input.image.file} on ${input.filesystem}`, err, false);
  const transient = /Connection refused|Timed out|timed out|reset|unreachable/i.test(err);
  throw new DeviceError(s.target.hostname, step, 'command', `the copy of ${input.image.file} failed`, err, transient);
}

/** SCP push: upshift is the client, the device's SCP server (ip scp server enable) the sink. */
export async function scpPush(transport: SshTransport, device: string, input: StageInput, hooks: DriverHooks, step: string): Promise<void> {
  if (!input.localFile) throw new DeviceError(device, step, 'precondition', 'no local image file for an SCP transfer', undefined, false);
  const total = statSync(input.localFile).size;
  const ch: ClientChannel = await transport.exec(`scp -t ${input.filesystem}${input.image.file}`);
  const acks: ((err?: Error) => void)[] = [];
  let failure: string | null = null;
  ch.on('data', (d: Buffer) => {
    for (let i = 0; i < d.length; i++) {
      if (d[i] === 0) acks.shift()?.();
      else {
        failure = d.subarray(i + 1).toString().trim() || 'scp error';
        for (const a of acks.splice(0)) a(new Error(failure));
        return;
      }
    }
  });
  const closed = new Promise<void>((resolve) => ch.on('close', () => resolve()));
  ch.on('close', () => { for (const a of acks.splice(0)) a(new Error(failure ?? 'the SCP channel closed (is "ip scp server enable" configured?)')); });
  const ack = () => new Promise<void>((resolve, reject) => acks.push((err) => (err ? reject(err) : resolve())));
  try {
    await ack();
    ch.write(`C0644 ${total} ${basename(input.image.file)}\n`);
    await ack();
    let sent = 0;
    for await (const chunk of createReadStream(input.localFile, { highWaterMark: 256 * 1024 })) {
      if (!ch.write(chunk)) await new Promise((r) => ch.once('drain', r));
      sent += (chunk as Buffer).length;
      hooks.onProgress?.({ step, done: sent, total });
    }
    const done = ack();
    ch.write(Buffer.from([0]));
    await done;
  } catch (err) {
    throw new DeviceError(device, step, /space/i.test((err as Error).message) ? 'no-space' : 'command', `the SCP push of ${input.image.file} failed`, (err as Error).message, false);
  } finally {
    ch.end();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
  }
}
