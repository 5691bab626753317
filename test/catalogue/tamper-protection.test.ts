import * as fs from 'fs';
import * as path from 'path';
import { DetectionCatalogue, DetectionId, DetectionProfile } from '../../lib';
import { FIXTURES } from '../../lib/catalogue/fixtures';
import { applyTamperScope, scopeTamperPattern, TAMPER_DETECTION_IDS, TamperScope } from '../../lib/catalogue/tamper-scope';
import { compile, parse } from '../../lib/pattern';
import { toEventPattern } from '../../lib/targets/eventbridge';

const CORPUS = '/work/shared/fixtures/cloudtrail/corpus/events';

function corpusRecord(file: string, line: number): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(CORPUS, file), 'utf8').split('\n')[line - 1]);
}

const matches = (pattern: string, record: Record<string, unknown>) => compile(parse(pattern)).matchesParsed(record);
const unscoped = (id: DetectionId) => DetectionCatalogue.get(id, DetectionProfile.TAMPER_PROTECTION).pattern;

describe('tamper-protection detections', () => {
  test('the set: one detection per pipeline component, all in recommended, unscoped in the catalogue', () => {
    expect(DetectionProfile.TAMPER_PROTECTION.detectionIds).toEqual([
      'trail-tampering', 'log-group-tampering', 'alarm-tampering', 'topic-tampering', 'key-tampering', 'notifier-tampering',
    ]);
    expect(DetectionProfile.RECOMMENDED.detectionIds).toEqual(expect.arrayContaining(DetectionProfile.TAMPER_PROTECTION.detectionIds));
    for (const d of DetectionCatalogue.list(DetectionProfile.TAMPER_PROTECTION)) {
      expect(d.severity).toBe('HIGH');
      expect(d.patternSource).toBe('tamperProtection');
      expect(d.pattern).not.toMatch(/requestParameters/);
    }
  });

  test('event names and sources as AWS documents them (CloudWatch is monitoring.amazonaws.com; Lambda names are versioned)', () => {
    const names = (id: DetectionId) => [...unscoped(id).matchAll(/\$\.eventName = "?([A-Za-z0-9*]+)"?\)/g)].map((m) => m[1]);
    const source = (id: DetectionId) => /\$\.eventSource = ([a-z.]+)\)/.exec(unscoped(id))![1];
    expect([source(DetectionId.TRAIL_TAMPERING), names(DetectionId.TRAIL_TAMPERING)]).toEqual(['cloudtrail.amazonaws.com', ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors']]);
    expect([source(DetectionId.LOG_GROUP_TAMPERING), names(DetectionId.LOG_GROUP_TAMPERING)]).toEqual([
      'logs.amazonaws.com', ['DeleteLogGroup', 'DeleteMetricFilter', 'PutMetricFilter', 'PutRetentionPolicy', 'DisassociateKmsKey'],
    ]);
    expect([source(DetectionId.ALARM_TAMPERING), names(DetectionId.ALARM_TAMPERING)]).toEqual([
      'monitoring.amazonaws.com', ['DeleteAlarms', 'DisableAlarmActions', 'PutMetricAlarm', 'SetAlarmState'],
    ]);
    expect([source(DetectionId.TOPIC_TAMPERING), names(DetectionId.TOPIC_TAMPERING)]).toEqual(['sns.amazonaws.com', ['DeleteTopic', 'Unsubscribe', 'SetTopicAttributes', 'RemovePermission']]);
    expect([source(DetectionId.KEY_TAMPERING), names(DetectionId.KEY_TAMPERING)]).toEqual(['kms.amazonaws.com', ['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy']]);
    expect(source(DetectionId.NOTIFIER_TAMPERING)).toBe('lambda.amazonaws.com');
    const lambda = unscoped(DetectionId.NOTIFIER_TAMPERING);
    for (const name of ['DeleteFunction20150331', 'UpdateFunctionCode20150331v2', 'UpdateFunctionCode20150331', 'UpdateFunctionConfiguration20150331v2', 'RemovePermission20150331v2', 'DeleteFunction']) {
      expect([name, matches(lambda, { eventSource: 'lambda.amazonaws.com', eventName: name })]).toEqual([name, true]);
    }
    for (const name of ['DeleteFunctionConcurrency20171031', 'DeleteFunctionUrlConfig20211031', 'UpdateFunctionEventInvokeConfig20190925', 'AddPermission20150331v2']) {
      expect([name, matches(lambda, { eventSource: 'lambda.amazonaws.com', eventName: name })]).toEqual([name, false]);
    }
  });

  // real records from the shared corpus (Stratus Red Team detonations, Panther rule tests); none exists for CloudWatch
  // Logs, alarms or SNS (Stratus has no technique against them), so those rely on the written fixtures
  test.each([
    [DetectionId.TRAIL_TAMPERING, 'stratus-red-team/aws.defense-evasion.cloudtrail-stop.jsonl', 1, true],
    [DetectionId.TRAIL_TAMPERING, 'stratus-red-team/aws.defense-evasion.cloudtrail-delete.jsonl', 1, true],
    [DetectionId.TRAIL_TAMPERING, 'stratus-red-team/aws.defense-evasion.cloudtrail-event-selectors.jsonl', 1, true],
    [DetectionId.TRAIL_TAMPERING, 'panther-analysis/aws_cloudtrail_stopped.jsonl', 1, true],
    [DetectionId.TRAIL_TAMPERING, 'panther-analysis/aws_vpce_sensitive_api_calls.jsonl', 1, true],
    [DetectionId.TRAIL_TAMPERING, 'aws-cloudtrail-user-guide/doc_examples.jsonl', 16, true],
    [DetectionId.KEY_TAMPERING, 'panther-analysis/aws_kms_cmk_loss.jsonl', 1, true],
    [DetectionId.KEY_TAMPERING, 'panther-analysis/aws_kms_cmk_loss.jsonl', 2, true],
    [DetectionId.KEY_TAMPERING, 'panther-analysis/aws_resource_made_public.jsonl', 14, true],
    [DetectionId.NOTIFIER_TAMPERING, 'stratus-red-team/aws.persistence.lambda-overwrite-code.jsonl', 1, true],
    [DetectionId.NOTIFIER_TAMPERING, 'stratus-red-team/aws.persistence.lambda-layer-extension.jsonl', 1, true],
    [DetectionId.NOTIFIER_TAMPERING, 'panther-analysis/aws_overwrite_lambda_code.jsonl', 2, true],
    [DetectionId.NOTIFIER_TAMPERING, 'panther-analysis/aws_lambda_crud.jsonl', 1, true],
    [DetectionId.NOTIFIER_TAMPERING, 'panther-analysis/aws_backdoor_lambda_function.jsonl', 3, true],
    [DetectionId.NOTIFIER_TAMPERING, 'panther-analysis/aws_cloudtrail_useraccesskeyauth.jsonl', 1, false],
  ] as const)('%s on %s:%d matches: %s', (id, file, line, expected) => {
    expect(matches(unscoped(id), corpusRecord(file, line))).toBe(expected);
  });

  test('no tamper detection fires on the corpus records of unrelated services', () => {
    const names = new Set<string>();
    for (const dir of fs.readdirSync(CORPUS)) {
      for (const f of fs.readdirSync(path.join(CORPUS, dir))) {
        for (const line of fs.readFileSync(path.join(CORPUS, dir, f), 'utf8').split('\n').filter((l) => l.trim())) {
          const r = JSON.parse(line) as Record<string, unknown>;
          for (const id of TAMPER_DETECTION_IDS) if (matches(unscoped(id), r)) names.add(`${id}:${r.eventSource}:${r.eventName}`);
        }
      }
    }
    // every hit is one of the listed event names on the listed source
    expect([...names].sort()).toEqual([
      'key-tampering:kms.amazonaws.com:DisableKey',
      'key-tampering:kms.amazonaws.com:PutKeyPolicy',
      'key-tampering:kms.amazonaws.com:ScheduleKeyDeletion',
      'notifier-tampering:lambda.amazonaws.com:DeleteFunction',
      'notifier-tampering:lambda.amazonaws.com:RemovePermission',
      'notifier-tampering:lambda.amazonaws.com:UpdateFunctionCode20150331',
      'notifier-tampering:lambda.amazonaws.com:UpdateFunctionCode20150331v2',
      'notifier-tampering:lambda.amazonaws.com:UpdateFunctionConfiguration20150331v2',
      'trail-tampering:cloudtrail.amazonaws.com:DeleteTrail',
      'trail-tampering:cloudtrail.amazonaws.com:PutEventSelectors',
      'trail-tampering:cloudtrail.amazonaws.com:StopLogging',
      'trail-tampering:cloudtrail.amazonaws.com:UpdateTrail',
    ]);
  });
});

describe('scopeTamperPattern: limited to this deployment\'s resources', () => {
  const ACCOUNT = '111122223333';
  const SCOPE: TamperScope = {
    trailNames: ['alarms-trail'],
    trailArns: [`arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/alarms-trail`],
    logGroupNames: ['CloudTrail/alarms'],
    logGroupArns: [`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:CloudTrail/alarms:*`],
    alarmNames: ['Alarms-RootAccountUsage'],
    alarmNamePrefixes: ['Alarms-'],
    topicArns: [`arn:aws:sns:us-east-1:${ACCOUNT}:alarms-high`],
    keyArns: [`arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`],
    functionNames: ['alarms-notifier'],
    functionArns: [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:alarms-notifier`],
  };
  const rec = (eventSource: string, eventName: string, requestParameters: Record<string, unknown>) => ({ eventSource, eventName, requestParameters });

  test.each([
    // [detection, record, own resource?]
    [DetectionId.TRAIL_TAMPERING, rec('cloudtrail.amazonaws.com', 'StopLogging', { name: 'alarms-trail' }), true],
    [DetectionId.TRAIL_TAMPERING, rec('cloudtrail.amazonaws.com', 'DeleteTrail', { name: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/alarms-trail` }), true],
    [DetectionId.TRAIL_TAMPERING, rec('cloudtrail.amazonaws.com', 'PutEventSelectors', { trailName: 'alarms-trail' }), true],
    [DetectionId.TRAIL_TAMPERING, rec('cloudtrail.amazonaws.com', 'StopLogging', { name: 'alarms-trail-2' }), false],
    [DetectionId.TRAIL_TAMPERING, rec('cloudtrail.amazonaws.com', 'StartLogging', { name: 'alarms-trail' }), false],
    [DetectionId.LOG_GROUP_TAMPERING, rec('logs.amazonaws.com', 'PutMetricFilter', { logGroupName: 'CloudTrail/alarms', filterName: 'x' }), true],
    [DetectionId.LOG_GROUP_TAMPERING, rec('logs.amazonaws.com', 'DisassociateKmsKey', { resourceIdentifier: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:CloudTrail/alarms` }), true],
    [DetectionId.LOG_GROUP_TAMPERING, rec('logs.amazonaws.com', 'DeleteLogGroup', { logGroupName: '/aws/lambda/app' }), false],
    [DetectionId.ALARM_TAMPERING, rec('monitoring.amazonaws.com', 'SetAlarmState', { alarmName: 'Alarms-RootAccountUsage', stateValue: 'OK' }), true],
    [DetectionId.ALARM_TAMPERING, rec('monitoring.amazonaws.com', 'PutMetricAlarm', { alarmName: 'Alarms-IAMPolicyChanges' }), true],
    [DetectionId.ALARM_TAMPERING, rec('monitoring.amazonaws.com', 'DeleteAlarms', { alarmNames: ['app-latency', 'Alarms-CloudTrailChanges'] }), true],
    [DetectionId.ALARM_TAMPERING, rec('monitoring.amazonaws.com', 'DeleteAlarms', { alarmNames: ['app-latency', 'app-errors'] }), false],
    [DetectionId.ALARM_TAMPERING, rec('monitoring.amazonaws.com', 'PutMetricAlarm', { alarmName: 'app-latency' }), false],
    [DetectionId.ALARM_TAMPERING, rec('monitoring.amazonaws.com', 'EnableAlarmActions', { alarmNames: ['Alarms-RootAccountUsage'] }), false],
    [DetectionId.TOPIC_TAMPERING, rec('sns.amazonaws.com', 'SetTopicAttributes', { topicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:alarms-high`, attributeName: 'Policy' }), true],
    [DetectionId.TOPIC_TAMPERING, rec('sns.amazonaws.com', 'Unsubscribe', { subscriptionArn: `arn:aws:sns:us-east-1:${ACCOUNT}:alarms-high:0b9c3c6e-1234` }), true],
    [DetectionId.TOPIC_TAMPERING, rec('sns.amazonaws.com', 'Unsubscribe', { subscriptionArn: `arn:aws:sns:us-east-1:${ACCOUNT}:alarms-high-2:0b9c3c6e-1234` }), false],
    [DetectionId.TOPIC_TAMPERING, rec('sns.amazonaws.com', 'DeleteTopic', { topicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:orders` }), false],
    [DetectionId.KEY_TAMPERING, rec('kms.amazonaws.com', 'ScheduleKeyDeletion', { keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', pendingWindowInDays: 7 }), true],
    [DetectionId.KEY_TAMPERING, rec('kms.amazonaws.com', 'DisableKey', { keyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab` }), true],
    [DetectionId.KEY_TAMPERING, rec('kms.amazonaws.com', 'DisableKey', { keyId: 'ffffffff-12ab-34cd-56ef-1234567890ab' }), false],
    [DetectionId.NOTIFIER_TAMPERING, rec('lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', { functionName: 'alarms-notifier' }), true],
    [DetectionId.NOTIFIER_TAMPERING, rec('lambda.amazonaws.com', 'DeleteFunction20150331', { functionName: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:alarms-notifier:1` }), true],
    [DetectionId.NOTIFIER_TAMPERING, rec('lambda.amazonaws.com', 'RemovePermission20150331v2', { functionName: `${ACCOUNT}:function:alarms-notifier` }), true],
    [DetectionId.NOTIFIER_TAMPERING, rec('lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', { functionName: 'alarms-notifier-v2' }), false],
    [DetectionId.NOTIFIER_TAMPERING, rec('lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', { functionName: 'app' }), false],
  ] as const)('%s: %j -> %s', (id, record, own) => {
    const scoped = scopeTamperPattern(id, SCOPE);
    expect(scoped.warnings).toEqual([]);
    expect(matches(scoped.pattern, record)).toBe(own);
    // the unscoped catalogue pattern pages on every resource of the kind (when the event name is listed)
    if (!own && matches(unscoped(id), record)) expect(matches(scoped.pattern, record)).toBe(false);
    // and the scoped pattern has an exact EventBridge twin
    expect(toEventPattern(scoped.pattern).ok).toBe(true);
  });

  test('a scope never matches more than the unscoped pattern (every fixture of every tamper detection)', () => {
    for (const id of TAMPER_DETECTION_IDS) {
      const scoped = scopeTamperPattern(id, SCOPE).pattern;
      for (const f of FIXTURES[id]) if (matches(scoped, f.record)) expect(matches(unscoped(id), f.record)).toBe(true);
    }
  });

  test('more than three alarm names: DeleteAlarms/DisableAlarmActions stay unscoped, with a warning naming the fix', () => {
    const names = ['A-1', 'A-2', 'A-3', 'A-4'];
    const scoped = scopeTamperPattern(DetectionId.ALARM_TAMPERING, { alarmNames: names });
    expect(scoped.warnings).toEqual([expect.stringMatching(/DeleteAlarms and DisableAlarmActions stay unscoped: .*at most 3 wildcard selectors .* where 4 alarms were given\. Set an alarm name prefix/)]);
    expect(matches(scoped.pattern, rec('monitoring.amazonaws.com', 'DeleteAlarms', { alarmNames: ['other'] }))).toBe(true);
    expect(matches(scoped.pattern, rec('monitoring.amazonaws.com', 'PutMetricAlarm', { alarmName: 'other' }))).toBe(false);
    expect(matches(scoped.pattern, rec('monitoring.amazonaws.com', 'PutMetricAlarm', { alarmName: 'A-4' }))).toBe(true);
  });

  test('a scope too long for 1024 characters falls back to the unscoped pattern, with a warning', () => {
    const alarmNames = Array.from({ length: 30 }, (_, i) => `CloudTrailAlarms-Detection-${i}`);
    const scoped = scopeTamperPattern(DetectionId.ALARM_TAMPERING, { alarmNames });
    expect(scoped.pattern).toBe(unscoped(DetectionId.ALARM_TAMPERING));
    expect(scoped.warnings).toEqual([expect.stringMatching(/alarm-tampering stays unscoped: .* would be \d+ characters, and CloudWatch Logs accepts 1024\. .*alarm name prefix/)]);
  });

  test('CDK tokens stay opaque strings inside the pattern', () => {
    const scoped = scopeTamperPattern(DetectionId.TOPIC_TAMPERING, { topicArns: ['${Token[TOKEN.123]}'] });
    expect(scoped.pattern).toContain('($.requestParameters.topicArn = "${Token[TOKEN.123]}")');
    expect(scoped.pattern).toContain('($.requestParameters.subscriptionArn = "${Token[TOKEN.123]}:*")');
  });

  test('fails: not a tamper detection, no resource of the kind, a name with *', () => {
    expect(() => scopeTamperPattern('root-account-usage', SCOPE)).toThrow(/'root-account-usage' is not a tamper-protection detection\. Use one of: trail-tampering, /);
    expect(() => scopeTamperPattern(DetectionId.KEY_TAMPERING, { trailNames: ['t'] })).toThrow(/key-tampering: the scope names no resource \(set keyArns or keyIds\)/);
    expect(() => scopeTamperPattern(DetectionId.TRAIL_TAMPERING, { trailNames: ['trail*'] })).toThrow(/trail 'trail\*' contains '\*', which a filter pattern always reads as a wildcard/);
  });
});

describe('applyTamperScope (what the construct calls with its planned detections)', () => {
  const planned = DetectionCatalogue.list().map((d) => ({ id: d.id, pattern: d.pattern, threshold: d.threshold }));

  test('scopes the tamper detections, leaves the others and their other fields alone, warns where a kind has no resource', () => {
    const { detections, warnings } = applyTamperScope(planned, { trailNames: ['t'], logGroupNames: ['g'], alarmNamePrefixes: ['A-'], topicArns: ['arn:aws:sns:us-east-1:111122223333:x'], functionNames: ['n'] });
    expect(detections).toHaveLength(23);
    for (const [i, d] of detections.entries()) {
      expect(d.threshold).toBe(planned[i].threshold);
      if (!d.id.endsWith('-tampering')) expect(d.pattern).toBe(planned[i].pattern);
    }
    const byId = Object.fromEntries(detections.map((d) => [d.id, d.pattern]));
    expect(byId['trail-tampering']).toContain('($.requestParameters.name = "t")');
    expect(byId['alarm-tampering']).toContain('($.requestParameters.alarmNames[*] = "A-*")');
    // no key given: the key detection stays unscoped, and says so
    expect(byId['key-tampering']).toBe(unscoped(DetectionId.KEY_TAMPERING));
    expect(warnings).toEqual(['key-tampering: the scope names no resource (set keyArns or keyIds). It stays unscoped and pages on every such change in the account.']);
  });

  test('a tamper detection whose pattern was replaced is left as given, with a warning', () => {
    const custom = [{ id: 'trail-tampering', pattern: '{ $.eventName = StopLogging }' }];
    expect(applyTamperScope(custom, { trailNames: ['t'] })).toEqual({
      detections: custom,
      warnings: ["trail-tampering: its pattern is not the catalogue's, so it is left as given (not scoped)."],
    });
  });
});
