// Heights of the screen's parts for a terminal size. The frame stays one row
// short of the terminal: a frame as tall as the screen makes Ink clear and
// redraw everything, which flickers.

export interface Layout {
  width: number;
  header: number;
  /** Rows between the header and the flash line. */
  body: number;
  table: number;
  bottom: number;
  approvalsWidth: number;
}

/** `dialogRows`: the height of an open dialog, borders included. */
export function layout(columns: number, rows: number, headerRows: number, dialogRows: number | null): Layout {
  const width = Math.max(40, columns);
  const frame = Math.max(12, rows - 1);
  const body = Math.max(6, frame - headerRows - 2);
  // Below ~22 rows the table keeps the room; the detail pane is one Enter away.
  const panes = dialogRows !== null ? dialogRows : body >= 20 ? Math.min(11, Math.floor(body * 0.4)) : 0;
  const bottom = Math.min(panes, body - 4);
  return { width, header: headerRows, body, table: body - bottom, bottom, approvalsWidth: width >= 90 ? Math.min(44, Math.max(36, Math.floor(width * 0.32))) : 0 };
}

/** Keeps `index` inside the visible window [offset, offset + visible). */
export function scrollTo(index: number, offset: number, visible: number, total: number): number {
  if (visible <= 0) return 0;
  let o = offset;
  if (index < o) o = index;
  if (index >= o + visible) o = index - visible + 1;
  return Math.max(0, Math.min(o, Math.max(0, total - visible)));
}
