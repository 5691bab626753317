import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LogFilterPattern } from 'cdk-cloudtrail-alarms/lib/filters/log-filter-pattern';
import fc from 'fast-check';
import { selectDetections } from '../../../src/commands/selection';
import { EngineDetection } from '../../../src/engines/engine';
import { candidateTest, TIME_FIELDS } from '../../../src/engines/local/candidate-test';
import { BREAKDOWN_FIELDS, CounterState, MatchCounter } from '../../../src/engines/local/match-counter';
import { InputSource, readCloudTrail } from '../../../src/logs';

/**
 * Counting with matches decided from picked fields (candidate-test.ts `decide`, the reader's onDecided) gives the
 * counts of parsing every record: periods, breakdowns, first and last match, time range, records without a time.
 */

jest.setTimeout(240_000);

const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'cta-decided-'));
afterAll(() => fs.rmSync(DIR, { recursive: true, force: true }));

const detection = (id: string, pattern: string): EngineDetection => ({ id, pattern: LogFilterPattern.parse(pattern), periodSeconds: 300 });

async function countFile(file: string, detections: EngineDetection[], decide: boolean) {
  const counter = new MatchCounter(detections);
  let parsed = 0;
  let decided = 0;
  const input: InputSource = { path: file, size: fs.statSync(file).size, kind: 'file' };
  await readCloudTrail([input], {
    candidates: decide ? candidateTest(detections, TIME_FIELDS, BREAKDOWN_FIELDS) : undefined,
    onRuledOut: (fields, where) => counter.onRuledOut(fields, where.source),
    onDecided: (fields, hits, where) => {
      decided++;
      counter.onDecided(fields, hits, where.source);
    },
    onRecord: (record, where) => {
      parsed++;
      counter.onRecord(record, where.source);
    },
    onProblem: () => undefined,
  });
  return { state: counter.state(), parsed, decided };
}

/** A state as plain, comparable data. */
function plain(s: CounterState) {
  const maps = (ms: Array<Map<unknown, number>>) => ms.map((m) => [...m.entries()].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
  return {
    periods: maps(s.periods),
    principals: maps(s.principals),
    sourceIps: maps(s.sourceIps),
    eventNames: maps(s.eventNames),
    first: s.first,
    last: s.last,
    minS: s.minS,
    maxS: s.maxS,
    minT: s.minT,
    maxT: s.maxT,
    noTime: [...s.noTime.entries()],
  };
}

describe('counting from picked fields', () => {
  test('a record matching only whole-guard detections is counted unparsed, with its breakdowns', async () => {
    const file = path.join(DIR, 'one.json');
    const records = [
      {
        eventVersion: '1.09',
        eventTime: '2026-11-02T10:01:30Z',
        eventName: 'StopLogging',
        eventSource: 'cloudtrail.amazonaws.com',
        sourceIPAddress: '203.0.113.7',
        userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', principalId: 'AIDA1' },
        requestParameters: { name: 'trail' },
      },
      {
        eventVersion: '1.09',
        eventTime: '2026-11-02T10:07:00.250Z',
        eventName: 'RunInstances',
        eventSource: 'ec2.amazonaws.com',
        userIdentity: { type: 'AWSService', invokedBy: 'autoscaling.amazonaws.com' },
        requestParameters: { instanceType: 'm5.8xlarge', tags: [{ key: 'a' }] },
      },
      { eventVersion: '1.09', eventTime: '2026-11-02T10:09:00Z', eventName: 'DescribeInstances', eventSource: 'ec2.amazonaws.com' },
    ];
    fs.writeFileSync(file, JSON.stringify({ Records: records }));
    const detections = [
      detection('trail', '{ ($.eventSource = cloudtrail.amazonaws.com) && ($.eventName = StopLogging) }'),
      detection('large', '{ ($.eventName = RunInstances) && ($.requestParameters.instanceType = *.8xlarge) }'),
      // reads requestParameters.tags[0].key: not decidable from picked fields, so a RunInstances record is parsed
      detection('tagged', '{ ($.eventName = RunInstances) && ($.requestParameters.tags[0].key = "a") }'),
    ];
    const got = await countFile(file, detections, true);
    expect({ parsed: got.parsed, decided: got.decided }).toEqual({ parsed: 1, decided: 1 });
    expect(plain(got.state)).toEqual({
      periods: [[[Date.parse('2026-11-02T10:00:00Z'), 1]], [[Date.parse('2026-11-02T10:05:00Z'), 1]], [[Date.parse('2026-11-02T10:05:00Z'), 1]]],
      principals: [[['arn:aws:iam::111122223333:user/alice', 1]], [['autoscaling.amazonaws.com', 1]], [['autoscaling.amazonaws.com', 1]]],
      sourceIps: [[['203.0.113.7', 1]], [['(none)', 1]], [['(none)', 1]]],
      eventNames: [[['StopLogging', 1]], [['RunInstances', 1]], [['RunInstances', 1]]],
      first: [Date.parse('2026-11-02T10:01:30Z'), Date.parse('2026-11-02T10:07:00.250Z'), Date.parse('2026-11-02T10:07:00.250Z')],
      last: [Date.parse('2026-11-02T10:01:30Z'), Date.parse('2026-11-02T10:07:00.250Z'), Date.parse('2026-11-02T10:07:00.250Z')],
      minS: '2026-11-02T10:01:30Z',
      maxS: '2026-11-02T10:09:00Z',
      minT: Infinity,
      maxT: -Infinity,
      noTime: [],
    });
    // and the same as parsing everything
    expect(plain(got.state)).toEqual(plain((await countFile(file, detections, false)).state));
  });

  test('the recommended detections count the same, decided or parsed, on generated delivery documents', async () => {
    const word = fc.constantFrom('a', 'Root', 'x\\"y', 'caf\u00e9', 'a\\/b', '');
    const identity = fc.oneof(
      fc.record(
        { type: fc.constantFrom('Root', 'IAMUser', 'AssumedRole', 'AWSService'), arn: fc.constantFrom('arn:aws:iam::1:root', 'arn:x\\"y', ''), principalId: fc.constantFrom('P1', ''), invokedBy: fc.constantFrom('ec2.amazonaws.com', 'x') },
        { requiredKeys: ['type'] },
      ),
      fc.constantFrom(null, 'not an object', 7),
    );
    const record = fc.record(
      {
        eventVersion: fc.constant('1.09'),
        eventTime: fc.constantFrom('2026-11-02T10:01:00Z', '2026-11-02T10:05:00Z', '2026-11-02T10:04:59.999Z', '2026-11-02 10:00:00', 'not a time', 7),
        eventName: fc.constantFrom('StopLogging', 'ConsoleLogin', 'RunInstances', 'PutBucketPolicy', 'DisableKey', 'DescribeInstances', 'CreateVpc', 'Stop\\u004cogging'),
        eventSource: fc.constantFrom('cloudtrail.amazonaws.com', 'signin.amazonaws.com', 'ec2.amazonaws.com', 's3.amazonaws.com', 'kms.amazonaws.com'),
        eventType: fc.constantFrom('AwsApiCall', 'AwsServiceEvent'),
        errorCode: fc.constantFrom('AccessDenied', 'Client.UnauthorizedOperation', 'ThrottlingException'),
        errorMessage: fc.constantFrom('Failed authentication', 'other'),
        sourceIPAddress: fc.oneof(fc.constantFrom('203.0.113.1', '198.51.100.2'), word, fc.constant(5)),
        userIdentity: identity,
        additionalEventData: fc.record({ MFAUsed: fc.constantFrom('Yes', 'No') }),
        responseElements: fc.oneof(fc.record({ ConsoleLogin: fc.constantFrom('Success', 'Failure') }), fc.constant(null)),
        requestParameters: fc.oneof(fc.record({ instanceType: fc.constantFrom('m5.8xlarge', 't3.micro', 'c6i.4xlarge') }), fc.constant(null)),
        note: word,
      },
      { requiredKeys: ['eventVersion', 'eventName'] },
    );
    // the escapes in `word` are written as JSON escapes: replace the doubled backslash JSON.stringify adds
    const doc = fc.array(record, { minLength: 1, maxLength: 40 }).map((rs) => JSON.stringify({ Records: rs }).replace(/\\\\/g, '\\'));
    const detections = selectDetections('recommended', undefined);
    let decided = 0;
    let parsed = 0;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(doc, async (text) => {
        const file = path.join(DIR, `doc-${n++ % 4}.json`);
        fs.writeFileSync(file, text);
        const withDecide = await countFile(file, detections, true);
        const all = await countFile(file, detections, false);
        decided += withDecide.decided;
        parsed += withDecide.parsed;
        expect(plain(withDecide.state)).toEqual(plain(all.state));
      }),
      { numRuns: 400, seed: 20261206 },
    );
    // not vacuous: both paths were taken
    expect(decided).toBeGreaterThan(80);
    expect(parsed).toBeGreaterThan(100);
  });
});
