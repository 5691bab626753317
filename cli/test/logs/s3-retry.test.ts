import { isRetryable, withRetry } from '../../src/logs/s3-retry';

const slowDown = () => Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
const denied = () => Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });

describe('isRetryable', () => {
  test('is true for throttling, server errors and dropped connections, false for answers', () => {
    expect(isRetryable(slowDown())).toBe(true);
    expect(isRetryable({ name: 'Whatever', $metadata: { httpStatusCode: 500 } })).toBe(true);
    expect(isRetryable(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryable(denied())).toBe(false);
    expect(isRetryable({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } })).toBe(false);
    expect(isRetryable('SlowDown')).toBe(false);
  });
});

describe('withRetry', () => {
  test('retries throttling with exponential backoff under the cap, and returns the first success', async () => {
    const waits: number[] = [];
    let calls = 0;
    let retries = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls <= 4) throw slowDown();
        return 'ok';
      },
      { baseMs: 100, capMs: 500, sleep: async (ms) => void waits.push(ms), random: () => 0.5 },
      () => retries++,
    );
    expect(result).toBe('ok');
    expect(calls).toBe(5);
    expect(retries).toBe(4);
    expect(waits).toEqual([50, 100, 200, 250]);
  });

  test('fails with the last error after the given attempts', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw slowDown();
        },
        { attempts: 3, sleep: async () => undefined },
      ),
    ).rejects.toThrow(/reduce your request rate/);
    expect(calls).toBe(3);
  });

  test('fails at once on an error that is not retryable', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw denied();
        },
        { sleep: async () => undefined },
      ),
    ).rejects.toThrow(/Access Denied/);
    expect(calls).toBe(1);
  });
});
