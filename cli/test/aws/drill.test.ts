/**
 * `cloudtrail-alarms drill` on moto_server, against stacks of the construct deployed by the deploy harness: the
 * delivery path of every alarm (topics, subscriptions, the notifier and its dead-letter queue), the failure modes,
 * and --fire.
 *
 * moto quirk, checked by a test below: moto's SetAlarmState records the new state but runs none of the alarm's
 * actions (moto publishes nothing to SNS for an alarm). So the tests that follow a drill message to an SQS queue
 * subscribed to the topic put a stand-in for CloudWatch's action runner in the test's CloudWatch client (a
 * middleware, `cloudWatchActionsStandIn`): after each SetAlarmState call it reads the alarm and, on a state change
 * with actions enabled, publishes the message CloudWatch publishes (its documented JSON) to the alarm's SNS actions
 * through moto's SNS. The drill's code is unchanged: what the queue receives shows that the drill set the state of
 * the right alarm with its drill reason and that the topic's real subscription delivers; CloudWatch's own publish
 * (and its KMS permission) is outside what moto can show.
 */
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { ListSubscriptionsByTopicCommand, PublishCommand, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DetectionProfile } from 'cdk-cloudtrail-alarms/lib';
import { synthStack } from './deploy/custom-stack';
import { deployTemplate, Deployment } from './deploy/deploy';
import { synthNotifierStack } from './deploy/notifier-stack';
import { SynthesizedStack } from './deploy/synth';
import { haveMoto, MotoServer, startMoto } from './moto-server';
import { AccountClients } from '../../src/aws/clients';
import { fireDrill, inspectDrill, selectAlarms } from '../../src/aws/drill';
import { drillExitCode, DrillReport } from '../../src/aws/drill-report';
import { renderDrill } from '../../src/commands/drill';
import { cli } from '../commands/helpers';

const MOTO = haveMoto();
if (!MOTO) {
  // eslint-disable-next-line no-console
  console.warn('\n*** SKIPPED: moto_server is not installed, so drill did NOT run against emulated AWS. ***\n');
}
process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
/** moto's caller identity for the `testing` keys. */
const CALLER = 'arn:aws:sts::123456789012:user/moto';
const N = 'DrillNotifierSecurityAlarms52E8FC1B';
const DIRECT_TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:DrillDirectSecurityAlarms5996FA2A-alarms`;

/** The message CloudWatch publishes to an alarm's SNS actions on a state change (AWS's documented JSON). */
function alarmMessage(a: { AlarmName?: string; AlarmDescription?: string; AlarmArn?: string }, oldState: string, newState: string, reason: string) {
  return JSON.stringify({
    AlarmName: a.AlarmName,
    AlarmDescription: a.AlarmDescription ?? null,
    AWSAccountId: ACCOUNT,
    NewStateValue: newState,
    NewStateReason: reason,
    StateChangeTime: new Date().toISOString().replace('Z', '+0000'),
    Region: 'US East (N. Virginia)',
    AlarmArn: a.AlarmArn,
    OldStateValue: oldState,
  });
}

/**
 * The stand-in for CloudWatch's action runner (moto has none): after SetAlarmState through this client, publishes the
 * alarm message to the alarm's SNS actions for the new state, when the state changed and actions are enabled.
 * `calls` records each SetAlarmState (alarm, state) in order.
 */
function cloudWatchActionsStandIn(
  cw: CloudWatchClient,
  endpoint: string,
  calls: Array<[string, string]>,
  after?: (name: string, state: string) => Promise<void>,
): void {
  const sns = new AccountClients(endpoint).in(REGION).sns;
  const harness = new AccountClients(endpoint).in(REGION).cloudwatch;
  cw.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'SetAlarmStateCommand') return next(args);
      const input = args.input as { AlarmName: string; StateValue: string; StateReason: string };
      const before = (await harness.send(new DescribeAlarmsCommand({ AlarmNames: [input.AlarmName] }))).MetricAlarms![0];
      const result = await next(args);
      calls.push([input.AlarmName, input.StateValue]);
      if (before.ActionsEnabled && before.StateValue !== input.StateValue) {
        const actions = input.StateValue === 'ALARM' ? before.AlarmActions : input.StateValue === 'OK' ? before.OKActions : before.InsufficientDataActions;
        for (const topic of (actions ?? []).filter((x) => x.split(':')[2] === 'sns')) {
          await sns.send(
            new PublishCommand({
              TopicArn: topic,
              Subject: `${input.StateValue}: "${input.AlarmName}" in US East (N. Virginia)`,
              Message: alarmMessage(before, before.StateValue!, input.StateValue, input.StateReason),
            }),
          );
        }
      }
      await after?.(input.AlarmName, input.StateValue);
      return result;
    },
    { step: 'initialize', name: 'cloudWatchActionsStandIn' },
  );
}

/** A queue subscribed to the topic: what the topic delivers lands there. */
async function queueOn(d: Deployment, topicArn: string, name: string): Promise<string> {
  const q = await d.clients.sqs.send(new CreateQueueCommand({ QueueName: name }));
  const arn = (await d.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn;
  await d.clients.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: arn, Attributes: { RawMessageDelivery: 'false' } }));
  return q.QueueUrl!;
}

/** The SNS notifications in a queue (Subject and the Message parsed). */
async function received(d: Deployment, url: string): Promise<Array<{ subject: string; message: any }>> {
  const r = await d.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  return (r.Messages ?? []).map((m) => {
    const body = JSON.parse(m.Body!);
    return { subject: body.Subject, message: JSON.parse(body.Message) };
  });
}

/**
 * Disables an alarm's actions. moto quirk: moto_server has no DisableAlarmActions (it answers with an HTML page), so
 * the alarm is put again, unchanged but for ActionsEnabled.
 */
async function disableActions(d: Deployment, name: string): Promise<void> {
  const a = (await d.clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms![0];
  await d.clients.cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: a.AlarmName,
      AlarmDescription: a.AlarmDescription,
      ActionsEnabled: false,
      AlarmActions: a.AlarmActions,
      MetricName: a.MetricName,
      Namespace: a.Namespace,
      Statistic: a.Statistic,
      Period: a.Period,
      EvaluationPeriods: a.EvaluationPeriods,
      Threshold: a.Threshold,
      ComparisonOperator: a.ComparisonOperator,
      TreatMissingData: a.TreatMissingData,
    }),
  );
}

const alarmNamed = (r: DrillReport, name: string) => r.alarms.find((a) => a.name === name)!;

(MOTO ? describe : describe.skip)('cloudtrail-alarms drill against deployed stacks (moto_server)', () => {
  let moto: MotoServer;
  let notifierStack: SynthesizedStack;
  let directStack: SynthesizedStack;
  const deploy = (s: SynthesizedStack) => deployTemplate({ endpoint: moto.endpoint, stackName: s.stackName, template: s.template });
  const drill = (...args: string[]) => cli(['drill', '--region', REGION, '--endpoint-url', moto.endpoint, ...args]);
  const json = async (...args: string[]) => {
    const r = await drill(...args, '--format', 'json');
    return { code: r.code, report: JSON.parse(r.stdout) as DrillReport, stderr: r.stderr };
  };

  beforeAll(async () => {
    notifierStack = synthNotifierStack('DrillNotifier', 'people@example.com');
    directStack = synthStack('DrillDirect', { profile: DetectionProfile.AWS_TEMPLATE, eventDetails: false, emailAddresses: ['oncall@example.com'], alarmNamePrefix: 'direct' });
    moto = await startMoto();
  }, 120_000);
  afterAll(async () => {
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
  });

  test('every alarm of the notifier stack reaches people through the notifier: its delivery path per alarm, exit 0', async () => {
    await deploy(notifierStack);
    const { code, report, stderr } = await json('--stack', 'DrillNotifier');
    expect(stderr).toBe('');
    expect(report.status).toBe('delivers');
    expect(report.caller).toBe(CALLER);
    expect(report.summary).toEqual({ alarms: 13, deliver: 13, withFindings: 0 });
    const root = alarmNamed(report, `${N}-security-group-changes`);
    expect(root).toEqual({
      logicalId: expect.stringMatching(/^SecurityAlarmsSecurityGroupChanges/),
      name: `${N}-security-group-changes`,
      found: true,
      state: 'OK',
      actionsEnabled: true,
      topics: [
        {
          arn: `arn:aws:sns:us-east-1:${ACCOUNT}:${N}-alarms`,
          confirmed: 1,
          pending: 0,
          subscriptions: [{ protocol: 'lambda', endpoint: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${N}-notifier`, status: 'confirmed' }],
          notifiers: [
            {
              function: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${N}-notifier`,
              deadLetterQueues: [{ arn: expect.stringMatching(/^arn:aws:sqs:us-east-1:123456789012:DrillNotifier-SecurityAlarmsNotifierDeadLetterQueue/), messages: 0 }],
              deliveryTopics: [
                {
                  arn: `arn:aws:sns:us-east-1:${ACCOUNT}:${N}-notifications`,
                  confirmed: 1,
                  pending: 0,
                  subscriptions: [{ protocol: 'email', endpoint: 'people@example.com', status: 'confirmed' }],
                  notifiers: [],
                  reachesPeople: true,
                },
              ],
              delivers: true,
            },
          ],
          reachesPeople: true,
        },
      ],
      otherActions: [],
      delivers: true,
      findings: [],
    });
    // the notifier's own alarms go to the notification topic, straight to people
    expect(alarmNamed(report, `${N}-notifier-dead-letters`).topics.map((t) => [t.arn, t.confirmed, t.notifiers.length])).toEqual([
      [`arn:aws:sns:us-east-1:${ACCOUNT}:${N}-notifications`, 1, 0],
    ]);
    expect(code).toBe(0);

    const text = (await drill('--stack', 'DrillNotifier')).stdout.split('\n');
    expect(text[0]).toBe('Stack DrillNotifier (account 123456789012, us-east-1 (from --region)), stack DrillNotifier: 13 alarm(s), 13 deliver, 0 with findings');
    expect(text[1]).toBe(`Run by ${CALLER}`);
    const at = text.findIndex((l) => l.startsWith(`alarm "${N}-security-group-changes"`));
    expect(text.slice(at, at + 4)).toEqual([
      `alarm "${N}-security-group-changes" (${root.logicalId}): OK, delivers`,
      `  topic arn:aws:sns:us-east-1:${ACCOUNT}:${N}-alarms: 1 confirmed, 0 pending: lambda arn:aws:lambda:us-east-1:${ACCOUNT}:function:${N}-notifier (confirmed)`,
      `    notifier arn:aws:lambda:us-east-1:${ACCOUNT}:function:${N}-notifier subscribed (dead-letter queue ${root.topics[0].notifiers[0].deadLetterQueues[0].arn}: 0 message(s)), delivers to:`,
      `      topic arn:aws:sns:us-east-1:${ACCOUNT}:${N}-notifications: 1 confirmed, 0 pending: email people@example.com (confirmed)`,
    ]);
  }, 60_000);

  test('--template FILE names the stack by its file name and reads the same alarms', async () => {
    await deploy(notifierStack);
    const { code, report } = await json('--template', notifierStack.templateFile);
    expect([report.stack, report.source, report.status, report.summary]).toEqual(['DrillNotifier', notifierStack.templateFile, 'delivers', { alarms: 13, deliver: 13, withFindings: 0 }]);
    expect(code).toBe(0);
  }, 60_000);

  test('fails if the notifier dead-letter queue holds messages: dead-letter-messages with the count, exit 1', async () => {
    const d = await deploy(notifierStack);
    const dlq = d.refs.get([...d.refs.keys()].find((k) => k.startsWith('SecurityAlarmsNotifierDeadLetterQueue'))!)!;
    await d.clients.sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: '{"undelivered":"alarm"}' }));
    await d.clients.sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: '{"undelivered":"alarm"}' }));
    const { code, report } = await json('--stack', 'DrillNotifier');
    expect(code).toBe(1);
    expect(report.status).toBe('findings');
    // the ten detection alarms go through the notifier; the pipeline's and the notifier's own three straight to the notification topic
    expect(report.summary).toEqual({ alarms: 13, deliver: 13, withFindings: 10 });
    const a = alarmNamed(report, `${N}-cloudtrail-changes`);
    const queue = a.topics[0].notifiers[0].deadLetterQueues[0].arn;
    expect(a.findings).toEqual([
      {
        code: 'dead-letter-messages',
        message: `the notifier's dead-letter queue ${queue} holds 2 message(s): alarms people did not get. Read them, fix the cause, then purge the queue`,
      },
    ]);
  }, 60_000);

  test('fails if the notifier is not subscribed to the alarm topic: notifier-not-subscribed and nobody receives, exit 1', async () => {
    const d = await deploy(notifierStack);
    const topic = `arn:aws:sns:us-east-1:${ACCOUNT}:${N}-alarms`;
    const subs = await d.clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic }));
    await d.clients.sns.send(new UnsubscribeCommand({ SubscriptionArn: subs.Subscriptions![0].SubscriptionArn }));
    const { code, report } = await json('--stack', 'DrillNotifier');
    expect(code).toBe(1);
    const a = alarmNamed(report, `${N}-iam-policy-changes`);
    expect(a.delivers).toBe(false);
    expect(a.findings).toEqual([
      { code: 'no-confirmed-subscription', message: `topic ${topic} has no confirmed subscription: nobody receives the alarm` },
      {
        code: 'notifier-not-subscribed',
        message: `the stack subscribes its notifier function ${N}-notifier to topic ${topic}, but the topic has no confirmed subscription of it: redeploy the stack`,
      },
    ]);
    expect(report.summary).toEqual({ alarms: 13, deliver: 3, withFindings: 10 });
  }, 60_000);

  test('fails if an alarm has its actions disabled or its topic no subscriber', async () => {
    const bare = synthStack('DrillBare', { profile: DetectionProfile.AWS_TEMPLATE, eventDetails: false, alarmNamePrefix: 'bare' });
    const d = await deploy(bare);
    await disableActions(d, 'bare-vpc-changes');
    const { code, report } = await json('--stack', 'DrillBare');
    expect(code).toBe(1);
    const vpc = alarmNamed(report, 'bare-vpc-changes');
    expect(vpc.findings.map((f) => f.code)).toEqual(['actions-disabled', 'no-confirmed-subscription']);
    expect(vpc.findings[0].message).toBe('alarm bare-vpc-changes: actions are disabled, so going to ALARM notifies nobody. Enable them (EnableAlarmActions)');
    const text = (await drill('--stack', 'DrillBare')).stdout;
    expect(text).toContain('alarm "bare-vpc-changes" (');
    expect(text).toMatch(/\): OK, actions disabled, does NOT deliver\n {2}topic arn:aws:sns:us-east-1:123456789012:\S+: 0 confirmed, 0 pending -> reaches nobody\n/);
  }, 60_000);

  test('a stack that is not deployed: could not drill, exit 3', async () => {
    const { code, report } = await json('--stack', 'NoSuchStack');
    expect(code).toBe(3);
    expect(report.couldNotDrill).toEqual(['stack NoSuchStack does not exist in us-east-1: deploy it first, or pass --region']);
    const text = await drill('--stack', 'NoSuchStack');
    expect(text.stdout.split('\n')[0]).toBe('COULD NOT DRILL: stack NoSuchStack does not exist in us-east-1: deploy it first, or pass --region');
    expect(text.code).toBe(3);
  }, 60_000);

  test('fails if --fire names no alarm and no --all: exit 2, a clear message, no stack trace, nothing fired', async () => {
    const d = await deploy(directStack);
    const r = await drill('--stack', 'DrillDirect', '--fire');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(
      "cloudtrail-alarms drill: --fire sets alarms to ALARM and notifies people: name the alarms to fire (alarm names or the template's logical ids), or pass --all for every alarm of the stack. Run without --fire to list them",
    );
    expect(r.stderr).not.toMatch(/Error|\bat .+:\d+:\d+/);
    const alarms = (await d.clients.cloudwatch.send(new DescribeAlarmsCommand({}))).MetricAlarms!;
    expect(alarms.map((a) => [a.StateValue, a.StateReason])).toEqual(alarms.map(() => ['OK', 'Unchecked: Initial alarm creation']));
  }, 60_000);

  test('fails if --fire names an alarm the stack does not have: exit 2 with the stack\'s alarms listed', async () => {
    await deploy(directStack);
    const r = await drill('--stack', 'DrillDirect', '--fire', 'direct-vpc-changes', 'no-such-alarm');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cloudtrail-alarms drill: --fire: no alarm of stack DrillDirect is named 'no-such-alarm'\. Its alarms: direct-security-group-changes \(SecurityAlarmsSecurityGroupChanges\w+\), /);
    expect(r.stdout).toBe('');
  }, 60_000);

  test('moto runs no alarm action: after --fire (by logical id) through the CLI, the alarm is back in OK with the drill-over reason and a queue on the topic received nothing', async () => {
    const d = await deploy(directStack);
    const url = await queueOn(d, DIRECT_TOPIC, 'watcher');
    const r = await drill('--stack', 'DrillDirect', '--fire', 'SecurityAlarmsConsoleSignInFailuresA198AE9F');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /\n {2}drill: fired at \S+ with reason "DRILL, not a real incident: cloudtrail-alarms drill set this alarm to ALARM to prove that its notifications reach people\. Run by arn:aws:sts::123456789012:user\/moto at \S+\. Nothing to do; the drill sets the alarm back to OK\."; ALARM seen; back to OK\n/,
    );
    expect(r.stdout).toContain('\nalarm "direct-console-sign-in-failures" (SecurityAlarmsConsoleSignInFailuresA198AE9F): OK, delivers\n');
    const a = (await d.clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['direct-console-sign-in-failures'] }))).MetricAlarms![0];
    expect(a.StateValue).toBe('OK');
    expect(a.StateReason).toMatch(/^Drill over: cloudtrail-alarms drill set this alarm back to OK \(drill run by arn:aws:sts::123456789012:user\/moto at \d{4}-\d\d-\d\dT[\d:.]+Z\)\.$/);
    // if this fails, moto now runs alarm actions: drop the stand-in and check delivery without it
    expect(await received(d, url)).toEqual([]);
  }, 60_000);

  test('--fire with CloudWatch\'s actions stood in: the drill message, with its reason, arrives on an SQS queue subscribed to the topic', async () => {
    const d = await deploy(directStack);
    const url = await queueOn(d, DIRECT_TOPIC, 'people');
    const c = new AccountClients(moto.endpoint);
    const calls: Array<[string, string]> = [];
    cloudWatchActionsStandIn(c.in(REGION).cloudwatch, moto.endpoint, calls);
    const at = new Date('2026-12-06T10:00:00.000Z');
    const inspection = await inspectDrill({ stack: 'DrillDirect', region: REGION, endpoint: moto.endpoint }, c);
    const { selected } = selectAlarms(inspection.report, ['direct-cloudtrail-changes']);
    const report = await fireDrill(inspection, selected, { timeoutMs: 5_000, pollMs: 50, now: () => at });
    const reason = `DRILL, not a real incident: cloudtrail-alarms drill set this alarm to ALARM to prove that its notifications reach people. Run by ${CALLER} at 2026-12-06T10:00:00.000Z. Nothing to do; the drill sets the alarm back to OK.`;
    expect(alarmNamed(report, 'direct-cloudtrail-changes').drill).toEqual({
      outcome: 'fired',
      reason,
      firedAt: '2026-12-06T10:00:00.000Z',
      reachedAlarm: true,
      returnedToOk: true,
      finalState: 'OK',
      finalReason: `Drill over: cloudtrail-alarms drill set this alarm back to OK (drill run by ${CALLER} at 2026-12-06T10:00:00.000Z).`,
    });
    expect(calls).toEqual([
      ['direct-cloudtrail-changes', 'ALARM'],
      ['direct-cloudtrail-changes', 'OK'],
    ]);
    // the construct's alarms have no OK actions (okActions defaults to false): one message, the ALARM one
    const messages = await received(d, url);
    expect(messages).toHaveLength(1);
    expect(messages[0].subject).toBe('ALARM: "direct-cloudtrail-changes" in US East (N. Virginia)');
    expect(messages[0].message).toMatchObject({ AlarmName: 'direct-cloudtrail-changes', NewStateValue: 'ALARM', OldStateValue: 'OK', NewStateReason: reason });
    expect(drillExitCode(report)).toBe(0);
  }, 60_000);

  test('--fire --all fires every alarm one at a time, each back in OK before the next', async () => {
    const d = await deploy(directStack);
    const c = new AccountClients(moto.endpoint);
    const calls: Array<[string, string]> = [];
    cloudWatchActionsStandIn(c.in(REGION).cloudwatch, moto.endpoint, calls);
    const inspection = await inspectDrill({ stack: 'DrillDirect', region: REGION, endpoint: moto.endpoint }, c);
    const { selected } = selectAlarms(inspection.report, 'all');
    const report = await fireDrill(inspection, selected, { timeoutMs: 5_000, pollMs: 50 });
    const names = inspection.report.alarms.map((a) => a.name!);
    expect(names).toHaveLength(11);
    expect(calls).toEqual(names.flatMap((x) => [[x, 'ALARM'], [x, 'OK']]));
    expect(report.alarms.map((a) => [a.drill?.reachedAlarm, a.drill?.returnedToOk, a.state])).toEqual(names.map(() => [true, true, 'OK']));
    const states = (await d.clients.cloudwatch.send(new DescribeAlarmsCommand({}))).MetricAlarms!.map((a) => a.StateValue);
    expect(new Set(states)).toEqual(new Set(['OK']));
    expect(report.status).toBe('delivers');
  }, 60_000);

  test('fails if the alarm does not return to OK (CloudWatch evaluates its metric as breaching again): did-not-return-to-ok, exit 1', async () => {
    await deploy(directStack);
    const c = new AccountClients(moto.endpoint);
    const calls: Array<[string, string]> = [];
    const cw = c.in(REGION).cloudwatch;
    const breach = 'Threshold Crossed: 1 out of the last 1 datapoints [3.0 (06/12/26 10:00:00)] was greater than or equal to the threshold (1.0)';
    // as CloudWatch would on its next evaluation of a metric that really breaches
    const evaluator = new AccountClients(moto.endpoint).in(REGION).cloudwatch;
    cloudWatchActionsStandIn(cw, moto.endpoint, calls, async (name, state) => {
      if (state === 'OK') await evaluator.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: breach }));
    });
    const inspection = await inspectDrill({ stack: 'DrillDirect', region: REGION, endpoint: moto.endpoint }, c);
    const { selected } = selectAlarms(inspection.report, ['direct-iam-policy-changes']);
    const report = await fireDrill(inspection, selected, { timeoutMs: 300, pollMs: 50 });
    const a = alarmNamed(report, 'direct-iam-policy-changes');
    expect(a.drill).toMatchObject({ reachedAlarm: true, returnedToOk: false, finalState: 'ALARM', finalReason: breach });
    expect(a.findings).toEqual([
      {
        code: 'did-not-return-to-ok',
        message: `alarm direct-iam-policy-changes did not return to OK within 0.3 s: it is ALARM (${breach}). CloudWatch evaluated its metric again: if the reason is not the drill's, a real event may be under way. Look at it now`,
      },
    ]);
    expect(drillExitCode(report)).toBe(1);
    expect(renderDrill(report)).toContain(`; ALARM seen; not back to OK (ALARM: "${breach}")\n`);
  }, 60_000);

  /** Makes SetAlarmState to `state` fail through this client as AWS does for a missing permission. */
  function deny(cw: CloudWatchClient, state: string): void {
    cw.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'SetAlarmStateCommand' && (args.input as { StateValue: string }).StateValue === state) {
          throw Object.assign(new Error('User: arn:aws:sts::123456789012:user/moto is not authorized to perform: cloudwatch:SetAlarmState'), {
            name: 'AccessDenied',
            $metadata: { httpStatusCode: 403 },
          });
        }
        return next(args);
      },
      { step: 'initialize', name: `deny${state}` },
    );
  }

  test('fails if SetAlarmState is denied: not-fired with the missing permission, the alarm untouched', async () => {
    const d = await deploy(directStack);
    const c = new AccountClients(moto.endpoint);
    deny(c.in(REGION).cloudwatch, 'ALARM');
    const inspection = await inspectDrill({ stack: 'DrillDirect', region: REGION, endpoint: moto.endpoint }, c);
    const report = await fireDrill(inspection, selectAlarms(inspection.report, ['direct-vpc-changes']).selected, { timeoutMs: 1_000, pollMs: 50 });
    const a = alarmNamed(report, 'direct-vpc-changes');
    expect(a.drill).toBeUndefined();
    expect(a.findings).toEqual([
      {
        code: 'not-fired',
        message:
          "alarm direct-vpc-changes could not be fired: access denied: add cloudwatch:SetAlarmState to the auditing role's policy (User: arn:aws:sts::123456789012:user/moto is not authorized to perform: cloudwatch:SetAlarmState)",
      },
    ]);
    expect(report.problems.map((p) => [p.action, p.kind])).toEqual([['cloudwatch:SetAlarmState', 'permission']]);
    expect(drillExitCode(report)).toBe(1);
    const after = (await d.clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['direct-vpc-changes'] }))).MetricAlarms![0];
    expect([after.StateValue, after.StateReason]).toEqual(['OK', 'Unchecked: Initial alarm creation']);
  }, 60_000);

  test('fails if the alarm cannot be set back to OK: did-not-return-to-ok says it may still be in ALARM because of the drill', async () => {
    const d = await deploy(directStack);
    const c = new AccountClients(moto.endpoint);
    deny(c.in(REGION).cloudwatch, 'OK');
    const inspection = await inspectDrill({ stack: 'DrillDirect', region: REGION, endpoint: moto.endpoint }, c);
    const report = await fireDrill(inspection, selectAlarms(inspection.report, ['direct-vpc-changes']).selected, { timeoutMs: 1_000, pollMs: 50 });
    const a = alarmNamed(report, 'direct-vpc-changes');
    expect(a.drill).toMatchObject({ outcome: 'fired', reachedAlarm: true, returnedToOk: false, finalState: 'ALARM' });
    expect(a.findings).toEqual([
      {
        code: 'did-not-return-to-ok',
        message:
          "alarm direct-vpc-changes could not be set back to OK (cloudwatch:SetAlarmState failed: AccessDenied: User: arn:aws:sts::123456789012:user/moto is not authorized to perform: cloudwatch:SetAlarmState): it may still be in ALARM because of the drill. Set it back to OK yourself (SetAlarmState, or the alarm's page in the console)",
      },
    ]);
    expect(drillExitCode(report)).toBe(1);
    const after = (await d.clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['direct-vpc-changes'] }))).MetricAlarms![0];
    expect(after.StateValue).toBe('ALARM');
    expect(after.StateReason).toMatch(/^DRILL, not a real incident: /);
  }, 60_000);

  test('an alarm already in ALARM is not fired (setting it back to OK would hide a real incident)', async () => {
    const d = await deploy(directStack);
    const real = 'Threshold Crossed: a real incident';
    await d.clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'direct-vpc-changes', StateValue: 'ALARM', StateReason: real }));
    const r = await json('--stack', 'DrillDirect', '--fire', 'direct-vpc-changes');
    expect(r.code).toBe(1);
    const a = alarmNamed(r.report, 'direct-vpc-changes');
    expect(a.drill?.outcome).toBe('skipped');
    expect(a.findings).toEqual([
      {
        code: 'not-fired',
        message: 'alarm direct-vpc-changes was not fired: it is in ALARM already (a real incident, or another drill): firing would set it back to OK and hide it. Drill it once it is OK',
      },
    ]);
    const after = (await d.clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['direct-vpc-changes'] }))).MetricAlarms![0];
    expect([after.StateValue, after.StateReason]).toEqual(['ALARM', real]);
  }, 60_000);

  test('--dry-run says what it would fire and changes nothing', async () => {
    const d = await deploy(directStack);
    const r = await drill('--stack', 'DrillDirect', '--fire', 'direct-vpc-changes', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\n {2}drill \(dry run\): would set ALARM with reason "DRILL, not a real incident: [^"]+ Run by arn:aws:sts::123456789012:user\/moto at [^"]+", then OK\n/);
    const a = (await d.clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['direct-vpc-changes'] }))).MetricAlarms![0];
    expect([a.StateValue, a.StateReason]).toEqual(['OK', 'Unchecked: Initial alarm creation']);
  }, 60_000);
});
