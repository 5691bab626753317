import * as fs from 'fs';
import { Readable } from 'stream';
import { promisify } from 'util';
import * as zlib from 'zlib';
import { InputSource } from './inputs';
import { KEEP_MAX, WholeInflater } from './whole-inflate';

// the callback API reads a file of known size in one call; fs.promises.readFile reads in chunks and is slower here
const readFileAsync = promisify(fs.readFile);
const gunzipAsync = promisify<zlib.InputType, zlib.ZlibOptions, Buffer>(zlib.gunzip);

const GZIP_0 = 0x1f;
const GZIP_1 = 0x8b;
/** Regular files up to this size (on disk) are read in one call... */
const WHOLE_READ_LIMIT = 32 * 1024 * 1024;
/** ...and decompressed in one call on the thread pool when they inflate to at most this; bigger ones stream. */
const WHOLE_INFLATE_LIMIT = 96 * 1024 * 1024;
const READ_CHUNK = 1024 * 1024;
const INFLATE_CHUNK = 1024 * 1024;
/** Output buffer of a whole inflation: at most this (a bigger output takes several, as zlib fills them in turn)... */
const WHOLE_CHUNK_LIMIT = 16 * 1024 * 1024;
/** ...and at least zlib's default. */
const WHOLE_CHUNK_MIN = 16 * 1024;
/** Deflate cannot inflate by more than this factor, whatever a trailer claims. */
const DEFLATE_MAX_RATIO = 1032;

/**
 * The output buffer size for inflating `raw` whole: its gzip trailer's ISIZE (the last member's size mod 2^32: a
 * hint only, never trusted for correctness), capped. With zlib's default 16 KiB, the async inflation of a 600 KB
 * delivery file takes ~40 round trips between the thread pool and the JavaScript thread, ten times the inflation.
 */
export function wholeInflateChunk(raw: Buffer): number {
  const claimed = raw.length >= 18 ? raw.readUInt32LE(raw.length - 4) + 64 : 0;
  return Math.max(WHOLE_CHUNK_MIN, Math.min(claimed, raw.length * DEFLATE_MAX_RATIO, WHOLE_CHUNK_LIMIT, WHOLE_INFLATE_LIMIT));
}

/** A file opened for reading: its decompressed bytes in one buffer, or as a stream of chunks. */
export type OpenedInput = { readonly whole: Buffer } | { readonly chunks: AsyncIterable<Buffer> };

/** A problem opening or decompressing an input, with a message for the user. */
export class InputReadError extends Error {
  constructor(message: string) {
    super(message);
    Object.setPrototypeOf(this, InputReadError.prototype);
  }
}

/**
 * Opens an input. Small regular files are read and inflated whole (on the thread pool, so the next file loads while
 * the current one is scanned); the rest (big files, gzip bombs, pipes, standard input) stream in 1 MiB chunks, so
 * memory does not depend on the decompressed size. Gzip is recognised by its magic bytes, whatever the name.
 */
export async function openInput(src: InputSource, stdin?: NodeJS.ReadableStream): Promise<OpenedInput> {
  if (src.path === '-') return { chunks: sniffedChunks((stdin ?? process.stdin) as Readable, src.path) };
  // an input that opens itself (an S3 object): its bytes whole, read as a small file's, or a stream, as a big file's
  const own = src.open ? await src.open() : undefined;
  if (own !== undefined && !Buffer.isBuffer(own)) return { chunks: sniffedChunks(own, src.path) };
  if (own === undefined && (src.kind === 'stream' || src.size > WHOLE_READ_LIMIT)) {
    return { chunks: sniffedChunks(fs.createReadStream(src.path, { highWaterMark: READ_CHUNK }), src.path) };
  }
  let raw: Buffer;
  try {
    raw = own ?? (await readFileAsync(src.path));
  } catch (e) {
    throw new InputReadError(describeReadError(e));
  }
  if (!isGzip(raw)) {
    if (/\.gz$/i.test(src.path)) throw new InputReadError('not a gzip file (no gzip header) although the name ends in .gz');
    return { whole: raw };
  }
  try {
    return { whole: await gunzipAsync(raw, { maxOutputLength: WHOLE_INFLATE_LIMIT, chunkSize: wholeInflateChunk(raw) }) };
  } catch {
    // too big to inflate whole (a bomb, or just a big file), or corrupt: stream it, so that the records before a
    // corruption are read and a bomb is caught by the limits as it inflates
    return { chunks: inflateChunks(Readable.from([raw]), src.path) };
  }
}

/**
 * Opens small regular files one at a time into memory reused from file to file: read whole into one buffer and
 * inflated whole into another (whole-inflate.ts), instead of two fresh buffers per file, whose first touch costs a
 * page fault per page. A result is valid until the next `open`. Corrupt or oversized gzip data takes the streaming
 * path, exactly as openInput does.
 */
export class WholeFileOpener {
  private readonly inflater = WholeInflater.available() ? new WholeInflater(WHOLE_INFLATE_LIMIT) : undefined;
  private raw: Buffer = Buffer.allocUnsafe(0);

  /** Whether `src` is opened here (a local regular file small enough, and this node offers the inflater), not by openInput. */
  public handles(src: InputSource): boolean {
    return this.inflater !== undefined && src.path !== '-' && src.kind !== 'stream' && src.open === undefined && src.size <= WHOLE_READ_LIMIT;
  }

  /** Opens `src` synchronously. Throws InputReadError when it cannot be read. */
  public open(src: InputSource): OpenedInput {
    let raw: Buffer;
    try {
      raw = this.read(src.path);
    } catch (e) {
      throw new InputReadError(describeReadError(e));
    }
    if (!isGzip(raw)) {
      if (/\.gz$/i.test(src.path)) throw new InputReadError('not a gzip file (no gzip header) although the name ends in .gz');
      return { whole: raw };
    }
    const whole = this.inflater!.inflate(raw);
    if (whole !== undefined) return { whole };
    // too big to inflate whole, or corrupt: streamed from a copy (the read buffer is the next file's)
    return { chunks: inflateChunks(Readable.from([Buffer.from(raw)]), src.path) };
  }

  /** The file's bytes, read to its end (whatever its size now), as a view of the reused read buffer. */
  private read(path: string): Buffer {
    const fd = fs.openSync(path, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      if (this.raw.length > KEEP_MAX || this.raw.length < size + 1) this.raw = Buffer.allocUnsafe(Math.max(64 * 1024, size + 1));
      let have = 0;
      for (;;) {
        if (have === this.raw.length) {
          const bigger = Buffer.allocUnsafe(this.raw.length * 2);
          this.raw.copy(bigger, 0, 0, have);
          this.raw = bigger;
        }
        const n = fs.readSync(fd, this.raw, have, this.raw.length - have, null);
        if (n === 0) break;
        have += n;
      }
      return this.raw.subarray(0, have);
    } finally {
      fs.closeSync(fd);
    }
  }
}

function isGzip(b: Buffer): boolean {
  return b.length >= 2 && b[0] === GZIP_0 && b[1] === GZIP_1;
}

async function* sniffedChunks(input: Readable, path: string): AsyncGenerator<Buffer> {
  const it = input[Symbol.asyncIterator]();
  let first: Buffer | undefined;
  try {
    // the gzip magic is two bytes; a first chunk of one byte is possible on a pipe
    while (first === undefined || first.length < 2) {
      const r = await it.next();
      if (r.done) break;
      const b = toBuffer(r.value);
      first = first === undefined ? b : Buffer.concat([first, b]);
    }
  } catch (e) {
    throw new InputReadError(describeReadError(e));
  }
  if (first === undefined) return;
  const rest = async function* (): AsyncGenerator<Buffer> {
    yield first!;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield toBuffer(r.value);
    }
  };
  if (isGzip(first)) {
    yield* inflateChunks(Readable.from(rest()), path);
    return;
  }
  if (/\.gz$/i.test(path)) {
    input.destroy();
    throw new InputReadError('not a gzip file (no gzip header) although the name ends in .gz');
  }
  try {
    yield* rest();
  } catch (e) {
    throw new InputReadError(describeReadError(e));
  }
}

async function* inflateChunks(compressed: Readable, path: string): AsyncGenerator<Buffer> {
  void path;
  const gunzip = zlib.createGunzip({ chunkSize: INFLATE_CHUNK });
  compressed.on('error', (e) => gunzip.destroy(e));
  compressed.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (e) {
    throw new InputReadError(describeReadError(e));
  } finally {
    compressed.unpipe(gunzip);
    compressed.destroy();
    gunzip.destroy();
  }
}

function toBuffer(v: unknown): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v as string);
}

export function describeReadError(e: unknown): string {
  if (e instanceof InputReadError) return e.message;
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'Z_BUF_ERROR' || err.code === 'Z_DATA_ERROR') return `corrupt or truncated gzip data (${err.message})`;
  if (err.code === 'ENOENT') return 'no such file (removed while running?)';
  if (err.code === 'EACCES') return 'permission denied';
  if (err.code === 'EISDIR') return 'is a directory';
  return err.message ?? String(e);
}
