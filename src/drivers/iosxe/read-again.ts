// Read-only commands whose output held a log message that may hide output
// (IOS often ends a message without a line break, so the output line after
// it continues on the message's line and cannot be told from the message):
// read again, a bounded number of times, and take a read without one.
// docs/devices/iosxe-sessions.md, section 3.2.
import { doubtfulLines, settled } from './session-noise.js';

/** How many more times an output with such a message is read. */
export const REREADS = 2;

/**
 * Each command's output. `read` reads the commands it is given, in order, and
 * returns their outputs with the doubtful messages marked (session-noise.ts):
 * those outputs are read again, up to `rereads` times. An output that has
 * them every time is the last read, with those lines kept as the text after
 * the message's header: a parser counts them as lines it does not know
 * instead of reading less than the device printed without saying so.
 */
export async function readClear(commands: string[], read: (commands: string[]) => Promise<string[]>, rereads = REREADS): Promise<string[]> {
  const out: string[] = new Array<string>(commands.length);
  let todo = commands.map((_, i) => i);
  for (let n = 0; todo.length > 0; n++) {
    const got = await read(todo.map((i) => commands[i]));
    const left: number[] = [];
    todo.forEach((i, k) => {
      if (doubtfulLines(got[k]) === 0 || n >= rereads) out[i] = settled(got[k], 'keep');
      else left.push(i);
    });
    todo = left;
  }
  return out;
}
