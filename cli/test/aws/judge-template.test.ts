/** Template parsing and drift judgement on hand-built templates and snapshots. No moto. */
import { DetectionId } from 'cdk-cloudtrail-alarms/lib';
import { adaptFixtures, instanceTypesOf } from 'cdk-cloudtrail-alarms/lib/audit/judge-coverage';
import { judgeContext } from 'cdk-cloudtrail-alarms/lib/audit/judge-detections';
import { alarmDrift, judgeTemplate, patternDrift } from 'cdk-cloudtrail-alarms/lib/audit/judge-template';
import { DETECTION_METADATA_KEY, parseTemplate, resolveValue, stackNameOfFile, TemplateError } from 'cdk-cloudtrail-alarms/lib/audit/template';
import { ACCOUNT, alarm, emailTopic, filter, goodTrail, REGION, snapshot } from './snapshot-builder';

const ROOT = '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}';

interface TemplateOver {
  pattern?: string;
  metricName?: string;
  logGroup?: unknown;
  threshold?: number;
  metadata?: unknown;
  description?: string;
}

function template(over: TemplateOver = {}) {
  const metricName = over.metricName ?? 'RootAccountUsageEventCount';
  return {
    Resources: {
      Group: { Type: 'AWS::Logs::LogGroup', Properties: {} },
      Trail: { Type: 'AWS::CloudTrail::Trail', Properties: { CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': ['Group', 'Arn'] } } },
      FunctionLogs: { Type: 'AWS::Logs::LogGroup', Properties: {} },
      NotTrailFilter: {
        Type: 'AWS::Logs::MetricFilter',
        Properties: { FilterPattern: '{ $.level = "ERROR" }', LogGroupName: { Ref: 'FunctionLogs' }, MetricTransformations: [{ MetricName: 'Errors', MetricNamespace: 'App', MetricValue: '1' }] },
      },
      Topic: { Type: 'AWS::SNS::Topic', Properties: {} },
      Filter: {
        Type: 'AWS::Logs::MetricFilter',
        Metadata: over.metadata,
        Properties: {
          FilterPattern: over.pattern ?? ROOT,
          LogGroupName: over.logGroup ?? { Ref: 'Group' },
          MetricTransformations: [{ MetricName: metricName, MetricNamespace: 'CloudTrailMetrics', MetricValue: '1' }],
        },
      },
      Alarm: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          MetricName: metricName,
          Namespace: 'CloudTrailMetrics',
          Statistic: 'Sum',
          Threshold: over.threshold ?? 1,
          Period: 300,
          EvaluationPeriods: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [{ Ref: 'Topic' }],
          AlarmDescription: over.description ?? 'Root user activity. Something.',
        },
      },
    },
  };
}

describe('reading a template', () => {
  test('filters, alarms and references as logical ids; the detection by metric name', () => {
    const t = parseTemplate(template(), 'x.template.json', 'X');
    expect(t.filters).toEqual([
      expect.objectContaining({ logicalId: 'Filter', pattern: { literal: ROOT }, logGroup: { ref: 'Group' }, metricName: 'RootAccountUsageEventCount', detection: { id: 'root-account-usage', title: 'Root user activity', catalogue: 'root-account-usage' } }),
    ]);
    expect(t.alarms[0]).toMatchObject({ threshold: 1, alarmActions: [{ ref: 'Topic' }] });
    // a filter on a log group of the template that no trail of it delivers to is not a detection
    expect(t.ignoredFilters).toEqual(['NotTrailFilter']);
    expect(t.trails).toEqual([{ logicalId: 'Trail', logGroup: { ref: 'Group', attribute: 'Arn' } }]);
  });
  test("without a trail in the template, only filters on a Lambda function's log group are set aside", () => {
    const doc = template() as any;
    delete doc.Resources.Trail;
    expect(parseTemplate(doc, 'x').filters.map((f) => f.logicalId)).toEqual(['NotTrailFilter', 'Filter']);
    doc.Resources.Fn = { Type: 'AWS::Lambda::Function', Properties: { LoggingConfig: { LogGroup: { Ref: 'FunctionLogs' } } } };
    const t = parseTemplate(doc, 'x');
    expect([t.filters.map((f) => f.logicalId), t.ignoredFilters]).toEqual([['Filter'], ['NotTrailFilter']]);
  });

  test('a renamed metric is recognised by the alarm description; metadata wins over both', () => {
    expect(parseTemplate(template({ metricName: 'Renamed' }), 'x').filters[0].detection.id).toBe('root-account-usage');
    expect(parseTemplate(template({ metadata: { [DETECTION_METADATA_KEY]: 'vpc-changes' } }), 'x').filters[0].detection.id).toBe('vpc-changes');
    expect(parseTemplate(template({ metricName: 'Mine', description: 'My own thing. More.' }), 'x').filters[0].detection).toEqual({ id: 'Mine', title: 'My own thing' });
  });
  test('not a template: the error names the file', () => {
    expect(() => parseTemplate({ foo: 1 }, 'cdk.out/A.json')).toThrow('cdk.out/A.json is not a CloudFormation template: it has no Resources section');
  });
  test('stack names from cdk.out file names', () => {
    expect(stackNameOfFile('cdk.out/MyStack.template.json')).toBe('MyStack');
    expect(stackNameOfFile('template.yaml')).toBeUndefined();
  });
});

describe('drift', () => {
  test('byte-identical: nothing; same parse tree: pattern-reformatted; other meaning: pattern-drift with both strings and the fixtures that differ', () => {
    const fixtures = adaptFixtures(DetectionId.ROOT_ACCOUNT_USAGE, ROOT);
    expect(patternDrift('f', ROOT, ROOT, fixtures)).toBeUndefined();
    const spaced = ROOT.replace(/&&/g, ' && ');
    expect(patternDrift('f', ROOT, spaced, fixtures)).toEqual({ code: 'pattern-reformatted', message: `filter f: the stored pattern differs from the template's byte for byte but parses to the same pattern (template: ${JSON.stringify(ROOT)}; deployed: ${JSON.stringify(spaced)})` });
    const edited = '{ $.userIdentity.type = "Root" }';
    const d = patternDrift('f', ROOT, edited, fixtures)!;
    expect(d.code).toBe('pattern-drift');
    expect(d.message).toMatch(/^filter f: the deployed pattern is not the template's, a different meaning: the two disagree on fixture\(s\) 'root call made by an AWS service on its behalf \(invokedBy present\)', 'AwsServiceEvent attributed to root'/);
    expect(d.message).toContain(`deployed: ${JSON.stringify(edited)}`);
    expect(patternDrift('f', ROOT, '{ $.a = ', fixtures)!.message).toMatch(/a pattern the engine cannot parse/);
  });

  test('alarm-drift names each field that differs', () => {
    const exp = parseTemplate(template(), 'x').alarms[0];
    const topic = `arn:aws:sns:${REGION}:${ACCOUNT}:t`;
    expect(alarmDrift(exp, alarm('RootAccountUsageEventCount', [topic]), [topic])).toEqual([]);
    const drift = alarmDrift(exp, alarm('RootAccountUsageEventCount', [], { threshold: 3, period: 60, statistic: 'Average' }), [topic]);
    expect(drift).toEqual([
      { code: 'alarm-drift', message: `alarm RootAccountUsageEventCount-alarm (Alarm in the template) differs: statistic: template Sum, deployed Average; threshold: template 1, deployed 3; period: template 300, deployed 60; alarm actions: template has ${topic}, deployed (none)` },
    ]);
  });

  test('tuned large-instance types: fixtures follow the configured types', () => {
    const pattern = '{ ($.eventName = RunInstances) && (($.requestParameters.instanceType = *.8xlarge) || ($.requestParameters.instanceType = "*.metal")) }';
    expect(instanceTypesOf(pattern)).toEqual(['*.8xlarge', '*.metal']);
    const f = adaptFixtures(DetectionId.EC2_LARGE_INSTANCE_CHANGES, pattern);
    expect(f.find((x) => x.name === 'RunInstances c6i.4xlarge')!.matches).toBe(false);
    expect(f.find((x) => x.name === 'RunInstances m5.8xlarge')!.matches).toBe(true);
    expect(f.filter((x) => x.name.endsWith('(a configured type)')).map((x) => x.name)).toEqual(['RunInstances m5.8xlarge (a configured type)', 'RunInstances m5.metal (a configured type)']);
  });
});

describe('judging a template against a snapshot', () => {
  const topic = emailTopic('t', ['secops@example.com']);
  const physical = new Map([['Group', 'CloudTrail/Main'], ['Topic', topic.arn]]);
  const deployed = (pattern = ROOT) => snapshot({ filters: [filter('RootAccountUsageEventCount', pattern)], alarms: [alarm('RootAccountUsageEventCount', [topic.arn])], topics: { [topic.arn]: topic } });

  test('as deployed: covered; with the references resolved through the stack', () => {
    const [d] = judgeTemplate(judgeContext(deployed()), parseTemplate(template(), 'x'), { physical, region: REGION, account: ACCOUNT });
    expect(d).toMatchObject({ id: 'root-account-usage', verdict: 'covered', findings: [] });
  });

  test('threshold changed in the template: alarm-drift, partly', () => {
    const [d] = judgeTemplate(judgeContext(deployed()), parseTemplate(template({ threshold: 2 }), 'x'), { physical, region: REGION, account: ACCOUNT });
    expect([d.verdict, d.findings.map((f) => f.code)]).toEqual(['partly', ['alarm-drift']]);
  });

  test('nothing deployed: not-deployed, not covered', () => {
    const [d] = judgeTemplate(judgeContext(snapshot()), parseTemplate(template(), 'x'), { physical, region: REGION, account: ACCOUNT });
    expect(d.verdict).toBe('not covered');
    expect(d.findings).toEqual([{ code: 'not-deployed', message: 'metric filter Filter (publishing CloudTrailMetrics/RootAccountUsageEventCount on CloudTrail/Main) is not deployed' }]);
  });

  test("a template naming Control Tower's log group matches the suffixed group of newer landing zones", () => {
    const group = 'aws-controltower/CloudTrailLogs-abc';
    const s = snapshot({
      trails: [goodTrail({ logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${group}:*` })],
      filters: [filter('RootAccountUsageEventCount', ROOT, { logGroup: { region: REGION, name: group, account: ACCOUNT } })],
      alarms: [alarm('RootAccountUsageEventCount', [topic.arn])],
      topics: { [topic.arn]: topic },
    });
    const [d] = judgeTemplate(judgeContext(s), parseTemplate(template({ logGroup: 'aws-controltower/CloudTrailLogs' }), 'x'), { physical, region: REGION, account: ACCOUNT });
    expect(d).toMatchObject({ verdict: 'covered', evidence: { logGroup: group } });
  });
});

describe('a template is read by its own keys only', () => {
  // JSON text, so that "__proto__" is an own key as JSON.parse makes it (an object literal would set the prototype)
  const tricky = JSON.parse(`{
    "Resources": {
      "__proto__": { "Type": "AWS::Logs::LogGroup", "Properties": {} },
      "valueOf": { "Type": "AWS::Lambda::Function", "Properties": { "LoggingConfig": { "LogGroup": { "Ref": "__proto__" } } } },
      "isPrototypeOf": {
        "Type": "AWS::Logs::MetricFilter",
        "Properties": { "FilterPattern": "{ $.level = \\"ERROR\\" }", "LogGroupName": { "Ref": "__proto__" },
          "MetricTransformations": [{ "MetricName": "Errors", "MetricNamespace": "App", "MetricValue": "1" }] }
      },
      "constructor": { "Type": "AWS::Logs::LogGroup", "Properties": {} },
      "toString": { "Type": "AWS::CloudTrail::Trail", "Properties": { "CloudWatchLogsLogGroupArn": { "Fn::GetAtt": ["constructor", "Arn"] } } },
      "hasOwnProperty": {
        "Type": "AWS::Logs::MetricFilter",
        "Properties": { "FilterPattern": ${JSON.stringify(ROOT)}, "LogGroupName": { "Ref": "constructor" },
          "MetricTransformations": [{ "MetricName": "RootAccountUsageEventCount", "MetricNamespace": "CloudTrailMetrics", "MetricValue": "1" }] }
      },
      "propertyIsEnumerable": { "Type": "AWS::SNS::Topic", "Properties": {} },
      "toLocaleString": {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": { "MetricName": "RootAccountUsageEventCount", "Namespace": "CloudTrailMetrics", "Statistic": "Sum", "Threshold": 1,
          "Period": 300, "EvaluationPeriods": 1, "ComparisonOperator": "GreaterThanOrEqualToThreshold", "AlarmActions": [{ "Ref": "propertyIsEnumerable" }] }
      }
    }
  }`);

  test('logical ids named like Object.prototype members (__proto__, constructor, toString, ...) are ids like any other', () => {
    const t = parseTemplate(tricky, 'tricky.json');
    expect(t.filters.map((f) => f.logicalId)).toEqual(['hasOwnProperty']);
    // the filter on the function's log group "__proto__" is set aside, as for any other name
    expect(t.ignoredFilters).toEqual(['isPrototypeOf']);
    expect(t.trails).toEqual([{ logicalId: 'toString', logGroup: { ref: 'constructor', attribute: 'Arn' } }]);
    expect(t.types.get('__proto__')).toBe('AWS::Logs::LogGroup');
    expect(t.types.get('constructor')).toBe('AWS::Logs::LogGroup');
    expect(t.types.get('toLocaleString')).toBe('AWS::CloudWatch::Alarm');
    expect(t.types.get('hasOwnProperty')).toBe('AWS::Logs::MetricFilter');
    expect(t.types.has('valueOf')).toBe(true);
    expect(t.types.has('toJSON')).toBe(false);
  });

  test('an id the stack did not resolve stays unresolved, whatever its name', () => {
    const t = parseTemplate(tricky, 'tricky.json');
    expect(resolveValue({ ref: 'constructor' }, new Map(), t.types, REGION, ACCOUNT)).toBeUndefined();
    expect(resolveValue({ ref: 'toString', attribute: 'Arn' }, new Map(), t.types, REGION, ACCOUNT)).toBeUndefined();
    expect(resolveValue({ ref: '__proto__' }, new Map(), t.types, REGION, ACCOUNT)).toBeUndefined();
    expect(resolveValue({ ref: '__proto__' }, new Map([['__proto__', 'app/logs']]), t.types, REGION, ACCOUNT)).toBe('app/logs');
    expect(resolveValue({ ref: 'constructor', attribute: 'Arn' }, new Map([['constructor', 'CloudTrail/Main']]), t.types, REGION, ACCOUNT)).toBe(
      `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:CloudTrail/Main:*`,
    );
  });

  test('judged against a snapshot: covered through the resources named constructor and propertyIsEnumerable', () => {
    const topic = emailTopic('t', ['secops@example.com']);
    const s = snapshot({ filters: [filter('RootAccountUsageEventCount', ROOT)], alarms: [alarm('RootAccountUsageEventCount', [topic.arn])], topics: { [topic.arn]: topic } });
    const physical = new Map([['constructor', 'CloudTrail/Main'], ['propertyIsEnumerable', topic.arn]]);
    const judged = judgeTemplate(judgeContext(s), parseTemplate(tricky, 'tricky.json'), { physical, region: REGION, account: ACCOUNT });
    expect(judged.map((d) => [d.id, d.verdict, d.findings])).toEqual([['root-account-usage', 'covered', []]]);
    // with nothing resolved, "constructor" is not taken for Object's constructor: the filter is looked for on any trail's group
    const unresolved = judgeTemplate(judgeContext(s), parseTemplate(tricky, 'tricky.json'), { physical: new Map(), region: REGION, account: ACCOUNT });
    expect(unresolved.map((d) => d.id)).toEqual(['root-account-usage']);
  });

  test.each([
    ['{"Resources": {"Bad": null}}', "t.json: resource 'Bad' is null, not an object with a Type"],
    ['{"Resources": {"Bad": "AWS::SNS::Topic"}}', 't.json: resource \'Bad\' is the string "AWS::SNS::Topic", not an object with a Type'],
    ['{"Resources": {"Bad": [1]}}', "t.json: resource 'Bad' is an array, not an object with a Type"],
    ['{"Resources": {"Bad": {"Properties": {}}}}', "t.json: resource 'Bad' has no Type"],
    ['{"Resources": {"Bad": {"Type": 7}}}', "t.json: resource 'Bad' has Type the number 7, not a string"],
    ['{"Resources": {"Bad": {"Type": "AWS::SNS::Topic", "Properties": null}}}', "t.json: resource 'Bad' (AWS::SNS::Topic) has Properties null, not an object"],
    ['{"Resources": {"a\\nb": null}}', "t.json: resource 'a\nb' is null, not an object with a Type"],
    ['{"Resources": null}', 't.json is not a CloudFormation template: its Resources section is null, not an object of resources'],
    ['{"Resources": []}', 't.json is not a CloudFormation template: its Resources section is an array, not an object of resources'],
    ['{"Resources": 3}', 't.json is not a CloudFormation template: its Resources section is the number 3, not an object of resources'],
    ['[]', 't.json is not a CloudFormation template: the document is an array, not an object'],
    ['null', 't.json is not a CloudFormation template: the document is null, not an object'],
  ])('fails on %s, naming the template and the resource', (text, message) => {
    const doc: unknown = JSON.parse(text);
    expect(() => parseTemplate(doc, 't.json')).toThrow(TemplateError);
    expect(() => parseTemplate(doc, 't.json')).toThrow(message);
  });
});
