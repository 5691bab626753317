import * as fs from 'fs';
import { InputSource, listInputs } from '../logs';
import { Progress } from './progress';

/** Where a command reads and writes. Tests pass in-memory streams; `main.ts` passes the process's. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stdin: NodeJS.ReadableStream;
  /** Environment (for AWS settings). */
  readonly env?: Record<string, string | undefined>;
}

/** A mistake in how the command was called: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  constructor(message: string, public readonly detail?: string) {
    super(message);
    Object.setPrototypeOf(this, UsageError.prototype);
  }
}

/** Reads a whole text input: a file path, or `-` for standard input. */
export async function readText(source: string, io: CliIo, what: string): Promise<string> {
  if (source === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await fs.promises.readFile(source, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read ${what} '${source}': ${code === 'ENOENT' ? 'no such file' : (e as Error).message}. Pass an existing file or '-' for standard input.`,
    );
  }
}

/** Splits text into lines; a final newline does not start an extra (empty) line. */
export function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Expands the PATH arguments of `search` and `backtest` into input files, with a progress line sized by them.
 * A missing path is a usage error.
 */
export async function inputsWithProgress(
  positionals: string[],
  io: CliIo,
  usage: string,
): Promise<{ inputs: InputSource[]; progress: Progress }> {
  if (positionals.length === 0) throw new UsageError('give at least one PATH (a file, a directory or - for standard input)', usage);
  let inputs: InputSource[];
  try {
    inputs = await listInputs(positionals);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return { inputs, progress: new Progress(io.stderr, inputs.length, inputs.reduce((s, i) => s + i.size, 0)) };
}
