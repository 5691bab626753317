// The log group lookup's handler (lib/log-group-lookup-function), called directly with the AWS SDK pointed at
// moto_server (moto cannot run Lambda code), and the lookup end to end: the construct's template, the handler's answer,
// and the template's metric filters deployed into moto on the log group found.
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeMetricFiltersCommand } from '@aws-sdk/client-cloudwatch-logs';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { deployTemplate } from '../../cli/test/aws/deploy/deploy';
import { describeWithMoto, useMotoServer } from '../../cli/test/aws/moto-server';
import { CloudTrailAlarms, CloudTrailLogGroupLookup } from '../../lib';
import { LOOKUP_BUNDLE_DIR } from '../../lib/cdk/private/log-group-lookup-provider';
import {
  CustomResourceRequest,
  DescribeLogGroupsPage,
  findLogGroup,
  handleRequest,
  putResponse,
  sdkDescribeLogGroups,
} from '../../lib/log-group-lookup-function/log-group-lookup.lambda';
import { resolveCfnDeep } from '../support/cfn-values';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const CONTROL_TOWER = 'aws-controltower/CloudTrailLogs';
const arnOf = (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}:*`;
const CONTEXT = { getRemainingTimeInMillis: () => 120_000, invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:lookup` };
const ENV = { AWS_REGION: REGION };

function request(type: 'Create' | 'Update' | 'Delete', props: Record<string, unknown>, physicalId?: string): CustomResourceRequest {
  return {
    RequestType: type,
    ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/unused',
    StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/ControlTower/5b2f3e40-0000-0000-0000-000000000000`,
    RequestId: 'c1d2e3f4-0000-0000-0000-000000000001',
    LogicalResourceId: 'LookupC0159C21',
    PhysicalResourceId: physicalId,
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:lookup', ...props },
  };
}

/** A local stand-in for CloudFormation's pre-signed response URL: records each PUT (headers and body). */
interface ReceivedResponse {
  readonly method: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

async function responseServer(status = 200): Promise<{ url: string; received: ReceivedResponse[]; close(): Promise<void> }> {
  const received: ReceivedResponse[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ method: req.method!, headers: req.headers, body });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/response?X-Amz-Signature=test`;
  return { url, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('the lookup handler without AWS', () => {
  const noSend = async () => undefined;
  const page = (names: string[]): DescribeLogGroupsPage => async () => ({ groups: names.map((n) => ({ logGroupName: n, arn: arnOf(n) })) });

  test('Delete answers SUCCESS with the same physical id and lists nothing', async () => {
    const describe: DescribeLogGroupsPage = async () => {
      throw new Error('Delete must not list log groups');
    };
    const response = await handleRequest(request('Delete', { NamePrefix: CONTROL_TOWER }, 'aws-controltower/CloudTrailLogs-a1b2'), CONTEXT, { describe, send: noSend, log: () => undefined, env: ENV });
    expect(response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: 'aws-controltower/CloudTrailLogs-a1b2',
      StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/ControlTower/5b2f3e40-0000-0000-0000-000000000000`,
      RequestId: 'c1d2e3f4-0000-0000-0000-000000000001',
      LogicalResourceId: 'LookupC0159C21',
    });
  });

  test('fails if the prefix is not a string, without listing log groups', async () => {
    const response = await handleRequest(request('Create', { NamePrefix: 42 }), CONTEXT, { describe: page([]), send: noSend, log: () => undefined, env: ENV });
    expect(response.Status).toEqual('FAILED');
    expect(response.Reason).toEqual("The custom resource's `NamePrefix` must be a string, got 42.");
    expect(response.PhysicalResourceId).toEqual('LookupC0159C21-not-found');
  });

  test('a failed Update keeps the physical id, so that CloudFormation rolls back to the log group found before', async () => {
    const response = await handleRequest(request('Update', { NamePrefix: 'nothing/' }, 'aws-controltower/CloudTrailLogs-a1b2'), CONTEXT, {
      describe: page([]),
      send: noSend,
      log: () => undefined,
      env: ENV,
    });
    expect(response.Status).toEqual('FAILED');
    expect(response.PhysicalResourceId).toEqual('aws-controltower/CloudTrailLogs-a1b2');
  });

  test('fails if the listing outlasts the function\'s time, before CloudFormation would wait in vain', async () => {
    let clock = 0;
    const describe: DescribeLogGroupsPage = async () => {
      clock += 30_000;
      return { groups: [{ logGroupName: 'big/a', arn: arnOf('big/a') }], nextToken: 'more' };
    };
    const response = await handleRequest(request('Create', { NamePrefix: 'big/' }), { ...CONTEXT, getRemainingTimeInMillis: () => 60_000 }, {
      describe,
      send: noSend,
      log: () => undefined,
      env: ENV,
      now: () => clock,
    });
    // the deadline is 60 s less the 10 s kept for the response: pages at 30 s and 60 s, then the check fails
    expect(response.Reason).toEqual(
      'Timed out listing the log groups whose names start with "big/" in account 123456789012, Region us-east-1 after 2 matches: set `namePrefix` to a longer prefix.',
    );
  });

  test('a log group the API returns although its name does not start with the prefix is no match', async () => {
    await expect(findLogGroup(page(['other/aws-controltower/CloudTrailLogs-a1b2']), CONTROL_TOWER)).rejects.toThrow(
      /^No log group name starts with "aws-controltower\/CloudTrailLogs"\./,
    );
  });

  test('fails if no name starts with a prefix of your own, with advice that does not speak of Control Tower', async () => {
    await expect(findLogGroup(page([]), 'org/CloudTrail-', { account: ACCOUNT, region: REGION })).rejects.toThrow(
      new Error('No log group name starts with "org/CloudTrail-" in account 123456789012, Region us-east-1. Deploy to the account and Region of the log group, or set `namePrefix` to the start of its name.'),
    );
  });

  test('the failure message quotes names, so that none can pass for the message\'s own words', async () => {
    await expect(findLogGroup(page(['p/a"b', 'p/c']), 'p/')).rejects.toThrow('2 log group names start with "p/": "p/a\\"b", "p/c". Set `namePrefix`');
  });

  test('logs one JSON line per request, with the outcome', async () => {
    const lines: string[] = [];
    await handleRequest(request('Create', { NamePrefix: CONTROL_TOWER }), CONTEXT, {
      describe: page(['aws-controltower/CloudTrailLogs-a1b2']),
      send: noSend,
      log: (l) => lines.push(l),
      env: ENV,
    });
    expect(lines.map((l) => JSON.parse(l))).toEqual([{ requestType: 'Create', status: 'SUCCESS', logGroupName: 'aws-controltower/CloudTrailLogs-a1b2' }]);
  });
});

describe('putResponse', () => {
  test('PUTs the body with an empty content type, as the pre-signed URL requires', async () => {
    const server = await responseServer();
    try {
      await putResponse(server.url, '{"Status":"SUCCESS"}');
      expect(server.received).toEqual([
        expect.objectContaining({ method: 'PUT', body: '{"Status":"SUCCESS"}', headers: expect.objectContaining({ 'content-type': '', 'content-length': '20' }) }),
      ]);
    } finally {
      await server.close();
    }
  });

  test('fails if the response URL refuses the response', async () => {
    const server = await responseServer(403);
    try {
      await expect(putResponse(server.url, '{}')).rejects.toThrow(/^CloudFormation's response URL answered 403$/);
    } finally {
      await server.close();
    }
  });
});

describe('the prebuilt function bundle (assets/, built by `npx projen bundle`)', () => {
  test('exists, loads without aws-cdk-lib, leaves the SDK to the runtime and exports the handler', () => {
    const bundle = `${LOOKUP_BUNDLE_DIR}/index.js`;
    expect({ exists: fs.existsSync(bundle), hint: 'run npx projen bundle' }).toEqual({ exists: true, hint: 'run npx projen bundle' });
    const text = fs.readFileSync(bundle, 'utf8');
    expect(text).not.toMatch(/require\("aws-cdk-lib/);
    expect(text).not.toMatch(/require\("constructs"\)/);
    expect(text).toMatch(/require\("@aws-sdk\/client-cloudwatch-logs"\)/);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(bundle);
    expect(typeof mod.handler).toBe('function');
  });
});

describeWithMoto('the log group lookup on moto_server')('the lookup handler on moto_server', () => {
  const moto = useMotoServer();
  let logs: CloudWatchLogsClient;
  beforeEach(() => {
    logs = new CloudWatchLogsClient({ region: REGION, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 });
  });
  const createGroups = async (...names: string[]) => {
    for (const logGroupName of names) await logs.send(new CreateLogGroupCommand({ logGroupName }));
  };
  const place = { account: ACCOUNT, region: REGION };

  test('finds the one log group whose name starts with the prefix, with its ARN', async () => {
    await createGroups('aws-controltower/CloudTrailLogs-x7Kq2mP9', 'CloudTrail/DefaultLogGroup', '/aws/lambda/aws-controltower-NotificationForwarder');
    expect(await findLogGroup(sdkDescribeLogGroups(logs), CONTROL_TOWER, place)).toEqual({
      logGroupName: 'aws-controltower/CloudTrailLogs-x7Kq2mP9',
      arn: 'arn:aws:logs:us-east-1:123456789012:log-group:aws-controltower/CloudTrailLogs-x7Kq2mP9:*',
    });
  });

  test('fails if no log group name starts with the prefix, naming the prefix, the account and the Region', async () => {
    await createGroups('CloudTrail/DefaultLogGroup', 'other/aws-controltower/CloudTrailLogs-x7Kq2mP9');
    await expect(findLogGroup(sdkDescribeLogGroups(logs), CONTROL_TOWER, place)).rejects.toThrow(
      new Error(
        'No log group name starts with "aws-controltower/CloudTrailLogs" in account 123456789012, Region us-east-1. AWS Control Tower\'s trail delivers to its log group in the management account, in the landing zone\'s home Region: deploy there, or set `namePrefix` to the start of the log group name.',
      ),
    );
  });

  test('fails if several log group names start with the prefix, listing five and counting the rest', async () => {
    await createGroups(...['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((s) => `org/CloudTrail-${s}`), 'org/Config');
    await expect(findLogGroup(sdkDescribeLogGroups(logs), 'org/CloudTrail-', place)).rejects.toThrow(
      new Error(
        '7 log group names start with "org/CloudTrail-" in account 123456789012, Region us-east-1: "org/CloudTrail-a", "org/CloudTrail-b", "org/CloudTrail-c", "org/CloudTrail-d", "org/CloudTrail-e" and 2 more. Set `namePrefix` to a longer prefix that only one of them starts with.',
      ),
    );
  });

  test('fails if the prefix is a whole name and also the start of another (a landing zone before 4.0 and one after)', async () => {
    await createGroups('aws-controltower/CloudTrailLogs', 'aws-controltower/CloudTrailLogs-x7Kq2mP9');
    await expect(findLogGroup(sdkDescribeLogGroups(logs), CONTROL_TOWER, place)).rejects.toThrow(
      new Error(
        '2 log group names start with "aws-controltower/CloudTrailLogs" in account 123456789012, Region us-east-1: "aws-controltower/CloudTrailLogs", "aws-controltower/CloudTrailLogs-x7Kq2mP9". Set `namePrefix` to a longer prefix that only one of them starts with.',
      ),
    );
  });

  test('a longer prefix picks one of two names that share a start', async () => {
    await createGroups('aws-controltower/CloudTrailLogs-x7Kq2mP9', 'aws-controltower/CloudTrailLogs-x7Zz0000');
    const found = await findLogGroup(sdkDescribeLogGroups(logs), 'aws-controltower/CloudTrailLogs-x7K', place);
    expect(found.logGroupName).toEqual('aws-controltower/CloudTrailLogs-x7Kq2mP9');
  });

  test('reads every page', async () => {
    await createGroups('app/a', 'app/b', 'app/c', 'app/d');
    const tokens: Array<string | undefined> = [];
    const onePerPage = sdkDescribeLogGroups(logs, 1);
    const counted: DescribeLogGroupsPage = (prefix, token) => {
      tokens.push(token);
      return onePerPage(prefix, token);
    };
    await expect(findLogGroup(counted, 'app/', place)).rejects.toThrow(
      /^4 log group names start with "app\/" in account 123456789012, Region us-east-1: "app\/a", "app\/b", "app\/c", "app\/d"\./,
    );
    expect(tokens.length).toEqual(4);
    expect(tokens[0]).toBeUndefined();
    expect(tokens.slice(1).every((t) => typeof t === 'string' && t.length > 0)).toBe(true);
    await createGroups('solo/x7Kq2mP9', 'zzz/after');
    expect((await findLogGroup(sdkDescribeLogGroups(logs, 1), 'solo/', place)).logGroupName).toEqual('solo/x7Kq2mP9');
  });

  test('a Create answers CloudFormation with the name and ARN found', async () => {
    await createGroups('aws-controltower/CloudTrailLogs-x7Kq2mP9');
    const server = await responseServer();
    try {
      const event = { ...request('Create', { NamePrefix: CONTROL_TOWER }), ResponseURL: server.url };
      await handleRequest(event, CONTEXT, { describe: sdkDescribeLogGroups(logs), log: () => undefined, env: ENV });
      expect(server.received.map((r) => JSON.parse(r.body))).toEqual([
        {
          Status: 'SUCCESS',
          PhysicalResourceId: 'aws-controltower/CloudTrailLogs-x7Kq2mP9',
          StackId: event.StackId,
          RequestId: event.RequestId,
          LogicalResourceId: 'LookupC0159C21',
          Data: { LogGroupName: 'aws-controltower/CloudTrailLogs-x7Kq2mP9', Arn: 'arn:aws:logs:us-east-1:123456789012:log-group:aws-controltower/CloudTrailLogs-x7Kq2mP9:*' },
        },
      ]);
    } finally {
      await server.close();
    }
  });

  test('a Create that finds none answers FAILED, with the reason CloudFormation shows', async () => {
    const server = await responseServer();
    try {
      const event = { ...request('Create', { NamePrefix: CONTROL_TOWER }), ResponseURL: server.url };
      await handleRequest(event, CONTEXT, { describe: sdkDescribeLogGroups(logs), log: () => undefined, env: ENV });
      const [answer] = server.received.map((r) => JSON.parse(r.body));
      expect(answer.Status).toEqual('FAILED');
      expect(answer.Reason).toMatch(/^No log group name starts with "aws-controltower\/CloudTrailLogs" in account 123456789012, Region us-east-1\./);
      expect(answer.Data).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  test('the bundled entry point, as Lambda calls it, answers CloudFormation with the log group found', async () => {
    await createGroups('aws-controltower/CloudTrailLogs-x7Kq2mP9', 'CloudTrail/DefaultLogGroup');
    const server = await responseServer();
    const saved = { ...process.env };
    // the SDK's own client, configured as in Lambda by the environment (moto's endpoint instead of AWS's)
    Object.assign(process.env, { AWS_REGION: REGION, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: moto.endpoint, AWS_MAX_ATTEMPTS: '1' });
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { handler } = require(`${LOOKUP_BUNDLE_DIR}/index.js`);
      await handler({ ...request('Create', { NamePrefix: CONTROL_TOWER }), ResponseURL: server.url }, CONTEXT);
      expect(server.received.map((r) => JSON.parse(r.body).Data)).toEqual([
        { LogGroupName: 'aws-controltower/CloudTrailLogs-x7Kq2mP9', Arn: arnOf('aws-controltower/CloudTrailLogs-x7Kq2mP9') },
      ]);
      expect(log.mock.calls.map((c) => JSON.parse(c[0]))).toEqual([
        { requestType: 'Create', status: 'SUCCESS', logGroupName: 'aws-controltower/CloudTrailLogs-x7Kq2mP9' },
      ]);
    } finally {
      log.mockRestore();
      process.env = saved;
      await server.close();
    }
  });

  test('end to end: CloudTrailAlarms\' metric filters land on the Control Tower log group the lookup found', async () => {
    // GIVEN a Control Tower log group with a random suffix, unknown to the app
    const suffix = Math.random().toString(36).slice(2, 10);
    const controlTowerLogGroup = `aws-controltower/CloudTrailLogs-${suffix}`;
    await createGroups(controlTowerLogGroup, 'aws-controltower/CloudTrailLogsArchive/other');

    // WHEN the app is synthesized with the lookup
    const stack = new Stack(new App(), 'ControlTowerAlarms', { env: { account: ACCOUNT, region: REGION } });
    const lookup = new CloudTrailLogGroupLookup(stack, 'Lookup', { namePrefix: 'aws-controltower/CloudTrailLogs-' });
    new CloudTrailAlarms(stack, 'Alarms', { logGroup: lookup.logGroup, emailAddresses: ['security@example.com'] });
    const template = Template.fromStack(stack).toJSON();
    const [lookupId, lookupResource] = Object.entries<any>(template.Resources).find(([, r]) => r.Type === 'Custom::CloudTrailLogGroupLookup')!;

    // AND CloudFormation's request, with the template's properties, reaches the handler
    const server = await responseServer();
    let answer: any;
    try {
      const { ServiceToken: _token, ...props } = lookupResource.Properties;
      const event = { ...request('Create', props), LogicalResourceId: lookupId, ResponseURL: server.url };
      await handleRequest(event, CONTEXT, { describe: sdkDescribeLogGroups(logs), log: () => undefined, env: ENV });
      answer = JSON.parse(server.received[0].body);
    } finally {
      await server.close();
    }
    expect(answer.Data).toEqual({ LogGroupName: controlTowerLogGroup, Arn: arnOf(controlTowerLogGroup) });

    // AND the detection filters are deployed with the attribute CloudFormation would give them
    const filterIds = Object.keys(template.Resources).filter(
      (id) => template.Resources[id].Type === 'AWS::Logs::MetricFilter' && template.Resources[id].Properties.LogGroupName['Fn::GetAtt']?.[0] === lookupId,
    );
    expect(filterIds.length).toEqual(23);
    const resources = Object.fromEntries(
      filterIds.map((id) => [id, resolveCfnDeep(template.Resources[id], { [`${lookupId}.LogGroupName`]: answer.Data.LogGroupName, [`${lookupId}.Arn`]: answer.Data.Arn })]),
    );
    await deployTemplate({ endpoint: moto.endpoint, stackName: 'ControlTowerAlarms', template: { Resources: resources } });

    // THEN the log group holds the 23 filters, with the template's patterns
    const filters = (await logs.send(new DescribeMetricFiltersCommand({ logGroupName: controlTowerLogGroup }))).metricFilters ?? [];
    expect(filters.length).toEqual(23);
    expect(filters.map((f) => f.filterPattern).sort()).toEqual(filterIds.map((id) => resources[id].Properties.FilterPattern).sort());
    // the log group tamper protection watches the log group found, by the name CloudFormation put in its pattern
    expect(filters.find((f) => f.filterPattern?.includes('$.eventSource = logs.amazonaws.com'))?.filterPattern).toEqual(
      `{ ($.eventSource = logs.amazonaws.com) && (($.eventName = DeleteLogGroup) || ($.eventName = DeleteMetricFilter) || ($.eventName = PutMetricFilter) || ($.eventName = PutRetentionPolicy) || ($.eventName = DisassociateKmsKey)) && (($.requestParameters.logGroupName = "${controlTowerLogGroup}") || ($.requestParameters.logGroupIdentifier = "${controlTowerLogGroup}") || ($.requestParameters.logGroupIdentifier = "*:log-group:${controlTowerLogGroup}") || ($.requestParameters.resourceIdentifier = "*:log-group:${controlTowerLogGroup}")) }`,
    );
    expect(filters.find((f) => f.metricTransformations?.[0].metricName === 'RootAccountUsageEventCount')?.filterPattern).toEqual(
      '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
    );
    expect((await logs.send(new DescribeMetricFiltersCommand({ logGroupName: 'aws-controltower/CloudTrailLogsArchive/other' }))).metricFilters).toEqual([]);
  }, 60_000);
});
