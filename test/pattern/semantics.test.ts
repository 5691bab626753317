import { compile, parse } from '../../lib/pattern';
import {
  COMPARISON_ON_MISSING_FIELD,
  fieldNumber,
  isMatchEverythingTerm,
  jsonNumberText,
  KEYWORDS,
  MISSING,
  optionalTermsApply,
  parseJsonEvent,
  SEMANTIC_DECISIONS,
  SemanticDecisionId,
  wildcardMatcher,
} from '../../lib/pattern/semantics';

/** Whether `pattern` matches the message (a string) or the JSON of a value. */
function matches(pattern: string, event: unknown): boolean {
  return compile(parse(pattern)).matchesMessage(typeof event === 'string' ? event : JSON.stringify(event));
}

const pinned = new Set<SemanticDecisionId>();

/** A test that pins one decision, named after its id. */
function pin(id: SemanticDecisionId, title: string, fn: () => void): void {
  pinned.add(id);
  test(`${id}: ${title}`, fn);
}

describe('semantic decisions', () => {
  pin('case-sensitive', 'terms, values and property names are case-sensitive', () => {
    expect(matches('ERROR', '[error 400] bad request')).toBe(false);
    expect(matches('ERROR', '[ERROR 400] bad request')).toBe(true);
    expect(matches('{ $.a = "Yes" }', { a: 'yes' })).toBe(false);
    expect(matches('{ $.a = "Yes" }', { A: 'Yes' })).toBe(false);
    expect(matches('{ $.a = "Yes" }', { a: 'Yes' })).toBe(true);
  });

  pin('keywords-upper-case', 'lower-case keywords are syntax errors that name the upper-case spelling', () => {
    expect(KEYWORDS).toEqual(['IS', 'NOT', 'EXISTS', 'NULL', 'TRUE', 'FALSE']);
    expect(() => parse('{ $.a is NULL }')).toThrow("keywords are upper case: write 'IS' instead of 'is'");
    expect(() => parse('{ $.a not EXISTS }')).toThrow("keywords are upper case: write 'NOT' instead of 'not'");
    expect(() => parse('{ $.a IS null }')).toThrow("expected NULL, TRUE or FALSE after 'IS'");
  });

  pin('term-is-substring', 'a term matches anywhere, terms AND together, -terms exclude', () => {
    expect(matches('ERROR', 'Exiting with ERRORCODE: -1')).toBe(true);
    expect(matches('ERROR ARGUMENTS', '[ERROR 419] MISSING ARGUMENTS')).toBe(true);
    expect(matches('ERROR ARGUMENTS', '[ERROR 400] BAD REQUEST')).toBe(false);
    expect(matches('ERROR -ARGUMENTS', '[ERROR 419] MISSING ARGUMENTS')).toBe(false);
    expect(matches('"INTERNAL SERVER ERROR"', '[ERROR 500] INTERNAL ERROR ON SERVER')).toBe(false);
  });

  pin('optional-terms-ignored-beside-plain-terms', '?terms OR together alone, and are ignored next to plain or -terms', () => {
    expect(optionalTermsApply(0, 0)).toBe(true);
    expect(optionalTermsApply(1, 0)).toBe(false);
    expect(optionalTermsApply(0, 1)).toBe(false);
    expect(matches('?ERROR ?WARN', 'WARN message')).toBe(true);
    expect(matches('?ERROR ?WARN', 'INFO message')).toBe(false);
    expect(matches('?ERROR ?ARGUMENTS REQUEST', '[INFO] REQUEST FAILED')).toBe(true);
    expect(matches('?ERROR -DEBUG', 'INFO message')).toBe(true);
  });

  pin('blank-quoted-term-matches-everything', '" " alone matches every event, even one without a space', () => {
    expect(isMatchEverythingTerm(' ')).toBe(true);
    expect(isMatchEverythingTerm(' x ')).toBe(false);
    expect(matches('" "', 'nospace')).toBe(true);
    expect(matches('" "', '')).toBe(true);
    // next to another term it is an ordinary term: the space must occur
    expect(matches('" " ERROR', 'ERROR')).toBe(false);
    expect(matches('" " ERROR', 'AN ERROR')).toBe(true);
  });

  pin('regex-is-unanchored-search', '%regex% searches the message or value unless anchored', () => {
    expect(matches('%AUTHORIZED%', '[ERROR 401] UNAUTHORIZED REQUEST')).toBe(true);
    expect(matches('%^[hc]at%', 'hat trick')).toBe(true);
    expect(matches('%^[hc]at%', 'a hat')).toBe(false);
    expect(matches('{ $.a = %Trail% }', { a: 'UpdateTrailConfig' })).toBe(true);
    expect(matches('{ $.a = %^Trail$% }', { a: 'UpdateTrailConfig' })).toBe(false);
  });

  pin('json-event-must-be-whole-json', 'text before the JSON, invalid JSON and JSON scalars never match, not even NOT EXISTS', () => {
    expect(parseJsonEvent('2024-01-01T00:00:00Z\tINFO\t{"a":1}')).toBe(MISSING);
    expect(parseJsonEvent('"a string"')).toBe(MISSING);
    expect(parseJsonEvent('  {"a":1}')).toEqual({ a: 1 });
    expect(matches('{ $.a = 1 }', 'INFO {"a":1}')).toBe(false);
    expect(matches('{ $.b NOT EXISTS }', 'not json')).toBe(false);
    expect(matches('{ $.b NOT EXISTS }', '{"a":1')).toBe(false);
    expect(matches('{ $.b NOT EXISTS }', '{"a":1}')).toBe(true);
    expect(compile(parse('{ $.b NOT EXISTS }')).matchesParsed('text')).toBe(false);
  });

  pin('container-never-compares', 'an array or object fails = and != alike', () => {
    const event = { users: [1, 2, 3], user: { id: 1 } };
    expect(matches('{ $.users = 1 }', event)).toBe(false);
    expect(matches('{ $.users != 1 }', event)).toBe(false);
    expect(matches('{ $.user != "x" }', event)).toBe(false);
    expect(matches('{ $.user = "*" }', event)).toBe(false);
    expect(matches('{ $.users > 0 }', event)).toBe(false);
  });

  pin('missing-field-fails-comparison', 'every comparison and IS test on a missing property is false', () => {
    expect(COMPARISON_ON_MISSING_FIELD).toBe(false);
    for (const condition of ['= "x"', '= "*"', '= 1', '< 1', '>= 1', 'IS NULL', 'IS TRUE', 'IS FALSE']) {
      expect(matches(`{ $.missing ${condition} }`, { other: 1 })).toBe(false);
    }
    expect(matches('{ $.a[5] = 1 }', { a: [1] })).toBe(false);
    expect(matches('{ $.a.b = 1 }', { a: 'text' })).toBe(false);
  });

  pin('not-equal-needs-the-field', '!= on a missing property is false; absence is written NOT EXISTS', () => {
    expect(matches('{ $.mfa != "Yes" }', { eventName: 'ConsoleLogin' })).toBe(false);
    expect(matches('{ $.mfa != "Yes" }', { mfa: 'No' })).toBe(true);
    expect(matches('{ ($.mfa NOT EXISTS) || ($.mfa != "Yes") }', { eventName: 'ConsoleLogin' })).toBe(true);
  });

  pin('not-equal-matches-null', 'null is a value node: != matches it, = "*" does not', () => {
    expect(matches('{ $.a != "x" }', { a: null })).toBe(true);
    expect(matches('{ $.a != 1 }', { a: null })).toBe(true);
    expect(matches('{ $.a != true }', { a: null })).toBe(true);
    expect(matches('{ $.a = "*" }', { a: null })).toBe(false);
  });

  pin('star-is-wildcard-anywhere', '* matches any run, including empty, at the start, end or middle, quoted or bare', () => {
    expect(wildcardMatcher('Ev*ent')('EvXYZent')).toBe(true);
    expect(wildcardMatcher('Ev*ent')('Event')).toBe(true);
    expect(wildcardMatcher('Ev*ent')('Ev*nt')).toBe(false);
    expect(matches('{ $.a = "*Event" }', { a: 'PutEvent' })).toBe(true);
    expect(matches('{ $.a = Event* }', { a: 'EventId' })).toBe(true);
    expect(matches('{ $.a = * }', { a: '' })).toBe(true);
    expect(matches('{ $.a = "a.b" }', { a: 'aXb' })).toBe(false);
  });

  pin('string-literal-vs-json-number', 'a string value matches a number by its canonical text', () => {
    expect(jsonNumberText(400)).toBe('400');
    expect(jsonNumberText(1e21)).toBe('1e+21');
    expect(matches('{ $.count = "3" }', '{"count":3}')).toBe(true);
    expect(matches('{ $.code = 4* }', '{"code":404}')).toBe(true);
    expect(matches('{ $.count = "1.0" }', '{"count":1.0}')).toBe(false);
    expect(matches('{ $.count = "1" }', '{"count":1.0}')).toBe(true);
  });

  pin('number-literal-vs-json-string', 'an unquoted number matches a string only when the characters are the same', () => {
    expect(matches('{ $.recipientAccountId = 123456789012 }', { recipientAccountId: '123456789012' })).toBe(true);
    expect(matches('{ $.a = 1.0 }', { a: '1' })).toBe(false);
    expect(matches('{ $.a = 1 }', { a: ' 1' })).toBe(false);
  });

  pin('number-literal-vs-json-number', 'an unquoted number matches a number by value', () => {
    expect(matches('{ $.a = 400 }', '{"a":4e2}')).toBe(true);
    expect(matches('{ $.a = 4e2 }', '{"a":400.0}')).toBe(true);
    expect(matches('{ $.a != 400 }', '{"a":400}')).toBe(false);
    expect(matches('{ $.a = 1e-3 }', '{"a":0.001}')).toBe(true);
  });

  pin('numeric-operators-need-json-numbers', '< > <= >= hold only for JSON numbers and take only a number', () => {
    expect(matches('{ $.a > 100 }', { a: 250 })).toBe(true);
    expect(matches('{ $.a > 100 }', { a: '250' })).toBe(false);
    expect(matches('{ $.a >= 0 }', { a: true })).toBe(false);
    expect(matches('{ $.a <= 0 }', { a: null })).toBe(false);
    expect(() => parse('{ $.a > "100" }')).toThrow("expected a number after '>'");
  });

  pin('boolean-literal-matches-json-boolean-only', 'true/false match booleans, never the strings', () => {
    expect(matches('{ $.a = true }', { a: true })).toBe(true);
    expect(matches('{ $.a = true }', { a: 'true' })).toBe(false);
    expect(matches('{ $.a IS TRUE }', { a: 'true' })).toBe(false);
    expect(matches('{ $.a IS FALSE }', { a: false })).toBe(true);
    expect(matches('{ $.a = "true" }', { a: true })).toBe(false);
  });

  pin('regex-vs-json-number', 'a regex value tests strings and number text, never booleans or null', () => {
    expect(matches('{ $.a = %^40[0-9]$% }', { a: 404 })).toBe(true);
    expect(matches('{ $.a = %true% }', { a: true })).toBe(false);
    expect(matches('{ $.a = %null% }', { a: null })).toBe(false);
  });

  pin('is-null-only-explicit-null', 'IS NULL is true for null only', () => {
    expect(matches('{ $.a IS NULL }', { a: null })).toBe(true);
    expect(matches('{ $.a IS NULL }', { a: '' })).toBe(false);
    expect(matches('{ $.a IS NULL }', {})).toBe(false);
  });

  pin('not-exists-only-absent', 'NOT EXISTS is false for a property set to null; true for an empty wildcard selection', () => {
    expect(matches('{ $.a NOT EXISTS }', { a: null })).toBe(false);
    expect(matches('{ $.a NOT EXISTS }', {})).toBe(true);
    expect(matches('{ $.a[*] NOT EXISTS }', { a: [] })).toBe(true);
    expect(matches('{ $.a[*] NOT EXISTS }', { a: [1] })).toBe(false);
  });

  pin('wildcard-selector-is-existential', 'a condition on [*] or .* holds when one selected node satisfies it', () => {
    expect(matches('{ $.objectList[*].id = 2 }', { objectList: [{ id: 1 }, { id: 2 }] })).toBe(true);
    expect(matches('{ $.objectList[*].id = 3 }', { objectList: [{ id: 1 }, { id: 2 }] })).toBe(false);
    expect(matches('{ $.a[*] != 1 }', { a: [1, 2] })).toBe(true);
    expect(matches('{ $.a[*] != 1 }', { a: [1, 1] })).toBe(false);
    expect(matches('{ $.tags.* = "prod" }', { tags: { env: 'prod', team: 'x' } })).toBe(true);
  });

  pin('space-last-field-takes-rest', 'without ..., the last field takes the rest of a longer line; a shorter line never matches', () => {
    expect(matches('[w1=ERROR, w2]', 'ERROR 09/25/2014 12:00:02 Failed to process request')).toBe(true);
    expect(matches('[w1, w2="b c"]', 'a b c')).toBe(true);
    expect(matches('[w1, w2, w3]', 'a b')).toBe(false);
  });

  pin('space-field-number-comparison', 'numeric field text compares by value, other text literally; ordering needs a number', () => {
    expect(fieldNumber('4.04e2')).toBe(404);
    expect(fieldNumber('404a')).toBeUndefined();
    expect(matches('[a, code = 404]', 'x 4.04e2')).toBe(true);
    expect(matches('[a, code != 404]', 'x 404.0')).toBe(false);
    expect(matches('[a, code = 404]', 'x 404a')).toBe(false);
    expect(matches('[a, size > 1000]', 'x 1001')).toBe(true);
    expect(matches('[a, size > 1000]', 'x big')).toBe(false);
    expect(matches('[a, flag = true]', 'x true')).toBe(true);
  });

  test('every decision in SEMANTIC_DECISIONS is pinned by a test named after it, and its id is its key', () => {
    expect([...pinned].sort()).toEqual(Object.keys(SEMANTIC_DECISIONS).sort());
    for (const [key, decision] of Object.entries(SEMANTIC_DECISIONS)) {
      expect(decision.id).toBe(key);
      expect(decision.rule.length).toBeGreaterThan(20);
    }
  });
});
