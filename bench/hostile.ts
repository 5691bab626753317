/**
 * Benchmark rows for big and hostile inputs (issue 10), each run as a child process of the compiled CLI so that its
 * peak RSS (worker threads included) is measured on its own:
 * - a ~700 MB (decompressed) NDJSON.gz export, read completely;
 * - a 6 GiB gzip bomb of whitespace inside `{"Records":[` (~6 MB on disk), stopped at --max-file-size;
 * - a 6 GiB gzip bomb of zeros, refused at its first byte;
 * - a 50 MB line on standard input (linear line reading);
 * - 300 MB of NDJSON output to a consumer that pauses (backpressure).
 * Inputs are generated once under bench/.corpus/hostile/ (git-ignored). Run alone with `ts-node bench/hostile.ts`
 * after a compile, or as part of `npm run bench`.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { finished } from 'stream/promises';
import * as zlib from 'zlib';
import { cloudTrailRecord } from '../lib/catalogue/fixtures';

const DIR = path.join(__dirname, '.corpus', 'hostile');
/** The CLI's main.js: BENCH_CLI_MAIN, else the bundle bench/build.ts makes (set by hostileRows' caller). */
let MAIN = process.env.BENCH_CLI_MAIN ?? path.join(__dirname, '.corpus', 'build', 'main.js');
const MIB = 1024 * 1024;

export interface HostileRow {
  readonly label: string;
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly exitCode: number;
  readonly note: string;
}

/** Writes a file once (the bench reuses it). */
async function once(file: string, make: (out: fs.WriteStream) => Promise<void>): Promise<string> {
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.partial`;
  const out = fs.createWriteStream(tmp);
  await make(out);
  if (!out.writableEnded) out.end();
  await finished(out);
  fs.renameSync(tmp, file);
  return file;
}

async function write(out: NodeJS.WritableStream, data: Buffer | string): Promise<void> {
  if (!out.write(data)) await new Promise((r) => out.once('drain', r));
}

/** ~700 MB of NDJSON records (varied, so it compresses like real logs do, roughly 10:1), gzipped. */
function bigNdjson(): Promise<string> {
  return once(path.join(DIR, 'export-700MB.jsonl.gz'), async (out) => {
    const gz = zlib.createGzip({ level: 1 });
    gz.pipe(out);
    let bytes = 0;
    let i = 0;
    const names = ['DescribeInstances', 'GetObject', 'AssumeRole', 'ConsoleLogin', 'PutObject', 'Decrypt', 'StopLogging'];
    while (bytes < 700 * 1000 * 1000) {
      const lines: string[] = [];
      for (let k = 0; k < 1000; k++, i++) {
        const r = cloudTrailRecord({
          eventName: names[i % names.length],
          eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          eventTime: new Date(Date.UTC(2026, 9, 1) + i * 137).toISOString().replace('.000Z', 'Z'),
          requestID: `req-${(i * 2654435761) % 4294967296}`,
          sourceIPAddress: `198.51.${Math.floor(i / 256) % 256}.${i % 256}`,
        });
        lines.push(JSON.stringify(r));
      }
      const text = `${lines.join('\n')}\n`;
      bytes += Buffer.byteLength(text);
      await write(gz, text);
    }
    gz.end();
    await finished(out);
  });
}

/** A gzip bomb: `head` then 6 GiB of `fill`, as gzip members one after another (one MiB is compressed, then repeated). */
function bomb(name: string, head: string, fill: number): Promise<string> {
  return once(path.join(DIR, name), async (out) => {
    await write(out, zlib.gzipSync(head));
    const member = zlib.gzipSync(Buffer.alloc(MIB, fill), { level: 9 });
    for (let i = 0; i < 6 * 1024; i++) await write(out, member);
  });
}

function longLine(): Promise<string> {
  return once(path.join(DIR, 'long-line-50MB.jsonl'), async (out) => {
    await write(out, JSON.stringify(cloudTrailRecord({ eventName: 'RunInstances', requestParameters: { userData: 'A'.repeat(50 * MIB) } })));
    await write(out, '\n');
  });
}

/**
 * Runs the CLI in a child node process and reports wall time and peak RSS (read by the child itself at exit, so
 * worker threads count). `stdinFile` is piped to standard input; `slowReader` consumes standard output with pauses.
 */
function runCli(
  args: string[],
  options: { stdinFile?: string; slowReader?: boolean; capture?: boolean } = {},
): Promise<{ seconds: number; rssMb: number; code: number; stderr: string; outBytes: number; out: string }> {
  const wrapper = `process.on('exit', () => process.stderr.write('\\nPEAK_RSS_KB ' + process.resourceUsage().maxRSS + '\\n'));
process.argv = [process.argv[0], ${JSON.stringify(MAIN)}, ...${JSON.stringify(args)}];
require(${JSON.stringify(MAIN)});`;
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, ['-e', wrapper], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    let out = '';
    let outBytes = 0;
    child.stderr.on('data', (d) => (stderr += d));
    if (options.slowReader) {
      // a consumer that pauses 2 s at the start and then every 50 MB
      child.stdout.pause();
      let next = 0;
      const pump = () => {
        let chunk: Buffer | null;
        while ((chunk = child.stdout.read()) !== null) {
          outBytes += chunk.length;
          if (outBytes > next) {
            next += 50 * MIB;
            setTimeout(pump, 500);
            return;
          }
        }
        child.stdout.once('readable', pump);
      };
      setTimeout(pump, 2000);
    } else {
      child.stdout.on('data', (d: Buffer) => {
        outBytes += d.length;
        if (options.capture) out += d;
      });
    }
    if (options.stdinFile) fs.createReadStream(options.stdinFile).pipe(child.stdin);
    else child.stdin.end();
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /PEAK_RSS_KB (\d+)/.exec(stderr);
      resolve({
        seconds: Number(process.hrtime.bigint() - start) / 1e9,
        rssMb: m ? Number(m[1]) / 1024 : NaN,
        code: code ?? -1,
        stderr: stderr.replace(/\nPEAK_RSS_KB \d+\n/, ''),
        outBytes,
        out,
      });
    });
  });
}

function lastLine(s: string): string {
  const lines = s.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

export async function hostileRows(log: (row: HostileRow) => void = printRow, main?: string): Promise<HostileRow[]> {
  if (main !== undefined) MAIN = main;
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run bench, which bundles it (bench/build.ts)`);
  const rows: HostileRow[] = [];
  const add = (row: HostileRow) => {
    rows.push(row);
    log(row);
  };
  const big = await bigNdjson();
  const b1 = await runCli(['search', big, '--detection', 'cloudtrail-changes', '--output', 'ndjson']);
  add({ label: '(g1) search, 700 MB NDJSON.gz (one file)', seconds: b1.seconds, peakRssMb: b1.rssMb, exitCode: b1.code, note: lastLine(b1.stderr) });
  const b2 = await runCli(['backtest', big, '--json'], { capture: true });
  const report = b2.code === 0 || b2.code === 4 ? (JSON.parse(b2.out) as { records: number; skipped: number }) : undefined;
  add({
    label: '(g2) backtest --profile recommended, the same file',
    seconds: b2.seconds,
    peakRssMb: b2.rssMb,
    exitCode: b2.code,
    note: report ? `${report.records} records read, ${report.skipped} skipped` : lastLine(b2.stderr),
  });
  const spaces = await bomb('bomb-spaces-6GiB.json.gz', '{"Records":[', 0x20);
  const s = await runCli(['search', spaces, '--detection', 'cloudtrail-changes']);
  add({ label: `(g3) gzip bomb, 6 GiB of whitespace (${(fs.statSync(spaces).size / 1e6).toFixed(1)} MB)`, seconds: s.seconds, peakRssMb: s.rssMb, exitCode: s.code, note: lastLine(s.stderr.split('\n').filter((l) => l.startsWith('skipped')).join('\n')) });
  const zeros = await bomb('bomb-zeros-6GiB.json.gz', '', 0x00);
  const z = await runCli(['search', zeros, '--detection', 'cloudtrail-changes']);
  add({ label: '(g4) gzip bomb, 6 GiB of zeros', seconds: z.seconds, peakRssMb: z.rssMb, exitCode: z.code, note: lastLine(z.stderr.split('\n').filter((l) => l.startsWith('skipped')).join('\n')) });
  const line = await longLine();
  const l = await runCli(['search', '-', '--detection', 'ec2-instance-changes', '--max-record-size', '64M', '--output', 'ndjson'], { stdinFile: line });
  add({ label: '(g5) a 50 MB line on standard input', seconds: l.seconds, peakRssMb: l.rssMb, exitCode: l.code, note: lastLine(l.stderr) });
  const slow = await runCli(['search', big, '--pattern', '" "', '--output', 'ndjson'], { slowReader: true });
  add({ label: '(g6) 700 MB of NDJSON out to a consumer that pauses', seconds: slow.seconds, peakRssMb: slow.rssMb, exitCode: slow.code, note: `${(slow.outBytes / 1e6).toFixed(0)} MB consumed` });
  return rows;
}

function printRow(r: HostileRow): void {
  console.log(`${r.label.padEnd(52)} ${r.seconds.toFixed(1).padStart(6)} s  peak RSS ${r.peakRssMb.toFixed(0).padStart(5)} MB  exit ${r.exitCode}  ${r.note}`);
}

if (require.main === module) {
  hostileRows().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
