// The credentials file: refused with a message that says what is wrong with
// it, never quoting a secret, and never a hint that would harm (chmod on a folder).
import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCredentialsFile } from '../../src/store/credentials.js';
import { buildWorkbook, DEVICE_HEADER, IMAGE_HEADER, IMAGE_ROW, tempDir, validDevices } from '../helpers/workbooks.js';
import { runCli } from '../helpers/cli.js';

function file(dir: string, name: string, text: string, mode = 0o600): string {
  const f = join(dir, name);
  writeFileSync(f, text, { mode });
  chmodSync(f, mode);
  return f;
}

describe('credentials file', () => {
  it('reads entries from YAML and JSON', () => {
    const dir = tempDir();
    const y = loadCredentialsFile(file(dir, 'c.yaml', 'default:\n  username: netops\n  password: "s3cret!x"\n  enable: en4ble\n'));
    expect(y.get('default')).toMatchObject({ username: 'netops', password: 's3cret!x', enable: 'en4ble', verifyTls: true });
    const j = loadCredentialsFile(file(dir, 'c.json', '{"fw": {"api_key": "LUFRPT1abc", "verify_tls": false}}'));
    expect(j.get('fw')).toMatchObject({ apiKey: 'LUFRPT1abc', verifyTls: false });
  });

  it.each([
    ['a folder', (dir: string) => { const d = join(dir, 'cdir'); mkdirSync(d, { mode: 0o777 }); chmodSync(d, 0o777); return d; }, /is a folder: give the path of the YAML or JSON file$/],
    ['a missing file', (dir: string) => join(dir, 'nope.yaml'), /cannot read credentials file .*nope\.yaml: no such file$/],
    ['a file others can read', (dir: string) => file(dir, 'open.yaml', 'default:\n  username: a\n', 0o644), /is readable by group or others \(mode 644\); run: chmod 600 /],
    ['broken YAML', (dir: string) => file(dir, 'bad.yaml', 'default:\n  username: netops\n  password: "s3cret-unterminated\n'), /is not valid YAML \(line \d+, column \d+\)$/],
    ['broken JSON', (dir: string) => file(dir, 'bad.json', '{"default": {"username": "netops", "password": "s3cret-x",}}'), /is not valid JSON \(line 1, column \d+\)$/],
    ['an unknown key', (dir: string) => file(dir, 'key.yaml', 'default:\n  usrname: netops\n  password: s3cret-y\n'), /default\.\(entry\): unknown key\(s\) usrname/],
  ])('%s is refused with what is wrong, quoting no secret', (_what, make, message) => {
    const f = make(tempDir());
    let err: Error | null = null;
    try {
      loadCredentialsFile(f);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toMatch(message);
    expect(err?.message).not.toMatch(/s3cret/);
  });

  it('a folder given as --credentials is bad usage (exit 2), and nothing is created', async () => {
    const dir = tempDir();
    const workbook = await buildWorkbook(join(dir, 'fleet.xlsx'), { Devices: [[...DEVICE_HEADER], ...validDevices().slice(1)], Images: [[...IMAGE_HEADER], [...IMAGE_ROW]] });
    const r = await runCli(['check', '--workbook', workbook, '--credentials', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`credentials file ${dir} is a folder`);
    expect(r.stderr).not.toContain('chmod');
    expect(existsSync(join(dir, '.upshift'))).toBe(false);
  });
});
