// Issue 28 item 2, notifier side: quiet on the stack's own deployments, loud on anyone else's.
import { at, catalogueFacts, configFor, fixture, memoryFilter, TOPICS } from './support';
import { parseAlarmInput } from '../../lib/notifier/alarm-event';
import { NotifierConfig, resolveDeployValues, validateConfig } from '../../lib/notifier/config';
import { deploymentTest, invokingServiceOf, isTamperProtection, roleKey, sessionIssuerRoleOf } from '../../lib/notifier/deployment';
import { formatChatbot } from '../../lib/notifier/format';
import { notify, NotifierContext, prepareNotification, Publication, publicationsFor } from '../../lib/notifier/notify';
import { REAL_TIME_SOURCE } from '../../lib/notifier/real-time';

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-us-east-1`;
const ROLE_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-us-east-1`;
const LOW = `arn:aws:sns:us-east-1:${ACCOUNT}:low`;
const LOW_CHAT = `arn:aws:sns:us-east-1:${ACCOUNT}:low-chat`;
const TOPIC_ARNS = [...TOPICS, LOW, LOW_CHAT];

type Json = Record<string, any>;

/** PutMetricAlarm on the construct's own alarm, as CloudFormation makes it through the deployment role. */
function byCloudFormation(id = 'cfn-1', time = '2026-11-02T10:15:20Z'): Json {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLEEXAMPLE:AWSCloudFormation',
      arn: `${ROLE_SESSION}/AWSCloudFormation`,
      accountId: ACCOUNT,
      sessionContext: { sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEEXAMPLE', arn: ROLE, accountId: ACCOUNT } },
      invokedBy: 'cloudformation.amazonaws.com',
    },
    eventTime: time,
    eventSource: 'monitoring.amazonaws.com',
    eventName: 'PutMetricAlarm',
    awsRegion: 'us-east-1',
    sourceIPAddress: 'cloudformation.amazonaws.com',
    userAgent: 'cloudformation.amazonaws.com',
    requestParameters: { alarmName: 'CloudTrailAlarms-root-account-usage' },
    eventID: id,
    recipientAccountId: ACCOUNT,
  };
}

/** The same change by a person (the user agent claims CloudFormation: it is written by the caller). */
function byAlice(): Json {
  return {
    ...byCloudFormation('alice-1', '2026-11-02T10:16:00Z'),
    userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:user/Alice`, accountId: ACCOUNT },
    sourceIPAddress: '198.51.100.7',
  };
}

/** A person who assumed the deployment role directly: the role is right, nothing invoked the calls for them. */
function byPersonWithTheRole(): Json {
  const r = byCloudFormation('mallory-1', '2026-11-02T10:16:30Z');
  r.userIdentity = { ...r.userIdentity, arn: `${ROLE_SESSION}/mallory`, principalId: 'AROAEXAMPLEEXAMPLE:mallory' };
  delete r.userIdentity.invokedBy;
  r.sourceIPAddress = '203.0.113.9';
  return r;
}

const DEPLOYMENT = { roleArns: [ROLE], invokedBy: ['cloudformation.amazonaws.com'], topic: 2, chatbotTopic: 3, stackName: 'Monitoring' };
const config: NotifierConfig = { ...configFor(catalogueFacts()), deployment: DEPLOYMENT };

function alarm(metricName: string, alarmName: string) {
  const m = fixture('alarm-sns-message.json') as any;
  return parseAlarmInput({ ...m, AlarmName: alarmName, AlarmArn: `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:${alarmName}`, Trigger: { ...m.Trigger, MetricName: metricName } })[0];
}
const ALARM_TAMPERING = alarm('AlarmTamperingEventCount', 'CloudTrailAlarms-alarm-tampering');

function context(records: Json[], overrides: Partial<NotifierConfig> = {}): NotifierContext {
  const events = records.map((r, i) => ({ timestamp: at('2026-11-02T10:16:00Z') + i, message: JSON.stringify(r), eventId: `le-${i}` }));
  return {
    config: { ...config, ...overrides },
    logGroupName: 'CloudTrail/logs',
    topicArns: TOPIC_ARNS,
    filterLogEvents: memoryFilter(events, 2),
    now: () => at('2026-11-02T10:30:00Z'),
    lookupDeadline: () => Number.MAX_SAFE_INTEGER,
  };
}

async function publications(records: Json[], overrides: Partial<NotifierConfig> = {}, change = ALARM_TAMPERING): Promise<Publication[]> {
  const ctx = context(records, overrides);
  return publicationsFor(await prepareNotification(change, ctx), ctx);
}

const lines = (text: string) => text.split('\n');

describe('what is the deployment', () => {
  test.each([
    [ROLE, `aws:${ACCOUNT}:cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-us-east-1`],
    [`arn:aws:iam::${ACCOUNT}:role/path/to/Deployer`, `aws:${ACCOUNT}:Deployer`],
    [`arn:aws-us-gov:sts::${ACCOUNT}:assumed-role/Deployer/session@x`, `aws-us-gov:${ACCOUNT}:Deployer`],
    [`arn:aws:iam::${ACCOUNT}:user/Deployer`, undefined],
    ['${Token[TOKEN.1]}', undefined],
  ])('roleKey(%s)', (arn, key) => {
    expect(roleKey(arn)).toBe(key);
  });

  test('the session issuer comes from sessionContext, else from an assumed-role ARN; users and root have none', () => {
    expect(sessionIssuerRoleOf(byCloudFormation())).toBe(`aws:${ACCOUNT}:cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-us-east-1`);
    expect(sessionIssuerRoleOf({ userIdentity: { type: 'AssumedRole', arn: `${ROLE_SESSION}/AWSCloudFormation` } })).toBe(
      `aws:${ACCOUNT}:cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-us-east-1`,
    );
    expect(sessionIssuerRoleOf(byAlice())).toBeUndefined();
    expect(sessionIssuerRoleOf({ userIdentity: { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root` } })).toBeUndefined();
  });

  test('the invoking service is userIdentity.invokedBy, else an AWS service source address', () => {
    expect(invokingServiceOf(byCloudFormation())).toBe('cloudformation.amazonaws.com');
    expect(invokingServiceOf({ userIdentity: {}, sourceIPAddress: 'cloudformation.amazonaws.com' })).toBe('cloudformation.amazonaws.com');
    expect(invokingServiceOf(byPersonWithTheRole())).toBe('203.0.113.9');
  });

  const test_ = deploymentTest(DEPLOYMENT);
  test.each([
    ['CloudFormation through the deployment role', byCloudFormation(), true],
    ['another principal (the user agent says CloudFormation)', byAlice(), false],
    ['the deployment role assumed by a person, no invoking service', byPersonWithTheRole(), false],
    ['the deployment role, invokedBy missing but the service as source address', { ...byCloudFormation(), userIdentity: { ...byCloudFormation().userIdentity, invokedBy: undefined } }, true],
    ['another role invoked by CloudFormation', { ...byCloudFormation(), userIdentity: { ...byCloudFormation().userIdentity, sessionContext: { sessionIssuer: { arn: `arn:aws:iam::${ACCOUNT}:role/Other` } } } }, false],
    ['the deployment role invoked by another service', { ...byCloudFormation(), userIdentity: { ...byCloudFormation().userIdentity, invokedBy: 'lambda.amazonaws.com' }, sourceIPAddress: 'lambda.amazonaws.com' }, false],
    ['the same role name in another account', { ...byCloudFormation(), userIdentity: { ...byCloudFormation().userIdentity, sessionContext: { sessionIssuer: { arn: ROLE.replace(ACCOUNT, '444455556666') } } } }, false],
  ])('%s: %s', (_what, record, expected) => {
    expect(test_(record)).toBe(expected);
  });

  test('the tamper-protection detections are the catalogue ids ending in -tampering', () => {
    expect(catalogueFacts().map((f) => f.id).filter(isTamperProtection)).toEqual([
      'trail-tampering', 'log-group-tampering', 'alarm-tampering', 'topic-tampering', 'key-tampering', 'notifier-tampering',
    ]);
  });
});

describe('alarm path', () => {
  test('CloudFormation via the deployment role: an expected change at LOW severity, to the deployment topics', async () => {
    const [email, chat] = await publications([byCloudFormation()]);
    expect([email.kind, email.topicArn, chat.kind, chat.topicArn]).toEqual(['email', LOW, 'chatbot', LOW_CHAT]);
    // the title gives way (99 characters), the account and Region are kept whole
    expect(email.subject).toBe('[LOW] Expected change, deployment of Monitoring: Alarm tamper… in 111122223333, us-east-1 (1 event)');
    expect(lines(email.message).slice(0, 7)).toEqual([
      'Alarm tampering in account 111122223333 (us-east-1): an expected change by the deployment of stack Monitoring.',
      '',
      'Expected change: every matching event was made for the deployment of stack Monitoring, by its deployment role and invoked by ' +
        'cloudformation.amazonaws.com, so it is reported at LOW severity instead of paging. If nobody deployed Monitoring at that time, ' +
        'treat it as tampering: the deployment role itself may be misused.',
      '',
      "1 event matched the alarm's filter between 2026-11-02 10:13:00 UTC and 2026-11-02 10:22:00 UTC:",
      '',
      `2026-11-02T10:15:20Z  monitoring:PutMetricAlarm  "${ROLE_SESSION}/AWSCloudFormation"  from cloudformation.amazonaws.com  us-east-1  ok`,
    ]);
    expect(email.message).toContain('\nWhat to do\n1. Nothing to do if stack Monitoring was deployed at that time; if nobody deployed it, treat this as tampering.\n2. ');
    const content = JSON.parse(chat.message).content;
    expect(content.title).toBe(':information_source: [LOW] Expected change, deployment of Monitoring: Alarm tamper… in 111122223333, us-east-1 (1 event)');
    expect(content.keywords).toEqual(['LOW', 'alarm-tampering', '111122223333']);
    expect(content.nextSteps[0]).toBe('Nothing to do if stack Monitoring was deployed at that time; if nobody deployed it, treat this as tampering.');
  });

  test('the same change by another principal pages HIGH, to the detection topics', async () => {
    const [email, chat] = await publications([byAlice()]);
    expect([email.topicArn, chat.topicArn]).toEqual(TOPICS);
    expect(email.subject).toBe('[HIGH] Alarm tampering in 111122223333, us-east-1 (1 event)');
    expect(lines(email.message).slice(0, 5)).toEqual([
      'Alarm tampering in account 111122223333 (us-east-1).',
      '',
      "1 event matched the alarm's filter between 2026-11-02 10:13:00 UTC and 2026-11-02 10:22:00 UTC:",
      '',
      `2026-11-02T10:16:00Z  monitoring:PutMetricAlarm  "arn:aws:iam::${ACCOUNT}:user/Alice"  from 198.51.100.7  us-east-1  ok`,
    ]);
  });

  test('the deployment role without CloudFormation invoking it (a person who assumed it) pages HIGH', async () => {
    const [email] = await publications([byPersonWithTheRole()]);
    expect(email.topicArn).toBe(TOPICS[0]);
    expect(email.subject).toBe('[HIGH] Alarm tampering in 111122223333, us-east-1 (1 event)');
    expect(email.message).toContain(`\n2026-11-02T10:16:30Z  monitoring:PutMetricAlarm  "${ROLE_SESSION}/mallory"  from 203.0.113.9  us-east-1  ok\n`);
    expect(email.message).not.toContain('deployment of');
  });

  test("the deployment's change and another principal's in one alarm: HIGH, saying which event was the deployment's", async () => {
    const [email, chat] = await publications([byCloudFormation(), byAlice()]);
    expect(email.topicArn).toBe(TOPICS[0]);
    expect(email.subject).toBe('[HIGH] Alarm tampering in 111122223333, us-east-1 (2 events)');
    expect(lines(email.message).slice(0, 11)).toEqual([
      'Alarm tampering in account 111122223333 (us-east-1).',
      '',
      'Not only the deployment: 1 of 2 matching events was made by the deployment of stack Monitoring (marked below); the others were not, ' +
        'so this pages as usual.',
      '',
      "2 events matched the alarm's filter between 2026-11-02 10:13:00 UTC and 2026-11-02 10:22:00 UTC:",
      '',
      `2026-11-02T10:15:20Z  monitoring:PutMetricAlarm  "${ROLE_SESSION}/AWSCloudFormation"  from cloudformation.amazonaws.com  us-east-1  ok ` +
        '(made by the deployment of Monitoring)',
      '    Alarms: "CloudTrailAlarms-root-account-usage"',
      `2026-11-02T10:16:00Z  monitoring:PutMetricAlarm  "arn:aws:iam::${ACCOUNT}:user/Alice"  from 198.51.100.7  us-east-1  ok`,
      '    Alarms: "CloudTrailAlarms-root-account-usage"',
      '',
    ]);
    expect(JSON.parse(chat.message).metadata.additionalContext.deployment).toBe('1 of 2 by the deployment');
  });

  test('every matching event is tested, listed or not: three deployment events with one listed are still expected', async () => {
    const records = [byCloudFormation('c1'), byCloudFormation('c2'), byCloudFormation('c3')];
    const [email] = await publications(records, { maxListedEvents: 1 });
    expect(email.subject).toBe('[LOW] Expected change, deployment of Monitoring: Alarm tampe… in 111122223333, us-east-1 (3 events)');
    expect(email.message).toContain('\nand 2 more matching events not shown (see the Logs Insights link).\n');
  });

  test('an unlisted event of another principal makes the alarm page', async () => {
    const [email] = await publications([byCloudFormation('c1'), byCloudFormation('c2'), byAlice()], { maxListedEvents: 2 });
    expect(email.subject).toBe('[HIGH] Alarm tampering in 111122223333, us-east-1 (3 events)');
    expect(email.message).toContain('Not only the deployment: 2 of 3 matching events were made by the deployment of stack Monitoring');
  });

  test('a lookup that did not finish pages HIGH even when every event seen is the deployment\'s', async () => {
    const [email] = await publications([byCloudFormation('c1'), byCloudFormation('c2'), byCloudFormation('c3')], { maxPages: 1 });
    expect(email.subject).toBe('[HIGH] Alarm tampering in 111122223333, us-east-1 (2+ events)');
  });

  test('no matching event found: pages as before', async () => {
    const [email] = await publications([]);
    expect(email.subject).toBe('[HIGH] Alarm tampering in an unknown account (no matching events found)');
  });

  test('a detection that is not tamper protection is never an expected change', async () => {
    const sg = { ...byCloudFormation(), eventSource: 'ec2.amazonaws.com', eventName: 'AuthorizeSecurityGroupIngress' };
    const [email] = await publications([sg], {}, alarm('SecurityGroupEventCount', 'CloudTrailAlarms-security-group-changes'));
    expect(email.topicArn).toBe(TOPICS[0]);
    expect(email.subject).toBe('[MEDIUM] Security group changes in 111122223333, us-east-1 (1 event)');
  });

  test('without a deployment in the configuration nothing changes', async () => {
    const [email] = await publications([byCloudFormation()], { deployment: undefined });
    expect(email.subject).toBe('[HIGH] Alarm tampering in 111122223333, us-east-1 (1 event)');
    expect(email.message).not.toContain('deployment of');
  });

  test('an expected change with no deployment chat topic sends the email only', async () => {
    const pubs = await publications([byCloudFormation()], { deployment: { ...DEPLOYMENT, chatbotTopic: undefined } });
    expect(pubs.map((p) => [p.kind, p.topicArn])).toEqual([['email', LOW]]);
  });
});

describe('real-time path', () => {
  const input = (record: Json) => ({
    source: REAL_TIME_SOURCE,
    detectionId: 'alarm-tampering',
    event: { id: `eb-${record.eventID}`, time: record.eventTime, region: 'us-east-1', account: ACCOUNT, detail: record },
  });

  async function sent(record: Json): Promise<Publication[]> {
    const out: Publication[] = [];
    await notify(input(record), context([]), async (p) => {
      out.push(p);
    }, new Set());
    return out;
  }

  test('CloudFormation via the deployment role: LOW, to the deployment topics', async () => {
    const [email, chat] = await sent(byCloudFormation());
    expect([email.topicArn, chat.topicArn]).toEqual([LOW, LOW_CHAT]);
    expect(email.subject).toBe('[LOW] Expected change, deployment of Monitoring: Alarm tamper… in 111122223333, us-east-1 (1 event)');
    expect(lines(email.message)[0]).toBe('Alarm tampering in account 111122223333 (us-east-1): an expected change by the deployment of stack Monitoring.');
  });

  test('another principal: HIGH', async () => {
    const [email] = await sent(byAlice());
    expect(email.topicArn).toBe(TOPICS[0]);
    expect(email.subject).toBe('[HIGH] Alarm tampering in 111122223333, us-east-1 (1 event)');
  });

  test('the deployment role assumed by a person: HIGH', async () => {
    const [email] = await sent(byPersonWithTheRole());
    expect(email.subject).toBe('[HIGH] Alarm tampering in 111122223333, us-east-1 (1 event)');
  });
});

describe('configuration', () => {
  test('deploy-time role ARNs are resolved from DEPLOY_VALUES', () => {
    const c = resolveDeployValues({ ...config, deployment: { ...DEPLOYMENT, roleArns: [{ value: 1 }, 'arn:aws:iam::111122223333:role/Literal'] } }, ['x', ROLE]);
    expect(c.deployment!.roleArns).toEqual([ROLE, 'arn:aws:iam::111122223333:role/Literal']);
  });

  test('fails if a role ARN names a deploy-time value that is not there', () => {
    expect(() => resolveDeployValues({ ...config, deployment: { ...DEPLOYMENT, roleArns: [{ value: 3 }] } }, ['x'])).toThrow(
      /^notifier configuration: deployment\.roleArns uses deploy-time value #3, but DEPLOY_VALUES has 1 values\.$/,
    );
  });

  test.each([
    [{ ...DEPLOYMENT, topic: 4 }, /^notifier configuration: deployment is topic #4, but DELIVERY_TOPIC_ARNS has 4 topics\.$/],
    [{ ...DEPLOYMENT, chatbotTopic: -1 }, /^notifier configuration: deployment \(chat\) is topic #-1, but DELIVERY_TOPIC_ARNS has 4 topics\.$/],
    [{ ...DEPLOYMENT, roleArns: 'arn' }, /^notifier configuration: deployment must be \{"roleArns":\[\.\.\.\],"invokedBy":\[\.\.\.\],"topic":n,"stackName":"\.\.\."\}\.$/],
    [{ ...DEPLOYMENT, stackName: '' }, /^notifier configuration: deployment must be/],
    [{ ...DEPLOYMENT, topic: undefined }, /^notifier configuration: deployment has no topic\.$/],
  ])('fails if the deployment is malformed (%j)', (deployment, message) => {
    expect(() => validateConfig({ ...config, deployment }, 4)).toThrow(message);
  });

  test('a valid deployment passes', () => {
    expect(validateConfig(config, 4).deployment).toEqual(DEPLOYMENT);
  });
});

describe('chat of an expected change', () => {
  test('the description says where, then that it is expected, and lists the events', async () => {
    const ctx = context([byCloudFormation()]);
    const chat = formatChatbot(await prepareNotification(ALARM_TAMPERING, ctx));
    expect(lines(chat.content.description).slice(0, 4)).toEqual([
      'Events in account 111122223333 (us-east-1).',
      'Expected change: every matching event was made for the deployment of stack Monitoring, by its deployment role and invoked by ' +
        'cloudformation.amazonaws.com, so it is reported at LOW severity instead of paging. If nobody deployed Monitoring at that time, ' +
        'treat it as tampering: the deployment role itself may be misused.',
      '',
      `• \`2026-11-02T10:15:20Z\` *monitoring:PutMetricAlarm* by \`"${ROLE_SESSION}/AWSCloudFormation"\` from \`cloudformation.amazonaws.com\` ` +
        'in us-east-1 (Alarms: `"CloudTrailAlarms-root-account-usage"`)',
    ]);
    expect(chat.metadata.additionalContext.deployment).toBe('expected');
  });
});
