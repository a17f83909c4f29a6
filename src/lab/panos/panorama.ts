// Panorama's side of the lab: the firewalls it manages (`show devices
// connected|all`), and how a request with target=<serial> reaches one of them.
import type { Firewall } from './firewall.js';
import { uptimeText } from './format.js';
import { errorMsg, success, xmlOf } from './xml.js';

/** `show devices connected` lists only the firewalls whose link is up; `show devices all` lists every one. */
export function devicesXml(managed: Firewall[], all: boolean, host: string): string {
  const shown = all ? managed : managed.filter((fw) => fw.panoramaLinkUp());
  return success(xmlOf({ devices: shown.map((fw) => ({
    '@name': fw.serial, serial: fw.serial, connected: fw.panoramaLinkUp() ? 'yes' : 'no', 'unsupported-version': 'no', deactivated: 'no',
    hostname: fw.hostname, 'ip-address': host, 'mac-addr': null, uptime: uptimeText(fw.clock.elapsed(fw.bootedAt)), family: fw.family, model: fw.model,
    'sw-version': fw.version, 'app-version': fw.appVersion(), 'av-version': '4712-5231', 'threat-version': fw.appVersion(), 'wildfire-version': 0, 'url-filtering-version': '20260114.20047',
    'multi-vsys': fw.faults.has('multi-vsys') ? 'yes' : 'no',
    vsys: [{ '@name': 'vsys1', 'display-name': 'vsys1', 'shared-policy-status': null, 'shared-policy-md5sum': null }],
    ha: fw.peer ? { state: fw.haState, peer: { serial: fw.peer.serial } } : undefined,
  })) }));
}

/** The firewall a target=<serial> request reaches, or the "<serial> not connected" answer (code 13). */
export function routeTarget(managed: Firewall[], serial: string): { fw: Firewall } | { error: string } {
  const fw = managed.find((m) => m.serial === serial);
  if (!fw || !fw.panoramaLinkUp()) return { error: errorMsg(`${serial} not connected`, 13) };
  return { fw };
}
