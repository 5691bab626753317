/**
 * `backtest --from-stack`: every detection of a template that can be replayed is replayed; a deploy-time value in a
 * pattern becomes a wildcard where that only widens the match, or the detection is listed as not replayed with the
 * reason; a filter without an alarm is counted only. Every example stack's template is accepted (exit 0 or 1).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { cloudTrailRecord } from 'cdk-cloudtrail-alarms/lib/catalogue/fixtures';
import { cli } from './helpers';
import * as basic from '../../../examples/basic';
import * as detectionAlarm from '../../../examples/detection-alarm';
import * as existingTrail from '../../../examples/existing-trail';
import * as organizationTrail from '../../../examples/organization-trail';
import * as recommended from '../../../examples/recommended';
import { readTemplateDetections, replayablePattern } from '../../src/commands/from-stack';

jest.setTimeout(120_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cta-from-stack-'));
function write(name: string, content: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const KEY_PATTERN = {
  'Fn::Join': ['', ['{ ($.eventSource = kms.amazonaws.com) && ($.eventName = DisableKey) && ($.requestParameters.keyId = "*', { Ref: 'TopicKey' }, '") }']],
};

function filter(pattern: unknown, metricName: string, extra: Record<string, unknown> = {}) {
  return {
    Type: 'AWS::Logs::MetricFilter',
    Properties: { FilterPattern: pattern, LogGroupName: { Ref: 'Group' }, MetricTransformations: [{ MetricName: metricName, MetricNamespace: 'Sec', MetricValue: '1' }] },
    ...extra,
  };
}
function alarm(metricName: string) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: { MetricName: metricName, Namespace: 'Sec', Statistic: 'Sum', Threshold: 1, Period: 300, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' },
  };
}

const RECORDS = [
  cloudTrailRecord({ eventSource: 'kms.amazonaws.com', eventName: 'DisableKey', eventTime: '2026-11-01T09:00:00Z', requestParameters: { keyId: 'arn:aws:kms:us-east-1:111122223333:key/k-1' } }),
  cloudTrailRecord({ eventSource: 'kms.amazonaws.com', eventName: 'DisableKey', eventTime: '2026-11-01T09:01:00Z', requestParameters: { keyId: 'k-2' } }),
  cloudTrailRecord({ eventName: 'DeleteTrail', eventSource: 'cloudtrail.amazonaws.com', eventTime: '2026-11-01T10:00:00Z' }),
];
const records = write('records.jsonl', RECORDS.map((r) => JSON.stringify(r)).join('\n'));

describe('the pattern replayed for a FilterPattern', () => {
  test('a literal pattern as it is', () => {
    const r = replayablePattern('{ $.eventName = "DeleteTrail" }', 'F.FilterPattern');
    expect('pattern' in r && [r.pattern.logPatternString, r.note]).toEqual(['{ $.eventName = "DeleteTrail" }', undefined]);
  });

  test("a join over a key id in an '=' string: the key id is the wildcard *, and the note says the replay is an upper bound", () => {
    const r = replayablePattern(KEY_PATTERN, 'F.FilterPattern');
    expect(r).toEqual({
      pattern: expect.objectContaining({
        logPatternString: '{ ($.eventSource = kms.amazonaws.com) && ($.eventName = DisableKey) && ($.requestParameters.keyId = "**") }',
      }),
      note: 'Ref TopicKey is known only at deploy time and replayed as the wildcard *, so the replay matches at least what the deployed filter matches (an upper bound)',
    });
  });

  test('several references, pseudo parameters and attributes are named once each', () => {
    const joined = {
      'Fn::Join': ['', ['{ ($.resources[0].ARN = "arn:aws:sns:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':x") || ($.x = "', { 'Fn::GetAtt': ['T', 'TopicName'] }, '") || ($.y = ', { Ref: 'AWS::Region' }, ') }']],
    };
    const r = replayablePattern(joined, 'F.FilterPattern');
    expect('pattern' in r && [r.pattern.logPatternString, r.note]).toEqual([
      '{ ($.resources[0].ARN = "arn:aws:sns:*:*:x") || ($.x = "*") || ($.y = *) }',
      'AWS::Region, AWS::AccountId, T.TopicName are known only at deploy time and replayed as the wildcard *, so the replay matches at least what the deployed filter matches (an upper bound)',
    ]);
  });

  test.each([
    [
      "in a string compared with '!='",
      { 'Fn::Join': ['', ['{ $.requestParameters.keyId != "', { Ref: 'K' }, '" }']] },
      "F.FilterPattern uses Ref K, known only at deploy time, outside a string compared with '=' in a JSON pattern, where a wildcard would not match at least what the deployed filter matches; pass the deployed pattern with --overrides",
    ],
    [
      'in a selector',
      { 'Fn::Join': ['', ['{ $.requestParameters.', { Ref: 'K' }, ' = "x" }']] },
      "F.FilterPattern uses Ref K, known only at deploy time, outside a string compared with '=' in a JSON pattern, where a wildcard would not match at least what the deployed filter matches; pass the deployed pattern with --overrides",
    ],
    [
      'in a term pattern',
      { 'Fn::Join': ['', ['ERROR ', { Ref: 'K' }]] },
      "F.FilterPattern uses Ref K, known only at deploy time, outside a string compared with '=' in a JSON pattern, where a wildcard would not match at least what the deployed filter matches; pass the deployed pattern with --overrides",
    ],
    [
      'a Fn::Sub',
      { 'Fn::Sub': '{ $.x = "${K}" }' },
      'F.FilterPattern is a Fn::Sub, a value CloudFormation computes at deploy time (not a join of text and references)',
    ],
    [
      'a parameter',
      { Ref: 'PatternParameter' },
      'F.FilterPattern is Ref PatternParameter, a value CloudFormation computes at deploy time (not a join of text and references)',
    ],
    ['a pattern that does not parse', '{ $.x = ', "F.FilterPattern is not a valid filter pattern: expected a value after '=', got the end of the pattern at position 8"],
  ])('fails to replay a deploy-time value %s, saying why', (_, pattern, reason) => {
    expect(replayablePattern(pattern, 'F.FilterPattern')).toEqual({ skip: reason });
  });
});

describe('backtest --from-stack', () => {
  const template = {
    Resources: {
      Group: { Type: 'AWS::Logs::LogGroup', Properties: {} },
      KeyTampering: filter(KEY_PATTERN, 'KeyTampering'),
      KeyTamperingAlarm: alarm('KeyTampering'),
      TrailChanges: filter('{ $.eventName = "DeleteTrail" }', 'TrailChanges'),
      Subbed: filter({ 'Fn::Sub': '{ $.x = "${K}" }' }, 'Subbed'),
      SubbedAlarm: alarm('Subbed'),
    },
  };

  test('reads what is replayed, counted only and not replayed', () => {
    const t = readTemplateDetections('t.json', template);
    expect(t.detections.map((d) => [d.id, d.pattern.logPatternString, d.countsOnly, d.note])).toEqual([
      [
        'KeyTampering',
        '{ ($.eventSource = kms.amazonaws.com) && ($.eventName = DisableKey) && ($.requestParameters.keyId = "**") }',
        undefined,
        'Ref TopicKey is known only at deploy time and replayed as the wildcard *, so the replay matches at least what the deployed filter matches (an upper bound)',
      ],
      ['TrailChanges', '{ $.eventName = "DeleteTrail" }', 'no AWS::CloudWatch::Alarm on Sec/TrailChanges in the template: matches counted per 5 minutes, no alarm replayed', undefined],
    ]);
    expect(t.notReplayed).toEqual([
      { id: 'Subbed', logicalId: 'Subbed', reason: 't.json: Subbed.FilterPattern is a Fn::Sub, a value CloudFormation computes at deploy time (not a join of text and references)' },
    ]);
  });

  test('the report: the approximated detection replayed, the filter without alarm counted, the rest named; exit 1', async () => {
    const file = write('mixed.template.json', template);
    const r = await cli(['backtest', records, '--from-stack', file]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('KeyTampering '))).toMatch(/^KeyTampering +MEDIUM +>=1\/5m 1of1 +2 +1 +5m +2  2026-11-01T09:00:00.000Z$/);
    expect(lines.find((l) => l.startsWith('TrailChanges '))).toMatch(/^TrailChanges +MEDIUM +counts only +1 +- +- +-  -$/);
    expect(lines.filter((l) => /^(approximated|counts only|not replayed):/.test(l))).toEqual([
      'approximated: KeyTampering: Ref TopicKey is known only at deploy time and replayed as the wildcard *, so the replay matches at least what the deployed filter matches (an upper bound)',
      'counts only: TrailChanges: no AWS::CloudWatch::Alarm on Sec/TrailChanges in the template: matches counted per 5 minutes, no alarm replayed',
      `not replayed: Subbed: ${file}: Subbed.FilterPattern is a Fn::Sub, a value CloudFormation computes at deploy time (not a join of text and references)`,
    ]);
  });

  test('--json: alarmReplayed false and no alarm settings for a filter counted only; notReplayed lists the rest', async () => {
    const file = write('mixed-json.template.json', template);
    const r = await cli(['backtest', records, '--from-stack', file, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    const trail = report.detections.find((d: { id: string }) => d.id === 'TrailChanges');
    expect(trail).toMatchObject({ alarmReplayed: false, matches: 1, alarmCount: 0, alarms: [], periodSeconds: 300 });
    expect(Object.keys(trail)).not.toContain('threshold');
    expect(report.detections.find((d: { id: string }) => d.id === 'KeyTampering')).toMatchObject({ alarmReplayed: true, threshold: 1, matches: 2 });
    expect(report.notReplayed.map((n: { id: string }) => n.id)).toEqual(['Subbed']);
  });

  test('a template with nothing left out exits 0', async () => {
    const { Group, KeyTampering, KeyTamperingAlarm } = template.Resources;
    const file = write('plain.template.json', { Resources: { Group, KeyTampering, KeyTamperingAlarm } });
    const r = await cli(['backtest', records, '--from-stack', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('approximated: KeyTampering:');
    expect(r.stdout).not.toContain('not replayed:');
  });

  test.each([
    ['{"Resources": {"Bad": null}}', "--from-stack: FILE: resource 'Bad' is null, not an object with a Type"],
    ['{"Resources": []}', '--from-stack: FILE is not a CloudFormation template: its Resources section is an array, not an object of resources'],
    ['{"Resources": {"F": {"Type": "AWS::Logs::MetricFilter", "Properties": "x"}}}', '--from-stack: FILE: resource \'F\' (AWS::Logs::MetricFilter) has Properties the string "x", not an object'],
    ['{"Resources": {"a\\nb\\u202e": null}}', "--from-stack: FILE: resource 'a\\u000ab\\u202e' is null, not an object with a Type"],
  ])('fails with exit 2 on %s, naming the file and the resource, without a stack trace', async (text, message) => {
    const file = write('bad.template.json', text);
    const r = await cli(['backtest', records, '--from-stack', file]);
    expect([r.code, r.stderr]).toEqual([2, `cloudtrail-alarms backtest: ${message.replace('FILE', file)}\n`]);
  });

  test('logical ids named like Object.prototype members are read as ids', async () => {
    const file = write(
      'proto.template.json',
      `{"Resources": {"__proto__": ${JSON.stringify(template.Resources.TrailChanges)}, "constructor": ${JSON.stringify(alarm('TrailChanges'))},
        "toString": ${JSON.stringify(template.Resources.Group)}}}`,
    );
    const r = await cli(['backtest', records, '--from-stack', file, '--json']);
    expect(r.code).toBe(0);
    const detections = JSON.parse(r.stdout).detections as Array<{ id: string; matches: number; alarmReplayed: boolean }>;
    expect(detections.map((d) => [d.id, d.matches, d.alarmReplayed])).toEqual([['TrailChanges', 1, true]]);
  });
});

describe('every example stack', () => {
  const apps: Array<[string, App]> = [
    ['basic', basic.buildApp(new App())],
    ['existing-trail', existingTrail.buildApp(new App())],
    ['recommended', recommended.buildApp(new App())],
    ['organization-trail', organizationTrail.buildApp(new App())],
    ['detection-alarm', detectionAlarm.buildApp(new App())],
  ];
  const stacks = apps.flatMap(([name, app]) =>
    app.node.children.filter((c): c is Stack => c instanceof Stack).map((s): [string, Stack] => [`${name}/${s.stackName}`, s]),
  );

  test.each(stacks)('%s: backtest --from-stack exits 0 or 1 (never 2) and names what it leaves out', async (name, stack) => {
    const file = write(`${name.replace('/', '-')}.template.json`, Template.fromStack(stack).toJSON());
    const r = await cli(['backtest', records, '--from-stack', file]);
    expect(r.stderr).not.toMatch(/cloudtrail-alarms backtest:/);
    expect([0, 1]).toContain(r.code);
    // a joined pattern (the key-tampering detection over the stack's keys) is replayed with a note, never dropped silently
    const doc = Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string; Properties: { FilterPattern?: unknown } }> };
    const joined = Object.entries(doc.Resources).filter(([, res]) => res.Type === 'AWS::Logs::MetricFilter' && typeof res.Properties.FilterPattern !== 'string');
    const notes = r.stdout.split('\n').filter((l) => /^(approximated|counts only|not replayed):/.test(l));
    expect(notes.length).toBeGreaterThanOrEqual(joined.length);
    expect(r.code).toBe(notes.some((l) => l.startsWith('not replayed:')) ? 1 : 0);
  });
});
