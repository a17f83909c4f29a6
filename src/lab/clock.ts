// Every lab delay is written at "speed 1" and divided by the speed factor, so
// a 1,000-device window can run in seconds.
export class LabClock {
  constructor(readonly speed = 1) {
    if (!(speed > 0)) throw new Error('speed must be above 0');
  }

  /** A duration in ms at speed 1, scaled (at least 1 ms). */
  ms(base: number): number {
    return Math.max(1, Math.round(base / this.speed));
  }

  sleep(base: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.ms(base)));
  }

  /** Sleeps until the wall-clock time `at` (ms since the epoch); at once if it has passed. */
  sleepUntil(at: number): Promise<void> {
    const wait = at - Date.now();
    return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
  }

  /** Lab time elapsed since `since` (ms), expressed at speed 1: uptimes and timers. */
  elapsed(since: number): number {
    return (Date.now() - since) * this.speed;
  }
}
