/**
 * `cloudtrail-alarms drill` without AWS: its usage errors (exit 2 before any call), the judgement of a delivery path,
 * the drill's reason text, the stack's alarms read from a template, and the report's neutralisation of AWS text.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { drillReason, drillOverReason, STATE_REASON_MAX } from '../../src/aws/drill-fire';
import { AlarmRead, drillExitCode, DrillReport, drillStatus, judgeAlarm, TopicPath } from '../../src/aws/drill-report';
import { functionNameOf, stackDrillPlan } from '../../src/aws/drill-stack';
import { renderDrill } from '../../src/commands/drill';
import { cli } from '../commands/helpers';

// a closed port: a command that got past its argument checks would fail to reach it (exit 3), not exit 2
const NOWHERE = ['--region', 'us-east-1', '--endpoint-url', 'http://127.0.0.1:9'];

describe('drill usage errors: exit 2, one clear line, no AWS call', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drill-usage-'));
  const notJson = path.join(dir, 'Broken.template.json');
  fs.writeFileSync(notJson, '{ "Resources": ');
  const unnamed = path.join(dir, 'template.json');
  fs.writeFileSync(unnamed, '{ "Resources": {} }');
  const noResources = path.join(dir, 'Empty.template.json');
  fs.writeFileSync(noResources, '{ "Outputs": {} }');

  test.each<[string, string[], string]>([
    [
      '--fire without alarms or --all',
      ['--stack', 'S', '--fire'],
      "--fire sets alarms to ALARM and notifies people: name the alarms to fire (alarm names or the template's logical ids), or pass --all for every alarm of the stack. Run without --fire to list them",
    ],
    ['--all without --fire', ['--stack', 'S', '--all'], '--all goes with --fire (it fires every alarm of the stack)'],
    ['alarm names without --fire', ['--stack', 'S', 'a1', 'a2'], "alarm names go with --fire, got 'a1', 'a2' without it. Add --fire to set them to ALARM"],
    ['names and --all', ['--stack', 'S', '--fire', 'a1', '--all'], '--fire takes alarm names or --all, not both'],
    ['--dry-run without --fire', ['--stack', 'S', '--dry-run'], '--dry-run goes with --fire (without --fire the drill changes nothing anyway)'],
    ['no stack', [], 'name the stack to drill: --stack NAME (or --template cdk.out/NAME.template.json)'],
    ['a template file that does not name its stack', ['--template', unnamed], `--template '${unnamed}' does not name its stack (NAME.template.json): pass --stack NAME`],
    ['a template that is not JSON', ['--template', notJson], `--template '${notJson}' is not JSON (`],
    ['a template without Resources', ['--template', noResources], `--template '${noResources}' is not a CloudFormation template: it has no Resources section`],
    ['a missing template', ['--template', path.join(dir, 'Gone.template.json')], `cannot read template '${path.join(dir, 'Gone.template.json')}': no such file.`],
    ['an unknown format', ['--stack', 'S', '--format', 'yaml'], "--format must be text or json, got 'yaml'"],
    ['a zero timeout', ['--stack', 'S', '--fire', '--all', '--timeout', '0'], "--timeout must be a whole number of at least 1, got '0'"],
    ['a timeout over 15 minutes', ['--stack', 'S', '--fire', '--all', '--timeout', '901'], "--timeout must be at most 900 seconds, got '901'"],
    ['a Region that is not one', ['--stack', 'S', '--region', 'mars-1'], "--region: 'mars-1' is not an AWS Region name (like eu-west-1)"],
  ])('fails if %s', async (_, args, message) => {
    const r = await cli(['drill', ...NOWHERE, ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(`cloudtrail-alarms drill: ${message}`)).toBe(true);
    expect(r.stderr).not.toMatch(/Error|\bat .+:\d+:\d+/);
  });

  test('fails if an option is unknown', async () => {
    const r = await cli(['drill', '--stack', 'S', '--fire-all']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cloudtrail-alarms drill: Unknown option '--fire-all'/);
  });

  test('--help prints the usage, with the permissions and exit statuses', async () => {
    const r = await cli(['drill', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: cloudtrail-alarms drill --stack NAME/);
    expect(r.stdout).toContain('with --fire, cloudwatch:SetAlarmState.');
    expect(r.stdout).toContain('Exit status: 0 every alarm\'s path reaches people (and every drill went as planned), 1 findings, 2 usage error,\n3 could not drill');
  });

  test('the command list names drill', async () => {
    const r = await cli(['--help']);
    expect(r.stdout).toContain('  drill           after a deploy, prove that each alarm of a stack reaches people (subscriptions, notifier; --fire sets ALARM)\n');
  });
});

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:alarms';
const PEOPLE = 'arn:aws:sns:eu-west-1:111122223333:people';
const FN = 'arn:aws:lambda:eu-west-1:111122223333:function:stack-notifier';
const DLQ = 'arn:aws:sqs:eu-west-1:111122223333:stack-dlq';
const ok: AlarmRead = { state: 'OK', stateReason: 'Threshold Crossed: no datapoints', actionsEnabled: true, alarmActions: [TOPIC] };
const target = { logicalId: 'RootAlarm1A2B3C4D', name: 'stack-root-account-usage' };

describe('judgeAlarm: does the path reach people?', () => {
  const through = (people: TopicPath, messages = 0): Map<string, TopicPath> =>
    new Map([
      [
        TOPIC,
        {
          arn: TOPIC,
          subscriptions: [{ protocol: 'lambda', endpoint: FN, status: 'confirmed' }],
          notifiers: [{ function: FN, deliveryTopics: [people], deadLetterQueues: [{ arn: DLQ, messages }] }],
        },
      ],
    ]);

  test('a confirmed e-mail subscription delivers; a pending one beside it is a finding', () => {
    const topics = new Map<string, TopicPath>([
      [TOPIC, { arn: TOPIC, subscriptions: [{ protocol: 'email', endpoint: 'a@example.com', status: 'confirmed' }, { protocol: 'email', endpoint: 'b@example.com', status: 'pending' }], notifiers: [] }],
    ]);
    const a = judgeAlarm(target, ok, topics, []);
    expect([a.delivers, a.topics[0].reachesPeople, a.topics[0].confirmed, a.topics[0].pending]).toEqual([true, true, 1, 1]);
    expect(a.findings).toEqual([
      { code: 'subscription-pending', message: `topic ${TOPIC}: the email subscription of b@example.com waits for confirmation: confirm it (the link in the message SNS sent)` },
    ]);
  });

  test('only pending subscriptions: nobody receives', () => {
    const topics = new Map<string, TopicPath>([[TOPIC, { arn: TOPIC, subscriptions: [{ protocol: 'email', endpoint: 'b@example.com', status: 'pending' }], notifiers: [] }]]);
    const a = judgeAlarm(target, ok, topics, []);
    expect(a.delivers).toBe(false);
    expect(a.findings.map((f) => f.message)).toEqual([
      `topic ${TOPIC} has no confirmed subscription: nobody receives the alarm (1 waiting for confirmation)`,
      `topic ${TOPIC}: the email subscription of b@example.com waits for confirmation: confirm it (the link in the message SNS sent)`,
    ]);
  });

  test('through the notifier: delivers when a delivery topic has a confirmed subscription and the dead-letter queue is empty', () => {
    const people: TopicPath = { arn: PEOPLE, subscriptions: [{ protocol: 'https', endpoint: 'https://chat.example.com/hook', status: 'confirmed' }], notifiers: [] };
    const a = judgeAlarm(target, ok, through(people), [{ topicArn: TOPIC, functionName: 'stack-notifier' }]);
    expect([a.delivers, a.findings]).toEqual([true, []]);
    expect(a.topics[0].notifiers[0]).toEqual({
      function: FN,
      deadLetterQueues: [{ arn: DLQ, messages: 0 }],
      deliveryTopics: [{ ...people, confirmed: 1, pending: 0, reachesPeople: true }],
      delivers: true,
    });
  });

  test('fails if the notifier delivers to a topic nobody confirmed, and its dead-letter queue holds messages', () => {
    const people: TopicPath = { arn: PEOPLE, subscriptions: [], notifiers: [] };
    const a = judgeAlarm(target, ok, through(people, 3), []);
    expect(a.delivers).toBe(false);
    expect(a.findings).toEqual([
      { code: 'no-confirmed-subscription', message: `topic ${PEOPLE} has no confirmed subscription: nobody receives the alarm` },
      { code: 'dead-letter-messages', message: `the notifier's dead-letter queue ${DLQ} holds 3 message(s): alarms people did not get. Read them, fix the cause, then purge the queue` },
      { code: 'notifier-not-delivering', message: `notifier ${FN} on topic ${TOPIC} reaches nobody: none of its delivery topics (${PEOPLE}) has a confirmed subscription` },
    ]);
  });

  test('fails if the alarm has no SNS action: other actions are named, not followed', () => {
    const a = judgeAlarm(target, { ...ok, alarmActions: ['arn:aws:lambda:eu-west-1:111122223333:function:pager'] }, new Map(), []);
    expect([a.delivers, a.otherActions, a.findings]).toEqual([
      false,
      ['arn:aws:lambda:eu-west-1:111122223333:function:pager'],
      [
        {
          code: 'no-sns-action',
          message: 'alarm stack-root-account-usage has no SNS topic among its alarm actions (only arn:aws:lambda:eu-west-1:111122223333:function:pager, which the drill does not follow): nobody is notified through a topic',
        },
      ],
    ]);
  });

  test('fails if the alarm of the template is not in CloudWatch', () => {
    expect(judgeAlarm(target, undefined, new Map(), []).findings).toEqual([
      { code: 'alarm-not-found', message: "alarm stack-root-account-usage (RootAlarm1A2B3C4D) of the stack's template is not in CloudWatch: deploy the stack, or check the Region" },
    ]);
  });

  test('exit statuses: 0 delivers, 1 findings, 3 could not drill', () => {
    const delivering = judgeAlarm(target, ok, new Map([[TOPIC, { arn: TOPIC, subscriptions: [{ protocol: 'sqs', endpoint: 'arn:aws:sqs:eu-west-1:111122223333:q', status: 'confirmed' }], notifiers: [] }]]), []);
    const broken = judgeAlarm(target, undefined, new Map(), []);
    const report = (alarms: typeof delivering[], reasons: string[] = []) => ({ ...drillStatus(alarms, reasons) }) as DrillReport;
    expect([drillExitCode(report([delivering])), drillExitCode(report([delivering, broken])), drillExitCode(report([delivering], ['no Region']))]).toEqual([0, 1, 3]);
    expect(drillStatus([delivering, broken], []).summary).toEqual({ alarms: 2, deliver: 1, withFindings: 1 });
  });
});

describe('the drill reason', () => {
  const at = new Date('2026-12-06T14:00:00.000Z');
  test('says it is a drill, who ran it and when', () => {
    expect(drillReason({ caller: 'arn:aws:sts::111122223333:assumed-role/Admin/alice', at })).toBe(
      'DRILL, not a real incident: cloudtrail-alarms drill set this alarm to ALARM to prove that its notifications reach people. Run by arn:aws:sts::111122223333:assumed-role/Admin/alice at 2026-12-06T14:00:00.000Z. Nothing to do; the drill sets the alarm back to OK.',
    );
    expect(drillOverReason({ caller: 'arn:aws:iam::111122223333:user/bob', at })).toBe(
      'Drill over: cloudtrail-alarms drill set this alarm back to OK (drill run by arn:aws:iam::111122223333:user/bob at 2026-12-06T14:00:00.000Z).',
    );
  });

  test('stays within CloudWatch\'s 1023 characters with a very long caller ARN, keeping the time', () => {
    const caller = `arn:aws:sts::111122223333:assumed-role/${'R'.repeat(64)}/${'s'.repeat(2000)}`;
    const reason = drillReason({ caller, at });
    expect(reason.length).toBe(STATE_REASON_MAX);
    expect(reason.endsWith('sss... at 2026-12-06T14:00:00.000Z. Nothing to do; the drill sets the alarm back to OK.')).toBe(true);
    expect(drillOverReason({ caller, at }).length).toBe(STATE_REASON_MAX);
  });
});

describe('the stack\'s alarms from its template', () => {
  const template = {
    Resources: {
      Named: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: 'stack-root', AlarmActions: [{ Ref: 'Topic' }] } },
      Unnamed: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: [{ Ref: 'Topic' }] } },
      Topic: { Type: 'AWS::SNS::Topic', Properties: {} },
      Notifier: { Type: 'AWS::Lambda::Function', Properties: { Tags: [{ Key: 'cdk-cloudtrail-alarms:role', Value: 'notifier' }] } },
      Other: { Type: 'AWS::Lambda::Function', Properties: {} },
      NotifierSub: { Type: 'AWS::SNS::Subscription', Properties: { Protocol: 'lambda', TopicArn: { Ref: 'Topic' }, Endpoint: { 'Fn::GetAtt': ['Notifier', 'Arn'] } } },
      OtherSub: { Type: 'AWS::SNS::Subscription', Properties: { Protocol: 'lambda', TopicArn: { Ref: 'Topic' }, Endpoint: { 'Fn::GetAtt': ['Other', 'Arn'] } } },
    },
  };

  test('alarm names from AlarmName or the physical id; the notifier subscriptions the template creates', () => {
    const physical = new Map([
      ['Unnamed', 'Stack-Unnamed-1ABC'],
      ['Topic', TOPIC],
      ['Notifier', 'stack-notifier'],
      ['Other', 'stack-other'],
    ]);
    expect(stackDrillPlan(template, 'T', physical)).toEqual({
      alarms: [
        { logicalId: 'Named', name: 'stack-root' },
        { logicalId: 'Unnamed', name: 'Stack-Unnamed-1ABC' },
      ],
      notifiers: [{ topicArn: TOPIC, functionName: 'stack-notifier' }],
    });
    expect(stackDrillPlan(template, 'T', new Map()).alarms[1]).toEqual({ logicalId: 'Unnamed', name: undefined });
  });

  test('function names of Lambda ARNs, qualified or not', () => {
    expect([functionNameOf(FN), functionNameOf(`${FN}:live`), functionNameOf('plain-name')]).toEqual(['stack-notifier', 'stack-notifier', 'plain-name']);
  });
});

describe('the drill report neutralises AWS text', () => {
  const hostileName = 'root\nALARM -> OK (no action needed)\u202e';
  const hostileEndpoint = 'a@example.com\u001b[2J';
  const report: DrillReport = {
    stack: 'Stack\r',
    source: 'stack Stack\r',
    region: 'eu-west-1',
    regionSource: '--region',
    account: '111122223333',
    caller: 'arn:aws:sts::111122223333:assumed-role/Admin/eve\u200b',
    status: 'findings',
    couldNotDrill: [],
    summary: { alarms: 1, deliver: 1, withFindings: 1 },
    alarms: [
      {
        logicalId: 'Root',
        name: hostileName,
        found: true,
        state: 'OK',
        actionsEnabled: true,
        topics: [{ arn: TOPIC, confirmed: 1, pending: 0, subscriptions: [{ protocol: 'email', endpoint: hostileEndpoint, status: 'confirmed' }], notifiers: [], reachesPeople: true }],
        otherActions: [],
        delivers: true,
        findings: [{ code: 'did-not-return-to-ok', message: `alarm ${hostileName} did not return to OK` }],
        drill: { outcome: 'fired', reason: 'DRILL "quoted"', firedAt: '2026-12-06T14:00:00.000Z', reachedAlarm: true, returnedToOk: false, finalState: 'ALARM', finalReason: 'x\n"y"' },
      },
    ],
    problems: [],
  };

  test('every line is one line, with names and reasons quoted and hidden characters escaped', () => {
    expect(renderDrill(report).split('\n')).toEqual([
      'Stack Stack\\u000d (account 111122223333, eu-west-1 (from --region)), stack Stack\\u000d: 1 alarm(s), 1 deliver, 1 with findings',
      'Run by arn:aws:sts::111122223333:assumed-role/Admin/eve\\u200b',
      '',
      'alarm "root\\u000aALARM -> OK (no action needed)\\u202e" (Root): OK, delivers',
      `  topic ${TOPIC}: 1 confirmed, 0 pending: email a@example.com\\u001b[2J (confirmed)`,
      '  [did-not-return-to-ok] alarm root\\u000aALARM -> OK (no action needed)\\u202e did not return to OK',
      '  drill: fired at 2026-12-06T14:00:00.000Z with reason "DRILL \\"quoted\\""; ALARM seen; not back to OK (ALARM: "x\\u000a\\"y\\"")',
      '',
    ]);
  });
});
