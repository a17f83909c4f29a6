// Waiting for a firewall to come back from a restart. While it is away every
// failure is expected until the timeout: connections refused or reset, a
// management server that refuses every key while it warms up (403 "Invalid
// Credential": a fresh keygen is tried), API errors while its management server
// starts (code 22 and the like), and through Panorama "<serial> not connected". Done when the expected release answers — after the firewall
// was seen going away (or its uptime says it restarted) — and
// `show chassis-ready` says yes.
import type { StepResult, WaitExpectation } from '../contract.js';
import { normalizeVersion } from '../../common/versions.js';
import { DeviceError } from '../errors.js';
import { isA } from '../../common/errors.js';
import { CLI, CMD } from './commands.js';
import { systemInfo, type Conn } from './facts.js';

/** How much later than the restart an uptime may be and still count as "restarted since" (clocks and rounding). */
const UPTIME_SLACK_S = 120;

export interface Returned { version: string }

/** `forgetKey` drops a key got by keygen so the next call asks for a fresh one (false when the key is configured). */
export async function waitForReturn(c: Conn & { forgetKey(): boolean }, expect: WaitExpectation, step: string): Promise<StepResult<Returned>> {
  const deadline = expect.since + expect.timeoutMs;
  const poll = expect.pollMs ?? Math.min(10_000, Math.max(250, expect.timeoutMs / 60));
  const want = normalizeVersion(expect.version);
  const sent = new Set<string>();
  let sawDown = false;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      sent.add(CLI.systemInfo);
      const sys = await systemInfo(c, step);
      const elapsedS = (Date.now() - expect.since) / 1000;
      const up = sys.uptimeSeconds;
      // The expected release with a recent boot is back (a resumed wait may start after the restart);
      // another release is conclusive only once the firewall was seen away, or booted after the restart was asked
      // (a rollback or the next hop follows the last restart closely: that one's uptime proves nothing).
      const recentBoot = up !== null && up < elapsedS + UPTIME_SLACK_S;
      const bootedSince = up !== null && up < elapsedS + 2;
      if (sys.version === want && (sawDown || recentBoot)) {
        sent.add(CLI.chassisReady);
        const ready = String((await c.op(CMD.chassisReady, step))['#text'] ?? '').trim();
        if (/^yes$/i.test(ready)) return { outcome: 'ok', message: `back on ${sys.version}, chassis ready`, sent: [...sent], received: '', data: { version: sys.version } };
        last = `${sys.version} answers, chassis not ready yet`;
      } else if (sys.version !== want && (sawDown || bootedSince)) {
        throw new DeviceError(c.name, step, 'wrong-version', `came back on ${sys.version}, not ${want}`, undefined, false);
      } else last = `still up on ${sys.version}: the restart has not begun`;
    } catch (err) {
      if (!isA(err, DeviceError)) throw err;
      if (err.kind === 'auth') {
        // Right after a restart the management server refuses every key for a while; a fresh keygen follows.
        sawDown = true;
        c.forgetKey();
        last = `the API refuses the key while the firewall warms up (${err.deviceSaid ?? err.detail})`;
      } else if (err.transient) {
        sawDown = true;
        last = err.message;
      } else if (err.kind === 'api' || err.kind === 'parse') {
        // A management server just back may answer before it can serve (code 22 "session timed out",
        // an internal error, a partial document): not final while the restart's time lasts.
        last = `the management server is not answering fully yet (${err.deviceSaid ?? err.detail})`;
      } else throw err;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(poll, deadline - Date.now()))));
  }
  throw new DeviceError(c.name, step, 'not-returned', `did not come back on ${want} within ${Math.round(expect.timeoutMs / 1000)} s; last: ${last}`, undefined, false);
}
