// Asked when there is no credentials file and no UPSHIFT_USERNAME/PASSWORD:
// the answers stay in this process's memory only. One input handler serves
// the three fields, so keys typed ahead right after Enter are not lost (the
// @inkjs/ui inputs subscribe one render late and drop them).
import { useRef, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import type { LoginAnswer } from '../controller.js';
import { color } from '../theme.js';

type Field = 'username' | 'password' | 'enable';
const ORDER: Field[] = ['username', 'password', 'enable'];

export function CredentialsPrompt({ names, onDone }: { names: string[]; onDone: (login: LoginAnswer) => void }) {
  const values = useRef<Record<Field, string>>({ username: '', password: '', enable: '' });
  const field = useRef<Field>('username');
  const [, setTick] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const redraw = () => setTick((n) => n + 1);
  useInput((input, key) => {
    const f = field.current;
    if (key.return) {
      if (f === 'username' && !values.current.username.trim()) return setProblem('a username is needed');
      setProblem(null);
      if (f === 'enable') {
        const v = values.current;
        return onDone({ username: v.username.trim(), password: v.password, enable: v.enable || undefined });
      }
      field.current = ORDER[ORDER.indexOf(f) + 1];
    } else if (key.backspace || key.delete) {
      values.current[f] = values.current[f].slice(0, -1);
    } else if (input && !key.ctrl && !key.meta && !key.escape && !key.tab && !/[\x00-\x1f]/.test(input)) {
      values.current[f] += input;
    }
    redraw();
  });
  const shown = (f: Field) => (f === 'username' ? values.current.username : '*'.repeat(values.current[f].length));
  const at = ORDER.indexOf(field.current);
  return (
    <Box flexDirection="column" borderStyle="single" borderColor={color('accent')} paddingX={1}>
      <Text bold>Credentials</Text>
      <Text dimColor>No credentials file (--credentials) and no UPSHIFT_USERNAME / UPSHIFT_PASSWORD in the environment.</Text>
      <Text dimColor>What you type is kept in memory only, for this session; it is used for the workbook's credential entries: {names.join(', ')}.</Text>
      <Text> </Text>
      {ORDER.slice(0, at + 1).map((f) => (
        <Text key={f}>
          {f.padEnd(10)}
          <Text inverse={f === field.current}>{shown(f) || (f === 'enable' && field.current === 'enable' ? ' (Enter if not needed)' : ' ')}</Text>
        </Text>
      ))}
      {problem && <Text color={color('bad')}>{problem}</Text>}
      <Text dimColor>Enter moves to the next field · Ctrl+C quits</Text>
    </Box>
  );
}
