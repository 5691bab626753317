// Worker-thread entry of the local engine (started by pool.ts; messages in protocol.ts).
import { parentPort, workerData } from 'worker_threads';
import { LogFilterPattern } from 'cdk-cloudtrail-alarms/lib/filters/log-filter-pattern';
import { readCloudTrail, ReadProblem } from '../../logs';
import { EngineDetection } from '../engine';
import { candidateTest, TIME_FIELDS } from './candidate-test';
import { DetectionSet } from './detection-set';
import { BREAKDOWN_FIELDS, MatchCounter } from './match-counter';
import { ParentMessage, WireMatch, WorkerJob, WorkerMessage, INITIAL_CREDIT, BATCH_SIZE } from './protocol';
import { placeInWindow } from './time-window';

function post(m: WorkerMessage): void {
  parentPort!.postMessage(m);
}

function detectionsOf(job: WorkerJob): EngineDetection[] {
  return job.detections.map((d) => ({ id: d.id, pattern: LogFilterPattern.parse(d.pattern), periodSeconds: d.periodSeconds }));
}

async function count(job: WorkerJob): Promise<void> {
  const detections = detectionsOf(job);
  const counter = new MatchCounter(detections, job.window);
  let problems: ReadProblem[] = [];
  let index = 0;
  const summary = await readCloudTrail(job.files, {
    limits: job.limits,
    candidates: candidateTest(detections, TIME_FIELDS, BREAKDOWN_FIELDS),
    onRuledOut: (fields, where) => counter.onRuledOut(fields, where.source),
    onDecided: (fields, hits, where) => counter.onDecided(fields, hits, where.source),
    onRecord: (record, where) => counter.onRecord(record, where.source),
    onProblem: (p) => problems.push(p),
    onFile: (_src, s) => {
      post({ type: 'file', file: index++, summary: s, problems, noTime: 0 });
      problems = [];
    },
  });
  post({ type: 'done', summary, state: counter.state() });
}

async function search(job: WorkerJob): Promise<void> {
  const detections = detectionsOf(job);
  const set = new DetectionSet(detections);
  let credit = INITIAL_CREDIT;
  let stopped = false;
  let wake: (() => void) | undefined;
  parentPort!.on('message', (m: ParentMessage) => {
    if (m.type === 'credit') credit += m.batches;
    else stopped = true;
    wake?.();
  });
  let batch: WireMatch[] = [];
  let problems: ReadProblem[] = [];
  let noTime = 0;
  let index = 0;
  const flush = async () => {
    if (batch.length > 0) {
      post({ type: 'matches', file: index, matches: batch });
      batch = [];
      credit--;
    }
    while (credit <= 0 && !stopped) await new Promise<void>((r) => (wake = r));
  };
  const summary = await readCloudTrail(job.files, {
    limits: job.limits,
    prefilter: set.prefilter,
    candidates: candidateTest(detections),
    onRecord: (record, where) => {
      const place = placeInWindow(record, job.window);
      if (place === 'out') return;
      const hits = set.matching(record);
      if (hits.length === 0) return;
      if (place === 'no-time') noTime++;
      else batch.push({ record, hits, line: where.line });
    },
    onProblem: (p) => problems.push(p),
    afterChunk: () => (batch.length >= BATCH_SIZE || credit <= 0 ? flush() : undefined),
    stopped: () => stopped,
    onFile: (_src, s) => {
      if (batch.length > 0) {
        post({ type: 'matches', file: index, matches: batch });
        batch = [];
        credit--;
      }
      post({ type: 'file', file: index++, summary: s, problems, noTime });
      problems = [];
      noTime = 0;
    },
  });
  post({ type: 'done', summary });
}

if (parentPort) {
  const job = workerData as WorkerJob;
  (job.mode === 'search' ? search(job) : count(job)).catch((e: Error) => post({ type: 'failed', message: e.stack ?? String(e) }));
}
