import { PassThrough } from 'stream';
import { run } from '../../src/commands/run';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with in-memory streams. */
export async function cli(
  args: string[],
  stdinText = '',
  options: { stdinStream?: NodeJS.ReadableStream; env?: Record<string, string>; stdinIdentity?: { dev: number; ino: number } } = {},
): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let stdin: NodeJS.ReadableStream;
  if (options.stdinStream) {
    stdin = options.stdinStream;
  } else {
    const s = new PassThrough();
    s.end(stdinText);
    stdin = s;
  }
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await run(args, { stdout, stderr, stdin, env: options.env ?? {}, stdinIdentity: options.stdinIdentity });
  return { code, stdout: out, stderr: err };
}
