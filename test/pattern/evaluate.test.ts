import { LogFilterPattern } from '../../lib/filters/log-filter-pattern';
import { compile, globMatcher, parse, splitFields } from '../../lib/pattern';

const record = {
  eventName: 'ConsoleLogin',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' },
  additionalEventData: { MFAUsed: 'No' },
};

describe('compile', () => {
  test('matchesParsed gives the same answer as matchesMessage for JSON patterns', () => {
    const p = compile(parse('{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }'));
    expect(p.matchesParsed(record)).toBe(true);
    expect(p.matchesMessage(JSON.stringify(record))).toBe(true);
    expect(p.matchesParsed({ ...record, additionalEventData: { MFAUsed: 'Yes' } })).toBe(false);
  });

  test('a JSON pattern never matches a parsed value that is not an object', () => {
    const p = compile(parse('{ $.a NOT EXISTS }'));
    expect(p.matchesParsed('text')).toBe(false);
    expect(p.matchesParsed(null)).toBe(false);
    expect(p.matchesParsed(42)).toBe(false);
  });

  test('term patterns use the raw message when given, JSON.stringify otherwise', () => {
    const p = compile(parse('"alice"'));
    expect(p.matchesParsed(record)).toBe(true);
    expect(p.matchesParsed(record, 'raw text without the name')).toBe(false);
  });

  test('multi-line messages: terms match across lines and JSON may be pretty-printed', () => {
    expect(compile(parse('ERROR')).matchesMessage('multi\nline ERROR message')).toBe(true);
    expect(compile(parse('{ $.a = 1 }')).matchesMessage('{\n  "a": 1\n}')).toBe(true);
  });
});

describe('globMatcher', () => {
  test.each([
    ['abc', 'abc', true],
    ['abc', 'abcd', false],
    ['a*', 'a', true],
    ['*c', 'abc', true],
    ['a*c', 'ac', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'acb', false],
    ['ab*ba', 'aba', false],
    ['*', '', true],
    ['**', 'x', true],
  ])('%s vs %s -> %s', (pattern, text, expected) => {
    expect(globMatcher(pattern)(text)).toBe(expected);
  });
});

describe('splitFields', () => {
  test('treats [..] and ".." runs as single fields without delimiters', () => {
    expect(splitFields('1.2.3.4 - bob [10/Oct/2000:13:25:15 -0700] "GET / HTTP/1.0" 200').map((f) => f.text)).toEqual([
      '1.2.3.4', '-', 'bob', '10/Oct/2000:13:25:15 -0700', 'GET / HTTP/1.0', '200',
    ]);
  });
});

describe('LogFilterPattern', () => {
  test('keeps the given text byte-identical as logPatternString and renders canonically', () => {
    const text = '{($.eventName=CreateTrail)||($.eventName=UpdateTrail)}';
    const p = LogFilterPattern.parse(text);
    expect(p.logPatternString).toBe(text);
    expect(p.toString()).toBe(text);
    expect(p.canonical).toBe('{ ($.eventName = "CreateTrail") || ($.eventName = "UpdateTrail") }');
    expect(p.kind).toBe('JSON');
  });

  test('validate never throws and reports the position', () => {
    expect(LogFilterPattern.validate('{ $.a = 1 }')).toEqual({ valid: true });
    expect(LogFilterPattern.validate('{ $.a = 1 ')).toEqual({
      valid: false,
      message: "expected '&&', '||' or '}', got the end of the pattern at position 10",
      position: 10,
    });
  });

  test('testMessages reports 1-based event numbers like TestMetricFilter', () => {
    const p = LogFilterPattern.parse('ERROR');
    expect(p.testMessages(['ok', 'ERROR 1', 'fine', 'ERROR 2'])).toEqual([
      { eventNumber: 2, eventMessage: 'ERROR 1' },
      { eventNumber: 4, eventMessage: 'ERROR 2' },
    ]);
  });

  test('matchesEvent evaluates an already-parsed record', () => {
    expect(LogFilterPattern.parse('{ $.userIdentity.type = IAMUser }').matchesEvent(record)).toBe(true);
  });
});
