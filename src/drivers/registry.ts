// One place that turns a platform name into a driver (NAPALM's
// get_network_driver), and platform facts into what a console shows.
import type { Driver, DeviceTarget, DriverHooks, Facts, FactsSummary, Platform, PlatformRules } from './contract.js';
import { IosxeDriver } from './iosxe/driver.js';
import type { Timeouts } from './iosxe/session.js';
import { iosxeRules } from './iosxe/rules.js';
import { PanosDriver } from './panos/driver.js';
import { panosRules } from './panos/rules.js';
import type { Transcript } from './ssh/channel.js';
import type { KnownHosts } from './ssh/known-hosts.js';

export interface DriverOptions {
  knownHosts: KnownHosts;
  acceptNewHostKeys: boolean;
  hooks?: DriverHooks;
  transcript?: Transcript;
  timeouts?: Partial<Timeouts>;
  pollMs?: number;
  /** API requests per second toward one Panorama (PAN-OS drivers behind it share the limit). */
  panoramaRps?: number;
}

export function createDriver(target: DeviceTarget, opts: DriverOptions): Driver {
  switch (target.platform) {
    case 'iosxe':
      return new IosxeDriver(target, opts);
    case 'panos':
      return new PanosDriver(target, { hooks: opts.hooks, pollMs: opts.pollMs, panoramaRps: opts.panoramaRps });
    default:
      throw new Error(`no driver for platform ${(target as DeviceTarget).platform}`);
  }
}

const RULES: Record<Platform, PlatformRules> = { iosxe: iosxeRules, panos: panosRules };

/** A platform's pure decisions, without a connection (for `upshift plan` and stored facts). */
export function rulesFor(platform: Platform): PlatformRules {
  return RULES[platform];
}

export function summarizeFacts(f: Facts): FactsSummary {
  return RULES[f.platform].summarize(f);
}

export type { Driver };
