import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { LogFilterPattern } from '../../lib/filters/log-filter-pattern';
import { parse, PatternNode, render, renderCompact } from '../../lib/pattern';

/** A valid pattern of `n` ORed bare-value conditions, as dense as CloudWatch Logs allows (no spaces, no quotes). */
function denseJson(n: number): string {
  const items = Array.from({ length: n }, (_, i) => `$.eventName=Name${i}`);
  return `{${items.join('||')}}`;
}

describe('LogFilterPattern.canonical', () => {
  test('a pattern whose spaced canonical form would pass 1024 characters gets the compact form, which parses back', () => {
    // GIVEN a valid pattern close to the limit (the spaced form adds quotes, spaces and parentheses)
    const text = denseJson(51);
    expect(text.length).toBeLessThanOrEqual(1024);
    const spaced = render(parse(text));
    expect(spaced.length).toBeGreaterThan(1024);
    // WHEN
    const p = LogFilterPattern.parse(text);
    // THEN
    expect(p.canonical.length).toBeLessThanOrEqual(1024);
    expect(LogFilterPattern.parse(p.canonical)._node).toEqual(p._node);
    expect(p.canonical.startsWith('{$.eventName=Name0||$.eventName=Name1||')).toBe(true);
  });

  test('short patterns keep the spaced canonical form', () => {
    expect(LogFilterPattern.parse('{$.a=1||$.b=x}').canonical).toBe('{ ($.a = 1) || ($.b = "x") }');
  });

  test('long term and space-delimited patterns round-trip through canonical too', () => {
    const terms = Array.from({ length: 340 }, (_, i) => `t${i % 10}`).join(' ');
    expect(terms.length).toBeLessThanOrEqual(1024);
    const space = `[${Array.from({ length: 200 }, (_, i) => `f${i % 10}=${i % 7}`).join(',')}]`.slice(0, 1000).replace(/,[^,]*$/, ']');
    for (const text of [terms, space]) {
      const p = LogFilterPattern.parse(text);
      expect(p.canonical.length).toBeLessThanOrEqual(1024);
      expect(LogFilterPattern.parse(p.canonical)._node).toEqual(p._node);
    }
  });

  test('fails with a clear error when the pattern is not a string', () => {
    expect(() => LogFilterPattern.parse(42 as unknown as string)).toThrow(
      'LogFilterPattern.parse: the pattern must be a string, got number.',
    );
    expect(() => LogFilterPattern.parse(undefined as unknown as string)).toThrow('got undefined');
    expect(() => LogFilterPattern.parse(null as unknown as string)).toThrow('got null');
    expect(() => LogFilterPattern.parse(LogFilterPattern.parse('ERROR') as unknown as string)).toThrow(
      'got object (pass the pattern text, e.g. pattern.logPatternString)',
    );
    expect(LogFilterPattern.validate(['x'] as unknown as string)).toEqual({
      valid: false,
      message: 'LogFilterPattern.validate: the pattern must be a string, got an array.',
      position: 0,
    });
  });
});

describe('renderCompact', () => {
  test('renders without optional spaces, with parentheses only for || inside && and quotes only where needed', () => {
    expect(renderCompact(parse('{ ($.a = 1) || (($.b = "x") && ($.c NOT EXISTS)) }'))).toBe('{$.a=1||$.b=x&&$.c NOT EXISTS}');
    expect(renderCompact(parse('{ ($.a = 1 || $.b = 2) && $.c IS NULL }'))).toBe('{($.a=1||$.b=2)&&$.c IS NULL}');
    expect(renderCompact(parse('{ $.a = "12" && $.b = "true" && $.c = "a b" && $.d = "x\\\\y" }'))).toBe(
      '{$.a="12"&&$.b="true"&&$.c="a b"&&$.d="x\\y"}',
    );
    expect(renderCompact(parse('"ERROR" -"DEBUG" ?"-x" "[a]" "say \\"hi\\""'))).toBe('ERROR -DEBUG ?-x [a] "say \\"hi\\""');
    // a first term starting with [ or { stays quoted, or the pattern would become space-delimited or JSON
    expect(renderCompact(parse('"[a]" "{b}"'))).toBe('"[a]" {b}');
    expect(renderCompact(parse('"-x" "?y" "%z"'))).toBe('"-x" "?y" "%z"');
    expect(renderCompact(parse('[ip, ..., code = 404 || code = 410, ]'))).toBe('[ip,...,code=404||code=410,]');
  });

  test('is never longer than the pattern text it came from, and parses back to the same AST (conformance patterns)', () => {
    const dir = path.join(__dirname, '..', 'fixtures', 'patterns');
    const patterns = new Set<string>();
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json'))) {
      const suite = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { cases: Array<{ pattern: string; error?: string }> };
      for (const c of suite.cases) if (!('error' in c)) patterns.add(c.pattern);
    }
    expect(patterns.size).toBeGreaterThan(200);
    for (const text of patterns) {
      const node = parse(text);
      const compact = renderCompact(node);
      expect({ text, longer: compact.length > text.trim().length }).toEqual({ text, longer: false });
      expect(parse(compact)).toEqual(node);
    }
  });

  test('quoteMinimal keeps every string exact (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }).filter((s) => !/[\u0000-\u001f]/.test(s) && s.trim() !== ''), (text) => {
        const node: PatternNode = { kind: 'json', expr: { kind: 'equals', selector: { segments: [{ kind: 'key', name: 'a' }] }, operator: '=', value: { kind: 'string', text } } };
        expect(parse(renderCompact(node))).toEqual(node);
      }),
      { numRuns: 2000 },
    );
  });
});
