// Standard output that may close under us: `upshift run … | head -1` closes
// the pipe after one line. Node ignores SIGPIPE, so each later write fails
// with EPIPE; unhandled, that error would end the process wherever it was,
// perhaps between a device's reload and its journal entry. Here it becomes a
// safe stop instead, as Ctrl+C is; output is dropped from then on.
// EIO: the terminal it wrote to is gone.
const CLOSED = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'ECONNRESET', 'EIO']);

export interface GuardedStdout {
  /** Writes a line unless standard output has closed. */
  line(text: string): void;
  readonly closed: boolean;
  dispose(): void;
}

export function guardStdout(onClosed: (reason: string) => void): GuardedStdout {
  let closed = false;
  const close = (reason: string) => {
    if (closed) return;
    closed = true;
    onClosed(reason);
  };
  const onError = (err: NodeJS.ErrnoException) => {
    if (CLOSED.has(err.code ?? '')) close(`standard output closed (${err.code})`);
    else throw err;
  };
  const onPipe = () => close('SIGPIPE');
  process.stdout.on('error', onError);
  process.on('SIGPIPE', onPipe);
  return {
    line(text) {
      if (closed) return;
      process.stdout.write(`${text}\n`);
    },
    get closed() {
      return closed;
    },
    dispose() {
      process.off('SIGPIPE', onPipe);
      // Kept on stdout: a write still queued may fail after the command ended.
      if (closed) return;
      process.stdout.off('error', onError);
    },
  };
}

let quietInstalled = false;

/**
 * For the commands that only print (status, plan, export, parse, help): a
 * reader that has seen enough (`upshift status | head -3`) ends the output,
 * not the command. Nothing is at stake mid-way, so there is no stop to
 * arrange: later writes are dropped and the command ends with the exit code
 * it would have had. The listener stays for the life of the process, as a
 * write still queued may fail after the command returned.
 */
export function quietWhenStdoutCloses(): void {
  if (quietInstalled) return;
  quietInstalled = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (!CLOSED.has(err.code ?? '')) throw err;
  });
}
