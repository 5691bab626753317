import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { catalogueFacts, configFor, FIXTURES } from './support';
import { haveMoto, MotoServer, startMoto } from '../../cli/test/aws/moto-server';
import { cli } from '../../cli/test/commands/helpers';
import { NotifyOutcome } from '../../lib/notifier/notify';
import { createHandler } from '../../lib/notifier-function/notifier.lambda';

process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const REGION = 'us-east-1';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const LOG_GROUP = 'aws-cloudtrail-logs-111122223333';
const records = fs.readFileSync(path.join(FIXTURES, 'readme-events.jsonl'), 'utf8').trim().split('\n');

const moto = haveMoto();
if (!moto) {
  // eslint-disable-next-line no-console
  console.warn('SKIPPED: moto_server is not installed on this machine, so the notifier end-to-end tests did not run.');
}

(moto ? describe : describe.skip)('notifier end to end on moto_server (skipped where moto_server is absent)', () => {
  let server: MotoServer;
  beforeAll(async () => {
    server = await startMoto();
  }, 60_000);
  afterAll(async () => server?.stop());

  /** A log group with the README records delivered a minute apart from `base`, a topic with an SQS subscriber. */
  async function seed(base: number) {
    const opts = { region: REGION, endpoint: server.endpoint, credentials };
    const logsClient = new CloudWatchLogsClient(opts);
    await logsClient.send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP }));
    await logsClient.send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP, logStreamName: '111122223333_CloudTrail_us-east-1' }));
    await logsClient.send(
      new PutLogEventsCommand({
        logGroupName: LOG_GROUP,
        logStreamName: '111122223333_CloudTrail_us-east-1',
        logEvents: records.map((message, i) => ({ timestamp: base + i * 20_000, message })),
      }),
    );
    const snsClient = new SNSClient(opts);
    const sqsClient = new SQSClient(opts);
    const topic = (await snsClient.send(new CreateTopicCommand({ Name: 'security-notifications' }))).TopicArn!;
    const queueUrl = (await sqsClient.send(new CreateQueueCommand({ QueueName: 'inbox' }))).QueueUrl!;
    const queueArn = (await sqsClient.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    await snsClient.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'sqs', Endpoint: queueArn }));
    const read = async () => {
      const got = await sqsClient.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      return (got.Messages ?? []).map((m) => JSON.parse(m.Body!) as { Subject?: string; Message: string });
    };
    return { topic, read, opts };
  }

  /** The root alarm's SNS event, its datapoint on the period that holds `base`. */
  function alarmEvent(base: number) {
    const periodStart = Math.floor(base / 300_000) * 300_000;
    const d = new Date(periodStart);
    const two = (n: number) => String(n).padStart(2, '0');
    const stamp = `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCFullYear() % 100)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:00`;
    const m = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'alarm-sns-message.json'), 'utf8'));
    m.NewStateReason = `Threshold Crossed: 1 out of the last 1 datapoints [2.0 (${stamp})] was greater than or equal to the threshold (1.0).`;
    m.StateChangeTime = new Date(periodStart + 300_000 + 60_000).toISOString().replace('Z', '+0000');
    return { Records: [{ EventSource: 'aws:sns', Sns: { MessageId: 'x', Message: JSON.stringify(m) } }] };
  }

  test('PutLogEvents of real records, the handler in-process, SNS Publish, the message read back from SQS', async () => {
    await server.reset();
    const base = Math.floor(Date.now() / 300_000) * 300_000 - 600_000 + 30_000;
    const { topic, read, opts } = await seed(base);
    const lines: string[] = [];
    const handler = createHandler({
      config: configFor(catalogueFacts(), false),
      env: { DELIVERY_TOPIC_ARNS: topic, LOG_GROUP_NAME: LOG_GROUP },
      aws: opts,
      log: (l) => lines.push(l),
    });
    const outcomes = (await handler(alarmEvent(base), { getRemainingTimeInMillis: () => 30_000 })) as NotifyOutcome[];
    expect(outcomes[0]).toMatchObject({ detectionId: 'root-account-usage', state: 'ALARM', duplicate: false, errors: [] });
    // moto's FilterLogEvents ignores the JSON pattern and returns all five records: the engine keeps the two root ones
    expect(outcomes[0].lookup).toMatchObject({ matched: 2, scanned: 5, rejected: 3, complete: true });
    const messages = await read();
    expect(messages.length).toBe(1);
    expect(messages[0].Subject).toBe('[HIGH] Root user activity in 111122223333, us-east-1 (2 events)');
    expect(messages[0].Message).toContain('signin:ConsoleLogin  root "arn:aws:iam::111122223333:root"  from 192.0.2.0  us-east-1  ok');
    expect(messages[0].Message).toContain('iam:EnableMFADevice  root "arn:aws:iam::111122223333:root"');
    expect(messages[0].Message).not.toContain('Mary_Major');
    expect(messages[0].Message).not.toContain('AuthorizeSecurityGroupIngress');
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'INFO', detectionId: 'root-account-usage' });

    // the same state change again (SNS redelivery or a retry into this execution environment): nothing more is sent
    const again = (await handler(alarmEvent(base), { getRemainingTimeInMillis: () => 30_000 })) as NotifyOutcome[];
    expect(again[0].duplicate).toBe(true);
    expect(await read()).toEqual([]);
  }, 60_000);

  test('lookup fails (the log group does not exist): the message still arrives with the alarm facts and the reason', async () => {
    await server.reset();
    const base = Math.floor(Date.now() / 300_000) * 300_000 - 600_000 + 30_000;
    const { topic, read, opts } = await seed(base);
    const handler = createHandler({ config: configFor(catalogueFacts(), false), env: { DELIVERY_TOPIC_ARNS: topic, LOG_GROUP_NAME: 'missing' }, aws: opts, log: () => undefined });
    await handler(alarmEvent(base), { getRemainingTimeInMillis: () => 30_000 });
    const [m] = await read();
    expect(m.Subject).toBe('[HIGH] Root user activity in an unknown account (details unavailable)');
    expect(m.Message).toMatch(/Details missing: The events could not all be looked up: the log group was not found/);
  }, 60_000);

  test('notify-preview --log-group fetches the events with FilterLogEvents like the function', async () => {
    await server.reset();
    const base = Math.floor(Date.now() / 300_000) * 300_000 - 600_000 + 30_000;
    await seed(base);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cta-np-')), 'alarm.json');
    fs.writeFileSync(file, JSON.stringify(alarmEvent(base)));
    const r = await cli(['notify-preview', '--alarm-event', file, '--log-group', LOG_GROUP, '--region', REGION, '--endpoint-url', server.endpoint]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Subject: \[HIGH\] Root user activity in 111122223333, us-east-1 \(2 events\)/);
    expect(r.stdout).not.toContain('DescribeInstances');
  }, 60_000);
});
