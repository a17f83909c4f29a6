// Staging by SCP push: the device's SCP server is on only for the transfer,
// and the configuration is left as it was found. The header lines will show
// a change after the last save (enabling and disabling is a change); the
// texts are what is compared, before and after, and nothing is ever saved
// here: an operator's unsaved changes stay theirs to save or discard.
import type { DriverHooks, StepResult } from '../contract.js';
import type { SshTransport } from '../ssh/transport.js';
import { compareConfigs, describeDifference, type ConfigComparison } from './config-compare.js';
import { result } from './disruptive.js';
import type { IosxeSession } from './session.js';
import { configure } from './config-mode.js';
import { scpPush } from './transfer.js';
import type { StageInput } from './types.js';
import { SCP_SERVER, scpStageCommands } from './plan.js';

const SCP_SERVER_LINE = /^ip scp server enable\s*$/m;

/** What the step says about the configuration, from the reads before and after. */
function configNote(before: ConfigComparison, after: ConfigComparison): string {
  if (before.same === false) {
    return `; the running configuration already had unsaved changes before staging (${describeDifference(before.difference)}): upshift did not save them, and the config-saved pre-check blocks until they are saved or discarded`;
  }
  if (before.same === null || after.same === null) return '; the startup configuration could not be read to confirm the running configuration still matches it';
  if (after.same) return `; ${SCP_SERVER} removed again, the running configuration matches the startup configuration as before`;
  return `; the running configuration no longer matches the startup configuration (${describeDifference(after.difference)}): changed while staging, and not saved by upshift`;
}

export async function stageByScp(s: IosxeSession, transport: SshTransport, device: string, input: StageInput, hooks: DriverHooks, step: string): Promise<StepResult> {
  // Whole lines: the default `no ip scp server enable` is never printed, and a substring would match a comment.
  // Read as read-only (again if a log message may hide the line): a line missed here would be removed after the push.
  const include = `show running-config | include ^${SCP_SERVER}`;
  const [lines] = await s.runReadOnly([include], step);
  s.failIfRefused(include, lines, step);
  const already = SCP_SERVER_LINE.test(lines);
  if (already) {
    await scpPush(transport, device, input, hooks, step);
    return result(`${input.image.file} pushed with SCP to ${input.filesystem}; ${SCP_SERVER} was already configured and is left as it was`, scpStageCommands(input, true), '');
  }
  const before = await compareConfigs(s, step);
  await configure(s, [SCP_SERVER], step);
  try {
    await scpPush(transport, device, input, hooks, step);
  } finally {
    if (!s.isClosed) await configure(s, [`no ${SCP_SERVER}`], step);
  }
  const after = await compareConfigs(s, step);
  return result(`${input.image.file} pushed with SCP to ${input.filesystem}${configNote(before, after)}`, scpStageCommands(input, false), '');
}
