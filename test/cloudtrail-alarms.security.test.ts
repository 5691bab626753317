import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CloudTrailAlarms } from '../lib';

let stack: Stack;
beforeEach(() => {
  stack = new Stack(new App(), 'Sec', { env: { account: '111122223333', region: 'eu-west-1' } });
});

const TRAIL_ARN = 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail';

/** Joins `Fn::Join` with the partition (the one value CDK leaves as a reference for a concrete Region) into text. */
function flat(v: any): any {
  if (Array.isArray(v)) return v.map(flat);
  if (v && typeof v === 'object') {
    if (v['Fn::Join']) return v['Fn::Join'][1].map((p: any) => (p.Ref === 'AWS::Partition' ? 'aws' : flat(p))).join(v['Fn::Join'][0]);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, flat(x)]));
  }
  return v;
}

function statements(t: Template, type: string, logicalIdPrefix: string): any[] {
  const [, r] = Object.entries(t.findResources(type)).find(([id]) => id.startsWith(logicalIdPrefix))! as [string, any];
  return flat((r.Properties.KeyPolicy ?? r.Properties.PolicyDocument).Statement);
}
const bySid = (all: any[], sid: string) => all.find((s) => s.Sid === sid);

describe('trail encryption (Security Hub CloudTrail.2, CIS 3.5/3.7)', () => {
  test("the trail uses a customer managed key with rotation and AWS's documented CloudTrail key policy", () => {
    // GIVEN / WHEN
    new CloudTrailAlarms(stack, 'Alarms', { trailName: 'org-trail', emailAddresses: ['a@example.com'] });
    const t = Template.fromStack(stack);
    // THEN
    const keys = t.findResources('AWS::KMS::Key');
    const trailKeyId = Object.keys(keys).find((k) => k.startsWith('AlarmsTrailKey'))!;
    expect(keys[trailKeyId].Properties.EnableKeyRotation).toBe(true);
    t.hasResourceProperties('AWS::CloudTrail::Trail', { KMSKeyId: { 'Fn::GetAtt': [trailKeyId, 'Arn'] }, TrailName: 'org-trail' });
    const policy = statements(t, 'AWS::KMS::Key', 'AlarmsTrailKey');
    expect(bySid(policy, 'AllowCloudTrailToEncryptLogFiles')).toEqual({
      Sid: 'AllowCloudTrailToEncryptLogFiles',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:GenerateDataKey*',
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceArn': TRAIL_ARN },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:111122223333:trail/*' },
      },
    });
    expect(bySid(policy, 'AllowCloudTrailToDescribeKey')).toMatchObject({
      Action: 'kms:DescribeKey',
      Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } },
    });
    expect(bySid(policy, 'AllowPrincipalsOfThisAccountToDecryptLogFiles')).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
      Condition: { StringEquals: { 'kms:CallerAccount': '111122223333' }, Null: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'false' } },
    });
  });

  test('trailKey brings your own key: no trail key is created', () => {
    const key = kms.Key.fromKeyArn(stack, 'Mine', 'arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555');
    new CloudTrailAlarms(stack, 'Alarms', { trailKey: key, emailAddresses: ['a@example.com'] });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CloudTrail::Trail', { KMSKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555' });
    expect(Object.keys(t.findResources('AWS::KMS::Key')).filter((k) => k.startsWith('AlarmsTrailKey'))).toEqual([]);
  });
});

describe('log group encryption', () => {
  test('the log group is KMS-encrypted; CloudWatch Logs of the Region may use the key for that log group only', () => {
    new CloudTrailAlarms(stack, 'Alarms', { trailName: 'org-trail', emailAddresses: ['a@example.com'] });
    const t = Template.fromStack(stack);
    // the stack's one key, which keeps the construct id of the trail key
    const keyId = Object.keys(t.findResources('AWS::KMS::Key')).find((k) => k.startsWith('AlarmsTrailKey'))!;
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: 'CloudTrail/org-trail', KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    expect(bySid(statements(t, 'AWS::KMS::Key', 'AlarmsTrailKey'), 'AllowCloudWatchLogsToUseTheKeyForTheTrailLogGroup')).toMatchObject({
      Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
      Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:eu-west-1:111122223333:log-group:CloudTrail/org-trail' } },
    });
  });
});

describe('one customer managed key for the stack (keyPerResource: one per resource)', () => {
  const kmsKeyOf = (r: any) => r.Properties.KMSKeyId ?? r.Properties.KmsKeyId ?? r.Properties.KmsMasterKeyId
    ?? r.Properties.BucketEncryption?.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.KMSMasterKeyID;
  /** Logical id of each encrypted resource -> logical id of its key. */
  function keysByResource(t: Template): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [id, r] of Object.entries<any>(t.toJSON().Resources)) {
      const k = kmsKeyOf(r);
      if (k?.['Fn::GetAtt']) out[id.replace(/[0-9A-F]{8}$/, '')] = k['Fn::GetAtt'][0].replace(/[0-9A-F]{8}$/, '');
    }
    return out;
  }

  test('by default one key, with rotation, encrypts the trail, bucket, log group, both topics and the notifier', () => {
    // GIVEN / WHEN
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { trailName: 'org-trail', emailAddresses: ['a@example.com'] });
    const t = Template.fromStack(stack);
    // THEN the key keeps the construct id of the trail key, so that a stack deployed with four keys keeps that one
    t.resourceCountIs('AWS::KMS::Key', 1);
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    expect(keysByResource(t)).toEqual({
      AlarmsTrail: 'AlarmsTrailKey',
      AlarmsTrailBucket: 'AlarmsTrailKey',
      AlarmsTrailLogGroup: 'AlarmsTrailKey',
      AlarmsTopic: 'AlarmsTrailKey',
      AlarmsNotificationTopic: 'AlarmsTrailKey',
      AlarmsNotifierDeadLetterQueue: 'AlarmsTrailKey',
      AlarmsNotifierFunctionLogs: 'AlarmsTrailKey',
    });
    expect(alarms.encryptionKey).toBeDefined();
    expect([alarms.trailKey, alarms.logGroupKey, alarms.topicKey]).toEqual([alarms.encryptionKey, alarms.encryptionKey, alarms.encryptionKey]);
    // one statement per service, each with its own conditions
    const policy = statements(t, 'AWS::KMS::Key', 'AlarmsTrailKey');
    expect(policy.map((st) => st.Sid)).toEqual([
      undefined, // the account administers the key through IAM (CDK's default statement)
      'AllowCloudTrailToEncryptLogFiles',
      'AllowCloudTrailToDescribeKey',
      'AllowPrincipalsOfThisAccountToDecryptLogFiles',
      'AllowCloudWatchLogsToUseTheKeyForTheTrailLogGroup',
      'AllowCloudWatchAlarmsToUseTheKey',
      'AllowCloudWatchLogsForTheNotifierLogGroup',
      'AllowSnsToSendUndeliveredAlarmsToTheDeadLetterQueue',
    ]);
    const alarmsStatement = bySid(policy, 'AllowCloudWatchAlarmsToUseTheKey');
    expect(alarmsStatement.Principal).toEqual({ Service: 'cloudwatch.amazonaws.com' });
    expect(alarmsStatement.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    expect(JSON.stringify(alarmsStatement.Condition.ArnLike['aws:SourceArn'])).toMatch(/:alarm:\*"/);
    // the alarm topic, named by the ARN its fixed name gives (a reference would make the key depend on the topic)
    expect(bySid(policy, 'AllowSnsToSendUndeliveredAlarmsToTheDeadLetterQueue').Condition).toEqual({
      ArnEquals: { 'aws:SourceArn': [`arn:aws:sns:eu-west-1:111122223333:${alarms.alarmNamePrefix}-alarms`] },
    });
    // the notifier's log group has a generated name: CloudWatch Logs of this account and Region, as its own key had
    const notifierLogs = bySid(policy, 'AllowCloudWatchLogsForTheNotifierLogGroup');
    expect(Object.keys(notifierLogs.Condition.ArnLike)).toEqual(['kms:EncryptionContext:aws:logs:arn']);
    expect(JSON.stringify(notifierLogs.Condition.ArnLike)).toMatch(/:log-group:\*"/);
  });

  test('with realTime the one key also admits the detection rules of this account and Region', () => {
    new CloudTrailAlarms(stack, 'Alarms', { realTime: true, emailAddresses: ['a@example.com'] });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::KMS::Key', 1);
    expect(keysByResource(t).AlarmsNotifierRealTimeQueue).toBe('AlarmsTrailKey');
    expect(bySid(statements(t, 'AWS::KMS::Key', 'AlarmsTrailKey'), 'AllowTheDetectionRulesToUseTheQueueKey').Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '111122223333' },
      ArnLike: { 'aws:SourceArn': 'arn:aws:events:eu-west-1:111122223333:rule/*' },
    });
  });

  test('keyPerResource: the four keys of before, with their construct ids, each with only its own statements', () => {
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { keyPerResource: true, emailAddresses: ['a@example.com'] });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::KMS::Key', 4);
    expect(keysByResource(t)).toEqual({
      AlarmsTrail: 'AlarmsTrailKey',
      AlarmsTrailBucket: 'AlarmsTrailKey',
      AlarmsTrailLogGroup: 'AlarmsTrailLogGroupKey',
      AlarmsTopic: 'AlarmsTopicKey',
      AlarmsNotificationTopic: 'AlarmsTopicKey',
      AlarmsNotifierDeadLetterQueue: 'AlarmsNotifierKey',
      AlarmsNotifierFunctionLogs: 'AlarmsNotifierKey',
    });
    expect(statements(t, 'AWS::KMS::Key', 'AlarmsTrailLogGroupKey').map((st) => st.Sid)).toEqual([undefined, 'AllowCloudWatchLogsToUseTheKeyForTheTrailLogGroup']);
    expect(statements(t, 'AWS::KMS::Key', 'AlarmsTopicKey').map((st) => st.Sid)).toEqual([undefined, 'AllowCloudWatchAlarmsToUseTheKey']);
    expect(alarms.encryptionKey).toBeUndefined();
    expect(new Set([alarms.trailKey, alarms.logGroupKey, alarms.topicKey]).size).toBe(3);
  });

  test('trailKey given: the trail uses it, the one key (named after the log group key it stands for) encrypts the rest', () => {
    const mine = kms.Key.fromKeyArn(stack, 'Mine', 'arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555');
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { trailKey: mine, emailAddresses: ['a@example.com'] });
    const t = Template.fromStack(stack);
    expect(Object.keys(t.findResources('AWS::KMS::Key')).map((k) => k.replace(/[0-9A-F]{8}$/, ''))).toEqual(['AlarmsTrailLogGroupKey']);
    t.hasResourceProperties('AWS::CloudTrail::Trail', { KMSKeyId: mine.keyArn });
    expect(alarms.trailKey).toBe(mine);
    expect(alarms.topicKey).toBe(alarms.encryptionKey);
    // no CloudTrail statement on a key that encrypts no trail
    expect(statements(t, 'AWS::KMS::Key', 'AlarmsTrailLogGroupKey').map((st) => st.Sid)).not.toContain('AllowCloudTrailToEncryptLogFiles');
  });

  test('an existing trail and people\'s topic: one key, for the alarm topic and the notifier', () => {
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Existing', 'CloudTrail/DefaultLogGroup');
    const paging = sns.Topic.fromTopicArn(stack, 'Paging', 'arn:aws:sns:eu-west-1:111122223333:paging');
    new CloudTrailAlarms(stack, 'Alarms', { logGroup, notificationTopic: paging });
    const t = Template.fromStack(stack);
    expect(Object.keys(t.findResources('AWS::KMS::Key')).map((k) => k.replace(/[0-9A-F]{8}$/, ''))).toEqual(['AlarmsTopicKey']);
    expect(keysByResource(t)).toEqual({ AlarmsTopic: 'AlarmsTopicKey', AlarmsNotifierDeadLetterQueue: 'AlarmsTopicKey', AlarmsNotifierFunctionLogs: 'AlarmsTopicKey' });
  });

  test('nothing to encrypt but the notifier: the notifier keeps a key of its own', () => {
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Existing', 'CloudTrail/DefaultLogGroup');
    const topic = sns.Topic.fromTopicArn(stack, 'Alarm', 'arn:aws:sns:eu-west-1:111122223333:alarms');
    const paging = sns.Topic.fromTopicArn(stack, 'Paging', 'arn:aws:sns:eu-west-1:111122223333:paging');
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { logGroup, topic, notificationTopic: paging });
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::KMS::Key')).map((k) => k.replace(/[0-9A-F]{8}$/, ''))).toEqual(['AlarmsNotifierKey']);
    expect(alarms.encryptionKey).toBeUndefined();
  });
});

describe('bucket policies and delivery role: confused-deputy protection', () => {
  test("the trail bucket's CloudTrail statements carry aws:SourceArn of this trail", () => {
    new CloudTrailAlarms(stack, 'Alarms', { trailName: 'org-trail', emailAddresses: ['a@example.com'] });
    const t = Template.fromStack(stack);
    const policy = statements(t, 'AWS::S3::BucketPolicy', 'AlarmsTrailBucketPolicy');
    const cloudTrail = policy.filter((s) => s.Principal?.Service === 'cloudtrail.amazonaws.com');
    expect(cloudTrail.map((s) => s.Sid)).toEqual(['AWSCloudTrailAclCheck', 'AWSCloudTrailWrite']);
    for (const s of cloudTrail) expect(s.Condition.StringEquals['aws:SourceArn']).toBe(TRAIL_ARN);
    expect(bySid(policy, 'AWSCloudTrailWrite').Condition.StringEquals['s3:x-amz-acl']).toBe('bucket-owner-full-control');
  });

  test('CloudTrail delivers to CloudWatch Logs through a role limited to this trail, with a managed (not inline) policy', () => {
    new CloudTrailAlarms(stack, 'Alarms', { trailName: 'org-trail', emailAddresses: ['a@example.com'] });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::IAM::Policy', 0);
    const roles = Object.values(t.findResources('AWS::IAM::Role')).map((r: any) => flat(r.Properties.AssumeRolePolicyDocument.Statement));
    expect(roles).toContainEqual([expect.objectContaining({ Principal: { Service: 'cloudtrail.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } } })]);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] })] },
    });
  });
});

describe('buckets: versioning and lifecycle', () => {
  test('both buckets are versioned with the README default lifecycle rules', () => {
    new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['a@example.com'] });
    const t = Template.fromStack(stack);
    const buckets = t.findResources('AWS::S3::Bucket');
    const of = (prefix: string) => Object.entries(buckets).find(([id]) => id.startsWith(prefix))![1] as any;
    const logsBucket = of('AlarmsTrailAccessLogsBucket');
    const trailBucket = of('AlarmsTrailBucket');
    expect(logsBucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(trailBucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(logsBucket.Properties.LifecycleConfiguration.Rules).toEqual([
      { Id: 'ExpireAccessLogs', Status: 'Enabled', ExpirationInDays: 365, NoncurrentVersionExpiration: { NoncurrentDays: 30 } },
      { Id: 'AbortIncompleteUploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
    ]);
    expect(trailBucket.Properties.LifecycleConfiguration.Rules).toEqual([
      { Id: 'ExpireNoncurrentVersions', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 90 } },
      { Id: 'AbortIncompleteUploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
    ]);
  });

  test('lifecycle rules are overridable; [] removes them', () => {
    new CloudTrailAlarms(stack, 'Alarms', {
      emailAddresses: ['a@example.com'],
      trailBucketLifecycleRules: [{ id: 'KeepSevenYears', expiration: Duration.days(2557) }],
      accessLogsBucketLifecycleRules: [],
    });
    const buckets = Template.fromStack(stack).findResources('AWS::S3::Bucket');
    const of = (prefix: string) => Object.entries(buckets).find(([id]) => id.startsWith(prefix))![1] as any;
    expect(of('AlarmsTrailBucket').Properties.LifecycleConfiguration.Rules).toEqual([{ Id: 'KeepSevenYears', Status: 'Enabled', ExpirationInDays: 2557 }]);
    expect(of('AlarmsTrailAccessLogsBucket').Properties.LifecycleConfiguration).toBeUndefined();
  });
});

describe('organization trail', () => {
  test('organizationTrail creates an organization trail whose bucket accepts the organization path, still limited to this trail', () => {
    new CloudTrailAlarms(stack, 'Alarms', { trailName: 'org-trail', organizationTrail: true, organizationId: 'o-a1b2c3d4e5', emailAddresses: ['a@example.com'] });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CloudTrail::Trail', { IsOrganizationTrail: true, IsMultiRegionTrail: true });
    const write = bySid(statements(t, 'AWS::S3::BucketPolicy', 'AlarmsTrailBucketPolicy'), 'AWSCloudTrailWrite');
    expect(JSON.stringify(write.Resource)).toMatch(/\/AWSLogs\/111122223333\/\*.*\/AWSLogs\/o-a1b2c3d4e5\/\*/);
    expect(write.Condition.StringEquals['aws:SourceArn']).toBe(TRAIL_ARN);
  });

  test('from a delegated administrator: the trail ARN in the policies names the management account', () => {
    new CloudTrailAlarms(stack, 'Alarms', {
      trailName: 'org-trail',
      organizationTrail: true,
      organizationManagementAccountId: '999988887777',
      emailAddresses: ['a@example.com'],
    });
    const t = Template.fromStack(stack);
    const encrypt = bySid(statements(t, 'AWS::KMS::Key', 'AlarmsTrailKey'), 'AllowCloudTrailToEncryptLogFiles');
    expect(encrypt.Condition.StringEquals['aws:SourceArn']).toBe('arn:aws:cloudtrail:eu-west-1:999988887777:trail/org-trail');
    const write = bySid(statements(t, 'AWS::S3::BucketPolicy', 'AlarmsTrailBucketPolicy'), 'AWSCloudTrailWrite');
    expect(JSON.stringify(write.Resource)).toMatch(/AWSLogs\/o-\*\/\*/);
  });

  test('a plain trail is not an organization trail', () => {
    new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['a@example.com'] });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudTrail::Trail', { IsOrganizationTrail: Match.absent() });
  });

  test.each([
    [{ organizationId: 'o-a1b2c3d4e5' }, /`organizationId` only applies with `organizationTrail: true`, got 'o-a1b2c3d4e5'/],
    [{ organizationTrail: true, organizationId: 'org1' }, /`organizationId` must be an organization id such as 'o-a1b2c3d4e5', got 'org1'/],
    [{ organizationTrail: true, organizationManagementAccountId: '12' }, /`organizationManagementAccountId` must be a 12-digit account id, got '12'/],
    [{ trailName: 'a b' }, /`trailName` must be 3-128 letters, digits, periods, underscores and dashes, .*got 'a b'/],
    [{ logGroupName: 'has space' }, /`logGroupName` must be 1-512 characters among letters, digits and \. - _ \/ #, got 'has space'/],
  ])('fails: %j', (props, message) => {
    expect(() => new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['a@example.com'], ...props })).toThrow(message);
  });

  test('fails if organizationTrail is given with an existing log group', () => {
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Existing', 'x');
    expect(() => new CloudTrailAlarms(stack, 'Alarms', { logGroup, organizationTrail: true })).toThrow(
      /`organizationTrail` only applies to the trail, buckets, keys and log group this construct creates/,
    );
  });
});
