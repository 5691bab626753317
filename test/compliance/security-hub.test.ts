import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EXAMPLE_NAMES, exampleStack } from './examples';
import { CfnTemplate, CONTROLS, evaluateControls } from './security-hub-controls';

const template = (stack: Stack) => Template.fromStack(stack).toJSON() as CfnTemplate;

describe.each(EXAMPLE_NAMES)('example %s', (name) => {
  const results = evaluateControls(template(exampleStack(name)));
  test('no Security Hub control fails', () => {
    expect(results.filter((r) => r.status === 'FAILED')).toEqual([]);
  });
});

test('the examples that create a trail are evaluated for every control (none is skipped)', () => {
  const results = evaluateControls(template(exampleStack('basic')));
  const applied = new Set(results.filter((r) => r.status === 'PASSED').map((r) => r.control));
  expect([...applied].sort()).toEqual(Object.keys(CONTROLS).sort());
  // the trail bucket and its access-log bucket
  expect(results.filter((r) => r.control === 'S3.5')).toHaveLength(2);
  // the stack's one key (trail, log group, topics, notifier)
  expect(results.filter((r) => r.control === 'KMS.4').map((r) => [r.resource, r.status])).toEqual([[expect.stringMatching(/^SecurityAlarmsTrailKey/), 'PASSED']]);
});

test('an existing trail and topic: the trail controls do not apply, the alarm controls pass', () => {
  const results = evaluateControls(template(exampleStack('existingTrail')));
  expect(results.find((r) => r.control === 'CloudTrail.2')!.status).toBe('NOT_APPLICABLE');
  expect(results.filter((r) => r.control === 'CloudWatch.15').every((r) => r.status === 'PASSED')).toBe(true);
});

describe('each control fails what its rule rejects (the checks are not vacuous)', () => {
  // GIVEN a stack made the way the controls reject: CDK defaults without encryption, validation or logging
  const stack = new Stack(new App(), 'Weak');
  const bucket = new s3.Bucket(stack, 'Bucket', { blockPublicAccess: new s3.BlockPublicAccess({ blockPublicAcls: false }) });
  new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
  new cloudtrail.Trail(stack, 'Trail', {
    bucket,
    isMultiRegionTrail: false,
    enableFileValidation: false,
    managementEvents: cloudtrail.ReadWriteType.WRITE_ONLY,
  });
  new sns.Topic(stack, 'Topic');
  new cloudwatch.Alarm(stack, 'Alarm', {
    metric: new cloudwatch.Metric({ namespace: 'N', metricName: 'M' }),
    threshold: 1,
    evaluationPeriods: 1,
    actionsEnabled: false,
  });
  const failed = new Set(evaluateControls(template(stack)).filter((r) => r.status === 'FAILED').map((r) => r.control));

  test.each([
    'CloudTrail.1', 'CloudTrail.2', 'CloudTrail.4', 'CloudTrail.5', 'CloudTrail.6', 'CloudTrail.7',
    'S3.9', 'SNS.1', 'CloudWatch.15', 'CloudWatch.16', 'CloudWatch.17',
  ])('%s fails', (control) => {
    expect(failed.has(control)).toBe(true);
  });

  test('S3.5 fails on a bucket without the TLS-only statement, KMS.4 on a key without rotation', () => {
    const s = new Stack(new App(), 'Weak2');
    new s3.CfnBucket(s, 'Plain');
    new kms.Key(s, 'Key', { enableKeyRotation: false });
    const r = evaluateControls(template(s));
    expect(r.find((x) => x.control === 'S3.5')!.status).toBe('FAILED');
    expect(r.find((x) => x.control === 'KMS.4')!.status).toBe('FAILED');
  });
});
