import { PassThrough } from 'stream';
import { Progress } from '../../src/commands/progress';

function stream(isTTY: boolean): PassThrough & { isTTY?: boolean; text: () => string } {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean; text: () => string };
  let out = '';
  s.on('data', (d) => (out += d));
  s.isTTY = isTTY;
  s.text = () => out;
  return s;
}

describe('Progress', () => {
  test('is silent when standard error is not a terminal', () => {
    const s = stream(false);
    const p = new Progress(s, 2, 100, 0);
    p.file(50, 1000);
    p.done();
    expect(s.text()).toBe('');
  });

  test('draws files, records, throughput and ETA on a terminal once the delay has passed', () => {
    const s = stream(true);
    const p = new Progress(s, 4, 400, 0);
    p.file(100, 2500);
    expect(s.text()).toMatch(/^\r\[######\.{18}\] files 1\/4 {2}records 2\.5k {2}[\d.]+[kM]? rec\/s {2}ETA \d+:\d\d\x1b\[K$/);
    p.done();
    expect(s.text().endsWith('\r\x1b[K')).toBe(true);
  });

  test('stays quiet during the first seconds', () => {
    const s = stream(true);
    const p = new Progress(s, 4, 400, 60_000);
    p.file(100, 10);
    expect(s.text()).toBe('');
  });
});
