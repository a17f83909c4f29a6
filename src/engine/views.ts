// The driver and store types the console reads, through the engine: the UI
// imports lower layers only from here (ui → engine → drivers/store, see
// docs/architecture.md, "The console"). Types only; nothing runs here.
export type { Check, Facts, FactsSummary } from '../drivers/contract.js';
export type { JournalEntry } from '../store/state.js';
export type { DeviceRow, DeviceStatus } from '../store/types.js';
