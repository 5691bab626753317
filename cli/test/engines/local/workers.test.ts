import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { TS_WORKER } from './launcher';
import { runBacktest } from '../../../src/backtest';
import { selectDetections } from '../../../src/commands/selection';
import { LocalEngine } from '../../../src/engines/local';
import { listInputs } from '../../../src/logs';
import { addBadFiles, makeCorpus } from '../../logs/make-fixtures';

const STRATUS = path.join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'cloudtrail', 'stratus-red-team_detonation-logs.json.gz');

/** Worker threads must give exactly the single-thread answer (they are the default on multi-core machines). */
describe('worker threads', () => {
  const { dir } = makeCorpus();
  // split the real corpus into several delivery files so there is work to share out
  const records = JSON.parse(zlib.gunzipSync(fs.readFileSync(STRATUS)).toString('utf8')).Records as unknown[];
  for (let i = 0; i < 6; i++) {
    fs.writeFileSync(path.join(dir, `stratus-${i}.json.gz`), zlib.gzipSync(JSON.stringify({ Records: records.slice(i * 52, (i + 1) * 52) })));
  }
  addBadFiles(dir);
  const engine = async (workers: number) => {
    const listing = await listInputs([dir]);
    return new LocalEngine({ inputs: listing.inputs, ignored: listing.ignored, workers, launcher: TS_WORKER });
  };

  test('backtest: same report with 2 workers as with 1, problems in input order', async () => {
    const detections = selectDetections('recommended', undefined);
    const one = await runBacktest(await engine(1), detections);
    const two = await runBacktest(await engine(2), detections);
    // 320 good records, the record without eventTime, and the record of the gzip cut before its trailer
    expect(one.records).toBe(322);
    expect(one.errors.map((e) => path.basename(e.path))).toEqual(['corrupt.json.gz', 'package.json', 'truncated.json.gz', 'no-time.jsonl']);
    expect(two).toEqual(one);
  }, 60_000);

  test('search: same matches, order, stats and problems with 2 workers as with 1', async () => {
    const detections = selectDetections('recommended', ['authorization-failures', 'cloudtrail-changes']);
    const collect = async (workers: number) => {
      const run = (await engine(workers)).search({ detections });
      const out: string[] = [];
      for await (const m of run.records) out.push(`${m.record.eventID}:${m.detectionIds.join(',')}@${path.basename(m.location.source)}:${m.location.line}`);
      return { out, stats: await run.stats() };
    };
    const one = await collect(1);
    const two = await collect(2);
    expect(one.out.length).toBeGreaterThan(40);
    expect(two).toEqual(one);
  }, 60_000);

  test('search: leaving the iteration early stops the workers and still gives stats', async () => {
    const detections = selectDetections('recommended', undefined);
    const run = (await engine(2)).search({ detections });
    let n = 0;
    for await (const m of run.records) {
      void m;
      if (++n === 3) break;
    }
    const stats = await run.stats();
    expect(n).toBe(3);
    expect(stats.records).toBeGreaterThan(0);
  }, 60_000);
});
