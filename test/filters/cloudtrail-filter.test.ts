import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CloudTrailFilter, LogFilterPattern, NumericComparison } from '../../lib';

describe('CloudTrailFilter', () => {
  test('eventName with several names renders an OR group', () => {
    expect(CloudTrailFilter.eventName('CreateTrail', 'DeleteTrail').logPatternString).toBe(
      '{ ($.eventName = "CreateTrail") || ($.eventName = "DeleteTrail") }',
    );
  });

  test('all() and any() combine and flatten', () => {
    const p = CloudTrailFilter.all(
      CloudTrailFilter.eventSource('kms.amazonaws.com'),
      CloudTrailFilter.eventName('DisableKey', 'ScheduleKeyDeletion'),
    );
    expect(p.logPatternString).toBe(
      '{ ($.eventSource = "kms.amazonaws.com") && (($.eventName = "DisableKey") || ($.eventName = "ScheduleKeyDeletion")) }',
    );
    expect(p.matches('{"eventSource":"kms.amazonaws.com","eventName":"DisableKey"}')).toBe(true);
    expect(p.matches('{"eventSource":"kms.amazonaws.com","eventName":"EnableKey"}')).toBe(false);
    expect(CloudTrailFilter.all(CloudTrailFilter.all(CloudTrailFilter.errorCode('A'), CloudTrailFilter.errorCode('B')), CloudTrailFilter.errorCode('C')).logPatternString)
      .toBe('{ ($.errorCode = "A") && ($.errorCode = "B") && ($.errorCode = "C") }');
  });

  test('exclude() renders the NOT EXISTS form and so keeps events that lack the field', () => {
    const ex = CloudTrailFilter.exclude('userIdentity.invokedBy', 'cloudformation.amazonaws.com', 'config.amazonaws.com');
    expect(ex.logPatternString).toBe(
      '{ ($.userIdentity.invokedBy NOT EXISTS) || (($.userIdentity.invokedBy != "cloudformation.amazonaws.com") && ($.userIdentity.invokedBy != "config.amazonaws.com")) }',
    );
    expect(ex.matches('{"userIdentity":{}}')).toBe(true);
    expect(ex.matches('{"userIdentity":{"invokedBy":"ec2.amazonaws.com"}}')).toBe(true);
    expect(ex.matches('{"userIdentity":{"invokedBy":"config.amazonaws.com"}}')).toBe(false);
    // the naive form silently drops events without the field
    expect(LogFilterPattern.parse('{ $.userIdentity.invokedBy != "config.amazonaws.com" }').matches('{"userIdentity":{}}')).toBe(false);
  });

  test('typed tests on any field', () => {
    const ev = '{"a":{"n":5,"t":true,"z":null},"requestParameters":{"instanceType":"m5.8xlarge"}}';
    expect(CloudTrailFilter.numberValue('a.n', NumericComparison.GREATER_THAN, 4).matches(ev)).toBe(true);
    expect(CloudTrailFilter.numberValue('$.a.n', NumericComparison.LESS_THAN_OR_EQUAL, 4).matches(ev)).toBe(false);
    expect(CloudTrailFilter.booleanValue('a.t', true).matches(ev)).toBe(true);
    expect(CloudTrailFilter.isNull('a.z').matches(ev)).toBe(true);
    expect(CloudTrailFilter.exists('a.n').matches(ev)).toBe(true);
    expect(CloudTrailFilter.notExists('a.q').matches(ev)).toBe(true);
    expect(CloudTrailFilter.stringValue('requestParameters.instanceType', '*.8xlarge').matches(ev)).toBe(true);
    expect(CloudTrailFilter.userIdentityType('Root').logPatternString).toBe('{ $.userIdentity.type = "Root" }');
  });

  test('fails: an empty list of values names the method and the path', () => {
    expect(() => CloudTrailFilter.eventName()).toThrow("CloudTrailFilter.stringValue: needs at least one value for 'eventName', got none.");
    expect(() => CloudTrailFilter.exclude('sourceIPAddress')).toThrow("CloudTrailFilter.exclude: needs at least one value for 'sourceIPAddress'");
    expect(() => CloudTrailFilter.all()).toThrow('CloudTrailFilter.all: needs at least one pattern, got none.');
  });

  test('fails: a bad path names the value received', () => {
    expect(() => CloudTrailFilter.stringValue('user identity', 'x')).toThrow(/`path` must be a JSON path .* got 'user identity'/);
    expect(() => CloudTrailFilter.notExists('a[')).toThrow("got 'a['");
  });

  test('fails: a non-JSON pattern cannot be combined', () => {
    expect(() => CloudTrailFilter.all(LogFilterPattern.parse('ERROR'))).toThrow("pattern 1 ('ERROR') is not a JSON pattern");
  });

  test('fails: a result over 1024 characters says how long it is', () => {
    const names = Array.from({ length: 60 }, (_, i) => `SomeLongEventName${i}`);
    expect(() => CloudTrailFilter.eventName(...names)).toThrow(/resulting filter pattern is \d+ characters long; CloudWatch Logs accepts at most 1024/);
  });

  test('fails: empty and control-character values', () => {
    expect(() => CloudTrailFilter.eventName('')).toThrow('value 1 for \'eventName\' must be a non-empty string, got "".');
    expect(() => CloudTrailFilter.eventName('a\nb')).toThrow('contains a control character');
  });

  test('values with quotes are escaped and still match', () => {
    const p = CloudTrailFilter.stringValue('errorMessage', 'say "hi"');
    expect(p.matches(JSON.stringify({ errorMessage: 'say "hi"' }))).toBe(true);
  });

  test('all() and any() take any logs.IFilterPattern and parse its text', () => {
    const p = CloudTrailFilter.all(
      logs.FilterPattern.stringValue('$.eventSource', '=', 'iam.amazonaws.com'),
      CloudTrailFilter.any(logs.FilterPattern.stringValue('$.eventName', '=', 'CreateAccessKey'), CloudTrailFilter.eventName('CreateLoginProfile')),
    );
    expect(p.logPatternString).toBe(
      '{ ($.eventSource = "iam.amazonaws.com") && (($.eventName = "CreateAccessKey") || ($.eventName = "CreateLoginProfile")) }',
    );
    expect(p.matches('{"eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey"}')).toBe(true);
    expect(p.matches('{"eventSource":"iam.amazonaws.com","eventName":"ListUsers"}')).toBe(false);
    // CDK's own renderings combine as well
    expect(CloudTrailFilter.all(logs.FilterPattern.numberValue('$.n', '>', 3), logs.FilterPattern.exists('$.x')).matches('{"n":4,"x":1}')).toBe(true);
  });

  test('fails: a logs.IFilterPattern with an unresolved token is refused', () => {
    const name = new CfnParameter(new Stack(), 'EventName').valueAsString;
    expect(() => CloudTrailFilter.all(CloudTrailFilter.eventSource('iam.amazonaws.com'), logs.FilterPattern.stringValue('$.eventName', '=', name))).toThrow(
      /CloudTrailFilter.all: pattern 2 is an unresolved token .*; it must be known at synth time so it can be parsed and combined/,
    );
  });

  test('fails: a logs.IFilterPattern that is not a JSON pattern, or not valid, names its position', () => {
    expect(() => CloudTrailFilter.any(logs.FilterPattern.allTerms('ERROR', 'Denied'))).toThrow('CloudTrailFilter.any: pattern 1 (\'"ERROR" "Denied"\') is not a JSON pattern');
    expect(() => CloudTrailFilter.all(CloudTrailFilter.eventName('A'), { logPatternString: '{ $.a = ' })).toThrow(
      /CloudTrailFilter.all: pattern 2 \('\{ \$.a = '\) is not a valid CloudWatch Logs filter pattern: .* at position \d+/,
    );
  });
});
