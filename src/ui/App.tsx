// The operator console: one screen built from the model, keys dispatched
// through the key table (keymap.ts), whose bindings carry their handlers.
import { useEffect, useReducer, useRef, useState, useSyncExternalStore } from 'react';
import { Box, useInput, useStdin, useStdout, type Key } from 'ink';
import type { ConsoleController } from './controller.js';
import type { ViewInfo } from './actions.js';
import { binding, lookup } from './keymap.js';
import { splitChunk } from './chunk.js';
import { layout, queueSize, scrollTo } from './layout.js';
import { INITIAL_UI, select, type UiState } from './selection.js';
import { DeviceTable } from './components/DeviceTable.js';
import { DetailPane } from './components/DetailPane.js';
import { ApprovalsPane } from './components/Approvals.js';
import { approveAllDialog, dialogIndent, gateDialog, quitDialog, type DialogView } from './components/Dialogs.js';
import { flashLines, FlashLines, Header, headerLines, helpLines, HintBar, scrolledHelp } from './components/Chrome.js';
import { CredentialsPrompt } from './components/CredentialsPrompt.js';
import { Panel, seg, wrapLine } from './components/lines.js';

/**
 * Ink's frame limit. Events are coalesced to ~15 frames a second by the model, so
 * this only bounds how long a key waits behind a frame just drawn (1000/120 ms).
 * bench/tui, 10,000 devices with write-back running: key → frame p95 44.6 ms at 60,
 * 28.8 ms at 120, with the same number of frames drawn.
 */
export const MAX_FPS = 120;

export interface AppProps {
  controller: ConsoleController;
  /** Called when the console is done: after a safe stop, or at once on a second Ctrl+C. */
  onQuit(forced: boolean): void;
  /** Fixed terminal size (tests); otherwise the terminal's, following resizes. */
  size?: { columns: number; rows: number };
  /** Keys arriving this soon after a gate dialog opens are ignored (a key held down). */
  guardMs?: number;
  clock?: () => number;
  /** Tests: told, once its frame is drawn, how many key chunks have been dispatched so far (the rig waits on it, not on time). */
  onKeysHandled?(count: number): void;
}

function useTerminalSize(fixed?: { columns: number; rows: number }) {
  const { stdout } = useStdout();
  const read = () => fixed ?? { columns: stdout.columns || 100, rows: stdout.rows || 40 };
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (fixed) return;
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout, fixed]);
  return fixed ?? size;
}

export function App({ controller, onQuit, size: fixedSize, guardMs = 350, clock = Date.now, onKeysHandled }: AppProps) {
  const { model, info } = controller;
  const version = useSyncExternalStore(model.subscribe, model.getVersion);
  const size = useTerminalSize(fixedSize);
  const [now, setNow] = useState(clock);
  useEffect(() => {
    const t = setInterval(() => setNow(clock()), 1000);
    return () => clearInterval(t);
  }, [clock]);
  // The UI state lives in a ref so that a key sees what the previous key did even before React renders it.
  const uiRef = useRef<UiState>(INITIAL_UI);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const setUi = (patch: Partial<UiState>) => {
    uiRef.current = { ...uiRef.current, ...patch };
    rerender();
  };
  const offset = useRef(0);
  const viewRef = useRef<ViewInfo>({ helpLines: 0, helpRows: 0 });
  // The size that would show the approvals queue, when this frame has no room for it (null when drawn): keys never go to a pane that is not.
  const queueRef = useRef<string | null>(null);
  const ui = uiRef.current;
  void version;
  const base = headerLines(model, info, now, size.columns).length;
  const queueHiddenBelow = layout(size.columns, size.rows, base, null).approvalsWidth > 0 ? null : `${queueSize(base).columns}×${queueSize(base).rows}`;
  queueRef.current = queueHiddenBelow;
  const sel = select(model, ui, queueHiddenBelow);
  const { list, index, device, gates, approval, keyState } = sel;
  const dialogGate = ui.dialog?.type === 'gate' ? model.gates.get(ui.dialog.gateId) ?? null : null;

  const { isRawModeSupported } = useStdin();
  const handleKey = (input: string, key: Key, burst: number) => {
    const cur = uiRef.current;
    const fresh = select(model, cur, queueRef.current);
    const scope = model.run.phase === 'credentials' ? 'credentials' : cur.scope;
    const b = lookup(scope, input, key, fresh.keyState);
    if (!b) return;
    // A key held down when a dialog opens must not answer it: early keys and bursts are ignored, and the operator told so.
    if ((scope === 'gate' || scope === 'approveAll') && cur.dialog && !b.always) {
      const early = clock() - cur.dialog.openedAt < guardMs;
      if (early || burst > 1) return model.say(`${early ? 'a key came as the dialog opened' : `${burst} keys came at once`}: ignored (a held key never answers); press one key`, 'warn');
    }
    const why = b.disabled?.(fresh.keyState);
    if (why) return model.say(why, 'warn');
    b.run({ controller, ui: cur, setUi, sel: fresh, clock, onQuit, view: viewRef.current, keyOf: (id) => binding(id).keys }, input);
  };
  // Only when a test listens: a render per key chunk, whether or not the key changed anything.
  const [keysHandled, countKeys] = useReducer((n: number) => n + 1, 0);
  // Ink hands keys that arrive together (fast typing, tmux send-keys, a paste) over as one chunk: each applies, in order.
  const handle = (input: string, key: Key) => {
    const keys = splitChunk(input, key);
    // The rest of a chunk that opened a dialog is a burst there: dropped, never an answer.
    for (const k of keys) {
      handleKey(k.input, k.key, keys.length);
    }
    if (onKeysHandled) countKeys();
  };
  useInput(handle, { isActive: isRawModeSupported });
  useEffect(() => {
    if (keysHandled > 0) onKeysHandled?.(keysHandled);
  }, [keysHandled]);

  // The gate dialog closes by itself when its gate is answered elsewhere or the run stops.
  useEffect(() => {
    if (ui.scope === 'gate' && !dialogGate) setUi({ scope: uiRef.current.back, dialog: null });
  }, [ui.scope, dialogGate]);

  const head = headerLines(model, info, now, size.columns, queueHiddenBelow);
  let dialog: DialogView | null = null;
  if (ui.scope === 'gate' && dialogGate) dialog = gateDialog(dialogGate, model.device(dialogGate.hostname), now - (ui.dialog?.openedAt ?? 0) < guardMs, now);
  else if (ui.scope === 'approveAll' && ui.dialog?.type === 'all') dialog = approveAllDialog(ui.dialog.kind, ui.dialog.ids.map((id) => model.gates.get(id)).filter((g) => !!g), ui.dialog.typed);
  else if (ui.scope === 'quit') dialog = quitDialog(model.inFlight(), gates.length, gates.filter((g) => g.kind === 'rollback' || g.kind === 'commit').map((g) => g.hostname));
  // Long commands and impacts wrap under their label instead of being cut at the edge.
  if (dialog) dialog = { ...dialog, lines: dialog.lines.flatMap((l) => wrapLine(l, Math.max(40, size.columns) - 4, dialogIndent(l))) };
  const dialogRows = dialog ? dialog.lines.length + 2 : null;
  // A flash longer than the width wraps into rows the table leaves empty (two at least, four at most:
  // an export names two files, whose paths alone may fill a line each at 80 columns).
  const first = layout(size.columns, size.rows, head.length, dialogRows);
  const flash = flashLines(model, now, first.width, dialog ? 2 : 1 + Math.min(3, Math.max(1, first.table - 3 - list.length)));
  const L = flash.length > 1 ? layout(size.columns, size.rows, head.length, dialogRows, flash.length) : first;
  // A dialog taller than the room keeps its head and its last two lines (what to press).
  const room = L.bottom - 2;
  if (dialog && dialog.lines.length > room && room >= 5) {
    const cut = dialog.lines.length - room + 1;
    dialog = { ...dialog, lines: [...dialog.lines.slice(0, room - 3), [seg(`… ${cut} more line${cut === 1 ? '' : 's'}`, 'muted')], ...dialog.lines.slice(-2)] };
  }
  const clockInfo = { now, reloadTimeoutMs: info.reloadTimeoutMs };
  const tableFocused = sel.pane === 'devices' && ui.scope !== 'details';
  offset.current = scrollTo(index, offset.current, L.table - 3, list.length);

  let body: React.ReactNode;
  if (model.run.phase === 'credentials') {
    body = <CredentialsPrompt names={info.credentialNames} form={ui.login} state={keyState} />;
  } else if (ui.scope === 'help') {
    const help = scrolledHelp(helpLines(keyState, L.width), L.body - 2, ui.helpTop);
    viewRef.current = { helpLines: help.total, helpRows: L.body - 2 };
    body = <Panel title={[seg('Keys', 'accent', { bold: true }), seg(` (${binding('helpClose').keys} closes)`, 'muted'), ...help.title]} w={L.width} rows={L.body - 2} lines={help.lines} focused />;
  } else if (ui.scope === 'details' || (ui.back === 'details' && ui.scope === 'filter')) {
    body = <DetailPane device={device} journal={device ? controller.journal(device.row.hostname) : []} transcript={device ? controller.transcriptTail(device.row.hostname, L.body) : []} w={L.width} rows={L.body - 2} full focused now={now} />;
  } else {
    body = (
      <>
        <DeviceTable rows={list} offset={offset.current} selected={index} total={model.devices.length} filter={ui.filter} filtering={ui.scope === 'filter'} focused={tableFocused} w={L.width} height={L.table} clock={clockInfo} />
        {dialog ? <Panel title={dialog.title} w={L.width} rows={L.bottom - 2} lines={dialog.lines} focused /> : (L.bottom > 2 && (
          <Box>
            <DetailPane device={device} journal={device ? controller.journal(device.row.hostname) : []} transcript={device ? controller.transcriptTail(device.row.hostname, L.bottom) : []} w={L.width - L.approvalsWidth} rows={L.bottom - 2} full={false} focused={false} now={now} />
            {L.approvalsWidth > 0 && <ApprovalsPane gates={gates} answered={model.answered} selected={approval} focused={sel.pane === 'approvals'} w={L.approvalsWidth} rows={L.bottom - 2} />}
          </Box>
        ))}
      </>
    );
  }
  return (
    <Box flexDirection="column" width={L.width}>
      <Header lines={head} />
      {body}
      <FlashLines lines={flash} />
      <HintBar scope={model.run.phase === 'credentials' ? 'credentials' : ui.scope} state={keyState} w={L.width} />
    </Box>
  );
}
