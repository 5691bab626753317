import * as os from 'os';
import { defaultWorkers, WORKER_MIN_BYTES } from '../../../src/engines/local';
import { InputSource } from '../../../src/logs';

const MiB = 1024 * 1024;
const files = (n: number, each: number): InputSource[] => Array.from({ length: n }, (_, i) => ({ path: `f${i}.json.gz`, size: each, kind: 'file' }));

describe('defaultWorkers (worker threads decided by input bytes)', () => {
  const cores = Math.min(4, os.cpus().length);

  test('one worker per 64 MiB of compressed input, at most one per core and 4', () => {
    expect(WORKER_MIN_BYTES).toBe(64 * MiB);
    // 20 MB in 400 files (the 200,000-record corpus): one thread, however many files
    expect(defaultWorkers(files(400, 50_000))).toBe(1);
    expect(defaultWorkers(files(1, 63 * MiB))).toBe(1);
    expect(defaultWorkers(files(2, 64 * MiB))).toBe(Math.min(cores, 2));
    expect(defaultWorkers(files(100, 10 * MiB))).toBe(Math.min(cores, 15));
    expect(defaultWorkers(files(1000, 10 * MiB))).toBe(cores);
  });

  test('never more workers than files', () => {
    expect(defaultWorkers(files(1, 1024 * MiB))).toBe(1);
  });

  test('standard input or a stream: one thread', () => {
    expect(defaultWorkers([...files(100, 10 * MiB), { path: '-', size: 0, kind: 'stream' }])).toBe(1);
    expect(defaultWorkers([...files(100, 10 * MiB), { path: '/tmp/fifo', size: 0, kind: 'stream' }])).toBe(1);
  });
});
