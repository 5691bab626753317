// The parent side of the local engine's worker threads: files are dealt out in turn (file g to worker g % n), each
// worker reads, parses and evaluates its share, and the parent merges in input order.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { ParentMessage, WorkerJob, WorkerMessage } from './protocol';
import { InputSource } from '../../logs';

/** How to start a worker thread: a JavaScript file (and node options). */
export interface WorkerLauncher {
  readonly file: string;
  readonly execArgv?: string[];
}

/**
 * The compiled worker beside this module, when this module is itself compiled JavaScript. Running from TypeScript
 * sources (jest, ts-node) there is none, even if a build left a worker.js beside the sources: it could be stale.
 */
export function compiledWorker(): WorkerLauncher | undefined {
  if (!__filename.endsWith('.js')) return undefined;
  const file = path.join(__dirname, 'worker.js');
  return fs.existsSync(file) ? { file } : undefined;
}

/**
 * Compressed bytes (on disk) a worker thread must have to read before it pays for itself. Measured with
 * `npm run bench` on a shared 2-core machine, 2 threads against one: at 5 and 20 MB they took 1.4-2.4 times one
 * thread's CPU and no less wall time; at 79 MB, 0.8-1.7 times its CPU and 0.64-1.39 times its wall time, depending on
 * what else ran. Below this, one thread (no worker) is the default.
 */
export const WORKER_MIN_BYTES = 64 * 1024 * 1024;

/**
 * Default number of worker threads, decided by the input's size: one per WORKER_MIN_BYTES of regular files, at most
 * one per core and 4; one (no worker) for smaller inputs or any stream input.
 */
export function defaultWorkers(inputs: readonly InputSource[]): number {
  if (inputs.some((i) => i.kind === 'stream' || i.path === '-')) return 1;
  let bytes = 0;
  for (const i of inputs) bytes += i.size;
  const byBytes = Math.floor(bytes / WORKER_MIN_BYTES);
  return Math.max(1, Math.min(4, os.cpus().length, byBytes, inputs.length));
}

/** Deals inputs out: worker w gets inputs w, w + n, w + 2n, ... */
export function deal(inputs: readonly InputSource[], workers: number): InputSource[][] {
  const shares: InputSource[][] = Array.from({ length: workers }, () => []);
  inputs.forEach((input, i) => shares[i % workers].push(input));
  return shares;
}

/** One worker thread and the messages it sent that were not consumed yet. */
export class WorkerHandle {
  private readonly worker: Worker;
  private readonly queue: WorkerMessage[] = [];
  private waiting: (() => void) | undefined;
  private failure: Error | undefined;
  private exited = false;

  constructor(launcher: WorkerLauncher, job: WorkerJob) {
    this.worker = new Worker(launcher.file, { workerData: job, execArgv: launcher.execArgv });
    this.worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'failed') this.failure = new Error(`worker thread failed: ${m.message}`);
      else this.queue.push(m);
      this.wake();
    });
    this.worker.on('error', (e: Error) => {
      this.failure = e;
      this.wake();
    });
    this.worker.on('exit', (code) => {
      this.exited = true;
      if (code !== 0 && !this.failure) this.failure = new Error(`worker thread exited with code ${code}`);
      this.wake();
    });
  }

  /** The next message (in the order sent). */
  public async next(): Promise<WorkerMessage> {
    for (;;) {
      const m = this.queue.shift();
      if (m) return m;
      if (this.failure) throw this.failure;
      if (this.exited) throw new Error('worker thread ended before it finished');
      await new Promise<void>((r) => (this.waiting = r));
    }
  }

  public send(m: ParentMessage): void {
    if (!this.exited) this.worker.postMessage(m);
  }

  public async stop(): Promise<void> {
    this.send({ type: 'stop' });
    await this.worker.terminate();
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }
}
