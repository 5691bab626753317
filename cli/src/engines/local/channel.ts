/**
 * A bounded queue between a producer that pushes synchronously and a consumer that iterates asynchronously: the
 * producer awaits `room()` between chunks of work, so a slow consumer slows it down. The consumer leaving the
 * iteration early cancels the producer.
 */
export class Channel<T> {
  private items: T[] = [];
  private head = 0;
  private consumer: (() => void) | undefined;
  private producer: (() => void) | undefined;
  private closed = false;
  private error: unknown;
  private cancelledFlag = false;

  constructor(private readonly high = 1024) {}

  public push(item: T): void {
    this.items.push(item);
    this.wakeConsumer();
  }

  /** Resolves when the queue is below its high-water mark (or the consumer left). */
  public async room(): Promise<void> {
    while (!this.cancelledFlag && this.items.length - this.head >= this.high) {
      await new Promise<void>((r) => (this.producer = r));
    }
  }

  public close(error?: unknown): void {
    this.closed = true;
    this.error = error;
    this.wakeConsumer();
  }

  public get cancelled(): boolean {
    return this.cancelledFlag;
  }

  public async *drain(): AsyncGenerator<T> {
    try {
      for (;;) {
        if (this.head < this.items.length) {
          const item = this.items[this.head++];
          if (this.head > 4096 && this.head * 2 > this.items.length) {
            this.items = this.items.slice(this.head);
            this.head = 0;
          }
          if (this.items.length - this.head < this.high) this.wakeProducer();
          yield item;
          continue;
        }
        if (this.closed) {
          if (this.error !== undefined) throw this.error;
          return;
        }
        this.wakeProducer();
        await new Promise<void>((r) => (this.consumer = r));
      }
    } finally {
      this.cancelledFlag = true;
      this.wakeProducer();
    }
  }

  private wakeConsumer(): void {
    const c = this.consumer;
    this.consumer = undefined;
    c?.();
  }

  private wakeProducer(): void {
    const p = this.producer;
    this.producer = undefined;
    p?.();
  }
}
