import * as http from 'http';
import * as net from 'net';

export type Answer = (filterPattern: string, messages: string[]) => number[] | 'deny' | undefined;

/** A loopback CloudWatch Logs endpoint that answers TestMetricFilter (JSON 1.1 protocol) from recordings. */
export async function startFakeLogs(answer: Answer): Promise<{ endpoint: string; calls: number; stop: () => Promise<void> }> {
  const state = { calls: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      state.calls++;
      const target = String(req.headers['x-amz-target'] ?? '');
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(payload));
      };
      if (target !== 'Logs_20140328.TestMetricFilter') return reply(400, { __type: 'UnknownOperationException', message: target });
      const input = JSON.parse(body) as { filterPattern: string; logEventMessages: string[] };
      const a = answer(input.filterPattern, input.logEventMessages);
      if (a === 'deny') {
        return reply(400, { __type: 'AccessDeniedException', message: 'User: arn:aws:iam::123456789012:user/x is not authorized to perform: logs:TestMetricFilter' });
      }
      if (!a) return reply(400, { __type: 'InvalidParameterException', message: `no recording for ${input.filterPattern}` });
      reply(200, { matches: a.map((n) => ({ eventNumber: n, eventMessage: input.logEventMessages[n - 1], extractedValues: {} })) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get calls() {
      return state.calls;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
