import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { InputSource, ReadProblem } from '../logs';
import type { BacktestDetection, BacktestState } from './backtest';
import type { NamedPattern } from './detection-set';

/** Default number of worker threads: one per core, at most 4. */
export function defaultWorkers(inputs: readonly InputSource[]): number {
  if (inputs.some((i) => i.path === '-') || inputs.length < 8) return 1;
  return Math.max(1, Math.min(4, os.cpus().length));
}

type Message =
  | { type: 'file'; index: number; records: number; matches?: Array<{ record: Record<string, unknown>; ids: string[] }>; problems?: ReadProblem[]; noTime?: number }
  | { type: 'done'; state?: BacktestState; summary?: { files: number; records: number; prefiltered: number } };

function deal(inputs: readonly InputSource[], workers: number): InputSource[][] {
  const shares: InputSource[][] = Array.from({ length: workers }, () => []);
  inputs.forEach((input, i) => shares[i % workers].push(input));
  return shares;
}

function start(job: Record<string, unknown>, onMessage: (m: Message) => void): Promise<Message> {
  const workerModule = path.join(__dirname, 'worker');
  const isTs = __filename.endsWith('.ts');
  // compiled: plain require; from sources (tests, ts-node): transpile the worker on the fly
  const source = `${isTs ? "require('ts-node').register({ transpileOnly: true, preferTsExts: true });\n" : ''}require(${JSON.stringify(workerModule)});`;
  return new Promise((resolve, reject) => {
    const w = new Worker(source, { eval: true, workerData: job });
    w.on('message', (m: Message) => (m.type === 'done' ? resolve(m) : onMessage(m)));
    w.on('error', reject);
    w.on('exit', (code) => {
      if (code !== 0) reject(new Error(`worker exited with code ${code}`));
    });
  });
}

/**
 * Runs a backtest on worker threads: files are dealt out in turn, each worker reads, decompresses, parses and
 * evaluates its files, and the partial states are merged.
 */
export async function runInWorkers(
  inputs: readonly InputSource[],
  detections: readonly BacktestDetection[],
  workers: number,
  onFile?: (source: InputSource, records: number) => void,
): Promise<BacktestState[]> {
  const patterns = detections.map((d) => ({ id: d.id, pattern: d.pattern.logPatternString }));
  const shares = deal(inputs, workers).filter((s) => s.length > 0);
  const done = await Promise.all(
    shares.map((files) => start({ mode: 'backtest', files, patterns }, (m) => m.type === 'file' && onFile?.(files[m.index], m.records))),
  );
  return done.map((m) => (m as { state: BacktestState }).state);
}

export interface ParallelSearchCallbacks {
  readonly onMatch: (record: Record<string, unknown>, ids: string[], source: string) => void;
  readonly onProblem: (p: ReadProblem) => void;
  readonly onNoTime: (source: string, count: number) => void;
  readonly onFile?: (source: InputSource, records: number) => void;
}

/**
 * Runs a search on worker threads. Matches are delivered in input order (a file's matches are held until every
 * earlier file is done), so the output is the same as with one thread.
 */
export async function searchInWorkers(
  inputs: readonly InputSource[],
  patterns: readonly NamedPattern[],
  workers: number,
  options: { fromMs?: number; toMs?: number },
  cb: ParallelSearchCallbacks,
): Promise<{ files: number; records: number; prefiltered: number }> {
  const data = patterns.map((d) => ({ id: d.id, pattern: d.pattern.logPatternString }));
  const shares = deal(inputs, workers);
  const pending = new Map<number, Message & { type: 'file' }>();
  let next = 0;
  const flush = () => {
    while (pending.has(next)) {
      const m = pending.get(next)!;
      pending.delete(next);
      const src = inputs[next];
      for (const p of m.problems ?? []) cb.onProblem(p);
      for (const x of m.matches ?? []) cb.onMatch(x.record, x.ids, src.path);
      if (m.noTime) cb.onNoTime(src.path, m.noTime);
      cb.onFile?.(src, m.records);
      next++;
    }
  };
  const done = await Promise.all(
    shares.map((files, w) =>
      files.length === 0
        ? Promise.resolve<Message>({ type: 'done', summary: { files: 0, records: 0, prefiltered: 0 } })
        : start({ mode: 'search', files, patterns: data, ...options }, (m) => {
          if (m.type !== 'file') return;
          pending.set(m.index * workers + w, m);
          flush();
        }),
    ),
  );
  flush();
  const total = { files: 0, records: 0, prefiltered: 0 };
  for (const m of done) {
    const s = (m as { summary: typeof total }).summary;
    total.files += s.files;
    total.records += s.records;
    total.prefiltered += s.prefiltered;
  }
  return total;
}
