// PAN-OS readiness end to end: one lab firewall per fault the lab can show,
// `upshift run --yes` — each is blocked by its own check, with a reason the
// operator can act on, in the workbook; nothing restarts; a healthy firewall
// in the same run is upgraded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabRun, type LabRun } from '../helpers/lab-run.js';
import { count, editWorkbook, fw, pano, setDeviceCell } from './panos-e2e.js';

const DATE = '\\d{4}-\\d\\d-\\d\\d';
const UNREACHABLE = "11.1.4-h7, 11.1.0 are not offered by the update server (from the firewall's cached list: the update server could not be reached: Failed to check upgrade info due to Unknown error. Please check network connectivity and try again.)";

/** Host, its faults, and the failing checks expected (exact text, or a pattern). */
const CASES: [string, string[], (string | RegExp)[]][] = [
  ['f-disk', ['disk-full'], [/^disk: 500 MB free on \/opt\/panrepo < \d+ MB needed$/]],
  ['f-pending', ['pending-changes'], ['pending-changes: uncommitted configuration changes: commit or revert them first']],
  ['f-full', ['full-commit-required'], ['full-commit: a full commit is required (check full-commit-required): commit the whole configuration first']],
  ['f-cfglock', ['config-lock'], ['config-lock: configuration locked by jdoe since 2026/01/20 08:14:02 ("CHG0042 firewall rule review"): ask them to release it']],
  ['f-commitlock', ['commit-lock'], ['commit-lock: commits locked by jdoe since 2026/01/20 08:14:02 ("CHG0042 firewall rule review"): ask them to release it']],
  ['f-licence', ['license-expired'], [new RegExp(`^licenses: expired: Threat Prevention \\(${DATE}\\)$`)]],
  ['f-support', ['support-expired'], [new RegExp(`^licenses: expired: Premium \\(${DATE}\\)$`), new RegExp(`^support: support expired on ${DATE} \\(Premium\\)$`)]],
  ['f-content', ['content-old'], ['content: content 8650-7911 < 8756, the minimum of 11.1: install newer Applications and Threats content first']],
  ['f-ntp', ['ntp-unsynced'], ['ntp: not synchronised: on its local clock (0.pool.ntp.org, 1.pool.ntp.org unreachable)']],
  ['f-pano', ['panorama-disconnected'], ['panorama: 127.0.0.1 not connected']],
  ['f-cpu', ['cpu-high'], ['mp-cpu: MP CPU 93% ≥ 80%', /^dp-cpu: DP CPU dp0 9\d(\.\d)?% \(5 min\) ≥ 80%$/]],
  ['f-mem', ['mem-high'], ['mp-memory: MP memory 95% used ≥ 80%']],
  ['f-cert', ['cert-weak'], ['certificates: weak certificates: legacy-vpn-1024 (RSA 1024 bits, sha1): replace them (RSA ≥ 2048, EC ≥ 256, SHA-256 or better)']],
  // The two clocks are read one after the other: under load the lab's 47 s shows as 46–48 s.
  ['f-clock', ['clock-skew', 'multi-dp'], [/^planes-clock: data plane clocks apart from the management plane: dp0 \+4[6-8] s, dp1 \+4[6-8] s, dp2 \+4[6-8] s$/]],
  ['f-unreach', ['update-unreachable'], [`upgrade-path: ${UNREACHABLE}`]],
  ['f-stale', ['update-unreachable', 'stale-info'], [`upgrade-path: ${UNREACHABLE}`]],
  ['p-a', ['not-synced'], ['ha-sync: configuration not synchronized']],
  ['p-b', [], ['ha-sync: configuration not synchronized']],
];

let run: LabRun;
let code: number | null = null;
let stdout = '';

beforeAll(async () => {
  run = await startLabRun([
    ...CASES.filter(([h]) => !h.startsWith('p-')).map(([hostname, faults]) => fw(hostname, { faults, ...(hostname === 'f-pano' ? { via: 'pano' } : {}) })),
    fw('p-a', { haPeer: 'p-b', haRole: 'active', faults: ['not-synced'] }), fw('p-b', { haPeer: 'p-a', haRole: 'passive' }),
    fw('healthy'), pano(),
  ], { settings: { canary: 50, concurrency: 20, max_failure_percent: 100 } });
  // f-pano is managed by Panorama (its panorama-status names it) but reached directly: Panorama cannot reach it.
  await editWorkbook(run, (wb) => setDeviceCell(wb, 'f-pano', 'via', null));
  const r = await run.cli(['run', '--yes'], 180_000);
  code = r.code;
  stdout = r.stdout;
}, 240_000);
afterAll(async () => run?.lab.stop());

describe('PAN-OS readiness, end to end', () => {
  it('the run ends with blocked firewalls, and the healthy one upgraded', () => {
    expect(code, stdout).toBe(1);
    expect(run.statuses().healthy).toMatchObject({ status: 'upgraded', current: '11.1.4-h7' });
  });

  it.each(CASES)('%s (%j) is blocked by its own check, with its reason, and nothing restarts', (host, _faults, reasons) => {
    const st = run.statuses()[host];
    expect(st.status, st.message).toBe('blocked');
    const got = st.message.split('; ');
    expect(got, st.message).toHaveLength(reasons.length);
    reasons.forEach((want, i) => (typeof want === 'string' ? expect(got[i]).toBe(want) : expect(got[i]).toMatch(want)));
    expect(count(run, host, 'reboot')).toBe(0);
    expect(count(run, host, 'install')).toBe(0);
  });
});
