// The forecast in words (`upshift status`) and in the console header, while
// some devices are not timed yet: a time the run cannot end before.
import { describe, expect, it } from 'vitest';
import { forecastLines } from '../../src/cli/forecast-text.js';
import { etaSegments } from '../../src/ui/components/Chrome.js';
import { FleetModel } from '../../src/ui/model.js';
import { clockTime } from '../../src/ui/format.js';
import type { RunForecast } from '../../src/engine/forecast-data.js';
import type { RunRecord } from '../../src/store/records.js';

const NOW = Date.parse('2026-12-04T01:00:00Z');
const run: RunRecord = { id: 7, command: 'run', startedAt: new Date(NOW - 60_000).toISOString(), endedAt: null, outcome: null, user: 'op', pid: 1, host: 'h', changeId: null, plan: null };
const partly = (atLeast: number | null): RunForecast => ({ run, windowEnd: null, forecast: { finishAt: null, devices: [], late: [], unknown: ['fw-a', 'fw-b'], atLeast } });

describe('forecast text while some devices are not timed yet', () => {
  it('status says when the run cannot end before, and which devices are untimed', () => {
    const [line] = forecastLines(partly(NOW + 600_000), NOW);
    expect(line).toContain(`no ETA yet (not before ${clockTime(NOW + 600_000)}; no duration known for fw-a, fw-b)`);
    expect(forecastLines(partly(null), NOW)[0]).toContain('no ETA yet (no duration known for fw-a, fw-b)');
  });

  it('the console header shows the floor and how many devices are untimed', () => {
    const model = new FleetModel([]);
    model.run = { ...model.run, phase: 'running', command: 'run' };
    model.setForecast({ finishAt: null, windowEnd: null, late: [], atLeast: NOW + 600_000, untimed: 2 });
    const text = etaSegments(model, NOW).map((s) => s.t).join('');
    expect(text).toMatch(/ETA not before \d\d:\d\d \(2 devices not timed yet\)/);
  });
});
