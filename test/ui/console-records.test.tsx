// The console and the change record: the ETA against the window end in the
// header; the promote gate (no device of its own) in the approvals pane,
// approved there; and the metrics endpoint of a console session showing
// devices moving and the gate waiting for the operator.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { dev } from '../helpers/lab-run.js';
import { KEY, rowOf, startConsole, type ConsoleRig } from '../helpers/console.js';
import { scrape } from '../helpers/receiver.js';

let rig: ConsoleRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const three = () => [dev('c-1', 'cat9300'), dev('n-1', 'cat9300'), dev('n-2', 'isr4451')];

describe('console: the change record', () => {
  it('shows the ETA against the window end in the header, and the devices that would not fit', async () => {
    // Two minutes' pause before each later wave: neither fits a window that closes a minute or so from now.
    rig = await startConsole(three(), { settings: { canary: 1, batch_size: 1, pause_between_waves: '2 min' }, windowEnd: new Date(Date.now() + 100_000), options: { yes: true }, size: { columns: 160, rows: 40 } });
    await rig.waitFor('READY – s starts');
    expect(rig.frame()).not.toContain('ETA');
    await rig.press('s');
    await rig.waitFor((f) => /upgraded/.test(rowOf(f, 'c-1')));
    const f = await rig.waitFor(/ETA \d\d:\d\d \(\dm\d\ds\) after the window closes: 2 devices would not fit/);
    const header = f.split('\n')[0];
    expect(header).toMatch(/RUNNING wave 1\/3 \(1\/1 done\)\s+window \d\d:\d\d–\d\d:\d\d \([\dhms]+ left\)\s+ETA/);
  }, 60_000);

  it('shows the promote gate in the approvals pane; the rest waits until it is approved there; metrics show it waiting', async () => {
    const port = await freePort();
    rig = await startConsole(three(), { settings: { canary: 1, batch_size: 2, promote: 'manual' }, options: { approve: ['reload'], metricsAddress: `127.0.0.1:${port}`, change: 'CHG-7' } });
    const url = `http://127.0.0.1:${port}/metrics`;
    await rig.waitFor('READY – s starts');
    expect((await scrape(url)).text).toContain('upshift_devices{status="ready",change="CHG-7"} 3');
    const logins = () => ['n-1', 'n-2'].map((h) => rig!.run.lab.device(h).state.count('login'));
    const before = logins();
    const journals = () => ['n-1', 'n-2'].map((h) => rig!.session.journal(h));
    const checked = journals();
    await rig.press('s');
    let f = await rig.waitFor(/Approvals \(1\)/);
    expect(f).toMatch(/promote\s+wave 1 \(canary\)/);
    expect(rowOf(f, 'c-1')).toMatch(/upgraded/);
    const m = (await scrape(url)).text;
    expect(m).toContain('upshift_gates_waiting{kind="promote",change="CHG-7"} 1');
    expect(m).toContain('upshift_devices{status="upgraded",change="CHG-7"} 1');
    // Held at the gate: the rest has not been touched since the readiness check, and nothing of this run started on it.
    expect(logins()).toEqual(before);
    expect(journals()).toEqual(checked);
    for (const h of ['n-1', 'n-2']) expect(rowOf(f, h)).toMatch(/\sready\s/);
    await rig.press(KEY.tab, 'a');
    f = await rig.waitFor('Approve PROMOTE');
    expect(f).toMatch(/wave 1 \(canary\)/);
    expect(f).toMatch(/impact:\s+the rest of the run starts: 2 devices in 1 wave/);
    expect(f).toMatch(/also:\s+c-1: upgraded/);
    await rig.press('y');
    await rig.waitFor((x) => ['n-1', 'n-2'].every((h) => /upgraded/.test(rowOf(x, h))), 40_000);
    // The same measure moves once the gate is approved: it could have caught a device touched too early.
    expect(logins().every((n, i) => n > before[i])).toBe(true);
    expect(journals()).not.toEqual(checked);
    expect(rig.frame()).toMatch(/✓ promote wave 1 \(canary\) \S+/);
    expect((await scrape(url)).text).toContain('upshift_gates_waiting{kind="promote",change="CHG-7"} 0');
  }, 60_000);
});
