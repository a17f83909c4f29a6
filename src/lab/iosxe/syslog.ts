// Log messages on a monitoring terminal (`terminal monitor`): formatted as
// the device's `service timestamps` and `service sequence-numbers` would
// print them, and sent at any moment, as IOS does without `logging
// synchronous`; on a device that glues them, without a line break after
// (see docs/devices/iosxe-sessions.md, section 3.1).
import { createHash } from 'node:crypto';
import type { LabClock } from '../clock.js';
import type { IosxeDeviceState } from './state.js';
import type { Terminal } from './terminal.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

type Style = 'uptime-clock' | 'seq-ntp' | 'ntp-year' | 'unsynced';

/** One style per device, as its configuration would fix it; 16.x boxes mostly never had their clock set. */
function styleOf(d: IosxeDeviceState): Style {
  if (d.version.startsWith('16.')) return 'uptime-clock';
  const h = createHash('sha256').update(`log:${d.hostname}`).digest()[0];
  return (['seq-ntp', 'ntp-year', 'unsynced'] as const)[h % 3];
}

function stamp(date: Date, year: boolean): string {
  const ms = String(date.getUTCMilliseconds()).padStart(3, '0');
  return `${MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, ' ')}${year ? ` ${date.getUTCFullYear()}` : ''} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}.${ms}`;
}

/** `*Mar  1 00:05:17.123: %LINK-3-UPDOWN: …`, `000042: Dec  3 10:12:33.123 UTC: %…`, or with the year. */
export function logLine(d: IosxeDeviceState, mnemonic: string, text: string): string {
  d.logSeq++;
  const style = styleOf(d);
  let prefix: string;
  if (style === 'uptime-clock') {
    // A clock never set starts at 00:00 UTC on 1 March 1993 at each boot: the star says it is not authoritative.
    prefix = `*${stamp(new Date(Date.UTC(1993, 2, 1) + d.uptimeMs()), false)}`;
  } else if (style === 'seq-ntp') prefix = `${String(d.logSeq).padStart(6, '0')}: ${stamp(new Date(), false)} UTC`;
  else if (style === 'ntp-year') prefix = `${stamp(new Date(), true)} UTC`;
  // `.`: the clock was set by NTP, which has since lost synchronisation.
  else prefix = `.${stamp(new Date(), false)} UTC`;
  return `${prefix}: %${mnemonic}: ${text}`;
}

/** Something a busy switch or router logs now and then. */
export function randomEvent(d: IosxeDeviceState): string {
  const ifaces = d.interfaces.filter((i) => i.name.startsWith('GigabitEthernet'));
  const iface = ifaces[Math.floor(Math.random() * ifaces.length)]?.name ?? 'GigabitEthernet0/0/0';
  const state = Math.random() < 0.5 ? 'down' : 'up';
  const events: [string, string][] = [
    ['LINK-3-UPDOWN', `Interface ${iface}, changed state to ${state}`],
    ['LINEPROTO-5-UPDOWN', `Line protocol on Interface ${iface}, changed state to ${state}`],
    ['SYS-5-CONFIG_I', `Configured from console by ${d.username} on vty1 (192.0.2.50)`],
    ['SEC_LOGIN-5-LOGIN_SUCCESS', `Login Success [user: ${d.username}] [Source: 192.0.2.50] [localport: 22] at ${new Date().toUTCString().slice(17, 25)} UTC`],
  ];
  if (d.model.family === 'cat9k') events.push(['ILPOWER-5-POWER_GRANTED', `Interface ${iface.replace('GigabitEthernet', 'Gi')}: Power granted`]);
  if (!d.version.startsWith('16.')) events.push(['DMI-5-SYNC_NEEDED', `${d.model.redundancy === 'none' ? 'R0/0' : 'Switch 1 R0/0'}: dmiauthd: Configuration change requiring running configuration sync detected - 'interface ${iface}'.`]);
  const [mnemonic, text] = events[Math.floor(Math.random() * events.length)];
  return logLine(d, mnemonic, text);
}

/**
 * Inserts a message between the lines of an output (a show command's, as it
 * is printed): on a line of its own, or, on a device that glues them, with
 * the next output line continuing on the message's line.
 */
export function interleave(d: IosxeDeviceState, text: string): string {
  const lines = text.replace(/\n$/, '').split('\n');
  if (lines.length < 2) return text;
  const at = 1 + Math.floor(Math.random() * (lines.length - 1));
  if (d.syslog.glued) lines[at] = randomEvent(d) + lines[at];
  else lines.splice(at, 0, randomEvent(d));
  return `${lines.join('\n')}\n`;
}

/** What one terminal line sees of the log while `terminal monitor` is on. */
export class MonitorFeed {
  on: boolean;
  private timer: NodeJS.Timeout | null = null;

  /** `noisy`: the device logs events of its own now and then (the syslog faults). */
  constructor(private readonly d: IosxeDeviceState, private readonly term: Terminal, private readonly clock: LabClock, private readonly noisy: boolean) {
    this.on = noisy;
    this.schedule();
  }

  set(on: boolean): void {
    this.on = on;
    if (on) this.schedule();
    else this.stop();
  }

  /** A message of an operation in progress (install, reload), shown when monitoring. */
  emit(line: string): void {
    if (this.on) this.term.logMessage(line, Math.random() < this.d.syslog.reprint, this.d.syslog.glued);
  }

  /**
   * Called as a prompt is printed: sometimes an event follows it, in the
   * same packet (the reader gets prompt and message together) or a moment later.
   */
  afterPrompt(): void {
    if (!this.on || !this.noisy || Math.random() >= this.d.syslog.afterPrompt) return;
    if (Math.random() >= this.d.syslog.afterPromptLater) return this.emit(randomEvent(this.d));
    const t = setTimeout(() => this.emit(randomEvent(this.d)), Math.floor(Math.random() * 3));
    t.unref?.();
  }

  /** A show output as printed, with an event between two of its lines now and then. */
  output(text: string): string {
    return this.on && this.noisy && Math.random() < this.d.syslog.betweenLines ? interleave(this.d, text) : text;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.timer || !this.on || !this.noisy) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.on || this.term.closed) return;
      this.emit(randomEvent(this.d));
      this.schedule();
    }, this.clock.ms(this.d.syslog.everyMs * (0.2 + Math.random() * 1.6)));
    this.timer.unref?.();
  }
}
