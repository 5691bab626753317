import { DetectionCatalogue, DetectionProfile } from '../../lib';
import { parse } from '../../lib/pattern';
import { CLOUDTRAIL_DETAIL_TYPES, CLOUDTRAIL_FIELDS, eventPatternOrThrow, toEventPattern } from '../../lib/targets/eventbridge';

/** The `detail` part of a compiled pattern (every compiled pattern carries the same envelope). */
function detail(pattern: string): unknown {
  const r = toEventPattern(pattern);
  if (!r.ok) throw new Error(`refused: ${r.reason}`);
  return r.eventPattern.detail;
}

function reason(pattern: string): string {
  const r = toEventPattern(pattern);
  if (r.ok) throw new Error(`compiled: ${JSON.stringify(r.eventPattern)}`);
  return r.reason;
}

describe('EventBridge target: compiled shapes', () => {
  test('the envelope: any aws.* source, every CloudTrail detail-type (both sign-in spellings), detail = the record', () => {
    const r = toEventPattern('{ $.eventName = ConsoleLogin }');
    expect(r).toEqual({
      ok: true,
      eventPattern: {
        'source': [{ prefix: 'aws.' }],
        'detail-type': [
          'AWS API Call via CloudTrail',
          'AWS Console Sign In via CloudTrail',
          'AWS Console Signin via CloudTrail',
          'AWS Console Action via CloudTrail',
          'AWS Service Event via CloudTrail',
          'AWS Insight via CloudTrail',
          'AWS Network Activity Event via CloudTrail',
        ],
        'detail': { eventName: ['ConsoleLogin'] },
      },
    });
    expect(CLOUDTRAIL_DETAIL_TYPES).toHaveLength(7);
  });

  test('OR on one field is one value list; AND is fields side by side; nesting follows the selector', () => {
    expect(detail('{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }')).toEqual({
      eventSource: ['kms.amazonaws.com'],
      eventName: ['DisableKey', 'ScheduleKeyDeletion'],
    });
    expect(detail('{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }')).toEqual({
      userIdentity: { type: ['Root'], invokedBy: [{ exists: false }] },
      eventType: [{ 'anything-but': 'AwsServiceEvent' }],
    });
  });

  test('wildcards become prefix, suffix or wildcard (backslash escaped, runs of * collapsed)', () => {
    expect(detail('{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }')).toEqual({
      errorCode: [{ suffix: 'UnauthorizedOperation' }, { prefix: 'AccessDenied' }],
    });
    expect(detail('{ $.userAgent = "*aws-cli**Linux*" }')).toEqual({ userAgent: [{ wildcard: '*aws-cli*Linux*' }] });
    expect(detail('{ $.userAgent = "a\\\\b*" }')).toEqual({ userAgent: [{ prefix: 'a\\b' }] });
    expect(detail('{ $.userAgent = "*a\\\\b*" }')).toEqual({ userAgent: [{ wildcard: '*a\\\\b*' }] });
    expect(detail('{ $.userAgent = "*" }')).toEqual({ userAgent: [{ wildcard: '*' }] });
    expect(detail('{ $.userAgent != "Boto3*" }')).toEqual({ userAgent: [{ 'anything-but': { prefix: 'Boto3' } }] });
  });

  test('OR across fields needs $or; fields beside an $or that also occur inside it move into every alternative', () => {
    expect(detail('{ ($.errorCode = "AccessDenied") || ($.userIdentity.type = "Root") || ($.errorCode = "Client.UnauthorizedOperation") }')).toEqual({
      $or: [{ errorCode: ['AccessDenied', 'Client.UnauthorizedOperation'] }, { userIdentity: { type: ['Root'] } }],
    });
    expect(detail('{ ($.eventName = "A" || $.errorCode = "E") && $.eventName != "B" }')).toEqual({
      $or: [{ eventName: ['A'] }, { errorCode: ['E'], eventName: [{ 'anything-but': 'B' }] }],
    });
    // an alternative no record satisfies drops out: (A|E) & !A leaves E alone, (A|E) & (B|u) loses A&B
    expect(detail('{ ($.eventName = "A" || $.errorCode = "E") && $.eventName = "B" }')).toEqual({ errorCode: ['E'], eventName: ['B'] });
    expect(detail('{ ($.eventName = "A" || $.errorCode = "E") && ($.eventName = "B" || $.userAgent = "u") }')).toEqual({
      $or: [{ eventName: ['A'], userAgent: ['u'] }, { errorCode: ['E'], eventName: ['B'] }, { errorCode: ['E'], userAgent: ['u'] }],
    });
    expect(reason('{ ($.eventName = "A" || $.eventName = "C") && $.eventName = "B" }')).toMatch(/exclude each other: the pattern never matches/);
    // (A|B) & (C|D): one $or of the four combinations
    expect(detail('{ ($.eventName = "A" || $.errorCode = "E") && ($.awsRegion = "r" || $.userAgent = "u") }')).toEqual({
      $or: [
        { eventName: ['A'], awsRegion: ['r'] },
        { eventName: ['A'], userAgent: ['u'] },
        { errorCode: ['E'], awsRegion: ['r'] },
        { errorCode: ['E'], userAgent: ['u'] },
      ],
    });
  });

  test('AND on one field: != lists merge into one anything-but; exact values are filtered by the other condition', () => {
    expect(detail('{ $.eventName != "GetObject" && $.eventName != "HeadObject" }')).toEqual({
      eventName: [{ 'anything-but': ['GetObject', 'HeadObject'] }],
    });
    expect(detail('{ ($.eventName = "CreateUser" || $.eventName = "DeleteUser") && $.eventName = "Delete*" }')).toEqual({ eventName: ['DeleteUser'] });
    expect(reason('{ $.eventName = "A" && $.eventName = "B" }')).toMatch(/conditions on eventName exclude each other: the pattern never matches/);
    expect(reason('{ $.eventName = "A*" && $.eventName = "*B" }')).toMatch(/two conditions on eventName that EventBridge cannot AND on one field/);
  });

  test('unquoted numbers on string fields compare as text; booleans, IS NULL and string lists', () => {
    expect(detail('{ $.recipientAccountId = 123456789012 }')).toEqual({ recipientAccountId: ['123456789012'] });
    expect(detail('{ $.readOnly = false && $.managementEvent IS TRUE }')).toEqual({ readOnly: [false], managementEvent: [true] });
    expect(detail('{ $.readOnly != true }')).toEqual({ readOnly: [false] });
    expect(detail('{ $.errorMessage IS NULL }')).toEqual({ errorMessage: [null] });
    expect(detail('{ $.requestParameters.alarmNames[*] = "Root*" }')).toEqual({ requestParameters: { alarmNames: [{ prefix: 'Root' }] } });
  });

  test('matchAll compiles to the envelope alone', () => {
    const r = toEventPattern(parse(''));
    expect(r.ok && r.eventPattern.detail).toBe(undefined);
    expect(r.ok && Object.keys(r.eventPattern)).toEqual(['source', 'detail-type']);
  });
});

describe('EventBridge target: refusals say why', () => {
  test.each([
    ['{ $.requestParameters.bucketPolicy.Statement = "x" }', /is not a CloudTrail field of documented type: EventBridge matches an array when any element matches/],
    ['{ $.eventName = %^Delete% }', /EventBridge patterns have no regular expressions/],
    ['{ $.requestParameters.maxCount > 10 }', /numeric comparisons are not compiled/],
    ['{ $.resources[0].ARN = "x" }', /cannot address an array position \(\[0\]\)/],
    ['{ $.resources[*].ARN = "x" }', /\[\*\] followed by more fields/],
    ['{ $.userIdentity.* = "x" }', /no wildcard over object keys/],
    ['{ $.requestParameters.alarmNames = "x" }', /is a list of strings; a filter pattern comparison on the list itself never matches/],
    ['{ $.eventName[*] = "x" }', /is not a list in CloudTrail records/],
    ['{ $.requestParameters.alarmNames[*] != "x" }', /anything-but on arrays/],
    ['{ $.eventName = true }', /never matches a CloudTrail record \(a boolean literal never equals a string\)/],
    ['{ $.eventName IS TRUE }', /IS TRUE never matches: eventName is a string/],
    ['{ $.readOnly = "true" }', /never matches a CloudTrail record \(readOnly is a boolean\)/],
    ['{ $.eventName != "*" }', /every present string matches \*/],
    ['ERROR -DEBUG', /a terms pattern matches text anywhere in the raw log event/],
    ['[ip, user, status = 404]', /space-delimited pattern matches words of a text line/],
    ['{ $.eventName = ', /the filter pattern does not parse/],
  ])('%s', (pattern, why) => {
    expect(reason(pattern)).toMatch(why);
  });

  test('more than 1000 $or combinations, or a pattern over 2048 characters, is refused', () => {
    // ten ANDed groups of two alternatives on different fields: 2^10 = 1024 combinations
    const fields = Object.entries(CLOUDTRAIL_FIELDS).filter(([, t]) => t === 'string').map(([f]) => f).slice(0, 20);
    const groups = Array.from({ length: 10 }, (_, g) => `($.${fields[2 * g]} = "a" || $.${fields[2 * g + 1]} = "b")`);
    expect(reason(`{ ${groups.join(' && ')} }`)).toMatch(/over 1000 \$or combinations/);
    expect(toEventPattern(`{ ${groups.slice(0, 3).join(' && ')} }`).ok).toBe(true);
    // five groups: 32 combinations, within the $or limit, but the written-out alternatives pass 2048 characters
    expect(reason(`{ ${groups.slice(0, 5).join(' && ')} }`)).toMatch(/the event pattern would be \d+ characters; EventBridge accepts 2048/);
  });

  test('eventPatternOrThrow names the reason', () => {
    expect(() => eventPatternOrThrow('{ $.eventName = %x% }')).toThrow(/No exact EventBridge pattern: .*regular expressions/);
  });
});

test('patterns --format eventbridge --profile recommended: every catalogue detection compiles', () => {
  for (const profile of DetectionProfile.all()) {
    for (const d of DetectionCatalogue.list(profile)) expect([profile.name, d.id, toEventPattern(d.pattern).ok]).toEqual([profile.name, d.id, true]);
  }
});
