import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readLines } from './io';

/** One output entry: its sort key (eventTime in epoch ms, NaN when it has none) and its text. */
interface Entry {
  readonly timeMs: number;
  /** Order of arrival: ties (and entries without a time) keep the input order. */
  readonly seq: number;
  readonly text: string;
}

/** Oldest first; entries without a valid eventTime after all the others; then in the order they came. */
function compare(a: Entry, b: Entry): number {
  const an = Number.isNaN(a.timeMs);
  const bn = Number.isNaN(b.timeMs);
  if (an !== bn) return an ? 1 : -1;
  if (!an && a.timeMs !== b.timeMs) return a.timeMs - b.timeMs;
  return a.seq - b.seq;
}

/** The default memory held before sorted runs are spilled to temporary files (characters of output text). */
export const TIME_SORT_MEMORY = 64 * 1024 * 1024;

/**
 * Sorts output entries by eventTime with bounded memory (an external merge sort): entries are held in memory up to
 * `memoryLimit` characters, then sorted and written to a temporary file as one run; `sorted()` merges the runs
 * (and what is still in memory) oldest first. Memory stays within the limit plus one entry per run, whatever the
 * number of matches; disk use is the size of the output. The temporary files are removed when `sorted()` ends or
 * `discard()` is called.
 */
export class TimeSorter {
  private buffer: Entry[] = [];
  private bytes = 0;
  private seq = 0;
  private dir: string | undefined;
  private readonly runs: string[] = [];

  constructor(private readonly memoryLimit = TIME_SORT_MEMORY) {}

  /** Number of runs spilled to disk so far (for tests and messages). */
  public get spilledRuns(): number {
    return this.runs.length;
  }

  /** The temporary directory of the spilled runs, while there is one. */
  public get spillDirectory(): string | undefined {
    return this.dir;
  }

  public add(timeMs: number, text: string): void {
    this.buffer.push({ timeMs, seq: this.seq++, text });
    this.bytes += text.length;
    if (this.bytes >= this.memoryLimit) this.spill();
  }

  private spill(): void {
    this.buffer.sort(compare);
    this.dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'cloudtrail-alarms-sort-'));
    const file = path.join(this.dir, `run-${this.runs.length}.ndjson`);
    const fd = fs.openSync(file, 'w');
    try {
      // one line per entry: [time, seq, text] (JSON keeps the text's own line breaks inside the line)
      let chunk = '';
      for (const e of this.buffer) {
        chunk += `${JSON.stringify([Number.isNaN(e.timeMs) ? null : e.timeMs, e.seq, e.text])}\n`;
        if (chunk.length >= 1024 * 1024) {
          fs.writeSync(fd, chunk);
          chunk = '';
        }
      }
      if (chunk.length > 0) fs.writeSync(fd, chunk);
    } finally {
      fs.closeSync(fd);
    }
    this.runs.push(file);
    this.buffer = [];
    this.bytes = 0;
  }

  /** The texts, oldest eventTime first. */
  public async *sorted(): AsyncGenerator<string> {
    try {
      this.buffer.sort(compare);
      if (this.runs.length === 0) {
        for (const e of this.buffer) yield e.text;
        return;
      }
      const sources: Array<AsyncGenerator<Entry>> = this.runs.map((file) => readRun(file));
      sources.push(inMemory(this.buffer));
      try {
        const heads: Array<Entry | undefined> = [];
        for (const s of sources) heads.push((await s.next()).value as Entry | undefined);
        for (;;) {
          let best = -1;
          for (let i = 0; i < heads.length; i++) {
            const h = heads[i];
            if (h !== undefined && (best < 0 || compare(h, heads[best]!) < 0)) best = i;
          }
          if (best < 0) return;
          yield heads[best]!.text;
          const next = await sources[best].next();
          heads[best] = next.done ? undefined : next.value;
        }
      } finally {
        // closes the runs' files when the output stopped early
        for (const s of sources) await s.return(undefined);
      }
    } finally {
      this.discard();
    }
  }

  /** Removes the temporary files (when the output stopped early). */
  public discard(): void {
    if (this.dir !== undefined) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    this.buffer = [];
  }
}

async function* readRun(file: string): AsyncGenerator<Entry> {
  for await (const line of readLines(fs.createReadStream(file))) {
    const [t, seq, text] = JSON.parse(line) as [number | null, number, string];
    yield { timeMs: t === null ? NaN : t, seq, text };
  }
}

async function* inMemory(entries: readonly Entry[]): AsyncGenerator<Entry> {
  yield* entries;
}
