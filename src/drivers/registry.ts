// One place that turns a platform name into a driver (NAPALM's get_network_driver).
import type { Driver, DeviceTarget, DriverHooks } from './contract.js';
import { IosxeDriver } from './iosxe/driver.js';
import type { Timeouts } from './iosxe/session.js';
import { PanosDriver } from './panos/driver.js';
import type { Transcript } from './ssh/channel.js';
import type { KnownHosts } from './ssh/known-hosts.js';

export interface DriverOptions {
  knownHosts: KnownHosts;
  acceptNewHostKeys: boolean;
  hooks?: DriverHooks;
  transcript?: Transcript;
  timeouts?: Partial<Timeouts>;
  pollMs?: number;
}

export type AnyDriver = IosxeDriver | PanosDriver;

export function createDriver(target: DeviceTarget, opts: DriverOptions): AnyDriver {
  switch (target.platform) {
    case 'iosxe':
      return new IosxeDriver(target, opts);
    case 'panos':
      return new PanosDriver(target, { hooks: opts.hooks, pollMs: opts.pollMs });
    default:
      throw new Error(`no driver for platform ${(target as DeviceTarget).platform}`);
  }
}

export type { Driver };
