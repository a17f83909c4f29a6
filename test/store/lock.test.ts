// The lock file on its own: who holds it, taking over a dead holder's lock,
// and exactly one winner when several processes race for the same one.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { acquireLock, holderAlive, LockHeldError, processStart, readLockHolder, type LockHolder } from '../../src/store/lock.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/workbooks.js';

const who = { command: 'upshift run', user: 'alice', what: 'the workbook fleet.xlsx' };

/** The pid of a process that has ended (so certainly not running). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function holder(extra: Partial<LockHolder>): LockHolder {
  return { pid: 1, host: hostname(), user: 'bob', command: 'upshift run', since: '2026-12-05T01:00:00.000Z', what: 'the workbook fleet.xlsx', started: null, ...extra };
}

const RACERS = 6;

describe('lock file', () => {
  it('names its holder, refuses a second taker, and is gone once released', () => {
    const file = join(tempDir(), 'upshift.lock');
    const lock = acquireLock(file, who);
    const written = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    expect(written).toMatchObject({ pid: process.pid, host: hostname(), user: 'alice', command: 'upshift run' });
    expect(Date.now() - Date.parse(written.since)).toBeLessThan(60_000);
    expect(lock.takenOver).toBeNull();

    let err: unknown;
    try {
      acquireLock(file, { ...who, user: 'carol' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LockHeldError);
    expect((err as Error).message).toContain(`the workbook fleet.xlsx is in use by another upshift: "upshift run" (pid ${process.pid} on host ${hostname()}, user alice`);
    expect(readLockHolder(file)?.pid).toBe(process.pid);

    lock.release();
    expect(existsSync(file)).toBe(false);
    expect(readLockHolder(file)).toBeNull();
    acquireLock(file, who).release();
  });

  it('takes over the lock of a process that is gone, or whose pid now belongs to a later process', () => {
    const dir = tempDir();
    const dead = holder({ pid: deadPid() });
    writeFileSync(join(dir, 'a.lock'), JSON.stringify(dead));
    expect(holderAlive(dead)).toBe(false);
    const a = acquireLock(join(dir, 'a.lock'), who);
    expect(a.takenOver).toMatchObject({ pid: dead.pid, user: 'bob' });
    expect(JSON.parse(readFileSync(join(dir, 'a.lock'), 'utf8')).pid).toBe(process.pid);
    a.release();

    // This very pid is running, but it started at another time than the lock says: reused.
    if (processStart(process.pid) !== null) {
      const reused = holder({ pid: process.pid, started: '1' });
      expect(holderAlive(reused)).toBe(false);
      writeFileSync(join(dir, 'b.lock'), JSON.stringify(reused));
      expect(acquireLock(join(dir, 'b.lock'), who).takenOver?.started).toBe('1');
    }
  });

  it('never takes over a lock held on another host, and says how to clear it', () => {
    const file = join(tempDir(), 'upshift.lock');
    writeFileSync(file, JSON.stringify(holder({ pid: deadPid(), host: 'nms-2.example.net' })));
    expect(() => acquireLock(file, who)).toThrow(/on host nms-2\.example\.net.*cannot tell whether it is still alive; if it is not, delete .*upshift\.lock/s);
    expect(JSON.parse(readFileSync(file, 'utf8')).host).toBe('nms-2.example.net');
  });

  it('release leaves alone a lock that another process has taken over since', () => {
    const file = join(tempDir(), 'upshift.lock');
    const lock = acquireLock(file, who);
    const other = holder({ pid: process.ppid });
    writeFileSync(file, JSON.stringify(other));
    lock.release();
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.ppid);
  });

  it('lets exactly one of several processes starting together have a dead holder\'s lock', async () => {
    const file = join(tempDir(), 'upshift.lock');
    writeFileSync(file, JSON.stringify(holder({ pid: deadPid() })));
    // Each racer loads the code, says ready, and races on 'go'; it holds what it got until told
    // to end, so a late one cannot take a released lock.
    const script = `
      import { acquireLock } from ${JSON.stringify(join(ROOT, 'dist/store/lock.js'))};
      process.stdout.write('ready\\n');
      process.stdin.once('data', () => {
        let result = 'refused';
        try { acquireLock(${JSON.stringify(file)}, { command: 'upshift run', user: 'r', what: 'x' }); result = 'got'; } catch (e) { if (!e.constructor.name.includes('LockHeld')) result = 'error ' + e.message; }
        process.stdout.write(result + '\\n');
        process.stdin.once('data', () => process.exit(0));
      });`;
    const racers = Array.from({ length: RACERS }, () => spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] }));
    const lines = racers.map((c) => {
      const queue: string[] = [];
      let wake: (() => void) | null = null;
      c.stdout.on('data', (d: Buffer) => {
        queue.push(...d.toString().split('\n').filter(Boolean));
        wake?.();
      });
      return async () => {
        while (queue.length === 0) await new Promise<void>((r) => (wake = r));
        return queue.shift()!;
      };
    });
    expect(await Promise.all(lines.map((next) => next()))).toEqual(Array(RACERS).fill('ready'));
    for (const c of racers) c.stdin.write('go\n');
    const answers = await Promise.all(lines.map((next) => next()));
    for (const c of racers) c.stdin.end('bye\n');
    await Promise.all(racers.map((c) => new Promise((r) => c.on('close', r))));
    expect(answers.sort()).toEqual(['got', ...Array(RACERS - 1).fill('refused')]);
  });
});
