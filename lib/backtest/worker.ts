// Worker-thread entry of the parallel backtest and search (see parallel.ts).
import { parentPort, workerData } from 'worker_threads';
import { InputSource, readCloudTrail, ReadProblem } from '../logs';
import { BacktestAccumulator, detectionsFromData } from './backtest';
import { DetectionSet } from './detection-set';
import { timeWindow } from './search';

interface Job {
  readonly mode: 'backtest' | 'search';
  readonly files: InputSource[];
  readonly patterns: Array<{ id: string; pattern: string }>;
  readonly fromMs?: number;
  readonly toMs?: number;
}

async function backtest(job: Job): Promise<void> {
  const acc = new BacktestAccumulator(detectionsFromData(job.patterns));
  let index = 0;
  const summary = await readCloudTrail(job.files, {
    onRecord: acc.onRecord,
    onProblem: acc.onProblem,
    onFile: (_src, records) => parentPort!.postMessage({ type: 'file', index: index++, records }),
  });
  parentPort!.postMessage({ type: 'done', state: acc.state(summary) });
}

async function search(job: Job): Promise<void> {
  const patterns = detectionsFromData(job.patterns);
  const set = new DetectionSet(patterns);
  let matches: Array<{ record: Record<string, unknown>; ids: string[] }> = [];
  let problems: ReadProblem[] = [];
  let noTime = 0;
  let index = 0;
  const summary = await readCloudTrail(job.files, {
    prefilter: set.prefilter,
    onRecord: (record) => {
      const place = timeWindow(record, job);
      if (place === 'no-time') noTime++;
      if (place !== 'in') return;
      const hits = set.matching(record);
      if (hits.length > 0) matches.push({ record, ids: hits.map((i) => patterns[i].id) });
    },
    onProblem: (p) => problems.push(p),
    onFile: (_src, records) => {
      parentPort!.postMessage({ type: 'file', index: index++, records, matches, problems, noTime });
      matches = [];
      problems = [];
      noTime = 0;
    },
  });
  parentPort!.postMessage({ type: 'done', summary });
}

if (parentPort) {
  const job = workerData as Job;
  (job.mode === 'search' ? search(job) : backtest(job)).catch((e) => {
    throw e;
  });
}
