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
  /** 0 when the approvals queue is not on screen (a narrow or short terminal). */
  approvalsWidth: number;
}

/** Narrower than this, the detail pane takes the bottom row alone. */
const QUEUE_COLUMNS = 90;
/** Fewer body rows than this and the table keeps the room; the detail pane is one Enter away. */
const PANES_BODY = 20;

/** `dialogRows`: the height of an open dialog, borders included; `flashRows`: the flash message's lines. */
export function layout(columns: number, rows: number, headerRows: number, dialogRows: number | null, flashRows = 1): Layout {
  const width = Math.max(40, columns);
  const frame = Math.max(12, rows - 1);
  // Which panes show is decided as for a one-line flash: a longer message takes its rows from the table.
  const roomy = frame - headerRows - 2 >= PANES_BODY;
  const body = Math.max(6, frame - headerRows - flashRows - 1);
  const panes = dialogRows !== null ? dialogRows : roomy ? Math.min(11, Math.floor((frame - headerRows - 2) * 0.4)) : 0;
  const bottom = Math.min(panes, body - 4);
  const queue = width >= QUEUE_COLUMNS && roomy;
  return { width, header: headerRows, body, table: body - bottom, bottom, approvalsWidth: queue ? Math.min(44, Math.max(36, Math.floor(width * 0.32))) : 0 };
}

/** The smallest terminal that shows the approvals queue, with this header and a one-line flash. */
export function queueSize(headerRows: number): { columns: number; rows: number } {
  return { columns: QUEUE_COLUMNS, rows: PANES_BODY + headerRows + 3 };
}

/** Keeps `index` inside the visible window [offset, offset + visible). */
export function scrollTo(index: number, offset: number, visible: number, total: number): number {
  if (visible <= 0) return 0;
  let o = offset;
  if (index < o) o = index;
  if (index >= o + visible) o = index - visible + 1;
  return Math.max(0, Math.min(o, Math.max(0, total - visible)));
}
