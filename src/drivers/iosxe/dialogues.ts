// What the IOS-XE CLI asks and how it refuses, as data: the interactive
// questions (docs/devices/iosxe-sessions.md lists them with their sources),
// the pager, the shape of a question nobody declared, and error lines. Each
// operation passes only the questions it expects; any other fails it.
import type { Dialogue } from '../ssh/channel.js';
import { logTailStart } from './session-noise.js';

/** The pager's prompt at the end of a page. */
export const MORE = /-+ ?More ?-+\s*$/;

/**
 * A last line that asks something: `[…]` (also `[yes/no]:`, `[yes]:`), `?`,
 * `Password:`, `Username:`. Not `[OK]` or `[OK - 1234 bytes]`: what `write
 * memory` and a copy print when they are done.
 */
export const QUESTION = /(\[(?!OK(?: - \d+ bytes)?\])[^\]\n]*\]:?|\?|(?:Password|Username):)\s*$/i;

/**
 * The question a silent device is waiting at, when it is not the prompt: its
 * text (log messages after it set aside), or null. Called once the device
 * has been quiet for a while, so that an undeclared question fails the
 * command then instead of after its whole timeout.
 */
export function unansweredQuestion(tail: string, prompt: { test(text: string): boolean }): string | null {
  const asked = tail.slice(0, logTailStart(tail));
  return QUESTION.test(asked.split('\n').at(-1) ?? '') && !prompt.test(tail) ? asked : null;
}

/** A refusal: `% …` (not `%Warning`), `Invalid input detected`, `Command authorization failed`. */
const ERROR_LINE = /^(%(?!Warning)[^\n]*|.*Invalid input detected.*|.*Command authorization failed.*)$/m;

/**
 * A refusal in the raw answer of a command that should drop the session (reload, switchover):
 * the device is back at its prompt and no drop will follow. A log message (`%SYS-5-RELOAD: …`)
 * is not one: a reload logs one as it goes down.
 */
export const REFUSED_NO_DROP = /^(%(?!Warning|[A-Z][A-Z0-9_]*(?:-[A-Z0-9_]+)*-\d-[A-Z])[^\n]*|.*Invalid input detected.*|.*Command authorization failed.*)$/m;

/** Where a command's (cleaned) output says the device refused it, or null. */
export function refusalAt(text: string): RegExpExecArray | null {
  // The line-anchored scan is costly on long outputs; most have none of its words.
  const may = text.includes('%') || text.includes('Invalid input detected') || text.includes('Command authorization failed');
  return may ? ERROR_LINE.exec(text) : null;
}

export const DIALOGUES = {
  proceed: { name: 'P1 reload may be required', prompt: /Do you want to proceed\? ?\[y\/n\]\s*$/, answer: 'y' },
  saveAndProceed: { name: 'P2 save and proceed', prompt: /Press Quit\(q\) to exit[^\n]*\[y\/n\/q\]\s*$/, answer: 'y' },
  bootConfig: { name: 'P3 boot config changed', prompt: /Please confirm you have changed boot config to \S+ ?\[y\/n\]\s*$/, answer: 'y' },
  removeFiles: { name: 'P4 remove files', prompt: /Do you want to remove the above files\? ?\[y\/n\]\s*$/, answer: 'y' },
  saveYesNo: { name: 'P5 save configuration', prompt: /Save\? \[yes\/no\]:\s*$/, answer: 'yes' },
  reload: { name: 'P6 proceed with reload', prompt: /(Proceed with (?:quick |fast )?reload(?: fast)?\?|Do you wish to proceed with reload anyway) ?\[confirm\]\s*$/, answer: '' },
  switchover: { name: 'P7 proceed with switchover', prompt: /(Proceed with switchover to standby RP\?|This will reload the active unit and force switchover to standby) ?\[confirm\]\s*$/, answer: '' },
  destination: { name: 'P8 destination filename', prompt: /Destination filename \[[^\]\n]*\]\?\s*$/, answer: '' },
  overwrite: { name: 'P10 overwrite file', prompt: /Do you want to over ?write\? ?\[confirm\]\s*$/, answer: '' },
  nvram: { name: 'P13 overwrite NVRAM configuration', prompt: /Overwrite the previous NVRAM configuration\? ?\[confirm\]\s*$/, answer: '' },
} satisfies Record<string, Dialogue>;

export const WRITE_MEMORY: Dialogue[] = [DIALOGUES.nvram];
