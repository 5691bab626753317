// Whole-buffer gunzip into reused memory, for the many small delivery files of a CloudTrail archive.
//
// node's one-shot zlib.gunzip(Sync) makes a new inflater and fresh output buffers for every call: for a 600 KB
// delivery file that is ~1.2 MB of new memory per file, whose first touch costs a page fault per 4 KiB page (measured:
// a fifth of a search's CPU). Here one gunzip engine (node's own zlib, reset between files) writes into one output
// buffer that lives as long as the reader, sized from the gzip trailer's ISIZE and grown when a file needs more.
//
// It uses node's zlib binding the way zlib.gunzipSync does internally (the handle's writeSync and the engine's write
// state). Where this node does not offer them, `available()` is false and the caller uses zlib.gunzip; any error
// (corrupt or truncated data, an output past the limit) returns undefined, having delivered nothing, and the caller
// takes the streaming path, which reports the problem with the records read before it. A differential test checks
// that the bytes are identical to zlib.gunzipSync's on the corpus and on damaged files.
import * as zlib from 'zlib';

interface ZlibHandle {
  onerror: (message: string, errno: number) => void;
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
}

interface GunzipInternals extends zlib.Gunzip {
  _handle?: ZlibHandle | null;
  _writeState?: Uint32Array;
  /** Public in node's zlib (zlib.Zlib#reset), missing from the Gunzip typings. */
  reset(): void;
}

const MIN_OUT = 64 * 1024;

/** What is used of the engine is there (a realm-independent check: jest runs code in another realm). */
function usable(e: GunzipInternals): boolean {
  return typeof e._handle?.writeSync === 'function' && Object.prototype.toString.call(e._writeState) === '[object Uint32Array]' && e._writeState!.length >= 2;
}

/** A bigger output buffer is not kept for the next file (memory stays flat after one big file). */
export const KEEP_MAX = 16 * 1024 * 1024;

/** A gunzip of whole buffers into one reused output buffer. Not re-entrant: the result is valid until the next call. */
export class WholeInflater {
  /** Whether this node offers what the inflater uses. */
  public static available(): boolean {
    const probe = zlib.createGunzip() as GunzipInternals;
    const ok = usable(probe);
    probe.close();
    return ok;
  }

  private engine: GunzipInternals | undefined;
  private out: Buffer = Buffer.allocUnsafe(0);
  private failed = false;

  /** @param maxOutput the largest output inflated here; a larger one returns undefined (the caller streams it) */
  constructor(private readonly maxOutput: number) {}

  /**
   * The decompressed bytes of the gzip data `raw` (one member or several, as zlib.gunzipSync reads them), as a view of
   * the reused buffer; undefined when the data is not valid gzip or inflates past maxOutput.
   */
  public inflate(raw: Uint8Array): Buffer | undefined {
    const engine = this.ready();
    if (engine === undefined) return undefined;
    if (this.out.length > KEEP_MAX) this.out = Buffer.allocUnsafe(0);
    const handle = engine._handle!;
    const state = engine._writeState!;
    if (raw.length >= 18) {
      // ISIZE: the last member's size mod 2^32, a hint for the buffer only
      const isize = (raw[raw.length - 4] | (raw[raw.length - 3] << 8) | (raw[raw.length - 2] << 16)) + raw[raw.length - 1] * 0x1000000; // eslint-disable-line no-bitwise
      this.reserve(Math.min(isize + 64, this.maxOutput + 1));
    } else {
      this.reserve(MIN_OUT);
    }
    let inOff = 0;
    let inLen = raw.length;
    let have = 0;
    for (;;) {
      const room = this.out.length - have;
      handle.writeSync(zlib.constants.Z_FINISH, raw, inOff, inLen, this.out, have, room);
      if (this.failed) {
        this.discard();
        return undefined;
      }
      const availOut = state[0];
      const availIn = state[1];
      have += room - availOut;
      if (have > this.maxOutput) {
        this.discard();
        return undefined;
      }
      if (availOut !== 0) break;
      // the output is full: grow it and go on where the input stopped
      inOff += inLen - availIn;
      inLen = availIn;
      this.reserve(Math.min(this.out.length * 2, this.maxOutput + 1), have);
    }
    return this.out.subarray(0, have);
  }

  /** An engine reset for a new file, or undefined when this node lacks what is used. */
  private ready(): GunzipInternals | undefined {
    if (this.engine !== undefined) {
      this.engine.reset();
      return this.engine;
    }
    const engine = zlib.createGunzip() as GunzipInternals;
    if (!usable(engine)) {
      engine.close();
      return undefined;
    }
    const handle = engine._handle!;
    this.failed = false;
    // the error is the caller's to report, through the streaming path: here it only ends this attempt
    handle.onerror = () => {
      this.failed = true;
    };
    this.engine = engine;
    return engine;
  }

  /** After an error the engine is unusable: the next file gets a new one. */
  private discard(): void {
    const e = this.engine;
    this.engine = undefined;
    this.failed = false;
    if (e !== undefined) {
      e._handle!.onerror = () => undefined;
      e.close();
    }
  }

  /** An output buffer of at least `size` bytes, keeping the first `keep` bytes. */
  private reserve(size: number, keep = 0): void {
    if (this.out.length >= size) return;
    let n = Math.max(MIN_OUT, this.out.length);
    while (n < size) n *= 2;
    const next = Buffer.allocUnsafe(n);
    if (keep > 0) this.out.copy(next, 0, 0, keep);
    this.out = next;
  }
}
