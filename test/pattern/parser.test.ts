import { assertNever, JsonExpr, parse, patternKindOf } from '../../lib/pattern';

describe('parse', () => {
  test('dispatches on the first non-blank character', () => {
    expect(patternKindOf('')).toBe('matchAll');
    expect(patternKindOf('  { $.a = 1 }')).toBe('json');
    expect(patternKindOf('[a, b]')).toBe('spaceDelimited');
    expect(patternKindOf('ERROR')).toBe('terms');
  });

  test('&& binds tighter than || and groups are flattened', () => {
    expect(parse('{ $.a = 1 || $.b = 2 && $.c = 3 || $.d = 4 }')).toEqual({
      kind: 'json',
      expr: {
        kind: 'or',
        items: [
          { kind: 'equals', selector: { segments: [{ kind: 'key', name: 'a' }] }, operator: '=', value: { kind: 'number', text: '1' } },
          {
            kind: 'and',
            items: [
              { kind: 'equals', selector: { segments: [{ kind: 'key', name: 'b' }] }, operator: '=', value: { kind: 'number', text: '2' } },
              { kind: 'equals', selector: { segments: [{ kind: 'key', name: 'c' }] }, operator: '=', value: { kind: 'number', text: '3' } },
            ],
          },
          { kind: 'equals', selector: { segments: [{ kind: 'key', name: 'd' }] }, operator: '=', value: { kind: 'number', text: '4' } },
        ],
      },
    });
  });

  test('parentheses of the same operator flatten into one group', () => {
    const node = parse('{ ($.a = 1 || ($.b = 2 || $.c = 3)) }');
    expect(node.kind === 'json' && node.expr.kind === 'or' && node.expr.items.length).toBe(3);
  });

  test('classifies bare values: numbers, booleans, strings', () => {
    const values = ['10e-3', '+1000', 'true', 'Yes', '*.8xlarge', '"42"'].map((v) => {
      const n = parse(`{ $.a = ${v} }`);
      return n.kind === 'json' && n.expr.kind === 'equals' ? n.expr.value : undefined;
    });
    expect(values).toEqual([
      { kind: 'number', text: '10e-3' },
      { kind: 'number', text: '+1000' },
      { kind: 'boolean', value: true },
      { kind: 'string', text: 'Yes' },
      { kind: 'string', text: '*.8xlarge' },
      { kind: 'string', text: '42' },
    ]);
  });

  test('reads IS NULL / IS TRUE / IS FALSE / NOT EXISTS', () => {
    const kinds = ['IS NULL', 'IS TRUE', 'IS FALSE', 'NOT EXISTS'].map((k) => {
      const n = parse(`{ $.a ${k} }`);
      return n.kind === 'json' ? n.expr : undefined;
    });
    expect(kinds.map((k) => k && ('literal' in k ? k.literal : k.kind))).toEqual(['NULL', 'TRUE', 'FALSE', 'notExists']);
  });

  test('space-delimited: ellipsis, unnamed fields and per-field conditions', () => {
    expect(parse('[ip, , ..., status = 4* && status != 403, ]')).toEqual({
      kind: 'spaceDelimited',
      fields: [
        { kind: 'field', name: 'ip' },
        { kind: 'field', name: '' },
        { kind: 'ellipsis' },
        {
          kind: 'field',
          name: 'status',
          condition: {
            kind: 'and',
            items: [
              { kind: 'equals', operator: '=', value: { kind: 'string', text: '4*' } },
              { kind: 'equals', operator: '!=', value: { kind: 'number', text: '403' } },
            ],
          },
        },
        { kind: 'field', name: '' },
      ],
    });
  });

  test('terms keep their mode', () => {
    expect(parse('A -B ?C')).toEqual({
      kind: 'terms',
      terms: [
        { kind: 'text', mode: 'require', text: 'A' },
        { kind: 'text', mode: 'exclude', text: 'B' },
        { kind: 'text', mode: 'optional', text: 'C' },
      ],
    });
  });

  test('fails with "expected \')\' at position N" for an unclosed group', () => {
    expect(() => parse('{ ($.eventName = X }')).toThrow("expected ')', got '}' at position 19");
  });

  test('fails on a pattern over 1024 characters even when it is otherwise valid', () => {
    const long = `{ $.a = "${'x'.repeat(1020)}" }`;
    expect(() => parse(long)).toThrow(/is 1032 characters long; CloudWatch Logs accepts at most 1024 at position 1024/);
  });

  test('accepts exactly 1024 characters', () => {
    const exact = `{ $.a = "${'x'.repeat(1024 - 12)}" }`;
    expect(exact.length).toBe(1024);
    expect(parse(exact).kind).toBe('json');
  });

  test('= and != give an equals node; <, >, <=, >= give a numeric node whose value is a number', () => {
    const exprs = ['=', '!=', '<', '>', '<=', '>='].map((op) => {
      const n = parse(`{ $.a ${op} 5 }`);
      return n.kind === 'json' ? n.expr : undefined;
    });
    expect(exprs.map((e) => e && e.kind)).toEqual(['equals', 'equals', 'numeric', 'numeric', 'numeric', 'numeric']);
    expect(exprs[2]).toEqual({
      kind: 'numeric',
      selector: { segments: [{ kind: 'key', name: 'a' }] },
      operator: '<',
      value: { kind: 'number', text: '5' },
    });
    expect(parse('[a, n >= 2.5]')).toEqual({
      kind: 'spaceDelimited',
      fields: [
        { kind: 'field', name: 'a' },
        { kind: 'field', name: 'n', condition: { kind: 'numeric', operator: '>=', value: { kind: 'number', text: '2.5' } } },
      ],
    });
  });

  test.each([
    ['{ $.a < "5" }', "expected a number after '<', got '\"5\"' at position 8"],
    ['{ $.a >= %5% }', "expected a number after '>=', got '%5%' at position 9"],
    ['{ $.a > five }', "expected a number after '>', got 'five' at position 8"],
    ['{ $.a <= true }', "expected a number after '<=', got 'true' at position 9"],
    ['[a, n > x]', "expected a number after '>', got 'x' at position 8"],
  ])('fails if a numeric operator is not followed by a number: %s', (pattern, message) => {
    expect(() => parse(pattern)).toThrow(message);
  });
});

describe('assertNever', () => {
  test('fails with the unexpected kind when a walker meets a node kind it does not know', () => {
    const walk = (e: JsonExpr): string => {
      switch (e.kind) {
        case 'equals':
        case 'numeric':
        case 'is':
        case 'notExists':
        case 'and':
        case 'or':
          return e.kind;
        default:
          return assertNever(e);
      }
    };
    expect(walk({ kind: 'notExists', selector: { segments: [] } })).toBe('notExists');
    expect(() => walk({ kind: 'compare' } as unknown as JsonExpr)).toThrow('unexpected node kind: "compare"');
  });
});
