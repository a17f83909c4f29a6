// A 10,000-row workbook and its state database, with the session write-back
// on them: what bench/tui.mjs keeps writing while it presses keys.
import ExcelJS from 'exceljs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importWorkbook } from '../dist/store/inventory.js';
import { openDatabase } from '../dist/store/db.js';
import { StateStore } from '../dist/store/state.js';
import { DebouncedWriteBack } from '../dist/store/writeback.js';

export async function writeBackFixture(rows) {
  const dir = mkdtempSync(join(tmpdir(), 'upshift-bench-wb-'));
  const file = join(dir, 'fleet.xlsx');
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
  const ws = wb.addWorksheet('Devices');
  ws.addRow(['hostname', 'host', 'platform', 'target_version', 'image', 'site', 'notes', 'rack', 'owner']).commit();
  for (let i = 0; i < rows; i++) ws.addRow([`sw-${i}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255 || 1}`, 'iosxe', '17.9.5', 'cat9k_iosxe.17.09.05.SPA.bin', `site-${i % 40}`, `note ${i}`, `R${i % 90}`, `team-${i % 12}`]).commit();
  ws.commit();
  const images = wb.addWorksheet('Images');
  images.addRow(['platform', 'version', 'file', 'md5']).commit();
  images.addRow(['iosxe', '17.9.5', 'cat9k_iosxe.17.09.05.SPA.bin', 'a'.repeat(32)]).commit();
  images.commit();
  await wb.commit();
  const inv = await importWorkbook(file);
  const store = new StateStore(openDatabase(join(dir, 'state')));
  store.syncInventory(inv);
  const session = new DebouncedWriteBack(file, { stateDb: join(dir, 'state', 'upshift.db') }, (m) => console.error(m));
  return {
    file,
    store,
    session,
    writes: () => session.written,
    /**
     * Changes the status of 100 devices, as a busy run does between two writes (the engine's
     * own updates are the main thread's; the write-back still reads and rewrites the whole sheet).
     */
    touch(i) {
      store.db.transaction(() => {
        for (let k = 0; k < 100; k++) store.updateState(inv.devices[(i * 100 + k) % inv.devices.length].hostname, { status: i % 2 ? 'running' : 'held', step: `s${i}` });
      })();
    },
    async close() {
      await session.close();
      store.db.close();
    },
  };
}
