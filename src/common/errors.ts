// Reading thrown values: the message of whatever was thrown, and a typed
// test of an error's class (so callers read "is this a Stop?" as a question).

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function stackOf(err: unknown): string {
  return err instanceof Error ? err.stack ?? err.message : String(err);
}

/** Whether `err` was made by `cls` (or a subclass). */
export function isA<T>(err: unknown, cls: abstract new (...args: never[]) => T): err is T {
  return err instanceof cls;
}
