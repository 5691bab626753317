import { PassThrough } from 'stream';
import { LogFilterPattern } from 'cdk-cloudtrail-alarms/lib/filters/log-filter-pattern';
import fc from 'fast-check';
import { EngineDetection } from '../../../src/engines/engine';
import { DetectionSet, isExactLiteral, LocalEngine, requiredLiterals } from '../../../src/engines/local';

/**
 * The prefilter and the event-name index must never disagree with the evaluator: a record a detection matches is
 * never ruled out. Checked by a differential fuzz test (records written with random JSON formatting, patterns from a
 * grammar over the same vocabulary so that they often match) and by the regression cases found that way.
 */

const KEYS = ['eventName', 'eventSource', 'errorCode', 'a', 'b', 'userIdentity'];
const WORDS = ['ConsoleLogin', 'Delete', 'DeleteTrail', 'abc', 'a b c', '   ', 'x:y', ':abc', 'null', 'Infinity', '100', '1e2', 'arn:aws:iam', 'é', '1'];

const scalar = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.constantFrom(0, 1, 100, -1.5, 1e21, 0.0000001, 1e400, -0),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...KEYS), tie('v'), { maxKeys: 3 })),
})).v;
const record = fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 5 });

/** JSON text of a value with random whitespace and number spellings (what another producer might write). */
function writeJson(v: unknown, style: number): string {
  const ws = style % 3 === 0 ? '' : style % 3 === 1 ? ' ' : '\n  ';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return '1e400';
    if (Object.is(v, -0)) return '-0.0';
    if (style % 2 === 1 && Number.isInteger(v) && v !== 0 && Math.abs(v) < 1e15) return `${v / 10}e1`;
    return String(v).replace('e+', 'E+');
  }
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${ws}${v.map((x) => writeJson(x, style)).join(`,${ws}`)}${ws}]`;
  return `{${ws}${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}${ws}:${ws}${writeJson(x, style)}`).join(`,${ws}`)}${ws}}`;
}

const text = fc.constantFrom(...WORDS.filter((w) => !w.includes('"')), 'Delete*', '*Trail', '*b*', 'Con*Login');
const selector = fc.constantFrom(...KEYS.map((k) => `$.${k}`), '$.a[0]', '$.a[*]', '$.userIdentity.b', '$.*.a');
const condition = fc.oneof(
  fc.tuple(selector, fc.constantFrom('=', '!='), text).map(([s, op, t]) => `${s} ${op} "${t}"`),
  fc.tuple(selector, fc.constantFrom('=', '!=', '>', '<=', '>='), fc.constantFrom('1', '100', '-1.5', '0')).map(([s, op, n]) => `${s} ${op} ${n}`),
  selector.map((s) => `${s} IS NULL`),
  selector.map((s) => `${s} NOT EXISTS`),
  selector.map((s) => `${s} IS TRUE`),
);
const jsonPattern = fc
  .array(condition, { minLength: 1, maxLength: 3 })
  .chain((cs) => fc.constantFrom('&&', '||').map((op) => `{ ${cs.map((c) => `(${c})`).join(` ${op} `)} }`));
const termPattern = fc
  .array(fc.tuple(fc.constantFrom('', '?', '-'), fc.constantFrom(...WORDS.filter((w) => w !== 'é'), 'Delete', ':1', 'e2', 'nul', 'ull')), { minLength: 1, maxLength: 3 })
  .map((ts) => ts.map(([m, w]) => `${m}"${w}"`).join(' '));
const patternText = fc.oneof(jsonPattern, termPattern, fc.constantFrom('" "', '"   "', '', '[a, b]'));

function parsed(texts: readonly string[]): EngineDetection[] {
  return texts.flatMap((t, i) => {
    try {
      return [{ id: `d${i}`, pattern: LogFilterPattern.parse(t), periodSeconds: 300 }];
    } catch {
      return [];
    }
  });
}

describe('prefilter and event-name index against the evaluator', () => {
  test('regression: a whitespace-only term matches every record, so it needs no literal', () => {
    const set = new DetectionSet(parsed(['"   "']));
    expect(set.prefilter).toBeUndefined();
    expect(set.matching({ eventName: 'x' })).toEqual([0]);
  });

  test('regression: { $.eventName = "1" } matches a numeric eventName, which the index must not skip', () => {
    const set = new DetectionSet(parsed(['{ $.eventName = "1" }', '{ $.eventName = "ConsoleLogin" }']));
    expect(set.matching({ eventName: 1 })).toEqual([0]);
    expect(set.matching({ eventName: 'ConsoleLogin' })).toEqual([1]);
    expect(set.matching({})).toEqual([]);
  });

  test('literals that number formatting or structure could hide are refused', () => {
    for (const bad of ['100', '1e2', ':abc', 'null', 'ull', 'Infinity', 'nity', '-1.5', 'ab']) expect({ bad, ok: isExactLiteral(bad) }).toEqual({ bad, ok: false });
    for (const good of ['ConsoleLogin', 'a b c', 'x:y', 'arn:aws:iam', '1x2']) expect({ good, ok: isExactLiteral(good) }).toEqual({ good, ok: true });
    expect(requiredLiterals(LogFilterPattern.parse('{ $.a = "Infinity" }')._node)).toBeUndefined();
    expect(requiredLiterals(LogFilterPattern.parse('{ ($.eventName = "DeleteTrail") && ($.b = "x:y") }')._node)).toEqual([['DeleteTrail'], ['x:y']]);
  });

  test('fuzz: a record any detection matches is never ruled out, and the index finds exactly the matching detections', () => {
    let matched = 0;
    let ruledOut = 0;
    fc.assert(
      fc.property(fc.array(patternText, { minLength: 1, maxLength: 4 }), record, fc.nat(5), (texts, rec, style) => {
        const detections = parsed(texts);
        if (detections.length === 0) return;
        const set = new DetectionSet(detections);
        // the raw text as another producer might write it, and the record the reader would parse from it
        const raw = Buffer.from(writeJson(rec, style), 'utf8');
        const read = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
        const expected = detections.flatMap((d, i) => (d.pattern.matchesEvent(read) ? [i] : []));
        expect(set.matching(read)).toEqual(expected);
        const passes = set.prefilter === undefined || set.prefilter(raw);
        if (expected.length > 0) {
          matched++;
          expect({ texts, raw: raw.toString(), passes }).toEqual({ texts, raw: raw.toString(), passes: true });
        } else if (!passes) {
          ruledOut++;
        }
      }),
      { numRuns: 10_000, seed: 20261201 },
    );
    // the test must exercise both sides
    expect(matched).toBeGreaterThan(500);
    expect(ruledOut).toBeGreaterThan(200);
  });

  test('fuzz through the engine: search with the prefilter finds exactly what evaluating every record finds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(patternText, { minLength: 1, maxLength: 3 }),
        fc.array(record, { minLength: 1, maxLength: 12 }),
        fc.nat(5),
        fc.boolean(),
        async (texts, recs, style, delivery) => {
          const detections = parsed(texts);
          if (detections.length === 0) return;
          const records = recs.map((r, i) => ({ eventVersion: '1.08', ...r, n: i }));
          const expected = records.flatMap((r) => {
            const ids = detections.filter((d) => d.pattern.matchesEvent(r)).map((d) => d.id);
            return ids.length > 0 ? [`${r.n}:${ids.join(',')}`] : [];
          });
          const body = delivery
            ? `{"Records":[${records.map((r) => writeJson(r, style % 3 === 2 ? 0 : style)).join(',')}]}`
            : records.map((r) => writeJson(r, style % 3 === 2 ? 0 : style)).join('\n');
          const stdin = new PassThrough();
          stdin.end(body);
          const run = new LocalEngine({ inputs: [{ path: '-', size: 0, kind: 'stream' }], stdin }).search({ detections });
          const found: string[] = [];
          for await (const m of run.records) found.push(`${m.record.n}:${m.detectionIds.join(',')}`);
          const stats = await run.stats();
          expect(stats.problems).toEqual([]);
          expect(stats.records).toBe(records.length);
          expect(found).toEqual(expected);
        },
      ),
      { numRuns: 300, seed: 20261202 },
    );
  }, 60_000);
});
