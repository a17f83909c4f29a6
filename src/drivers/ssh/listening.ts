// A cheap reachability probe for a device that is reloading: a TCP connect to
// its SSH port, closed at once. It lets the wait for a device's return notice
// the port opening within a fraction of the poll interval, without an SSH
// handshake per try.
import { connect } from 'node:net';

function tryConnect(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True as soon as host:port accepts a TCP connection; false if it has not within `withinMs`. */
export async function waitListening(host: string, port: number, withinMs: number, everyMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    if (await tryConnect(host, port, Math.min(left, 2_000))) return true;
    const pause = Math.min(everyMs, deadline - Date.now());
    if (pause > 0) await new Promise((r) => setTimeout(r, pause));
  }
}
