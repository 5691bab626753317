import * as fs from 'fs';
import * as path from 'path';
import { Readable } from 'stream';
import { classifyArgument, classifyObject, ignoredReason, ObjectKind } from './object-names';
import { ReadProblem } from './problems';

/** One input to read: a file, a pipe, or standard input. */
export interface InputSource {
  /** The path as the user gave it (or as found by walking a directory); `-` for standard input. */
  readonly path: string;
  /** Size in bytes (0 for standard input and pipes). */
  readonly size: number;
  /** `file` for a regular file (may be read whole), `stream` for a pipe or standard input (read as it comes). */
  readonly kind?: 'file' | 'stream';
  /**
   * Opens an input that is not a local file (an S3 object): its bytes as stored (gzip or not), whole (read as a small
   * file is) or streamed (as a big file is), into the same decompress-and-scan path as a file's. Rejects with a
   * message for the user when it cannot be opened.
   */
  readonly open?: () => Promise<Buffer | Readable>;
}

/** A file deliberately not read. Not a problem: it never changes the exit status. */
export interface IgnoredInput {
  readonly path: string;
  readonly reason: string;
}

/** The files to read, the files ignored, and the paths that could not be used. */
export interface InputListing {
  readonly inputs: InputSource[];
  readonly ignored: IgnoredInput[];
  /** Paths that exist but cannot be read as input (devices, sockets, broken links inside a directory). */
  readonly problems: ReadProblem[];
}

/** A PATH argument that cannot be used at all: the caller turns it into a usage error (exit 2). */
export class InputPathError extends Error {
  constructor(message: string) {
    super(message);
    Object.setPrototypeOf(this, InputPathError.prototype);
  }
}

/** Device and inode of a file, as `fs.Stats` gives them. */
export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
}

export interface ListOptions {
  /**
   * What standard input (`-`) is: a `-` and a path to the same file (`/dev/stdin`, `/proc/self/fd/0`, or the file
   * standard input was redirected from) are then read once. Unknown: `-` is only matched with itself.
   */
  readonly stdin?: FileIdentity;
}

/**
 * Expands PATH arguments into input files.
 * - Directories are walked recursively in sorted order (runs are reproducible). Inside an `AWSLogs/` tree only
 *   CloudTrail log files are read; digest files, Insights files and other objects are listed in `ignored`.
 * - Symbolic links are followed, to files and to directories; a directory reached again (a link loop, or two links
 *   to one place) is walked once, and a file reached twice (two arguments, two links, hard or symbolic, compared by
 *   device and inode; `-` and `/dev/stdin`) is read once.
 * - Non-regular files found while walking a directory (named pipes, sockets, devices) are reported as problems and
 *   not read: a named pipe would wait for a writer forever. Named directly, a pipe is read as a stream; a device or
 *   a socket is reported and not read.
 * Throws `InputPathError`, naming the path, when a path does not exist or holds no CloudTrail log file.
 */
export async function listInputs(paths: readonly string[], options: ListOptions = {}): Promise<InputListing> {
  const walker = new Walker(options.stdin);
  for (const p of paths) await walker.argument(p);
  return { inputs: walker.inputs, ignored: walker.ignored, problems: walker.problems };
}

class Walker {
  public readonly inputs: InputSource[] = [];
  public readonly ignored: IgnoredInput[] = [];
  public readonly problems: ReadProblem[] = [];
  /** dev:ino of every file taken, to the path it was taken under */
  private readonly files = new Map<string, string>();
  /** dev:ino of every directory walked */
  private readonly dirs = new Set<string>();
  private stdin = false;

  constructor(private readonly stdinIdentity?: FileIdentity) {}

  public async argument(p: string): Promise<void> {
    if (p === '-') {
      const id = this.stdinIdentity ? `${this.stdinIdentity.dev}:${this.stdinIdentity.ino}` : undefined;
      const first = this.stdin ? '-' : id !== undefined ? this.files.get(id) : undefined;
      if (first !== undefined) {
        this.ignored.push({ path: '-', reason: `same file as ${first}` });
        return;
      }
      this.inputs.push({ path: '-', size: 0, kind: 'stream' });
      this.stdin = true;
      if (id !== undefined) this.files.set(id, '-');
      return;
    }
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(p);
    } catch (e) {
      throw new InputPathError(`cannot read '${p}': ${describeStatError(e)}`);
    }
    const before = this.inputs.length;
    const ignoredBefore = this.ignored.length;
    const problemsBefore = this.problems.length;
    if (stat.isDirectory()) {
      await this.walk(p, stat);
    } else {
      this.take(p, stat, classifyArgument(p));
    }
    // files found but not read (a pipe or a device in a directory) are reported as problems, not as an empty path
    if (this.inputs.length === before && this.problems.length === problemsBefore) {
      const ignored = this.ignored.slice(ignoredBefore);
      // log files already taken under another path still count as log files of this one
      if (ignored.some((i) => i.reason.startsWith('same file as '))) return;
      throw new InputPathError(`'${p}' ${stat.isDirectory() ? 'holds no CloudTrail log files' : 'is not a CloudTrail log file'}${summarizeIgnored(ignored)}`);
    }
  }

  private async walk(dir: string, stat: fs.Stats): Promise<void> {
    const id = `${stat.dev}:${stat.ino}`;
    if (this.dirs.has(id)) return;
    this.dirs.add(id);
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch (e) {
      this.problems.push({ path: dir, message: `cannot list the directory: ${describeStatError(e)}`, records: 0 });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        await this.walk(full, await fs.promises.stat(full));
        continue;
      }
      const kind = classifyObject(full);
      if (e.isSymbolicLink()) {
        let target: fs.Stats;
        try {
          target = await fs.promises.stat(full);
        } catch (err) {
          if (kind === 'log' || kind === 'data') {
            this.problems.push({ path: full, message: `broken symbolic link (${describeStatError(err)})`, records: 0 });
          } else {
            this.ignored.push({ path: full, reason: ignoredReason(kind) });
          }
          continue;
        }
        if (target.isDirectory()) await this.walk(full, target);
        else this.take(full, target, kind, true);
        continue;
      }
      if (kind !== 'log' && kind !== 'data') {
        this.ignored.push({ path: full, reason: ignoredReason(kind) });
        continue;
      }
      this.take(full, await fs.promises.stat(full), kind, true);
    }
  }

  /** Takes a file to read; `walked` when found by walking a directory (where only regular files are read). */
  private take(p: string, stat: fs.Stats, kind: ObjectKind, walked = false): void {
    if (kind !== 'log' && kind !== 'data') {
      this.ignored.push({ path: p, reason: ignoredReason(kind) });
      return;
    }
    const special = specialKind(stat);
    if (special) {
      this.problems.push({ path: p, message: `not a regular file (${special}); not read`, records: 0 });
      return;
    }
    if (walked && stat.isFIFO()) {
      // reading it would wait for a writer, and hold the whole run
      this.problems.push({ path: p, message: 'not a regular file (a named pipe, found while walking a directory); not read: give it as a PATH of its own to read it', records: 0 });
      return;
    }
    const id = `${stat.dev}:${stat.ino}`;
    const first = this.files.get(id);
    if (first !== undefined) {
      this.ignored.push({ path: p, reason: `same file as ${first}` });
      return;
    }
    this.files.set(id, p);
    this.inputs.push(stat.isFIFO() ? { path: p, size: 0, kind: 'stream' } : { path: p, size: stat.size, kind: 'file' });
  }
}

function specialKind(stat: fs.Stats): string | undefined {
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return undefined;
}

function describeStatError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  return (e as Error).message;
}

/** " (ignored: 3 CloudTrail digest file ...). Give a directory ..." for the error of a PATH with nothing to read. */
export function summarizeIgnored(ignored: readonly IgnoredInput[]): string {
  if (ignored.length === 0) return '';
  const byReason = new Map<string, number>();
  for (const i of ignored) byReason.set(i.reason, (byReason.get(i.reason) ?? 0) + 1);
  const parts = [...byReason.entries()].map(([reason, n]) => `${n} ${reason}`);
  return ` (ignored: ${parts.join(', ')}). Give a directory holding CloudTrail log files (…/CloudTrail/<region>/YYYY/MM/DD/*_CloudTrail_*.json.gz) or such files.`;
}
