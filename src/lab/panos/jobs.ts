// The firewall's job list. A job waits in its queue (status PEND, queued YES)
// while an earlier job of the same queue runs (the software manager does one
// thing at a time), runs (ACT / PEND with a rising progress), then finishes
// (FIN with OK or FAIL and its detail lines). Its effect applies when it
// finishes, whether or not anybody is polling.
import { hms, panDate } from './format.js';
import { xmlOf } from './xml.js';

export interface JobOutcome { ok: boolean; lines: string[] }

export interface Job {
  id: number;
  type: string;
  queue: string;
  user: string;
  enqueuedAt: number;
  startsAt: number;
  finishesAt: number;
  outcome: JobOutcome | null;
  run: () => JobOutcome;
}

export class JobList {
  private readonly jobs = new Map<number, Job>();
  private nextId: number;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(firstId = 1) {
    this.nextId = firstId;
  }

  /** Enqueues a job that runs for `durationMs` after the queue's earlier jobs, then applies `run`. */
  add(type: string, queue: string, durationMs: number, run: () => JobOutcome, user = 'admin'): Job {
    const now = Date.now();
    const busyUntil = Math.max(now, ...[...this.jobs.values()].filter((j) => j.queue === queue && !j.outcome).map((j) => j.finishesAt));
    const job: Job = { id: this.nextId++, type, queue, user, enqueuedAt: now, startsAt: busyUntil, finishesAt: busyUntil + durationMs, outcome: null, run };
    this.jobs.set(job.id, job);
    this.settleAt(job);
    return job;
  }

  /**
   * Applies the job's effect when its time is up, even if nobody asks for it (an HA sync
   * changes what the peer reports). A timer may fire a millisecond before Date.now()
   * reaches its time: then it waits again, or the effect would wait for the next query.
   */
  private settleAt(job: Job): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.settle();
      if (!job.outcome && this.jobs.get(job.id) === job) this.settleAt(job);
    }, Math.max(1, job.finishesAt - Date.now()));
    this.timers.add(t);
  }

  get(id: number): Job | undefined {
    this.settle();
    return this.jobs.get(id);
  }

  all(): Job[] {
    this.settle();
    return [...this.jobs.values()].sort((a, b) => b.id - a.id);
  }

  /** Jobs not finished yet (queued or running). */
  unfinished(): Job[] {
    return this.all().filter((j) => !j.outcome);
  }

  /** Applies the effect of every job whose time is up, oldest first, each once. */
  settle(): void {
    const now = Date.now();
    for (const job of [...this.jobs.values()].sort((a, b) => a.finishesAt - b.finishesAt)) {
      if (!job.outcome && job.finishesAt <= now) job.outcome = job.run();
    }
  }

  /** A restart ends the job list: unfinished jobs are gone with the management plane. */
  clear(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const [id, j] of this.jobs) if (!j.outcome) this.jobs.delete(id);
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** The <job> element of `show jobs id N` / `show jobs all`. */
  xml(job: Job): string {
    const now = Date.now();
    const done = job.outcome !== null;
    const running = !done && now >= job.startsAt;
    const progress = done ? 100 : running ? Math.min(99, Math.floor(((now - job.startsAt) / Math.max(1, job.finishesAt - job.startsAt)) * 100)) : 0;
    const position = done || running ? 0 : this.unfinished().filter((j) => j.queue === job.queue && j.startsAt < job.startsAt).length;
    return xmlOf({
      tenq: panDate(job.enqueuedAt), tdeq: running || done ? hms(job.startsAt) : 'Still Queued', id: job.id, user: job.user, type: job.type,
      status: done ? 'FIN' : running ? 'ACT' : 'PEND', queued: done || running ? 'NO' : 'YES', stoppable: done ? 'no' : 'yes',
      result: done ? (job.outcome!.ok ? 'OK' : 'FAIL') : 'PEND', tfin: done ? panDate(job.finishesAt) : 'Still Active', description: null,
      positionInQ: position, progress, details: done && job.outcome!.lines.length ? { 'line*': job.outcome!.lines } : null, warnings: null,
    }, 'job');
  }
}
