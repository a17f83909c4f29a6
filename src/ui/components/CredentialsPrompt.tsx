// Asked when there is no credentials file and no UPSHIFT_USERNAME/PASSWORD:
// the answers stay in this process's memory only. The keys go through the key
// table (scope `credentials`) like every other key, so keys typed ahead right
// after Enter are not lost and the hint line below is written from the table.
import { Box, Text } from 'ink';
import { binding, hints, type KeyState } from '../keymap.js';
import type { LoginForm } from '../selection.js';
import { color } from '../theme.js';

const ORDER: LoginForm['field'][] = ['username', 'password', 'enable'];

export function CredentialsPrompt({ names, form, state }: { names: string[]; form: LoginForm; state: KeyState }) {
  const shown = (f: LoginForm['field']) => (f === 'username' ? form.username : '*'.repeat(form[f].length));
  const at = ORDER.indexOf(form.field);
  const keys = hints('credentials', state).filter((h) => h.enabled).map((h) => `${h.keys} ${h.label}`).join(' · ');
  return (
    <Box flexDirection="column" borderStyle="single" borderColor={color('accent')} paddingX={1}>
      <Text bold>{form.again ? 'Log in again' : 'Credentials'}</Text>
      {form.again
        ? <Text dimColor>The username, password and enable secret you type replace those of the entries {names.join(', ')}; their TLS settings and key files stay. {binding('loginCancel').keys} keeps the current credentials.</Text>
        : <Text dimColor>No credentials file (--credentials) and no UPSHIFT_USERNAME / UPSHIFT_PASSWORD in the environment.</Text>}
      <Text dimColor>What you type is kept in memory only, for this session{form.again ? '' : `; it is used for the workbook's credential entries: ${names.join(', ')}`}.</Text>
      <Text> </Text>
      {ORDER.slice(0, at + 1).map((f) => (
        <Text key={f}>
          {f.padEnd(10)}
          <Text inverse={f === form.field}>{shown(f) || (f === 'enable' && form.field === 'enable' ? ` (${binding('loginNext').keys} if not needed)` : ' ')}</Text>
        </Text>
      ))}
      {form.problem && <Text color={color('bad')}>{form.problem}</Text>}
      <Text dimColor>{keys}</Text>
    </Box>
  );
}
