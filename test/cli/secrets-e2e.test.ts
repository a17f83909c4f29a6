// Secrets through bin/upshift: a device whose banner tells its enable secret
// and whose exec authorization then refuses the login. The device error quotes
// what the device said; the --json output, the log file, the state database and
// every other file upshift wrote hold it masked, never the lab's secrets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dev, startLabRun, type LabRun } from '../helpers/lab-run.js';

let run: LabRun;
beforeAll(async () => {
  run = await startLabRun([dev('leaky', 'cat9300', { faults: ['motd-secret', 'exec-refused'] }), dev('fine', 'cat9300')]);
});
afterAll(async () => run?.lab.stop());

/** Every file under a folder, as text. */
function filesUnder(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) for (const [k, v] of filesUnder(p)) out.set(k, v);
    else out.set(p, readFileSync(p).toString('latin1'));
  }
  return out;
}

describe('secrets in what upshift writes', () => {
  it('a device error quoting a banner with the enable secret: masked in --json, the log file and the state database', async () => {
    const r = await run.cli(['check', '--json']);
    expect(r.code).toBe(1);
    const { password, enable } = run.lab.credentials;
    // The device's words reached the outputs (this is not passing for want of an error).
    expect(r.stdout).toContain('% Authorization failed.');
    expect(r.stdout).toContain('the enable secret is ******');
    const files = filesUnder(run.state);
    const names = [...files.keys()].map((f) => f.slice(run.state.length + 1));
    expect(names).toEqual(expect.arrayContaining(['logs/upshift.jsonl', 'upshift.db']));
    expect(files.get(join(run.state, 'logs', 'upshift.jsonl'))).toContain('the enable secret is ******');
    for (const secret of [password, enable]) {
      expect(r.stdout).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
      for (const [file, text] of files) expect(text.includes(secret), file).toBe(false);
    }
  });
});
