// Runs write-back jobs in one worker thread (writeback-worker.ts), started on
// the first job. It does not keep the process alive while idle.
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ExportJob, WriteJob } from './writeback-worker.js';
import type { WriteBackResult } from './writeback.js';

export type WriteBackDone = WriteBackResult & { backedUp: boolean };
export type ExportDone = WriteBackResult & { auditRows: number };

type Job = Omit<WriteJob, 'id'> | Omit<ExportJob, 'id'>;
type Done<J> = J extends { kind: 'export' } ? ExportDone : WriteBackDone;

/**
 * The compiled worker. Under the test runner this module is the TypeScript
 * source, which a worker thread cannot load: the build in dist/ (which the
 * test setup makes before any test) is used instead.
 */
function workerFile(): URL {
  const beside = new URL('./writeback-worker.js', import.meta.url);
  if (!import.meta.url.endsWith('.ts')) return beside;
  const built = new URL('../../dist/store/writeback-worker.js', import.meta.url);
  if (!existsSync(built)) throw new Error(`the write-back worker is not built (${built.pathname}): run npm run build`);
  return built;
}

export class WriteBackThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve: (r: never) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  run<J extends Job>(job: J): Promise<Done<J>> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<Done<J>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: never) => void, reject });
      // Kept alive only while a job is out.
      worker.ref();
      worker.postMessage({ ...job, id });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerFile());
    worker.unref();
    worker.on('message', (m: { id: number; ok: boolean; result?: never; message?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      if (m.ok) p.resolve(m.result!);
      else p.reject(new Error(m.message));
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', (err) => fail(new Error(`the write-back thread failed: ${err.message}`)));
    worker.on('exit', (code) => fail(new Error(`the write-back thread ended (exit ${code})`)));
    this.worker = worker;
    return worker;
  }

  /** Ends the thread once its jobs are done (they are awaited by their callers). */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    const exited = new Promise<void>((r) => worker.once('exit', () => r()));
    worker.ref();
    worker.postMessage({ close: true });
    const timer = setTimeout(() => void worker.terminate(), 2000);
    await exited;
    clearTimeout(timer);
  }
}
