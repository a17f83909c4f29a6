// The CLI tests run bin/upshift, which runs dist/: build it first (incremental).
// Every temporary folder of the run (tests' and the commands' they start) goes
// under one root that teardown removes, so a test run leaves nothing in /tmp.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup() {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  const runTmp = mkdtempSync(join(tmpdir(), 'upshift-vitest-'));
  process.env.TMPDIR = runTmp;
  return () => rmSync(runTmp, { recursive: true, force: true });
}
