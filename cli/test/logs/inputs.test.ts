import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { makeBucket } from './make-fixtures';
import { classifyObject, InputPathError, listInputs } from '../../src/logs';

const ACCOUNT = '111122223333';

describe('listInputs', () => {
  test('a trail bucket: log files are read; digest, Insights and other objects are ignored with a reason', async () => {
    const b = makeBucket();
    const listing = await listInputs([b.root]);
    expect(listing.inputs.map((i) => i.path)).toEqual([b.log]);
    expect(listing.problems).toEqual([]);
    expect(listing.ignored).toEqual([
      { path: b.digest, reason: 'CloudTrail digest file (log file validation)' },
      { path: b.insight, reason: 'CloudTrail Insights file' },
      { path: b.probe, reason: 'not a CloudTrail log file' },
    ]);
  });

  test('object names: CloudTrail keys inside AWSLogs, data files outside it', () => {
    expect(classifyObject(`x/AWSLogs/o-abc123/${ACCOUNT}/CloudTrail/eu-west-1/2026/01/01/${ACCOUNT}_CloudTrail_eu-west-1_20260101T0000Z_abc.json.gz`)).toBe('log');
    expect(classifyObject(`AWSLogs/${ACCOUNT}/CloudTrail/eu-west-1/2026/01/01/notes.json`)).toBe('other');
    expect(classifyObject('exports/events.jsonl.gz')).toBe('data');
    expect(classifyObject('exports/lookup-events.json')).toBe('data');
    expect(classifyObject('exports/README.md')).toBe('other');
    expect(classifyObject(`a/${ACCOUNT}_CloudTrail-Digest_us-east-1_t_us-east-1_20260101T000000Z.json.gz`)).toBe('digest');
  });

  test('symbolic links are followed, a file reached twice is read once, and a link loop ends', async () => {
    const b = makeBucket();
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'cta-links-'));
    fs.symlinkSync(b.log, path.join(other, 'linked.json.gz'));
    fs.symlinkSync(other, path.join(other, 'loop'));
    fs.symlinkSync(path.join(other, 'missing.json'), path.join(other, 'broken.json'));
    const listing = await listInputs([other, b.log, b.root]);
    expect(listing.inputs.map((i) => i.path)).toEqual([path.join(other, 'linked.json.gz')]);
    expect(listing.ignored.filter((i) => i.reason.startsWith('same file as'))).toEqual([
      { path: b.log, reason: `same file as ${path.join(other, 'linked.json.gz')}` },
      { path: b.log, reason: `same file as ${path.join(other, 'linked.json.gz')}` },
    ]);
    expect(listing.problems).toEqual([{ path: path.join(other, 'broken.json'), message: 'broken symbolic link (no such file or directory)', records: 0 }]);
  });

  test('a path with no CloudTrail log file is an error naming it; so is a missing path', async () => {
    const b = makeBucket();
    const digests = path.dirname(b.digest);
    await expect(listInputs([digests])).rejects.toThrow(InputPathError);
    await expect(listInputs([digests])).rejects.toThrow(`'${digests}' holds no CloudTrail log files (ignored: 1 CloudTrail digest file (log file validation))`);
    await expect(listInputs([b.digest])).rejects.toThrow(`'${b.digest}' is not a CloudTrail log file`);
    await expect(listInputs(['/no/such/dir'])).rejects.toThrow("cannot read '/no/such/dir': no such file or directory");
  });

  test('a device is reported as a problem and not read; a named pipe is read as a stream', async () => {
    const listing = await listInputs(['/dev/zero']);
    expect(listing.inputs).toEqual([]);
    expect(listing.problems).toEqual([{ path: '/dev/zero', message: 'not a regular file (a character device); not read', records: 0 }]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cta-fifo-'));
    const fifo = path.join(dir, 'events.jsonl');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      console.log('mkfifo is not available: the named-pipe case is skipped');
      return;
    }
    expect((await listInputs([fifo])).inputs).toEqual([{ path: fifo, size: 0, kind: 'stream' }]);
  });
});

describe('non-regular files and the same input twice', () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cta-special-'));
  const havePipes = (() => {
    try {
      execFileSync('mkfifo', [path.join(tmp(), 'probe')]);
      return true;
    } catch {
      return false;
    }
  })();
  const withPipes = havePipes ? test : test.skip;

  withPipes('a named pipe found while walking a directory is reported and not read (it would wait for a writer)', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'a.jsonl'), '{}\n');
    execFileSync('mkfifo', [path.join(dir, 'pipe.json')]);
    fs.symlinkSync(path.join(dir, 'pipe.json'), path.join(dir, 'z-link-to-pipe.jsonl'));
    const listing = await listInputs([dir]);
    expect(listing.inputs).toEqual([{ path: path.join(dir, 'a.jsonl'), size: 3, kind: 'file' }]);
    const message = 'not a regular file (a named pipe, found while walking a directory); not read: give it as a PATH of its own to read it';
    expect(listing.problems).toEqual([
      { path: path.join(dir, 'pipe.json'), message, records: 0 },
      { path: path.join(dir, 'z-link-to-pipe.jsonl'), message, records: 0 },
    ]);
  });

  withPipes('a directory holding only a named pipe is not an empty path: the pipe is reported', async () => {
    const dir = tmp();
    execFileSync('mkfifo', [path.join(dir, 'pipe.json')]);
    expect((await listInputs([dir])).problems.map((p) => p.path)).toEqual([path.join(dir, 'pipe.json')]);
  });

  test('a socket and a device found while walking a directory are reported and not read', async () => {
    const dir = tmp();
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(dir, 'events.json'), resolve));
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.json'));
    try {
      const listing = await listInputs([dir]);
      expect(listing.inputs).toEqual([]);
      expect(listing.problems).toEqual([
        { path: path.join(dir, 'events.json'), message: 'not a regular file (a socket); not read', records: 0 },
        { path: path.join(dir, 'zero.json'), message: 'not a regular file (a character device); not read', records: 0 },
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('two hard links and a symbolic link to one file: read once, compared by device and inode', async () => {
    const dir = tmp();
    const file = path.join(dir, 'a.jsonl');
    fs.writeFileSync(file, '{}\n');
    fs.linkSync(file, path.join(dir, 'b.jsonl'));
    fs.symlinkSync(file, path.join(dir, 'c.jsonl'));
    const listing = await listInputs([file, path.join(dir, 'b.jsonl'), path.join(dir, 'c.jsonl')]);
    expect(listing.inputs.map((i) => i.path)).toEqual([file]);
    expect(listing.ignored).toEqual([
      { path: path.join(dir, 'b.jsonl'), reason: `same file as ${file}` },
      { path: path.join(dir, 'c.jsonl'), reason: `same file as ${file}` },
    ]);
  });

  test("'-' and a path to what standard input reads (/dev/stdin, the redirected file) are read once, in either order", async () => {
    const file = path.join(tmp(), 'a.jsonl');
    fs.writeFileSync(file, '{}\n');
    const { dev, ino } = fs.statSync(file);
    const first = await listInputs(['-', file, '-'], { stdin: { dev, ino } });
    expect([first.inputs.map((i) => i.path), first.ignored]).toEqual([
      ['-'],
      [
        { path: file, reason: 'same file as -' },
        { path: '-', reason: 'same file as -' },
      ],
    ]);
    const second = await listInputs([file, '-'], { stdin: { dev, ino } });
    expect([second.inputs.map((i) => i.path), second.ignored]).toEqual([[file], [{ path: '-', reason: `same file as ${file}` }]]);
    // without knowing what standard input is, '-' is matched only with itself
    expect((await listInputs(['-', file])).inputs.map((i) => i.path)).toEqual(['-', file]);
  });
});
