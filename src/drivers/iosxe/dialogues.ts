// The interactive questions of ../shared/reference/iosxe.md §0 as data. Each
// operation passes only the ones it expects; any other question fails it.
import type { Dialogue } from '../ssh/channel.js';

export const DIALOGUES = {
  proceed: { name: 'P1 reload may be required', prompt: /Do you want to proceed\? ?\[y\/n\]\s*$/, answer: 'y' },
  saveAndProceed: { name: 'P2 save and proceed', prompt: /Press Quit\(q\) to exit[^\n]*\[y\/n\/q\]\s*$/, answer: 'y' },
  bootConfig: { name: 'P3 boot config changed', prompt: /Please confirm you have changed boot config to \S+ ?\[y\/n\]\s*$/, answer: 'y' },
  removeFiles: { name: 'P4 remove files', prompt: /Do you want to remove the above files\? ?\[y\/n\]\s*$/, answer: 'y' },
  saveYesNo: { name: 'P5 save configuration', prompt: /Save\? \[yes\/no\]:\s*$/, answer: 'yes' },
  reload: { name: 'P6 proceed with reload', prompt: /(Proceed with (?:quick |fast )?reload(?: fast)?\?|Do you wish to proceed with reload anyway) ?\[confirm\]\s*$/, answer: '' },
  switchover: { name: 'P7 proceed with switchover', prompt: /(Proceed with switchover to standby RP\?|This will reload the active unit and force switchover to standby) ?\[confirm\]\s*$/, answer: '' },
  destination: { name: 'P8 destination filename', prompt: /Destination filename \[[^\]\n]*\]\?\s*$/, answer: '' },
  overwrite: { name: 'P10 overwrite file', prompt: /Do you want to over ?write\? ?\[confirm\]\s*$/, answer: '' },
  nvram: { name: 'P13 overwrite NVRAM configuration', prompt: /Overwrite the previous NVRAM configuration\? ?\[confirm\]\s*$/, answer: '' },
} satisfies Record<string, Dialogue>;

export const WRITE_MEMORY: Dialogue[] = [DIALOGUES.nvram];
