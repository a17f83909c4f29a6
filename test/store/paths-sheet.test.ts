// The optional Paths sheet: operator-given PAN-OS upgrade paths, read into
// the inventory, and every problem reported at its cell with the others.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { importWorkbook, InventoryError } from '../../src/store/inventory.js';
import { buildWorkbook, IMAGE_HEADER, IMAGE_ROW, tempDir, validDevices, type Row } from '../helpers/workbooks.js';

async function inventoryWith(paths: Row[] | null) {
  const file = join(tempDir(), 'fleet.xlsx');
  await buildWorkbook(file, { Devices: validDevices(), Images: [[...IMAGE_HEADER], [...IMAGE_ROW]], ...(paths ? { Paths: paths } : {}) });
  return importWorkbook(file);
}

describe('Paths sheet', () => {
  it('is optional', async () => {
    expect((await inventoryWith(null)).paths).toEqual([]);
  });

  it('reads releases or feature releases, and the releases on the way in order', async () => {
    const inv = await inventoryWith([['From', 'To', 'Via'], ['10.2.9-h1', '12.1.3', '11.1.4-h7'], ['10.1', '11.2.5', '10.2.13-h5, 11.1.6-h3'], [null, null, null], ['9.1.17', '11.1.4-h7', '10.0.12 10.1.14-h9']]);
    expect(inv.paths).toEqual([
      { from: '10.2.9-h1', to: '12.1.3', via: ['11.1.4-h7'], row: 2 },
      { from: '10.1', to: '11.2.5', via: ['10.2.13-h5', '11.1.6-h3'], row: 3 },
      { from: '9.1.17', to: '11.1.4-h7', via: ['10.0.12', '10.1.14-h9'], row: 5 },
    ]);
  });

  it('reports every problem at its cell; values that could reach a command are refused', async () => {
    const err = await inventoryWith([['from', 'to', 'via'], ['10.2.9-h1', '', '11.1.4-h7'], ['10.2', '12.1.3', ''], ['10.2', '12.1.3', '11.1.4-h7;<x/>'], ['ten', '12.1.3', '11.1.4-h7']]).catch((e) => e);
    expect(err).toBeInstanceOf(InventoryError);
    expect((err as InventoryError).issues).toEqual([
      'Paths!B2 to: is required',
      'Paths!C3 via: is required: the releases installed on the way, in order',
      'Paths!C4 via: "<x/>" is not a PAN-OS release (e.g. 11.0.6)',
      'Paths!A5 from: "ten" is not a PAN-OS release (e.g. 10.1.14-h9) or feature release (e.g. 10.1)',
    ]);
  });

  it('needs its columns', async () => {
    const err = await inventoryWith([['from', 'to'], ['10.2', '12.1.3']]).catch((e) => e);
    expect((err as InventoryError).issues).toEqual(['Paths!1:1 via: required column is missing']);
  });
});
