// Stack and StackWise Virtual members in `show version`: the switch table
// (`Switch Ports Model SW Version SW Image [Mode]`, the Mode column only on
// IOS-XE) and the per-member blocks (`Switch 02` / `---------` / `Model Number : …`).
// The lines before the first block describe the switch the session runs on.
import { normalizeVersion } from './common.js';

export interface SwitchMember { number: number; model: string | null; serial: string | null; version: string | null; mode: 'install' | 'bundle' | null }

interface Row { number: number; active: boolean; model: string; version: string; mode: 'install' | 'bundle' | null }
interface Block { number: number | null; model: string | null; serial: string | null }

const TABLE_HEADER = /^Switch\s+Ports\s+Model\s+SW Version\s+SW Image\b/i;
const TABLE_ROW = /^(\*)?\s*(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(INSTALL|BUNDLE))?$/i;
const BLOCK_TITLE = /^Switch\s+0*(\d+)$/i;

export class MemberReader {
  private readonly rows: Row[] = [];
  /** Index 0: the local switch (lines before any block); then one per `Switch NN` block. */
  private readonly blocks: Block[] = [{ number: null, model: null, serial: null }];
  private inTable = false;

  /** Reads the line if it belongs to the table or a block; false when it is not a member line. */
  read(line: string): boolean {
    let m: RegExpExecArray | null;
    if (line === '') {
      this.inTable = false;
      return false;
    }
    if (TABLE_HEADER.test(line)) return (this.inTable = true);
    if (this.inTable) {
      if (/^[-\s]+$/.test(line)) return true;
      if ((m = TABLE_ROW.exec(line))) {
        this.rows.push({ number: Number(m[2]), active: m[1] === '*', model: m[4], version: m[5], mode: m[7] ? (m[7].toLowerCase() as 'install' | 'bundle') : null });
        return true;
      }
      // Any other line (a log message's text kept where it interrupted the table) leaves the
      // table open: only the blank line after it, or a member block, ends it.
    }
    if ((m = BLOCK_TITLE.exec(line))) {
      this.inTable = false;
      this.blocks.push({ number: Number(m[1]), model: null, serial: null });
      return true;
    }
    const block = this.blocks.at(-1)!;
    if ((m = /^Model [Nn]umber\s*:\s*(\S+)/.exec(line))) block.model ??= m[1];
    else if ((m = /^System [Ss]erial [Nn]umber\s*:\s*(\S+)/.exec(line))) block.serial ??= m[1];
    else return false;
    return true;
  }

  get localModel(): string | null {
    return this.blocks[0].model;
  }

  get localSerial(): string | null {
    return this.blocks[0].serial;
  }

  /** The release in the switch table for the local switch (the `*` row), used when the banner has a build label. */
  get localRelease(): string | null {
    const row = this.rows.find((r) => r.active) ?? (this.rows.length === 1 ? this.rows[0] : undefined);
    return row ? normalizeVersion(row.version) : null;
  }

  get localMode(): 'install' | 'bundle' | null {
    return (this.rows.find((r) => r.active) ?? this.rows[0])?.mode ?? null;
  }

  /** The members as printed; [] for a device that prints neither a table nor member blocks. */
  members(boardId: string | null): SwitchMember[] {
    const others = this.blocks.slice(1);
    const local = this.blocks[0];
    const byNumber = new Map<number, Block>(others.map((b) => [b.number!, b]));
    // The untitled first block describes the local switch: the `*` row of the table. Without a
    // table, it is the number the titled blocks skip (1 when they start at 2, or a gap between
    // them). When they run from 1 without a gap, some releases print a block for every member
    // and the first one describes no member of its own: it counts as the next number only when
    // its serial is the processor board ID and no titled block has it.
    let localNumber = this.rows.find((r) => r.active)?.number ?? null;
    if (localNumber === null && this.rows.length === 0 && others.length > 0) {
      let missing = 1;
      while (byNumber.has(missing)) missing++;
      const ownSerial = local.serial !== null && local.serial === boardId && !others.some((b) => b.serial === local.serial);
      if (missing === 1 || missing < Math.max(...byNumber.keys()) || ownSerial) localNumber = missing;
    }
    // A titled block for the same number is the member's own description and wins.
    if (localNumber !== null && !byNumber.has(localNumber)) byNumber.set(localNumber, local);
    if (this.rows.length > 0) {
      return this.rows.map((r) => ({
        number: r.number, model: r.model, serial: byNumber.get(r.number)?.serial ?? null, version: normalizeVersion(r.version), mode: r.mode,
      }));
    }
    if (others.length === 0) return [];
    return [...byNumber.entries()].sort(([a], [b]) => a - b).map(([number, b]) => ({ number, model: b.model, serial: b.serial, version: null, mode: null }));
  }
}
