import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PassThrough } from 'stream';
import { cli } from './helpers';
import { run } from '../../src/commands/run';

const events = [
  '{"eventName":"ConsoleLogin","errorMessage":"Failed authentication"}',
  '{"eventName":"ConsoleLogin","responseElements":{"ConsoleLogin":"Success"}}',
  'not json at all',
  '{"eventName":"ConsoleLogin","errorMessage":"Failed authentication","sourceIPAddress":"203.0.113.5"}',
].join('\n');
const pattern = '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }';

describe('cloudtrail-alarms test-pattern', () => {
  test('prints the count and each matching line with its 1-based number; exit 0', async () => {
    const r = await cli(['test-pattern', '--pattern', pattern], events);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'Found 2 matches out of 4 event(s)\n' +
        '1: {"eventName":"ConsoleLogin","errorMessage":"Failed authentication"}\n' +
        '4: {"eventName":"ConsoleLogin","errorMessage":"Failed authentication","sourceIPAddress":"203.0.113.5"}\n',
    );
  });

  test('--json prints the TestMetricFilter shape', async () => {
    const r = await cli(['test-pattern', '--pattern', pattern, '--json'], events);
    expect(JSON.parse(r.stdout)).toEqual({
      matches: [
        { eventNumber: 1, eventMessage: '{"eventName":"ConsoleLogin","errorMessage":"Failed authentication"}' },
        { eventNumber: 4, eventMessage: '{"eventName":"ConsoleLogin","errorMessage":"Failed authentication","sourceIPAddress":"203.0.113.5"}' },
      ],
    });
  });

  test('reads --events FILE; exit 1 when nothing matched', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cta-')), 'events.txt');
    fs.writeFileSync(file, 'hello\nworld\n');
    const r = await cli(['test-pattern', '--pattern', 'ERROR', '--events', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('Found 0 matches out of 2 event(s)\n');
  });

  test('fails with exit 2 and a caret under the position on a syntax error, without a stack trace', async () => {
    const r = await cli(['test-pattern', '--pattern', '{ ($.a = 1 }'], '');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("cloudtrail-alarms test-pattern: invalid filter pattern: expected ')', got '}' at position 11\n{ ($.a = 1 }\n           ^\n");
  });

  test('fails with exit 2 when --pattern is missing or the file does not exist', async () => {
    const missing = await cli(['test-pattern'], '');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing --pattern/);
    const noFile = await cli(['test-pattern', '--pattern', 'x', '--events', '/nonexistent/file']);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/cannot read events file '\/nonexistent\/file': no such file/);
    expect(noFile.stderr).not.toMatch(/\n\s+at /);
  });

  test('fails with exit 2 on an unknown option or command', async () => {
    expect((await cli(['test-pattern', '--nope'])).code).toBe(2);
    const r = await cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
  });

  test('--help prints usage and exits 0', async () => {
    const r = await cli(['test-pattern', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: cloudtrail-alarms test-pattern --pattern PATTERN/);
  });

  test('streams standard input: lines split across chunks and CRLF endings; --json output starts before the input ends', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    stdout.on('data', (d) => (out += d));
    const running = run(['test-pattern', '--pattern', 'ERROR', '--json'], { stdout, stderr, stdin, env: {} });
    stdin.write('ERROR one\r\nfine\nERR');
    await new Promise((r) => setTimeout(r, 200));
    // the first match is out while standard input is still open
    expect(out).toBe('{"matches":[{"eventNumber":1,"eventMessage":"ERROR one"}');
    stdin.end('OR two\n');
    expect(await running).toBe(0);
    expect(JSON.parse(out)).toEqual({ matches: [{ eventNumber: 1, eventMessage: 'ERROR one' }, { eventNumber: 3, eventMessage: 'ERROR two' }] });
  });

  test('text output escapes control characters in the echoed events', async () => {
    const r = await cli(['test-pattern', '--pattern', 'ERROR'], 'ERROR \u001b[31mred\u0007\n');
    expect(r.stdout).toBe('Found 1 matches out of 1 event(s)\n1: ERROR \\u001b[31mred\\u0007\n');
  });
});
