/**
 * Nothing from a pattern, a detection id or a reason reaches the generated SQL outside a quoted string literal or a
 * one-line comment: every statement is parsed by DuckDB as one SELECT over the one table, and the code outside
 * literals and comments (found by a lexer of SQL's own rules) holds none of the planted text.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { neutralise } from 'cdk-cloudtrail-alarms/lib/notifier/neutralise';
import { parse } from 'cdk-cloudtrail-alarms/lib/pattern';
import { PatternNode } from 'cdk-cloudtrail-alarms/lib/pattern/ast';
import fc from 'fast-check';
import { DuckTable, openDuckDb, toDuckDb } from './sql-duckdb-harness';
import {
  combinedCountQuery,
  countQuery,
  engineCountQuery,
  engineSearchQuery,
  searchQuery,
  sqlComment,
  SqlQueryOptions,
} from '../../src/sql/sql';
import { cli } from '../commands/helpers';

jest.setTimeout(60_000);

const PAYLOAD = 'DROP TABLE x; --';
const TABLE = 'main.ct';

/** SQL split into code, string literals and comments, by SQL's lexical rules ('' inside a literal, "" inside an identifier). */
function lex(sql: string): { code: string; literals: string[]; comments: string[] } {
  let code = '';
  const literals: string[] = [];
  const comments: string[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= sql.length) throw new Error(`unterminated ${c} at ${i} in:\n${sql}`);
        if (sql[j] === c && sql[j + 1] === c) {
          text += c;
          j += 2;
        } else if (sql[j] === c) {
          break;
        } else {
          text += sql[j++];
        }
      }
      if (c === "'") literals.push(text);
      else code += `"${text}"`;
      i = j + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      // a line comment ends at a line feed or a carriage return (Trino's and DuckDB's lexers)
      let j = i;
      while (j < sql.length && sql[j] !== '\n' && sql[j] !== '\r') j++;
      comments.push(sql.slice(i, j));
      code += ' ';
      i = j;
    } else if (c === '/' && sql[i + 1] === '*') {
      throw new Error(`a block comment in generated SQL:\n${sql}`);
    } else {
      code += c;
      i++;
    }
  }
  return { code, literals, comments };
}

/** Patterns with the payload after a line break (and its cousins) in every place a pattern can carry text. */
const HOSTILE: Array<[string, string]> = [
  ['a quoted value, after a line feed', `{ $.eventName = "a\n${PAYLOAD}" }`],
  ['a quoted value, after a carriage return', `{ $.eventName = "a\r${PAYLOAD}" }`],
  ['a quoted value, after U+2028', `{ $.eventName = "a\u2028${PAYLOAD}" }`],
  ['a quoted value, after U+2029 and a quote', `{ $.errorMessage = "a\u2029'; ${PAYLOAD}" }`],
  ['a wildcard value', `{ $.userAgent = "*\n${PAYLOAD}*" }`],
  ['a JSON key', `{ $.requestParameters['k\n${PAYLOAD}'] = "v" }`],
  ['a JSON key with a quote', `{ $.requestParameters['k''\n${PAYLOAD}'] = 1 }`],
  ['a != value under a JSON-text column', `{ $.requestParameters.name != "a\n${PAYLOAD}" }`],
  ['a value inside an array', `{ $.resources[*].ARN = "arn\n${PAYLOAD}" }`],
];

/** Patterns the table cannot express, whose refusal reason repeats the planted text. */
const REFUSED: Array<[string, string]> = [
  ['an unknown struct field', `{ $.userIdentity['x\n${PAYLOAD}'] = 1 }`],
  ['an unknown column', `{ $['x\n${PAYLOAD}'] = 1 }`],
];

const OPTIONS: SqlQueryOptions = { table: TABLE, fromMs: Date.parse('2026-11-01T00:00:00Z'), toMs: Date.parse('2026-11-02T00:00:00Z') };

function generated(id: string, node: PatternNode): string[] {
  const out: string[] = [];
  const header = `${id}: matches of ${id}`;
  const c = countQuery(node, 300, OPTIONS, header);
  if (c.ok) out.push(c.sql);
  const s = searchQuery(node, { ...OPTIONS, limit: 10 });
  if (s.ok) out.push(s.sql);
  const detections = [{ id, node }, { id: 'plain', node: parse('{ $.eventName = "X" }') }];
  const combined = [combinedCountQuery(detections, 300, OPTIONS), engineCountQuery(detections, 300, OPTIONS), engineSearchQuery(detections, OPTIONS)];
  for (const q of combined) if (q.sql) out.push(q.sql);
  return out;
}

let db: DuckTable;
beforeAll(async () => {
  db = await openDuckDb();
  await db.load('ct', []);
});
afterAll(() => db?.close());

/** One statement, a SELECT over the one table, that DuckDB parses and runs; the payload only in literals and comments. */
async function expectContained(sql: string): Promise<void> {
  const { code, literals, comments } = lex(sql);
  expect(code).not.toContain('DROP');
  expect(code).not.toContain(';');
  for (const comment of comments) expect(comment).not.toMatch(/[\u2028\u2029]/);
  expect([...literals, ...comments].some((t) => t.includes('DROP TABLE x'))).toBe(true);
  const duck = toDuckDb(sql);
  expect((await db.connection.extractStatements(duck)).count).toBe(1);
  expect(db.connection.getTableNames(duck, true)).toEqual([TABLE]);
  expect(await db.query(sql)).toEqual([]);
}

describe('a planted line break cannot turn pattern text into SQL', () => {
  test.each(HOSTILE)('%s: every query keeps it inside a literal or a one-line comment', async (_, pattern) => {
    const queries = generated('pattern', parse(pattern));
    expect(queries).toHaveLength(5);
    for (const sql of queries) await expectContained(sql);
  });

  test.each(HOSTILE)('%s: a detection id carrying the payload stays inside the comment', async (_, pattern) => {
    const queries = generated(`custom\n${PAYLOAD}`, parse(pattern));
    for (const sql of queries) await expectContained(sql);
    // the count, combined, engine count and engine search queries name the detection in their first line
    const named = queries.map((sql) => sql.split('\n')[0]).filter((line) => line.includes('custom'));
    expect(named).toHaveLength(4);
    for (const line of named) expect(line).toMatch(/^-- .*custom\\u000aDROP TABLE x; --/);
  });

  test('the comment repeating a pattern is one line, with the line breaks escaped', () => {
    const q = countQuery(parse(`{ $.eventName = "a\n${PAYLOAD}\r\u2028\u2029" }`), 300, OPTIONS, `p: matches per 300 s period of { $.eventName = "a\n${PAYLOAD}\r\u2028\u2029" }`);
    expect(q.ok && q.sql.split('\n')[0]).toBe('-- p: matches per 300 s period of { $.eventName = "a\\u000aDROP TABLE x; --\\u000d\\u2028\\u2029" }');
    expect(sqlComment('a\\u000a\nb')).toBe('-- a\\\\u000a\\u000ab');
    // the notation of the neutraliser the CLI uses for everything else it prints
    for (const [, pattern] of [...HOSTILE, ...REFUSED]) expect(sqlComment(pattern)).toBe(`-- ${neutralise(pattern)}`);
    expect(sqlComment('a\u200b\u202e\u{1f600}\ud800')).toBe(`-- ${neutralise('a\u200b\u202e\u{1f600}\ud800')}`);
  });

  test.each(REFUSED)('%s: refused, and the reason stays inside its comment in the sql command output', async (_, pattern) => {
    const r = await cli(['sql', '--pattern', pattern, '--from', '2026-11-01', '--to', '2026-11-02']);
    expect(r.code).toBe(1);
    const { code, comments } = lex(r.stdout);
    expect(code.trim()).toBe('');
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatch(/^-- pattern: not expressible in SQL: .*x\\u000aDROP TABLE x; --/);
    // standard error: one line, escaped the same way
    expect(r.stderr.split('\n').filter((l) => l)).toEqual([comments[0].slice(3)]);
  });
});

describe('cloudtrail-alarms sql with hostile detections', () => {
  test('a custom detection whose pattern carries the payload: the printed statement is one SELECT', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cta-sql-hostile-'));
    const file = path.join(dir, 'overrides.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        profile: 'cis-1.4',
        customDetections: [
          { id: 'mine', title: 't', description: 'd', metricName: 'Mine', pattern: `{ $.eventName = "a\n${PAYLOAD}" }` },
        ],
      }),
    );
    const r = await cli(['sql', '--overrides', file, '--detection', 'mine', '--table', TABLE, '--from', '2026-11-01', '--to', '2026-11-02']);
    expect(r.code).toBe(0);
    const statements = r.stdout.split(';\n\n').filter((s) => s.trim());
    expect(statements).toHaveLength(1);
    for (const sql of statements) await expectContained(sql);
    expect(r.stdout.split('\n')[0]).toBe(
      '-- mine: matches per 300 s period of { $.eventName = "a\\u000aDROP TABLE x; --" }',
    );
  });
});

describe('sql without a time window', () => {
  test('warns on standard error that nothing bounds the scan; no warning with --from and --to', async () => {
    const none = await cli(['sql', '--detection', 'root-account-usage']);
    expect(none.code).toBe(0);
    expect(none.stderr).toBe(
      'warning: no --from/--to: no time window bounds the scan, so every query reads every day of the "timestamp" partition (the whole table); Athena charges for every byte scanned ($5 per TB). Give --from and --to to read only those days\n',
    );
    const from = await cli(['sql', '--detection', 'root-account-usage', '--from', '2026-11-01']);
    expect(from.stderr).toBe('warning: no --to: the scan reads every day of the "timestamp" partition from --from on; Athena charges for every byte scanned ($5 per TB)\n');
    const noPartition = await cli(['sql', '--detection', 'root-account-usage', '--from', '2026-11-01', '--to', '2026-11-02', '--no-timestamp-partition']);
    expect(noPartition.stderr).toBe(
      'warning: the table has no date partition (--no-timestamp-partition): every query scans the whole table, and --from/--to only filter the rows read; Athena charges for every byte scanned ($5 per TB)\n',
    );
    const bounded = await cli(['sql', '--detection', 'root-account-usage', '--from', '2026-11-01', '--to', '2026-11-02']);
    expect([bounded.code, bounded.stderr]).toEqual([0, '']);
  });
});

describe('property: no value or key of a pattern changes the SQL outside its literals and comments', () => {
  /** Strings rich in what ends a comment or a literal: line breaks, separators, quotes, dashes, semicolons. */
  const hostile = fc.string({
    unit: fc.oneof(fc.constantFrom('\n', '\r', '\u2028', '\u2029', '\u0085', "'", '"', '\\', '-', ';', '/', '*', ' ', 'D', '\u202e', '\u200b'), fc.fullUnicode()),
    maxLength: 40,
  });
  const pattern = (v: string) => `{ $.errorMessage = "${v.replace(/[\\"]/g, (c) => `\\${c}`)}" }`;
  const skeleton = (v: string): string | undefined => {
    let node: PatternNode;
    try {
      node = parse(pattern(v));
    } catch {
      return undefined;
    }
    const q = countQuery(node, 300, OPTIONS, `p: matches of ${pattern(v)}`);
    if (!q.ok) return undefined;
    const { code, comments } = lex(q.sql);
    for (const c of comments) expect(c).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
    return code;
  };

  test('a string value: the code around the literals is the same as for a plain value', () => {
    const plainExact = skeleton('x');
    const plainLike = skeleton('x*');
    fc.assert(
      fc.property(hostile, (v) => {
        const code = skeleton(v);
        fc.pre(code !== undefined);
        // an exact value compares with =, a value with a wildcard with LIKE; nothing else differs
        expect(code).toBe(v.includes('*') ? (/^\**$/.test(v) ? code : plainLike) : plainExact);
      }),
      { numRuns: 500 },
    );
  });

  test('a JSON key: the code around the path literal is the same as for a plain key', () => {
    const keyed = (k: string): string | undefined => {
      let node: PatternNode;
      try {
        node = parse(`{ $.requestParameters['${k}'] = 1 }`);
      } catch {
        return undefined;
      }
      const q = searchQuery(node, OPTIONS);
      if (!q.ok) return undefined;
      const { code, comments } = lex(q.sql);
      for (const c of comments) expect(c).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
      return code;
    };
    const plain = keyed('x');
    fc.assert(
      fc.property(hostile, (k) => {
        fc.pre(!k.includes("']") && k.length > 0);
        const code = keyed(k);
        // a key with a double quote or a backslash is refused (a json_extract path cannot name it)
        fc.pre(code !== undefined);
        expect(code).toBe(plain);
      }),
      { numRuns: 500 },
    );
  });
});
