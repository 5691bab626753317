/**
 * `npm run bench`: `search` and `backtest` of the local engine against DuckDB (the peer a user would pick instead:
 * the same search and 5-minute-bucket backtest as SQL over the same files, bench/duckdb.ts), on seeded corpora of
 * 50k, 200k and 800k records in S3 delivery format, with gunzip alone as the floor and jq where installed.
 *
 * Every row gives CPU time (user + system of the whole process: DuckDB's threads and the engine's worker threads
 * included) beside wall time: the machine may be shared, and CPU time is what neither side can borrow from an idle
 * core. Each measurement is the median of BENCH_RUNS runs (default 3) by CPU time. The ratios are local / DuckDB;
 * the per-record cost is CPU microseconds per record.
 *
 * The corpora (bench/.corpus/records-N/) are generated on the first run and reused. BENCH_SIZES=50000,200000 picks
 * the sizes; BENCH_SKIP=jq,rss,regex,hostile,workers leaves those sections out (for iterating; the full run has them
 * all). The CLI and its worker are bundled from the sources first (bench/build.ts).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { buildCli } from './build';
import { CorpusInfo, ensureCorpus } from './corpus';
import { DuckBench } from './duckdb';
import { hostileRows } from './hostile';
import { toJq } from './jq';
import { printRegexBench, runRegexBench } from './regex';
import { s3Rows } from './s3';
import { runBacktest } from '../cli/src/backtest';
import { selectDetections } from '../cli/src/commands/selection';
import { EngineDetection } from '../cli/src/engines/engine';
import { defaultWorkers, LocalEngine, WorkerLauncher } from '../cli/src/engines/local';
import { InputSource, listInputs } from '../cli/src/logs';

const SIZES = (process.env.BENCH_SIZES ?? process.env.BENCH_RECORDS ?? '50000,200000,800000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const RARE = 'kms-key-disable-or-deletion';
const SKIP = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
/** The targets of issue 29, local / DuckDB by CPU time. */
const TARGET = { search: 0.5, backtest: 0.6 };

interface Measured<T> {
  readonly result: T;
  /** Wall seconds. */
  readonly wall: number;
  /** CPU seconds of the process (user + system), all threads. */
  readonly cpu: number;
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function measure<T>(fn: () => Promise<T> | T): Promise<Measured<T>> {
  const start = process.hrtime.bigint();
  const cpu = cpuNow();
  const result = await fn();
  return { result, cpu: cpuNow() - cpu, wall: Number(process.hrtime.bigint() - start) / 1e9 };
}

/** The median run by CPU time, of RUNS runs. */
async function median<T>(fn: () => Promise<Measured<T>>): Promise<Measured<T>> {
  const runs: Array<Measured<T>> = [];
  for (let i = 0; i < RUNS; i++) runs.push(await fn());
  runs.sort((a, b) => a.cpu - b.cpu);
  return runs[Math.floor((runs.length - 1) / 2)];
}

async function runSearch(inputs: InputSource[], detections: EngineDetection[], launcher?: WorkerLauncher, workers?: number) {
  const run = new LocalEngine({ inputs, launcher, workers }).search({ detections });
  let matches = 0;
  for await (const m of run.records) {
    void m;
    matches++;
  }
  const stats = await run.stats();
  return { records: stats.records, ruledOut: stats.recordsRuledOut, matches };
}

interface Row {
  readonly label: string;
  readonly local: Measured<unknown>;
  readonly duck?: Measured<unknown>;
  readonly target?: number;
  readonly note?: string;
}

function fmt(s: number): string {
  return s.toFixed(2).padStart(7);
}

function printRows(records: number, rows: readonly Row[]): void {
  console.log(
    `  ${'phase'.padEnd(44)} ${'CPU s'.padStart(7)} ${'wall s'.padStart(7)} ${'us/rec'.padStart(6)} | ${'DuckDB CPU'.padStart(10)} ${'wall'.padStart(7)} ${'us/rec'.padStart(6)} | ` +
      `${'CPU ratio'.padStart(9)} ${'wall ratio'.padStart(10)}`,
  );
  for (const r of rows) {
    const us = (m: Measured<unknown>) => ((m.cpu / records) * 1e6).toFixed(2).padStart(6);
    let line = `  ${r.label.padEnd(44)} ${fmt(r.local.cpu)} ${fmt(r.local.wall)} ${us(r.local)} | `;
    if (r.duck) {
      const cpuRatio = r.local.cpu / r.duck.cpu;
      const verdict = r.target === undefined ? '' : cpuRatio <= r.target ? ` [<= ${r.target}: met]` : ` [<= ${r.target}: NOT met]`;
      line += `${fmt(r.duck.cpu).padStart(10)} ${fmt(r.duck.wall)} ${us(r.duck)} | ${cpuRatio.toFixed(2).padStart(9)} ${(r.local.wall / r.duck.wall).toFixed(2).padStart(10)}${verdict}`;
    } else {
      line += `${''.padStart(10)} ${''.padStart(7)} ${''.padStart(6)} |`;
    }
    console.log(line + (r.note ? `  ${r.note}` : ''));
  }
}

async function benchSize(records: number, launcher: WorkerLauncher | undefined): Promise<void> {
  // one directory per corpus size (ensureCorpus replaces its directory when the spec changes; hostile/ is beside)
  const root = path.join(__dirname, '.corpus', `records-${records}`);
  const gen = await measure(() => ensureCorpus(root, { records, seed: 20261122, recordsPerFile: 500 }));
  const info: CorpusInfo = gen.result;
  console.log(
    `\n== ${info.records.toLocaleString('en-US')} records in ${info.files.length} .json.gz files, ` +
      `${(info.uncompressedBytes / 1e6).toFixed(0)} MB uncompressed (${Math.round(info.uncompressedBytes / info.records)} B/record), ` +
      `${(info.compressedBytes / 1e6).toFixed(0)} MB compressed${gen.wall > 1 ? ` (generated in ${gen.wall.toFixed(1)} s)` : ' (cached)'}`,
  );
  // warm the page cache
  for (const f of info.files) fs.readFileSync(f);

  const rows: Row[] = [];
  const floor = await median(() => measure(() => {
    let bytes = 0;
    for (const f of info.files) bytes += zlib.gunzipSync(fs.readFileSync(f)).length;
    return bytes;
  }));
  rows.push({ label: '(a) floor: read + gunzip (node zlib)', local: floor });

  // the AWSLogs tree only: the corpus manifest beside it is not a log file
  const { inputs } = await listInputs([path.join(root, 'AWSLogs')]);
  const detections = selectDetections('recommended', undefined);
  const rare = selectDetections('recommended', [RARE]);

  const duck = await DuckBench.open();
  let duckSearch: Measured<number>;
  let duckBacktest: Measured<Map<string, number>>;
  try {
    duckSearch = await median(async () => {
      const r = await duck.search(info.files, rare[0].pattern._node, false);
      return { result: r.result, wall: r.seconds, cpu: r.cpuSeconds };
    });
    duckBacktest = await median(async () => {
      const r = await duck.backtest(info.files, detections.map((d) => ({ id: d.id, node: d.pattern._node })), 300, false);
      return { result: r.result, wall: r.seconds, cpu: r.cpuSeconds };
    });
  } finally {
    duck.close();
  }

  const search = await median(() => measure(() => runSearch(inputs, rare, launcher, 1)));
  rows.push({
    label: `(d) search (${RARE})`,
    local: search,
    duck: duckSearch,
    target: TARGET.search,
    note: `${search.result.matches} matches`,
  });
  const backtest = await median(() => measure(() => runBacktest(new LocalEngine({ inputs, launcher, workers: 1 }), detections)));
  const alarms = backtest.result.detections.reduce((s, d) => s + d.alarmCount, 0);
  rows.push({ label: `(c) backtest, ${detections.length} detections`, local: backtest, duck: duckBacktest, target: TARGET.backtest, note: `${alarms} alarms` });

  if (launcher && !SKIP.has('workers')) {
    // worker threads, measured (what WORKER_MIN_BYTES in pool.ts is decided from); the engine's own choice is noted
    const threads = Math.min(4, os.cpus().length);
    const bytes = inputs.reduce((a, i) => a + i.size, 0);
    const note = `default for these ${(bytes / 1e6).toFixed(0)} MB: ${defaultWorkers(inputs)} thread(s)`;
    const searchW = await median(() => measure(() => runSearch(inputs, rare, launcher, threads)));
    rows.push({ label: `(d') the search on ${threads} worker threads`, local: searchW, duck: duckSearch, note });
    const backtestW = await median(() => measure(() => runBacktest(new LocalEngine({ inputs, launcher, workers: threads }), detections)));
    rows.push({ label: `(c') the backtest on ${threads} worker threads`, local: backtestW, duck: duckBacktest, note });
  }

  if (records === SIZES[0] && !SKIP.has('jq') && spawnSync('jq', ['--version']).status === 0) {
    const listFile = path.join(root, 'files.txt');
    fs.writeFileSync(listFile, info.files.join('\n'));
    const runJq = (program: string) => {
      const start = process.hrtime.bigint();
      const r = spawnSync('sh', ['-c', `xargs gzip -dc < '${listFile}' | jq -c '${program.replace(/'/g, "'\\''")}' | wc -l`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (r.status !== 0) throw new Error(`jq failed: ${r.stderr}`);
      return { wall: Number(process.hrtime.bigint() - start) / 1e9, lines: Number(r.stdout.trim()) };
    };
    const one = runJq(`.Records[] | select(${toJq(rare[0].pattern._node)})`);
    const all = runJq(`.Records[] | [${detections.map((d) => toJq(d.pattern._node)).join(', ')}] | select(any)`);
    console.log(`  jq (wall only, a child process): the same search ${one.wall.toFixed(2)} s (${one.lines} matches, ${(one.wall / search.wall).toFixed(1)}x the search [>= 5]); ` +
      `all ${detections.length} detections ${all.wall.toFixed(2)} s (${all.lines} records, ${(all.wall / backtest.wall).toFixed(1)}x the backtest [>= 15])`);
  }

  printRows(info.records, rows);

  const disagree: string[] = [];
  if (duckSearch.result !== search.result.matches) disagree.push(`search: DuckDB ${duckSearch.result}, local ${search.result.matches}`);
  for (const d of backtest.result.detections) {
    const theirs = duckBacktest.result.get(d.id);
    if (theirs !== d.matches) disagree.push(`${d.id}: DuckDB ${theirs}, local ${d.matches}`);
  }
  if (disagree.length > 0) throw new Error(`DuckDB and the local engine disagree:\n  ${disagree.join('\n  ')}`);
  const duckMatches = [...duckBacktest.result.values()].reduce((a, b) => a + b, 0);
  console.log(
    `  counts agree: search ${search.result.matches} match(es), ${search.result.ruledOut.toLocaleString('en-US')} records ruled out unparsed; ` +
      `backtest ${detections.length} detections, ${duckMatches} matches, every detection's total equal`,
  );
}

/** Peak RSS (MB) of a fresh process running the backtest over `files` with the bundled CLI (worker threads included). */
function rssOf(cli: string, files: readonly string[]): number {
  const wrapper = `process.on('exit', () => process.stderr.write('\\nPEAK_RSS_KB ' + process.resourceUsage().maxRSS + '\\n'));
process.argv = [process.argv[0], ${JSON.stringify(cli)}, 'backtest', '--profile', 'recommended', ...${JSON.stringify(files)}];
require(${JSON.stringify(cli)});`;
  const r = spawnSync(process.execPath, ['-e', wrapper], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const m = /PEAK_RSS_KB (\d+)/.exec(r.stderr);
  // 0: no alarm would have fired, 1: some would have (backtest's exit status); anything else is a failure
  if (!m || (r.status !== 0 && r.status !== 1)) throw new Error(`the backtest failed (exit ${r.status}): ${r.stderr.slice(0, 2000)}`);
  return Number(m[1]) / 1024;
}

async function main(): Promise<void> {
  const build = await buildCli();
  const launcher: WorkerLauncher = { file: build.worker };
  console.log(`machine: ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; median of ${RUNS} run(s) by CPU time`);
  console.log('CPU = user + system seconds of the whole process (all threads); us/rec = CPU microseconds per record; ratios = local / DuckDB');
  for (const n of SIZES) await benchSize(n, launcher);

  if (!SKIP.has('rss') && !build.libraryCompiled) {
    console.log('\nmemory and hostile rows skipped: the library is not compiled (npm run bench compiles it first)');
  } else if (!SKIP.has('rss')) {
    const dir = path.join(__dirname, '.corpus', `records-${SIZES[SIZES.length - 1]}`, 'AWSLogs');
    const { inputs } = await listInputs([dir]);
    const files = inputs.map((i) => i.path);
    const largest = Math.max(...files.map((f) => fs.statSync(f).size));
    console.log('\nmemory (peak RSS of a fresh process running `backtest --profile recommended`, worker threads included):');
    console.log(`  100 files: ${rssOf(build.main, files.slice(0, 100)).toFixed(0)} MB; all ${files.length} files: ${rssOf(build.main, [dir]).toFixed(0)} MB (largest file ${(largest / 1e3).toFixed(0)} KB compressed)`);
  }

  // regex worst cases (issue 10): ms per 100 KB event
  if (!SKIP.has('regex')) {
    console.log('');
    printRegexBench(runRegexBench());
  }

  // big and hostile inputs (issue 10): the CLI in a child process, time and peak RSS [targets: RSS < 700 MB, the
  // 700 MB export read completely, < 400 MB with a consumer that pauses]
  if (!SKIP.has('hostile') && build.libraryCompiled) {
    console.log('\nbig and hostile inputs (the CLI as a child process; peak RSS includes worker threads):');
    await hostileRows(undefined, build.main);
  }

  // S3 input (issue 27): search s3://… on moto_server against aws s3 cp + search / jq, a month and a pruned day
  if (!SKIP.has('s3')) await s3Rows();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
