// Colours by state. NO_COLOR (https://no-color.org) turns every colour off;
// selection and focus use inverse and bold, which stay readable without colour.
import type { DeviceStatus } from '../engine/views.js';
import { STATUS } from '../engine/status.js';

export const colorEnabled = (env: NodeJS.ProcessEnv = process.env): boolean => !('NO_COLOR' in env && env.NO_COLOR !== '');

let enabled = colorEnabled();

/** Tests and the NO_COLOR check switch colours for the whole process. */
export function setColor(on: boolean): void {
  enabled = on;
}

export type Tone = 'ok' | 'busy' | 'wait' | 'bad' | 'blocked' | 'muted' | 'info' | 'accent';

const TONES: Record<Tone, string> = {
  ok: 'green', busy: 'cyan', wait: 'yellow', bad: 'red', blocked: 'magenta', muted: 'gray', info: 'blue', accent: 'cyan',
};

export function color(tone: Tone | null | undefined): string | undefined {
  return enabled && tone ? TONES[tone] : undefined;
}

/** Each status's tone, from the one status table. */
export const STATUS_TONE = Object.fromEntries(Object.entries(STATUS).map(([k, v]) => [k, v.tone])) as Record<DeviceStatus, Tone | null>;
