// One place that turns a platform name into a driver (NAPALM's
// get_network_driver), and platform facts into what a console shows.
import type { Driver, DeviceTarget, DriverHooks, Facts, FactsSummary, Platform, PlatformRules, Transcript } from './contract.js';
import { IosxeDriver } from './iosxe/driver.js';
import type { Timeouts } from './iosxe/session.js';
import { iosxeRules } from './iosxe/rules.js';
import { PanosDriver } from './panos/driver.js';
import { panosRules } from './panos/rules.js';
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
      return new PanosDriver(target, { hooks: opts.hooks, pollMs: opts.pollMs, panoramaRps: opts.panoramaRps, transcript: opts.transcript });
    default:
      throw new Error(`no driver for platform ${(target as DeviceTarget).platform}`);
  }
}

const RULES: Record<Platform, PlatformRules> = { iosxe: iosxeRules, panos: panosRules };

/** A platform's pure decisions, without a connection (for `upshift plan` and stored facts). */
export function rulesFor(platform: Platform): PlatformRules {
  return RULES[platform];
}

/** Whether upshift upgrades rows of this workbook platform (helper rows, jump hosts and Panorama, are gone through). */
export function isUpgradable(platform: string): platform is Platform {
  return Object.hasOwn(RULES, platform);
}

/** How a workbook row of each platform is reached, and on which port when its row names none. */
const ACCESS: Record<Platform | 'jumphost' | 'panorama', { over: 'ssh' | 'api'; port: number }> = {
  iosxe: { over: 'ssh', port: 22 }, jumphost: { over: 'ssh', port: 22 }, panos: { over: 'api', port: 443 }, panorama: { over: 'api', port: 443 },
};

export function accessOf(platform: Platform | 'jumphost' | 'panorama'): { over: 'ssh' | 'api'; port: number } {
  return ACCESS[platform];
}

export function summarizeFacts(f: Facts): FactsSummary {
  return RULES[f.platform].summarize(f);
}

export type { Driver };
// What the engine hands every driver (the host key store, session timeouts, the transcript sink):
// from here, so that the engine reaches no driver's internals.
export { KnownHosts } from './ssh/known-hosts.js';
export type { Timeouts, Transcript };
