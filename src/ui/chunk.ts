// Ink hands the keys of one terminal read over as one string when they carry
// no escape sequence ("gjj" from tmux send-keys, "netops\r" typed fast, a
// paste). Split into one key each, so every key is dispatched in order by
// the key table like a key typed alone.
import type { Key } from 'ink';

const NO_KEY: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
  super: false, hyper: false, capsLock: false, numLock: false,
} as Key;

/** One key per character of a plain chunk; anything else (a single key, an escape sequence) as Ink parsed it. */
export function splitChunk(input: string, key: Key): { input: string; key: Key }[] {
  const chars = [...input];
  if (chars.length <= 1 || key.ctrl || key.meta || key.escape || input.includes('\x1b')) return [{ input, key }];
  return chars.map((c) => {
    if (c === '\r' || c === '\n') return { input: '', key: { ...NO_KEY, return: true } };
    if (c === '\t') return { input: '', key: { ...NO_KEY, tab: true } };
    if (c === '\x7f' || c === '\b') return { input: '', key: { ...NO_KEY, backspace: true } };
    if (c === '\x03') return { input: 'c', key: { ...NO_KEY, ctrl: true } };
    return { input: c, key: { ...NO_KEY, shift: /[A-Z]/.test(c) } };
  });
}
