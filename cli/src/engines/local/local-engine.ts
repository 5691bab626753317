import { FileSummary, IgnoredInput, InputSource, readCloudTrail, ReadLimits, ReadProblem, ReadSummary } from '../../logs';
import { CountResult, Engine, EngineQuery, EngineStats, MatchedRecord, SearchRun } from '../engine';
import { candidateTest, TIME_FIELDS } from './candidate-test';
import { Channel } from './channel';
import { DetectionSet } from './detection-set';
import { BREAKDOWN_FIELDS, CounterState, detectionCounts, eventTimeRange, MatchCounter, mergeCounts } from './match-counter';
import { compiledWorker, deal, defaultWorkers, WorkerHandle, WorkerLauncher } from './pool';
import { WorkerJob } from './protocol';
import { placeInWindow } from './time-window';

export interface LocalEngineOptions {
  /** The files to read (from `listInputs`), in order. */
  readonly inputs: readonly InputSource[];
  /** Files the listing ignored and problems it met: passed through into the stats. */
  readonly ignored?: readonly IgnoredInput[];
  readonly listingProblems?: readonly ReadProblem[];
  /** Where `-` reads from (default: process.stdin). */
  readonly stdin?: NodeJS.ReadableStream;
  readonly limits?: Partial<ReadLimits>;
  /**
   * Worker threads that read, parse and evaluate files in parallel (answers are identical to one thread).
   * @default - by input size (pool.ts `defaultWorkers`): one per 64 MiB of compressed files, at most one per core and 4, and a compiled worker
   */
  readonly workers?: number;
  /** How to start a worker (default: the compiled `worker.js` beside this module). Tests running from sources pass one. */
  readonly launcher?: WorkerLauncher;
  /** Called as each file finishes (progress). */
  readonly onFile?: (source: InputSource, summary: FileSummary) => void;
}

/** Search batches: matches queued for the consumer before the reader waits. */
const SEARCH_QUEUE = 2048;

/** The local engine: CloudTrail files on disk or standard input, read by cli/src/logs, evaluated here. */
export class LocalEngine implements Engine {
  public readonly name = 'local';

  constructor(private readonly options: LocalEngineOptions) {}

  public async count(query: EngineQuery): Promise<CountResult> {
    const { inputs } = this.options;
    const launcher = this.launcher();
    const workers = launcher ? Math.min(this.workerCount(), inputs.length) : 1;
    const perFile: ReadProblem[][] = inputs.map(() => []);
    let summary: ReadSummary;
    let state: CounterState;
    if (workers > 1) {
      ({ summary, state } = await this.countInWorkers(query, workers, launcher!, perFile));
    } else {
      const counter = new MatchCounter(query.detections, query.window);
      let index = 0;
      summary = await readCloudTrail(inputs, {
        limits: this.options.limits,
        stdin: this.options.stdin,
        candidates: candidateTest(query.detections, TIME_FIELDS, BREAKDOWN_FIELDS),
        onRuledOut: (fields, where) => counter.onRuledOut(fields, where.source),
        onDecided: (fields, hits, where) => counter.onDecided(fields, hits, where.source),
        onRecord: (record, where) => counter.onRecord(record, where.source),
        onProblem: (p) => perFile[index].push(p),
        onFile: (src, s) => {
          index++;
          this.options.onFile?.(src, s);
        },
      });
      state = counter.state();
    }
    const problems = [...(this.options.listingProblems ?? []), ...perFile.flat()];
    // records without a valid eventTime, one problem per file, in input order
    const order = new Map(inputs.map((src, i) => [src.path, i] as const));
    const noTime = [...state.noTime.entries()].sort((a, b) => (order.get(a[0]) ?? 0) - (order.get(b[0]) ?? 0));
    for (const [path, n] of noTime) problems.push({ path, message: `${n} record(s) without a valid eventTime`, records: n });
    return {
      detections: detectionCounts(query.detections, state),
      stats: { ...this.stats(summary, problems), ...eventTimeRange(state) },
    };
  }

  public search(query: EngineQuery): SearchRun {
    const channel = new Channel<MatchedRecord>(SEARCH_QUEUE);
    const launcher = this.launcher();
    const workers = launcher ? Math.min(this.workerCount(), this.options.inputs.length) : 1;
    const done = (workers > 1 ? this.searchInWorkers(query, workers, launcher!, channel) : this.searchHere(query, channel)).then(
      (stats) => {
        channel.close();
        return stats;
      },
      (e) => {
        channel.close(e);
        throw e;
      },
    );
    // the failure reaches the consumer through the iteration; stats() rethrows it
    done.catch(() => undefined);
    return { records: channel.drain(), stats: () => done };
  }

  private async searchHere(query: EngineQuery, channel: Channel<MatchedRecord>): Promise<EngineStats> {
    const set = new DetectionSet(query.detections);
    const ids = query.detections.map((d) => d.id);
    const problems: ReadProblem[] = [];
    const noTime = new Map<string, number>();
    const summary = await readCloudTrail(this.options.inputs, {
      limits: this.options.limits,
      stdin: this.options.stdin,
      prefilter: set.prefilter,
      candidates: candidateTest(query.detections),
      onRecord: (record, where) => {
        const place = placeInWindow(record, query.window);
        if (place === 'out') return;
        const hits = set.matching(record);
        if (hits.length === 0) return;
        if (place === 'no-time') noTime.set(where.source, (noTime.get(where.source) ?? 0) + 1);
        else channel.push({ record, detectionIds: hits.map((i) => ids[i]), location: where });
      },
      onProblem: (p) => problems.push(p),
      afterChunk: () => channel.room(),
      stopped: () => channel.cancelled,
      onFile: (src, s) => {
        const n = noTime.get(src.path);
        if (n) problems.push(noTimeProblem(src.path, n));
        noTime.delete(src.path);
        this.options.onFile?.(src, s);
      },
    });
    return this.stats(summary, [...(this.options.listingProblems ?? []), ...problems]);
  }

  private async searchInWorkers(
    query: EngineQuery,
    workers: number,
    launcher: WorkerLauncher,
    channel: Channel<MatchedRecord>,
  ): Promise<EngineStats> {
    const { inputs } = this.options;
    const ids = query.detections.map((d) => d.id);
    const handles = deal(inputs, workers).map((files) => new WorkerHandle(launcher, this.job('search', query, files)));
    const problems: ReadProblem[] = [];
    const total = { files: 0, records: 0, prefiltered: 0, filesRuledOut: 0, bytes: 0 };
    try {
      // consume in input order: file g is worker g % n's file floor(g / n)
      for (let g = 0; g < inputs.length && !channel.cancelled; g++) {
        const h = handles[g % workers];
        for (;;) {
          const m = await h.next();
          if (m.type === 'matches') {
            for (const x of m.matches) {
              channel.push({ record: x.record, detectionIds: x.hits.map((i) => ids[i]), location: { source: inputs[g].path, line: x.line } });
            }
            await channel.room();
            h.send({ type: 'credit', batches: 1 });
            continue;
          }
          if (m.type === 'file') {
            problems.push(...m.problems);
            if (m.noTime > 0) problems.push(noTimeProblem(inputs[g].path, m.noTime));
            addFile(total, m.summary);
            this.options.onFile?.(inputs[g], m.summary);
            break;
          }
          throw new Error(`internal: worker sent '${m.type}' before finishing file ${inputs[g].path}`);
        }
      }
    } finally {
      await Promise.all(handles.map((h) => h.stop()));
    }
    return this.stats(total, [...(this.options.listingProblems ?? []), ...problems]);
  }

  private async countInWorkers(
    query: EngineQuery,
    workers: number,
    launcher: WorkerLauncher,
    perFile: ReadProblem[][],
  ): Promise<{ summary: ReadSummary; state: CounterState }> {
    const { inputs } = this.options;
    const handles = deal(inputs, workers).map((files) => new WorkerHandle(launcher, this.job('count', query, files)));
    const total = { files: 0, records: 0, prefiltered: 0, filesRuledOut: 0, bytes: 0 };
    try {
      const states = await Promise.all(
        handles.map(async (h, w) => {
          for (;;) {
            const m = await h.next();
            if (m.type === 'file') {
              const g = m.file * workers + w;
              perFile[g].push(...m.problems);
              this.options.onFile?.(inputs[g], m.summary);
            } else if (m.type === 'done') {
              addSummary(total, m.summary);
              return m.state!;
            } else {
              throw new Error(`internal: a count worker sent '${m.type}'`);
            }
          }
        }),
      );
      return { summary: total, state: mergeCounts(states, query.detections.length) };
    } finally {
      await Promise.all(handles.map((h) => h.stop()));
    }
  }

  private job(mode: WorkerJob['mode'], query: EngineQuery, files: InputSource[]): WorkerJob {
    return {
      mode,
      files,
      detections: query.detections.map((d) => ({ id: d.id, pattern: d.pattern.logPatternString, periodSeconds: d.periodSeconds })),
      window: query.window,
      limits: this.options.limits,
    };
  }

  private launcher(): WorkerLauncher | undefined {
    return this.options.launcher ?? compiledWorker();
  }

  private workerCount(): number {
    const { inputs } = this.options;
    if (inputs.some((i) => i.kind === 'stream' || i.path === '-')) return 1;
    return this.options.workers ?? defaultWorkers(inputs);
  }

  private stats(summary: ReadSummary, problems: ReadProblem[]): EngineStats {
    return {
      records: summary.records,
      bytesScanned: summary.bytes,
      sources: summary.files,
      recordsRuledOut: summary.prefiltered,
      sourcesRuledOut: summary.filesRuledOut,
      ignored: this.options.ignored ?? [],
      problems,
    };
  }
}

function noTimeProblem(path: string, n: number): ReadProblem {
  return { path, message: `${n} matching record(s) without a valid eventTime (cannot be placed in --from/--to)`, records: n };
}

function addFile(total: { files: number; records: number; prefiltered: number; filesRuledOut: number; bytes: number }, s: FileSummary): void {
  total.files++;
  total.records += s.records;
  total.prefiltered += s.ruledOut;
  total.bytes += s.bytes;
  if (s.records > 0 && s.ruledOut === s.records) total.filesRuledOut++;
}

function addSummary(total: { files: number; records: number; prefiltered: number; filesRuledOut: number; bytes: number }, s: ReadSummary): void {
  total.files += s.files;
  total.records += s.records;
  total.prefiltered += s.prefiltered;
  total.filesRuledOut += s.filesRuledOut;
  total.bytes += s.bytes;
}
