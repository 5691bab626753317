import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { runBacktest, runSearch } from '../../lib/backtest';
import { selectDetections } from '../../lib/cli/selection';
import { listInputs } from '../../lib/logs';
import { makeCorpus } from '../logs/make-fixtures';

const STRATUS = path.join(__dirname, '..', 'fixtures', 'cloudtrail', 'stratus-red-team_detonation-logs.json.gz');

/** Worker threads must give exactly the single-thread answer (they are the default on multi-core machines). */
describe('worker threads', () => {
  const { dir } = makeCorpus();
  // split the real corpus into several delivery files so there is work to share out
  const records = JSON.parse(zlib.gunzipSync(fs.readFileSync(STRATUS)).toString('utf8')).Records as unknown[];
  for (let i = 0; i < 6; i++) {
    fs.writeFileSync(path.join(dir, `stratus-${i}.json.gz`), zlib.gzipSync(JSON.stringify({ Records: records.slice(i * 52, (i + 1) * 52) })));
  }

  test('backtest: same report with 2 workers as with 1', async () => {
    const inputs = await listInputs([dir]);
    const detections = selectDetections('recommended', undefined);
    const one = await runBacktest(inputs, detections, { workers: 1 });
    const two = await runBacktest(inputs, detections, { workers: 2 });
    expect(one.records).toBe(320);
    expect(two).toEqual(one);
  }, 60_000);

  test('search: same matches in the same order with 2 workers as with 1', async () => {
    const inputs = await listInputs([dir]);
    const patterns = selectDetections('recommended', ['authorization-failures', 'cloudtrail-changes']);
    const collect = async (workers: number) => {
      const out: string[] = [];
      const summary = await runSearch(inputs, patterns, (r, ids) => out.push(`${r.eventID}:${ids.join(',')}`), { workers });
      return { out, summary };
    };
    const one = await collect(1);
    const two = await collect(2);
    expect(one.out.length).toBeGreaterThan(40);
    expect(two).toEqual(one);
  }, 60_000);
});
