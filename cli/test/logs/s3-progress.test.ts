import { PassThrough } from 'stream';
import { Progress } from '../../src/commands/progress';

describe('Progress for S3 objects', () => {
  test('counts objects, megabytes downloaded of the listed total, and records', () => {
    const s = new PassThrough() as PassThrough & { isTTY?: boolean };
    s.isTTY = true;
    let out = '';
    s.on('data', (d) => (out += d));
    const p = new Progress(s, 4, 2_000_000, 0, 'objects');
    p.file(500_000, 1500);
    expect(out).toMatch(/^\r\[######\.{18}\] objects 1\/4 {2}0\.5 MB\/2\.0 MB {2}records 1\.5k {2}[\d.]+[kM]? rec\/s {2}ETA \d+:\d\d\x1b\[K$/);
  });
});
