// `upshift stage` the night before, `upshift run --yes` in the window, for a
// device behind a jump host (staged by SCP, as it cannot reach upshift's image
// server), and one an operator changed without saving between the two: the real
// CLI against the lab.
import { afterEach, describe, expect, it } from 'vitest';
import { dev, startLabRun, type LabRun } from '../helpers/lab-run.js';

let current: LabRun | null = null;
afterEach(async () => {
  await current?.lab.stop();
  current = null;
});

describe('stage, then run, by SCP through a jump host', () => {
  it('a staged device is not blocked by its own staging; an unsaved change made after it is, and stays unsaved', async () => {
    current = await startLabRun([
      dev('edge-1', 'isr4451', { via: 'jump' }), dev('edge-2', 'isr4451', { via: 'jump' }),
      { hostname: 'jump', kind: 'jumphost', version: '', target: null, faults: [], site: 'lab', role: 'j', group: 'm' },
    ]);
    const staged = await current.cli(['stage']);
    expect(staged.code, staged.stdout).toBe(0);
    expect(staged.stdout).toMatch(/edge-1 +stage +ok .*pushed with SCP to bootflash:; ip scp server enable removed again, the running configuration matches the startup configuration as before/);
    const edge1 = current.lab.device('edge-1').state;
    const edge2 = current.lab.device('edge-2').state;
    for (const [h, d] of [['edge-1', edge1], ['edge-2', edge2]] as const) {
      expect(current.statuses()[h].status, h).toBe('staged');
      expect(d.journal.filter((e) => e.kind === 'scp'), h).toHaveLength(1);
      expect(d.scpServer, h).toBe(false);
      expect(d.journal.some((e) => e.kind === 'save'), h).toBe(false);
    }
    // Overnight, someone changes edge-2 and does not save.
    edge2.loggingBuffered = 64000;
    edge2.configChanged();

    const run = await current.cli(['run', '--yes']);
    expect(run.stdout).toMatch(/edge-2\s+BLOCKED\s+config-saved: running-config differs from startup-config \(unsaved changes\)/);
    expect(run.stdout).not.toMatch(/edge-1\s+BLOCKED/);
    const st = current.statuses();
    expect(st['edge-1']).toMatchObject({ status: 'upgraded', current: '17.9.5' });
    expect(st['edge-2'].status).toBe('blocked');
    // upshift saved neither the operator's change nor anything else on the blocked device.
    expect(edge2.journal.some((e) => e.kind === 'save')).toBe(false);
    expect([edge2.loggingBuffered, edge2.loggingBufferedSaved]).toEqual([64000, 16384]);
  }, 120_000);
});
