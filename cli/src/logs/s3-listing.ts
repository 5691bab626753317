// Listing the objects a question needs under an s3:// location: the whole prefix when the question does not narrow
// it (as a directory is walked), else only the layout's account, Region and day folders that intersect it.
import { S3Api } from './s3-api';
import { childPlace, datedPrefixes, dayRange, deliveryTime, LayoutPlace, mayHoldWindow, narrows, placeOfPrefix, S3Question } from './s3-layout';
import { RequestCounter, RetryPolicy, withRetry } from './s3-retry';

/** A bucket and a key prefix (`s3://bucket/AWSLogs/` -> `AWSLogs/`; empty for the whole bucket). */
export interface S3Location {
  readonly bucket: string;
  readonly prefix: string;
}

/** One object listed. */
export interface ListedObject {
  readonly key: string;
  readonly size: number;
}

/** What a listing found, in the order a directory walk of a local copy would (folder by folder, names sorted). */
export interface S3ObjectListing {
  /** Every object listed (including those a reader will ignore), in walk order. */
  readonly objects: ListedObject[];
  /** Log files listed but left out because their delivery time (in the name) cannot hold the window. */
  readonly pruned: number;
  /** The location named one object (not a folder): it is read whatever its name, as a file named on the command line. */
  readonly single: boolean;
  /** The location holds no object at all. */
  readonly empty: boolean;
}

export interface ListingOptions {
  readonly retry?: RetryPolicy;
  readonly counter: RequestCounter;
  /** Now (for a window without an end). */
  readonly nowMs?: number;
}

/** Lists what `question` needs under `location` (see the file comment). SDK errors of the listing are thrown as they are. */
export async function listS3Objects(api: S3Api, location: S3Location, question: S3Question, o: ListingOptions): Promise<S3ObjectListing> {
  const lister = new Lister(api, location.bucket, question, o);
  let prefix = location.prefix;
  if (prefix !== '' && !prefix.endsWith('/')) {
    // a key, or a folder given without its slash
    const page = await lister.page(prefix, '/');
    const exact = page.objects.find((x) => x.key === prefix);
    if (exact) return { objects: [exact], pruned: 0, single: true, empty: false };
    prefix = `${prefix}/`;
  }
  if (!narrows(question)) {
    await lister.flat(prefix, false);
  } else {
    const place = placeOfPrefix(prefix, question, lister.now);
    if (place !== undefined) await lister.walk(prefix, place);
  }
  const objects = [...lister.objects.values()].sort((a, b) => compareKeys(a.key, b.key));
  return { objects, pruned: lister.pruned, single: false, empty: lister.seen === 0 };
}

/** Orders keys as a sorted directory walk does: folder by folder (`a/x` before `a.b`, unlike S3's byte order). */
export function compareKeys(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) {
      // a folder and a file of the same level compare by name, as readdir's sorted entries do
      return x[i] < y[i] ? -1 : 1;
    }
  }
  return x.length - y.length;
}

class Lister {
  public readonly objects = new Map<string, ListedObject>();
  public pruned = 0;
  /** Objects and folders met at all. */
  public seen = 0;
  public readonly now: number;

  constructor(
    private readonly api: S3Api,
    private readonly bucket: string,
    private readonly question: S3Question,
    private readonly o: ListingOptions,
  ) {
    this.now = o.nowMs ?? Date.now();
  }

  public async page(prefix: string, delimiter: string | undefined, continuation?: string) {
    return withRetry(
      () => {
        this.o.counter.list++;
        return this.api.list({ bucket: this.bucket, prefix, delimiter, continuation });
      },
      this.o.retry,
      () => this.o.counter.retries++,
    );
  }

  private async *pages(prefix: string, delimiter?: string) {
    let next: string | undefined;
    do {
      const p = await this.page(prefix, delimiter, next);
      this.seen += p.objects.length + p.folders.length;
      yield p;
      next = p.next;
    } while (next !== undefined);
  }

  /** Every key under `prefix`; in a day's folder (`windowed`), log files delivered outside the window are left out. */
  public async flat(prefix: string, windowed: boolean): Promise<void> {
    for await (const p of this.pages(prefix)) {
      for (const x of p.objects) {
        if (windowed && !mayHoldWindow(deliveryTime(x.key), this.question)) {
          this.pruned++;
          continue;
        }
        this.add(x);
      }
    }
  }

  /** One level at a time down to the Region folders, then the day (or month, or year) folders of the window. */
  public async walk(prefix: string, place: LayoutPlace): Promise<void> {
    if (place.level === 'day-content') return this.flat(prefix, true);
    if (place.level === 'dated') {
      if (this.question.fromMs === undefined && this.question.toMs === undefined) return this.flat(prefix, false);
      let [low, high] = dayRange(this.question, this.now);
      if (low === undefined) {
        if (place.date.length > 0) {
          low = Date.UTC(place.date[0], (place.date[1] ?? 1) - 1, place.date[2] ?? 1);
        } else {
          // no start: the years present are listed first
          const years: number[] = [];
          for await (const p of this.pages(prefix, '/')) {
            for (const f of p.folders) {
              const y = /^(\d{4})\/$/.exec(f.slice(prefix.length));
              if (y) years.push(Number(y[1]));
            }
          }
          if (years.length === 0) return;
          low = Date.UTC(Math.min(...years), 0, 1);
        }
      }
      for (const rel of datedPrefixes(place, low, high)) await this.flat(prefix + rel, true);
      return;
    }
    for await (const p of this.pages(prefix, '/')) {
      for (const x of p.objects) this.add(x);
      for (const f of p.folders) {
        const child = childPlace(place, f.slice(prefix.length, -1), this.question, this.now);
        if (child !== undefined) await this.walk(f, child);
      }
    }
  }

  private add(x: ListedObject): void {
    // "folder" markers (a key ending in /) hold nothing; a local copy has no file for them
    if (x.key.endsWith('/')) return;
    this.objects.set(x.key, x);
  }
}
