// Table tests of the session layer's pure parts against terminal texts kept
// in test/fixtures/iosxe-session (prompts, questions, outputs, refusals,
// typed-ahead answers), quiet and with log messages and timestamp headers
// wherever a real terminal puts them. One test per text.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEcho, PROMPTISH, PromptMatcher } from '../../../src/drivers/iosxe/prompt.js';
import { DIALOGUES, refusalAt, unansweredQuestion } from '../../../src/drivers/iosxe/dialogues.js';
import { doubtfulLines, logTailStart, pastLogTail, settled } from '../../../src/drivers/iosxe/session-noise.js';
import { onTail } from '../../../src/drivers/iosxe/log-tail.js';
import { commandOutput, splitTypedAhead, typedAheadAnswer } from '../../../src/drivers/iosxe/output.js';
import { typedAheadComplete } from '../../../src/drivers/iosxe/typeahead.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/iosxe-session');
interface Case { category: string; name: string; [key: string]: unknown }
const cases: Case[] = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8'));
/** A file's text: its content without the last line break. */
const text = (category: string, name: string) => readFileSync(join(dir, category, name), 'utf8').replace(/\n$/, '');
const of = (category: string) => cases.filter((c) => c.category === category).map((c) => [c.name, c] as const);

describe('prompts at the end of the text', () => {
  it.each(of('prompts'))('%s', (name, c) => {
    const t = text('prompts', `${name}.txt`);
    const m = (c.prefix ? new PromptMatcher(c.prefix as string) : PROMPTISH).exec(t);
    expect(m?.[1] ?? null).toBe(c.prompt);
    // A match consumes everything after the prompt: the log messages that followed it too.
    if (m) expect(m.index + m[0].length).toBe(t.length);
  });
});

describe('questions at the end of the text', () => {
  it.each(of('dialogues'))('%s', (name, c) => {
    const t = text('dialogues', `${name}.txt`);
    const found = Object.values(DIALOGUES).find((d) => pastLogTail(d.prompt).exec(t));
    expect(found?.name ?? null).toBe(c.dialogue);
    if (c.question !== undefined) {
      // What a silent device is asking, the messages after it set aside (null: not a question).
      expect(unansweredQuestion(t, new PromptMatcher('lon-core-1')) !== null).toBe(c.question);
    }
  });
});

describe('outputs kept from an answer', () => {
  // `doubtful`: the lines that started with a message within the output (text may be glued after it);
  // `settle`: what the session keeps of them (drop for a read, results for an install).
  it.each(of('outputs'))('%s', (name, c) => {
    const got = commandOutput(text('outputs', (c.input as string | undefined) ?? `${name}.txt`), c.command as string, c.prefix as string, c.atPrompt as boolean);
    expect(doubtfulLines(got)).toBe(c.doubtful ?? 0);
    expect(settled(got, (c.settle as 'drop' | 'results' | 'keep' | undefined) ?? 'drop')).toBe(text('outputs', c.expected as string));
  });
});

describe('refusals in an output', () => {
  it.each(of('errors'))('%s', (name, c) => {
    const out = commandOutput(text('errors', `${name}.txt`), c.command as string, 'lon-core-1', true);
    expect(refusalAt(out)?.[0] ?? null).toBe(c.refusal);
  });
});

describe('answers to commands typed ahead', () => {
  it.each(of('typeahead'))('%s', (name, c) => {
    const t = text('typeahead', `${name}.txt`);
    const prompt = c.prompt as string;
    const commands = c.commands as string[];
    const matcher = new PromptMatcher(prompt.slice(0, -1));
    const done = typedAheadComplete(prompt, matcher, commands.at(-1)!).exec(t);
    expect(done !== null).toBe(c.complete);
    if (!done) return;
    const parts = splitTypedAhead(typedAheadAnswer(t, matcher.prefix, commands), prompt, commands);
    expect(parts?.map((p) => settled(p, 'drop')) ?? null).toEqual(c.parts);
    expect(parts?.map(doubtfulLines)).toEqual(c.doubtful ?? commands.map(() => 0));
  });

  // A line that keeps logging after the last prompt (a line ignoring terminal no monitor): the
  // prompt is found however many messages came after it, and wherever they were cut.
  describe('a line that logs without pause after the last prompt', () => {
    const quiet = text('typeahead', 'logging-without-pause.txt');
    const promptEnd = quiet.indexOf('\nacc-7#\n') + '\nacc-7#'.length;
    const messages = quiet.slice(promptEnd + 1).split('\n');
    // Ten times the fixture's 40 messages: far more than any window of the last lines holds.
    const t = `${quiet.slice(0, promptEnd)}\n${Array.from({ length: 10 }, () => messages.join('\n')).join('\n')}`;
    const promptAt = promptEnd - 'acc-7#'.length - 1;
    // Where a read can tell: a line end after a message, or a message whose header has come whole.
    const telling = (sofar: string) => {
      const last = sofar.slice(sofar.lastIndexOf('\n') + 1);
      return last === '' ? sofar.length > promptEnd + 1 : /%[A-Z_]+-\d-[A-Z_]+:/.test(last);
    };

    it('a bare prompt before the echo is not the answer, though messages follow it and the echo came glued to one', () => {
      const log = messages[0];
      const glued = `\nacc-7#\n${log}show boot\n${messages.slice(1, 30).join('\n')}`;
      expect(afterEcho(onTail(new PromptMatcher('acc-7'), 2048), 'show boot').exec(glued)).toBeNull();
      // Its answer and prompt then come: that prompt ends it.
      const answered = `${glued}\nBOOT variable = flash:packages.conf;\n\nacc-7#\n${messages.slice(30, 35).join('\n')}`;
      expect(afterEcho(onTail(new PromptMatcher('acc-7'), 2048), 'show boot').exec(answered)?.index).toBe(answered.lastIndexOf('\nacc-7#'));
    });

    it('at every cut', () => {
      let cuts = 0;
      for (let p = promptEnd + 1; p <= t.length; p += 7) {
        const sofar = t.slice(0, p);
        if (!telling(sofar)) continue;
        cuts++;
        expect(typedAheadComplete('acc-7#', new PromptMatcher('acc-7'), 'show boot').exec(sofar)?.index, `cut at ${p}`).toBe(promptAt);
        expect(onTail(new PromptMatcher('acc-7'), 2048).exec(sofar)?.index, `cut at ${p}`).toBe(promptAt);
      }
      expect(messages.length * 10).toBeGreaterThan(256);
      expect(cuts).toBeGreaterThan(1000);
    });

    it('read chunk by chunk, however the chunks fall and however late the read looks', () => {
      let seed = 7;
      const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (let run = 0; run < 200; run++) {
        // As the session reads a single command's answer: the prompt after the echo, in the last lines.
        const matchers = [typedAheadComplete('acc-7#', new PromptMatcher('acc-7'), 'show boot'), afterEcho(onTail(new PromptMatcher('acc-7'), 2048), 'show boot')];
        // Some reads look only after many messages have piled up (a busy event loop wakes late).
        const late = run % 4 === 0 ? promptEnd + Math.floor(next() * (t.length - promptEnd)) : 0;
        const found: (number | undefined)[] = [undefined, undefined];
        let due = false;
        for (let p = 0; p < t.length && found.some((f) => f === undefined);) {
          p = Math.min(t.length, p + 1 + Math.floor(next() * (run % 2 ? 40 : 400)));
          if (p < late) continue;
          const sofar = t.slice(0, p);
          due ||= p > promptEnd && telling(sofar);
          matchers.forEach((m, i) => (found[i] ??= m.exec(sofar)?.index));
          if (due) expect(found, `run ${run}, at ${p}`).toEqual([promptAt, promptAt]);
        }
      }
    });
  });

  it.each(of('settings'))('terminal settings: %s', (name, c) => {
    const t = text('settings', `${name}.txt`);
    expect(new PromptMatcher(c.prefix as string).answered(c.commands as string[]).exec(t) !== null).toBe(c.complete);
  });
});
