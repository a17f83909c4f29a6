// The simulated hardware. Figures (flash sizes, software names, whether the
// Cat9k "Switch Ports Model" table is printed) follow real show outputs.
import { LabSpecError } from './errors.js';

export interface IosxeModel {
  key: string; // name used by `upshift lab --mix`
  pid: string;
  family: 'cat9k' | 'isr4k' | 'asr1k' | 'c8000v';
  imagePrefix: string;
  fs: 'flash:' | 'bootflash:';
  flashTotal: number;
  /** Fixed Cat9k switches print the "Switch Ports Model SW Version" table. */
  switchTable: boolean;
  /** Stack members or StackWise Virtual chassis; 1 for a single box. */
  members: number;
  redundancy: 'none' | 'stack' | 'dual-sup' | 'svl';
  configRegister: string;
  software: string;
  cpu: string;
  memoryK: string;
  /** Member tags in install output: "switch 1", "R0", "Chassis 1/R0". */
  memberTags: string[];
  defaultMode: 'install' | 'bundle';
  ports: string;
}

const cat9k = {
  family: 'cat9k' as const,
  imagePrefix: 'cat9k_iosxe',
  configRegister: '0x102',
  software: 'Catalyst L3 Switch Software (CAT9K_IOSXE)',
  cpu: 'X86',
  defaultMode: 'install' as const,
};

export const IOSXE_MODELS: IosxeModel[] = [
  { ...cat9k, key: 'cat9300', pid: 'C9300-48P', fs: 'flash:', flashTotal: 11_353_194_496, switchTable: true, members: 1, redundancy: 'none',
    memoryK: '1419496K/6147K', memberTags: ['switch 1'], ports: '48 Gigabit Ethernet interfaces\n4 Ten Gigabit Ethernet interfaces' },
  { ...cat9k, key: 'cat9300-stack', pid: 'C9300-48P', fs: 'flash:', flashTotal: 11_353_194_496, switchTable: true, members: 3, redundancy: 'stack',
    memoryK: '1419496K/6147K', memberTags: ['switch 1', 'switch 2', 'switch 3'], ports: '144 Gigabit Ethernet interfaces\n12 Ten Gigabit Ethernet interfaces' },
  { ...cat9k, key: 'cat9500-svl', pid: 'C9500-48Y4C', fs: 'bootflash:', flashTotal: 11_429_478_400, switchTable: false, members: 2, redundancy: 'svl',
    memoryK: '1867864K/6147K', memberTags: ['Chassis 1/R0', 'Chassis 2/R0'], ports: '96 TwentyFive Gigabit Ethernet interfaces\n8 Hundred Gigabit Ethernet interfaces' },
  { ...cat9k, key: 'cat9400', pid: 'C9407R', fs: 'bootflash:', flashTotal: 11_353_194_496, switchTable: false, members: 2, redundancy: 'dual-sup',
    memoryK: '3752727K/6147K', memberTags: ['R0', 'R1'], ports: '240 Gigabit Ethernet interfaces\n8 Ten Gigabit Ethernet interfaces' },
  { key: 'isr4451', pid: 'ISR4451-X/K9', family: 'isr4k', imagePrefix: 'isr4400-universalk9', fs: 'bootflash:', flashTotal: 7_835_619_328, switchTable: false,
    members: 1, redundancy: 'none', configRegister: '0x2102', software: 'ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M)', cpu: '2RU',
    memoryK: '7851215K/6147K', memberTags: ['R0'], defaultMode: 'install', ports: '4 Gigabit Ethernet interfaces' },
  { key: 'asr1001x', pid: 'ASR1001-X', family: 'asr1k', imagePrefix: 'asr1001x-universalk9', fs: 'bootflash:', flashTotal: 7_835_619_328, switchTable: false,
    members: 1, redundancy: 'none', configRegister: '0x2102', software: 'ASR1000 Software (X86_64_LINUX_IOSD-UNIVERSALK9-M)', cpu: '1RU-X',
    memoryK: '3763002K/6147K', memberTags: ['R0'], defaultMode: 'bundle', ports: '6 Gigabit Ethernet interfaces\n2 Ten Gigabit Ethernet interfaces' },
  { key: 'c8000v', pid: 'C8000V', family: 'c8000v', imagePrefix: 'c8000v-universalk9', fs: 'bootflash:', flashTotal: 6_286_540_800, switchTable: false,
    members: 1, redundancy: 'none', configRegister: '0x2102', software: 'Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M)', cpu: 'VXE',
    memoryK: '1980600K/3075K', memberTags: ['R0'], defaultMode: 'install', ports: '3 Gigabit Ethernet interfaces' },
];

export function iosxeModel(key: string): IosxeModel {
  const m = IOSXE_MODELS.find((x) => x.key === key);
  if (!m) throw new LabSpecError(`unknown lab model "${key}" (known: ${IOSXE_MODELS.map((x) => x.key).join(', ')}, panos)`);
  return m;
}

/** The release train's codename, as printed in `show version`. */
export function codename(version: string): string {
  const [major, minor] = version.split('.').map(Number);
  // 16.1–16.3 Denali, 16.4–16.6 Everest, 16.7–16.9 Fuji, 16.10–16.12 Gibraltar.
  if (major === 16) return minor >= 10 ? 'Gibraltar' : minor >= 7 ? 'Fuji' : minor >= 4 ? 'Everest' : 'Denali';
  if (major === 17) {
    if (minor <= 3) return 'Amsterdam';
    if (minor <= 6) return 'Bengaluru';
    if (minor <= 9) return 'Cupertino';
    if (minor <= 14) return 'Dublin';
  }
  return 'IOSXE';
}
