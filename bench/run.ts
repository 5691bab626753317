/**
 * `npm run bench`: throughput of `search` and `backtest` against gunzip and gunzip + JSON.parse, DuckDB (the peer a
 * user would pick instead: the same search and 5-minute-bucket backtest as SQL over the same files, bench/duckdb.ts),
 * and jq where installed.
 * The corpus (bench/.corpus/records-N/, BENCH_RECORDS records, default 500,000) is generated on the first run and
 * reused. BENCH_SKIP=rss,regex,hostile leaves those sections out (for iterating; the full run has them all).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { ensureCorpus } from './corpus';
import { DuckBench } from './duckdb';
import { hostileRows } from './hostile';
import { toJq } from './jq';
import { printRegexBench, runRegexBench } from './regex';
import { runBacktest } from '../cli/src/backtest';
import { selectDetections } from '../cli/src/commands/selection';
import { EngineDetection } from '../cli/src/engines/engine';
import { LocalEngine } from '../cli/src/engines/local';
import { InputSource, listInputs } from '../cli/src/logs';

async function runSearch(inputs: InputSource[], detections: EngineDetection[], onMatch: () => void) {
  const run = new LocalEngine({ inputs }).search({ detections });
  for await (const m of run.records) {
    void m;
    onMatch();
  }
  const stats = await run.stats();
  return { records: stats.records, prefiltered: stats.recordsRuledOut };
}

const RECORDS = Number(process.env.BENCH_RECORDS ?? 500_000);
const RARE = 'kms-key-disable-or-deletion';
const SKIP = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));

function time<T>(label: string, fn: () => T): { result: T; seconds: number } {
  const start = process.hrtime.bigint();
  const result = fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  void label;
  return { result, seconds };
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { result, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

function row(label: string, seconds: number, records: number, note = ''): void {
  const rate = records / seconds;
  console.log(`${label.padEnd(46)} ${seconds.toFixed(2).padStart(7)} s ${Math.round(rate).toLocaleString('en-US').padStart(12)} records/s  ${note}`);
}

async function main(): Promise<void> {
  // one directory per corpus size (ensureCorpus replaces its directory when the spec changes; hostile/ is beside)
  const root = path.join(__dirname, '.corpus', `records-${RECORDS}`);
  const gen = time('generate', () => ensureCorpus(root, { records: RECORDS, seed: 20261122, recordsPerFile: 500 }));
  const info = gen.result;
  console.log(
    `corpus: ${info.records.toLocaleString('en-US')} records in ${info.files.length} .json.gz files, ` +
      `${(info.uncompressedBytes / 1e6).toFixed(0)} MB uncompressed (${Math.round(info.uncompressedBytes / info.records)} B/record), ` +
      `${(info.compressedBytes / 1e6).toFixed(0)} MB compressed${gen.seconds > 1 ? ` (generated in ${gen.seconds.toFixed(1)} s)` : ' (cached)'}`,
  );
  console.log(`machine: ${process.version}, ${os.cpus().length} cores\n`);

  // warm the page cache
  for (const f of info.files) fs.readFileSync(f);

  const floor = time('floor', () => {
    let bytes = 0;
    for (const f of info.files) bytes += zlib.gunzipSync(fs.readFileSync(f)).length;
    return bytes;
  });
  row('(a) floor: gunzip only', floor.seconds, info.records);

  const baseline = time('baseline', () => {
    let n = 0;
    for (const f of info.files) n += (JSON.parse(zlib.gunzipSync(fs.readFileSync(f)).toString('utf8')).Records as unknown[]).length;
    return n;
  });
  row('(b) baseline: gunzip + JSON.parse', baseline.seconds, baseline.result);

  // the AWSLogs tree only: the corpus manifest beside it is not a log file
  const { inputs } = await listInputs([path.join(root, 'AWSLogs')]);
  const detections = selectDetections('recommended', undefined);
  const backtest = await timeAsync(() => runBacktest(new LocalEngine({ inputs }), detections));
  const alarms = backtest.result.detections.reduce((s, d) => s + d.alarmCount, 0);
  row(`(c) backtest --profile recommended (${detections.length})`, backtest.seconds, backtest.result.records, `${alarms} alarms`);

  const single = await timeAsync(() => runBacktest(new LocalEngine({ inputs, workers: 1 }), detections));
  row('(c1) the same backtest on one thread', single.seconds, single.result.records);

  const rare = selectDetections('recommended', [RARE]);
  let found = 0;
  const search = await timeAsync(() => runSearch(inputs, rare, () => found++));
  row(`(d) search --detection ${RARE}`, search.seconds, search.result.records, `${found} matches, ${search.result.prefiltered.toLocaleString('en-US')} records ruled out unparsed`);

  const hasJq = spawnSync('jq', ['--version']).status === 0;
  let jqOne: number | undefined;
  let jqAll: number | undefined;
  if (hasJq) {
    const listFile = path.join(root, 'files.txt');
    fs.writeFileSync(listFile, info.files.join('\n'));
    const runJq = (program: string) => {
      const start = process.hrtime.bigint();
      const r = spawnSync('sh', ['-c', `xargs gzip -dc < '${listFile}' | jq -c '${program.replace(/'/g, "'\\''")}' | wc -l`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (r.status !== 0) throw new Error(`jq failed: ${r.stderr}`);
      return { seconds: Number(process.hrtime.bigint() - start) / 1e9, lines: Number(r.stdout.trim()) };
    };
    const one = runJq(`.Records[] | select(${toJq(rare[0].pattern._node)})`);
    jqOne = one.seconds;
    row('(e1) jq, the same search', one.seconds, info.records, `${one.lines} matches`);
    const all = runJq(`.Records[] | [${detections.map((d) => toJq(d.pattern._node)).join(', ')}] | select(any)`);
    jqAll = all.seconds;
    row(`(e2) jq, all ${detections.length} detections`, all.seconds, info.records, `${all.lines} records matched`);
  } else {
    console.log('(e) jq is not installed: skipped (apt-get install jq to include it)');
  }

  // DuckDB: the same search and backtest as SQL, reading the same files itself
  const duck = await DuckBench.open();
  let duckSearch: Awaited<ReturnType<DuckBench['search']>>;
  let duckBacktest: Awaited<ReturnType<DuckBench['backtest']>>;
  try {
    duckSearch = await duck.search(info.files, rare[0].pattern._node);
    duckBacktest = await duck.backtest(info.files, detections.map((d) => ({ id: d.id, node: d.pattern._node })), 300);
  } finally {
    duck.close();
  }
  row(`(f1) DuckDB, the same search (${duck.threads} threads)`, duckSearch.seconds, info.records, `${duckSearch.result} matches; the query alone on a loaded table: ${duckSearch.querySeconds.toFixed(2)} s`);
  const duckMatches = [...duckBacktest.result.values()].reduce((a, b) => a + b, 0);
  row(`(f2) DuckDB, the backtest's counts (${detections.length})`, duckBacktest.seconds, info.records, `${duckMatches} matches, one scan; the query alone: ${duckBacktest.querySeconds.toFixed(2)} s`);
  const disagree: string[] = [];
  if (duckSearch.result !== found) disagree.push(`search: DuckDB ${duckSearch.result}, local ${found}`);
  for (const d of backtest.result.detections) {
    const theirs = duckBacktest.result.get(d.id);
    if (theirs !== d.matches) disagree.push(`${d.id}: DuckDB ${theirs}, local ${d.matches}`);
  }
  if (disagree.length > 0) throw new Error(`DuckDB and the local engine disagree:\n  ${disagree.join('\n  ')}`);
  console.log(`    counts agree: search ${found} match(es); backtest ${detections.length} detections, ${duckMatches} matches, every detection's total equal`);

  // memory: peak RSS of a backtest over 100 files vs all files, each in a fresh process
  const rssOf = (files: string[]): number => {
    const list = path.join(root, `rss-${files.length}.json`);
    fs.writeFileSync(list, JSON.stringify(files));
    const script = `
      const { runBacktest } = require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'backtest'))});
      const { LocalEngine } = require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'engines', 'local'))});
      const { selectDetections } = require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'cli', 'selection'))});
      const fs = require('fs');
      const inputs = JSON.parse(fs.readFileSync(${JSON.stringify(list)}, 'utf8')).map((p) => ({ path: p, size: fs.statSync(p).size, kind: 'file' }));
      runBacktest(new LocalEngine({ inputs }), selectDetections('recommended')).then(() => console.log(process.resourceUsage().maxRSS));`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return Number(r.stdout.trim()) / 1024;
  };
  const rssSmall = SKIP.has('rss') ? NaN : rssOf(info.files.slice(0, 100));
  const rssAll = SKIP.has('rss') ? NaN : rssOf(info.files);

  const b = baseline.seconds;
  console.log('\nratios (targets in brackets):');
  console.log(`  c/b   backtest / parse baseline      ${(backtest.seconds / b).toFixed(2)}  [<= 1.2]`);
  console.log(`  c1/b  backtest, one thread / baseline ${(single.seconds / b).toFixed(2)}  (for reference: the baseline is one thread)`);
  console.log(`  d/b   search / parse baseline        ${(search.seconds / b).toFixed(2)}  [<= 1.0]`);
  console.log(`  d/duckdb-search   search / DuckDB's  ${(search.seconds / duckSearch.seconds).toFixed(2)}  [<= 0.5]`);
  console.log(`  c/duckdb-backtest backtest / DuckDB's ${(backtest.seconds / duckBacktest.seconds).toFixed(2)}  [<= 0.6]`);
  if (jqAll !== undefined) console.log(`  jq(all)/c  jq (all) / backtest       ${(jqAll / backtest.seconds).toFixed(1)}  [>= 15]`);
  if (jqOne !== undefined) console.log(`  jq/d  jq (one) / search              ${(jqOne / search.seconds).toFixed(1)}  [>= 5]`);
  const largest = Math.max(...info.files.map((f) => fs.statSync(f).size));
  console.log('\nmemory (peak RSS of a fresh process running the backtest, worker threads included):');
  console.log(`  100 files: ${rssSmall.toFixed(0)} MB; all ${info.files.length} files: ${rssAll.toFixed(0)} MB (largest file ${(largest / 1e3).toFixed(0)} KB compressed)`);

  // regex worst cases (issue 10): ms per 100 KB event
  if (!SKIP.has('regex')) {
    console.log('');
    printRegexBench(runRegexBench());
  }

  // big and hostile inputs (issue 10): the CLI in a child process, time and peak RSS [targets: RSS < 700 MB, the
  // 700 MB export read completely, < 400 MB with a consumer that pauses]
  if (!SKIP.has('hostile')) {
    console.log('\nbig and hostile inputs (the CLI as a child process; peak RSS includes worker threads):');
    await hostileRows();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
