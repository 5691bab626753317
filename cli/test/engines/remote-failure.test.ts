/**
 * A remote engine that cannot read its data ends with one line naming the resource and the Region, and exit 3:
 * a missing log group, a wrong Region, a missing table or workgroup, denied access, no answer. Never "unexpected
 * error" and a stack trace. Moto answers for the missing log group and the wrong Region; a small HTTP server answers
 * as AWS does when access is denied or a query fails, since moto grants everything and runs no SQL.
 */
import * as http from 'http';
import * as net from 'net';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { athenaFailure, cloudWatchLogsFailure, RemoteDataError } from '../../src/engines/remote-failure';
import { describeWithMoto, MotoServer, startMoto } from '../aws/moto-server';
import { cli } from '../commands/helpers';

jest.setTimeout(60_000);

const withMoto = describeWithMoto('the remote-failure tests on moto');

/** An SDK-shaped service error. */
const sdkError = (name: string, message: string, status = 400) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('the one line for each failure', () => {
  test.each([
    [
      sdkError('ResourceNotFoundException', 'The specified log group does not exist.'),
      "log group 'g' does not exist in eu-west-1 (ResourceNotFoundException: The specified log group does not exist.): check --log-group and --region",
      'not-found',
    ],
    [
      sdkError('AccessDeniedException', 'User: arn:aws:iam::111122223333:user/a is not authorized to perform: logs:FilterLogEvents'),
      "access denied to log group 'g' in eu-west-1: allow logs:FilterLogEvents on the log group for these credentials (AccessDeniedException: User: arn:aws:iam::111122223333:user/a is not authorized to perform: logs:FilterLogEvents)",
      'denied',
    ],
    [
      sdkError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
      "no usable AWS credentials to read log group 'g' in eu-west-1 (UnrecognizedClientException: The security token included in the request is invalid.): set AWS_PROFILE, run 'aws sso login', or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
      'credentials',
    ],
    [
      Object.assign(new Error('getaddrinfo ENOTFOUND logs.eu-nowhere-1.amazonaws.com'), { code: 'ENOTFOUND' }),
      "CloudWatch Logs in eu-west-1 did not answer for log group 'g' (Error: getaddrinfo ENOTFOUND logs.eu-nowhere-1.amazonaws.com): check --region, --endpoint-url and the network",
      'unreachable',
    ],
    [new Error('Region is missing'), "no AWS Region to read log group 'g' in: pass --region, or set AWS_REGION or the region of your AWS profile", 'no-region'],
  ])('CloudWatch Logs: %s', (e, message, kind) => {
    const f = cloudWatchLogsFailure(e, 'g', 'eu-west-1');
    expect(f).toBeInstanceOf(RemoteDataError);
    expect([f!.message, f!.kind]).toEqual([message, kind]);
  });

  test('an error that is not about reaching the data is left alone', () => {
    expect(cloudWatchLogsFailure(new TypeError('x is not a function'), 'g', 'eu-west-1')).toBeUndefined();
    expect(athenaFailure(new TypeError('x is not a function'), { table: 'a.b', workgroup: 'w', region: 'eu-west-1' })).toBeUndefined();
  });

  const target = { table: 'ct.logs', workgroup: 'primary', region: 'eu-west-1' };
  test.each([
    [
      Object.assign(new Error("query q-1 failed: TABLE_NOT_FOUND: line 9:6: Table 'awsdatacatalog.ct.logs' does not exist"), { name: 'Error', state: 'FAILED' }),
      "Athena table ct.logs (workgroup primary) does not exist in the data catalog in eu-west-1 (Error: query q-1 failed: TABLE_NOT_FOUND: line 9:6: Table 'awsdatacatalog.ct.logs' does not exist): check --table and --region",
      'not-found',
    ],
    [
      sdkError('InvalidRequestException', 'WorkGroup primary is not found.'),
      'Athena workgroup primary does not exist in eu-west-1 (InvalidRequestException: WorkGroup primary is not found.): check --workgroup and --region',
      'not-found',
    ],
    [
      Object.assign(new Error('query q-2 failed: Insufficient permissions to execute the query. User is not authorized to perform: glue:GetTable'), { state: 'FAILED' }),
      'access denied to Athena table ct.logs (workgroup primary) in eu-west-1: allow athena:StartQueryExecution, athena:GetQueryExecution, athena:GetQueryResults, glue:GetTable, and s3:GetObject on the data and s3:PutObject on the results for these credentials (Error: query q-2 failed: Insufficient permissions to execute the query. User is not authorized to perform: glue:GetTable)',
      'denied',
    ],
    [
      sdkError('InvalidRequestException', 'No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.'),
      'the Athena query on Athena table ct.logs (workgroup primary) in eu-west-1 failed (InvalidRequestException: No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.)',
      'query-failed',
    ],
  ])('Athena: %s', (e, message, kind) => {
    const f = athenaFailure(e, target);
    expect([f!.message, f!.kind]).toEqual([message, kind]);
  });
});

/** A stand-in for the CloudWatch Logs and Athena endpoints (JSON 1.1): `answer` gets the X-Amz-Target operation. */
type Answer = (operation: string, body: Record<string, unknown>) => { status: number; body: unknown };
async function fakeAws(answer: Answer): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      const a = answer(operation, text ? JSON.parse(text) : {});
      const type = (a.body as { __type?: string }).__type;
      res.writeHead(a.status, { 'Content-Type': 'application/x-amz-json-1.1', ...(type ? { 'x-amzn-ErrorType': type } : {}) });
      res.end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return { endpoint: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

// what the commands are given as their environment; the SDK itself signs with the process's (set by describeWithMoto)
const ENV = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };

describe('the commands on a service that refuses (exit 3, one line, nothing on standard output)', () => {
  test('search --log-group: access denied names the group, the Region and the permission', async () => {
    const aws = await fakeAws(() => ({
      status: 400,
      body: { __type: 'AccessDeniedException', message: 'User: arn:aws:iam::111122223333:user/a is not authorized to perform: logs:FilterLogEvents' },
    }));
    try {
      const r = await cli(['search', '--log-group', 'ct', '--region', 'us-east-1', '--endpoint-url', aws.endpoint, '--profile', 'recommended'], '', { env: ENV });
      expect([r.code, r.stdout, r.stderr]).toEqual([
        3,
        '',
        "cloudtrail-alarms search: access denied to log group 'ct' in us-east-1: allow logs:FilterLogEvents on the log group for these credentials (AccessDeniedException: User: arn:aws:iam::111122223333:user/a is not authorized to perform: logs:FilterLogEvents)\n",
      ]);
    } finally {
      await aws.close();
    }
  });

  test('backtest --engine athena: a query that fails on a missing table names the table and the Region', async () => {
    const aws = await fakeAws((operation) => {
      if (operation === 'StartQueryExecution') return { status: 200, body: { QueryExecutionId: 'q-1' } };
      if (operation === 'GetQueryExecution') {
        const reason = "TABLE_NOT_FOUND: line 14:6: Table 'awsdatacatalog.ct.logs' does not exist";
        return { status: 200, body: { QueryExecution: { QueryExecutionId: 'q-1', Status: { State: 'FAILED', StateChangeReason: reason, AthenaError: { ErrorMessage: reason } } } } };
      }
      return { status: 200, body: {} };
    });
    try {
      const r = await cli(
        ['backtest', '--engine', 'athena', '--table', 'ct.logs', '--workgroup', 'primary', '--region', 'eu-west-1', '--endpoint-url', aws.endpoint, '--detection', 'root-account-usage', '--from', '2026-11-01', '--to', '2026-11-02'],
        '',
        { env: ENV },
      );
      expect([r.code, r.stdout, r.stderr]).toEqual([
        3,
        '',
        "cloudtrail-alarms backtest: Athena table ct.logs (workgroup primary) does not exist in the data catalog in eu-west-1 (Error: query q-1 failed: TABLE_NOT_FOUND: line 14:6: Table 'awsdatacatalog.ct.logs' does not exist): check --table and --region\n",
      ]);
    } finally {
      await aws.close();
    }
  });

  test('search --engine athena: StartQueryExecution denied', async () => {
    const aws = await fakeAws(() => ({ status: 400, body: { __type: 'AccessDeniedException', message: 'not authorized to perform: athena:StartQueryExecution' } }));
    try {
      const r = await cli(
        ['search', '--engine', 'athena', '--table', 'ct.logs', '--workgroup', 'primary', '--region', 'eu-west-1', '--endpoint-url', aws.endpoint, '--pattern', '{ $.eventName = X }', '--from', '2026-11-01', '--to', '2026-11-02'],
        '',
        { env: ENV },
      );
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        'cloudtrail-alarms search: access denied to Athena table ct.logs (workgroup primary) in eu-west-1: allow athena:StartQueryExecution, athena:GetQueryExecution, athena:GetQueryResults, glue:GetTable, and s3:GetObject on the data and s3:PutObject on the results for these credentials (AccessDeniedException: not authorized to perform: athena:StartQueryExecution)\n',
      );
    } finally {
      await aws.close();
    }
  });

  test('an endpoint that does not answer', async () => {
    const closed = await fakeAws(() => ({ status: 200, body: {} }));
    await closed.close();
    const r = await cli(['backtest', '--log-group', 'ct', '--region', 'us-east-1', '--endpoint-url', closed.endpoint, '--profile', 'recommended'], '', { env: ENV });
    expect([r.code, r.stdout]).toEqual([3, '']);
    expect(r.stderr).toBe(
      `cloudtrail-alarms backtest: CloudWatch Logs in us-east-1 did not answer for log group 'ct' (Error: connect ECONNREFUSED ${closed.endpoint.slice('http://'.length)}): check --region, --endpoint-url and the network\n`,
    );
  });
});

withMoto('the commands on moto_server', () => {
  let server: MotoServer;
  beforeAll(async () => {
    server = await startMoto();
    await new CloudWatchLogsClient({ region: 'us-east-1', endpoint: server.endpoint }).send(new CreateLogGroupCommand({ logGroupName: 'ct' }));
  });
  afterAll(async () => {
    await server?.stop();
  });

  test.each([
    [['search', '--log-group', 'no-such-group', '--region', 'us-east-1'], "cloudtrail-alarms search: log group 'no-such-group' does not exist in us-east-1"],
    // the group is in us-east-1: in another Region it does not exist
    [['search', '--log-group', 'ct', '--region', 'eu-west-1'], "cloudtrail-alarms search: log group 'ct' does not exist in eu-west-1"],
    [['backtest', '--log-group', 'ct', '--region', 'eu-west-1'], "cloudtrail-alarms backtest: log group 'ct' does not exist in eu-west-1"],
  ])('%j: exit 3 and one line', async (args, start) => {
    const r = await cli([...args, '--endpoint-url', server.endpoint, '--profile', 'recommended'], '', { env: ENV });
    expect([r.code, r.stdout]).toEqual([3, '']);
    expect(r.stderr).toBe(`${start} (ResourceNotFoundException: The specified log group does not exist.): check --log-group and --region\n`);
  });

  test('the Region of the environment is named when --region is not given', async () => {
    const before = process.env.AWS_REGION;
    process.env.AWS_REGION = 'ap-southeast-2';
    try {
      const r = await cli(['search', '--log-group', 'ct', '--endpoint-url', server.endpoint, '--profile', 'recommended'], '', { env: ENV });
      expect([r.code, r.stderr]).toEqual([
        3,
        "cloudtrail-alarms search: log group 'ct' does not exist in ap-southeast-2 (ResourceNotFoundException: The specified log group does not exist.): check --log-group and --region\n",
      ]);
    } finally {
      if (before === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = before;
    }
  });

  test('backtest --engine athena on a workgroup that does not exist', async () => {
    const r = await cli(
      ['backtest', '--engine', 'athena', '--table', 'ct.logs', '--workgroup', 'nope', '--region', 'us-east-1', '--endpoint-url', server.endpoint, '--detection', 'root-account-usage', '--from', '2026-11-01', '--to', '2026-11-02'],
      '',
      { env: ENV },
    );
    expect([r.code, r.stdout, r.stderr]).toEqual([
      3,
      '',
      'cloudtrail-alarms backtest: Athena workgroup nope does not exist in us-east-1 (InvalidRequestException: WorkGroup does not exist): check --workgroup and --region\n',
    ]);
  });
});
