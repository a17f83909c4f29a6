// Lines of `show version` that carry nothing upshift reads but that every
// release prints: notices, build and ROM lines, interface and memory counts,
// licence tables. Known, so they do not count as unparsed.

/** A paragraph starting with one of these runs to the next blank line. */
export const NOTICE_START = [
  /^Cisco IOS-XE software, Copyright/i,
  /^This product contains cryptographic features/,
  /^A summary of U\.S\. laws governing/,
  /^If you require further assistance/,
  /^Restricted Rights Legend/,
];

/** A licence section starting with one of these runs until a line upshift reads. */
export const LICENSE_START = /^(?:(?:Technology Package |Suite )?License Info(?:rmation)?\b|License UDI:)/i;

export const KNOWN = [
  /^Cisco Internetwork Operating System Software/,
  /^Technical Support:/,
  /^Copyright \(c\)/,
  /^Compiled /,
  /^This software is supported for a limited time/,
  /^Image text-base:/,
  /^ROM:/,
  /^BOOTLDR:/,
  /^Uptime for this control processor is/,
  /^System restarted (?:at|by)/,
  /^System returned to ROM by/,
  /^Last reload type:/,
  /^Last reset from/,
  /^Router operating mode:/,
  /^Installation mode is/,
  /^IOS XE Version:/,
  /^Smart Licensing Status:/,
  /^(?:AIR |Addon )?License (?:Level|Type):/i,
  /^Next (?:reload|reboot) (?:AIR |addon )?license Level:/i,
  /^The current throughput level is/,
  /^The password-recovery mechanism is (?:enabled|disabled)/,
  /^\d+ .*\binterfaces?$/i,
  /^\d+ Virtual Private Network/,
  /^\d+K? bytes of /,
  /bytes of (?:physical |non-volatile )?(?:configuration )?memory\.?$/,
  /^DRAM configuration is/,
  /^\S+ CPU at \S+/,
  /^\w+ Revision \S+, \w+ Revision/, // Catalyst 4500 supervisor chips: "Jawa Revision 7, Snowtrooper Revision 0x0.0x1C"
  /^[A-Za-z][\w .()/-]*?\s+:(?:\s.*)?$/, // member and chassis details: "Base Ethernet MAC Address : …"
  /^[-\s]{3,}$/,
];
