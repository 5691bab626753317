import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudTrailAlarms, DetectionId, DetectionProfile } from 'cdk-cloudtrail-alarms/lib';
import { detectionsFromTemplate, readSelectionFile, selectDetections } from '../../src/commands/selection';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cta-selection-'));
function write(name: string, content: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('CLI selection uses the one planner', () => {
  test('without tuning: the profile with the catalogue defaults (300 s, 1 period)', () => {
    const d = selectDetections('security-hub', ['root-account-usage']);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ id: 'root-account-usage', periodSeconds: 300, evaluationPeriods: 1, threshold: 1 });
  });

  test('--overrides FILE replays the tuning: period, evaluation periods, datapoints, threshold, comparison', () => {
    const file = write('tuning.json', {
      profile: 'aws-template',
      overrides: [
        { id: 'authorization-failures', threshold: 5, periodSeconds: 600, evaluationPeriods: 3, datapointsToAlarm: 2 },
        { id: 'root-account-usage', threshold: 2, comparisonOperator: 'GREATER_THAN_THRESHOLD' },
        { id: 'vpc-changes', enabled: false },
      ],
    });
    const d = selectDetections(undefined, undefined, { overridesFile: file });
    expect(d.find((x) => x.id === 'authorization-failures')).toMatchObject({ threshold: 5, periodSeconds: 600, evaluationPeriods: 3, datapointsToAlarm: 2 });
    // outside aws-template: turned on by its override (the fixed bug)
    expect(d.find((x) => x.id === 'root-account-usage')).toMatchObject({ threshold: 2, comparisonOperator: 'GreaterThanThreshold' });
    expect(d.map((x) => x.id)).not.toContain('vpc-changes');
  });

  test('an overrides file may be just the array', () => {
    const file = write('array.json', [{ id: 'vpc-changes', periodSeconds: 60 }]);
    expect(selectDetections(undefined, ['vpc-changes'], { overridesFile: file })[0].periodSeconds).toBe(60);
  });

  test.each([
    [{ overrides: [{ id: 'vpc-changes', period: 300 }] }, /overrides\[0\]\.period: give the period in seconds as "periodSeconds"/],
    [{ overrides: [{ id: 'vpc-changes', treshold: 3 }] }, /overrides\[0\]\.treshold is not a known property/],
    [{ overrides: [{ id: 'vpc-changes', threshold: '3' }] }, /overrides\[0\]\.threshold must be a number, got "3"/],
    [{ overrides: [{ id: 'vpc-changes', periodSeconds: 45 }] }, /`period` must be 10, 20 or 30 seconds or a multiple of 60 seconds .*got 45/],
    [{ overrides: [{ id: 'nope' }] }, /\[0\]\.id` must be a built-in detection id, got 'nope'/],
    [{ detections: [] }, /detections is not a selection property/],
  ])('fails with a usage error naming the property: %j', (content, message) => {
    const file = write('bad.json', content);
    expect(() => selectDetections(undefined, undefined, { overridesFile: file })).toThrow(message);
  });

  test('fails on a file that is not JSON, naming the file', () => {
    const file = write('broken.json', '{ nope');
    expect(() => selectDetections(undefined, undefined, { overridesFile: file })).toThrow(/--overrides: .*broken.json is not valid JSON/);
  });
});

describe('--from-stack replays a synthesized template as deployed', () => {
  function synth(): string {
    const stack = new Stack(new App(), 'Tuned');
    new CloudTrailAlarms(stack, 'SecurityAlarms', {
      profile: DetectionProfile.SECURITY_HUB,
      emailAddresses: ['a@example.com'],
      overrides: [
        { id: DetectionId.AUTHORIZATION_FAILURES, threshold: 7, period: Duration.minutes(15), evaluationPeriods: 4, datapointsToAlarm: 3 },
        { id: DetectionId.VPC_CHANGES, enabled: false },
      ],
    });
    return write('Tuned.template.json', Template.fromStack(stack).toJSON());
  }

  test("each filter's exact pattern with its alarm's settings", () => {
    const file = synth();
    const template = JSON.parse(fs.readFileSync(file, 'utf8'));
    const filters = Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::Logs::MetricFilter') as any[];
    // the notifier's own filter counts its log lines (on its function's log group): it is not a detection
    const notifierFilters = filters.filter((f) => f.Properties.MetricTransformations[0].MetricName === 'PublishFailures');
    expect(notifierFilters).toHaveLength(1);
    const detectionFilters = filters.filter((f) => !notifierFilters.includes(f));
    const d = detectionsFromTemplate(file);
    expect(d.map((x) => x.pattern.logPatternString).sort()).toEqual(detectionFilters.map((f) => f.Properties.FilterPattern).sort());
    expect(d.map((x) => x.pattern.logPatternString)).not.toContain('{ $.level = "ERROR" }');
    expect(d.map((x) => x.id)).not.toContain('vpc-changes');
    expect(d.find((x) => x.id === 'authorization-failures')).toMatchObject({
      threshold: 7,
      periodSeconds: 900,
      evaluationPeriods: 4,
      datapointsToAlarm: 3,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    });
  });

  test('names each filter by its construct path (as `cdk synth` writes it), even with a renamed metric', () => {
    const app = new App({ context: { 'aws:cdk:enable-path-metadata': true }, outdir: fs.mkdtempSync(path.join(dir, 'out-')) });
    const stack = new Stack(app, 'Renamed');
    new CloudTrailAlarms(stack, 'SecurityAlarms', {
      profile: DetectionProfile.SECURITY_HUB,
      emailAddresses: ['a@example.com'],
      overrides: [{ id: DetectionId.ROOT_ACCOUNT_USAGE, metricName: 'BreakGlassCount', threshold: 2 }],
    });
    const file = app.synth().getStackByName('Renamed').templateFullPath;
    const d = detectionsFromTemplate(file);
    expect(d.find((x) => x.metricName === 'BreakGlassCount')).toMatchObject({ id: 'root-account-usage', title: 'Root user activity', threshold: 2 });
    expect(d.map((x) => x.id).sort()).toEqual([...DetectionProfile.SECURITY_HUB.detectionIds].sort());
  });

  test('refuses to combine --from-stack with --overrides or --profile', () => {
    const file = synth();
    expect(() => selectDetections('recommended', undefined, { fromStack: file })).toThrow(/do not combine it with --profile or --overrides/);
  });

  test('fails on a value known only at deploy time, saying what to do', () => {
    const file = write('param.template.json', {
      Resources: {
        F: { Type: 'AWS::Logs::MetricFilter', Properties: { FilterPattern: '{ $.eventName = "X" }', MetricTransformations: [{ MetricName: 'M', MetricNamespace: 'N', MetricValue: '1' }] } },
        A: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'M', Namespace: 'N', Threshold: { Ref: 'T' }, Period: 300, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' } },
      },
    });
    expect(() => detectionsFromTemplate(file)).toThrow(/A\.Threshold is \{"Ref":"T"\}, not a literal number: .*pass --overrides with the deployed value instead/);
  });
});

describe('--overrides exclusions.assumedRootSessions', () => {
  function file(json: unknown): string {
    const p = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sel-')), 'overrides.json');
    fs.writeFileSync(p, JSON.stringify(json));
    return p;
  }
  test('is read as a boolean', () => {
    const s: any = readSelectionFile(file({ overrides: [{ id: 'root-account-usage', exclusions: { assumedRootSessions: true } }] }));
    expect(s.overrides[0].exclusions).toEqual({ assumedRootSessions: true });
  });
  test('anything but a boolean is refused by name', () => {
    expect(() => readSelectionFile(file({ overrides: [{ id: 'root-account-usage', exclusions: { assumedRootSessions: 'yes' } }] }))).toThrow(
      /exclusions\.assumedRootSessions must be true or false, got "yes"/,
    );
  });
});
