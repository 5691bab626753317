/** A progress line on standard error for long runs; silent unless standard error is a terminal. */
export class Progress {
  private readonly started = Date.now();
  private lastDraw = 0;
  private files = 0;
  private bytes = 0;
  private records = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly totalFiles: number,
    private readonly totalBytes: number,
    private readonly delayMs = 2000,
    /** `objects` for S3 input: the line then also counts the bytes downloaded. */
    private readonly unit: 'files' | 'objects' = 'files',
  ) {}

  public file(bytes: number, records: number): void {
    this.files++;
    this.bytes += bytes;
    this.records += records;
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (now - this.started < this.delayMs || now - this.lastDraw < 200) return;
    this.lastDraw = now;
    this.drawn = true;
    this.stream.write(`\r${this.line(now)}\x1b[K`);
  }

  public done(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
  }

  /** The progress text (exposed for tests). */
  public line(now = Date.now()): string {
    const secs = Math.max((now - this.started) / 1000, 0.001);
    const rate = this.records / secs;
    const fraction = this.totalBytes > 0 ? this.bytes / this.totalBytes : this.files / Math.max(this.totalFiles, 1);
    const eta = fraction > 0 ? secs / fraction - secs : 0;
    const width = 24;
    const filled = Math.min(width, Math.round(fraction * width));
    const bytes = this.unit === 'objects' ? `  ${megabytes(this.bytes)}/${megabytes(this.totalBytes)}` : '';
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.unit} ${this.files}/${this.totalFiles}${bytes}  records ${fmt(this.records)}  ${fmt(rate)} rec/s  ETA ${clock(eta)}`;
  }
}

function fmt(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

function megabytes(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

function clock(secs: number): string {
  const s = Math.max(0, Math.round(secs));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
