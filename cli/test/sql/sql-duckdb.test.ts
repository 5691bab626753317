/**
 * Differential test of cli/src/sql: the generated Athena SQL, run on DuckDB (after the listed mapping in
 * ./sql-duckdb-harness.ts) over a table with the Athena CloudTrail schema, must count exactly what the engine
 * (lib/pattern compile/matchesParsed) counts, per detection and per period, on every record the table can hold
 * faithfully; and select exactly the records the engine selects for every expressible JSON case of the conformance
 * suite. The agreement figures are printed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { PROFILES } from 'cdk-cloudtrail-alarms/lib/catalogue/profiles';
import { resolveProfile } from 'cdk-cloudtrail-alarms/lib/catalogue/resolve';
import { LogFilterPattern } from 'cdk-cloudtrail-alarms/lib/filters/log-filter-pattern';
import { compile, LinearRegex, parse, parseEvent } from 'cdk-cloudtrail-alarms/lib/pattern';
import { JsonExpr, PatternNode, Selector } from 'cdk-cloudtrail-alarms/lib/pattern/ast';
import { DuckTable, hasDuplicateKeys, openDuckDb, toRow, unfaithful } from './sql-duckdb-harness';
import { ensureCorpus } from '../../../bench/corpus';
import { AthenaEngine } from '../../src/engines/athena/athena-engine';
import { sqlString } from '../../src/sql/predicate';
import { translateRegex } from '../../src/sql/regex';
import { combinedCountQuery, compilePredicate, countQuery, searchQuery } from '../../src/sql/sql';

jest.setTimeout(240_000);

const SHARED = '/work/shared/fixtures/cloudtrail';
const PERIOD = 300;

function readShared(): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      if (fs.statSync(p).isDirectory()) {walk(p);} else if (p.endsWith('.jsonl')) {
        for (const line of fs.readFileSync(p, 'utf8').split('\n')) if (line.trim()) out.push(JSON.parse(line));
      } else if (p.endsWith('.json.gz')) {
        out.push(...(JSON.parse(zlib.gunzipSync(fs.readFileSync(p)).toString('utf8')).Records as Array<Record<string, unknown>>));
      }
    }
  };
  walk(SHARED);
  return out;
}

function readSeeded(): Array<Record<string, unknown>> {
  const dir = path.join(os.tmpdir(), 'cloudtrail-alarms-sql-seeded');
  const info = ensureCorpus(dir, { records: 10_000, seed: 1414, recordsPerFile: 500 });
  return info.files.flatMap((f) => JSON.parse(zlib.gunzipSync(fs.readFileSync(f)).toString('utf8')).Records);
}

/** Every distinct detection pattern of every profile. */
function allDetections(): Array<{ id: string; pattern: string }> {
  const seen = new Map<string, string>();
  for (const name of Object.keys(PROFILES)) {
    for (const r of resolveProfile(name)) if (!seen.has(r.pattern)) seen.set(r.pattern, `${name}/${r.entry.id}`);
  }
  return [...seen].map(([pattern, id]) => ({ id, pattern }));
}

/** The engine's per-period counts (what the local backtest buckets: records with a parseable eventTime). */
function engineCounts(
  node: PatternNode,
  records: ReadonlyArray<Record<string, unknown>>,
  window: { fromMs?: number; toMs?: number } = {},
): Map<number, number> {
  const c = compile(node);
  const out = new Map<number, number>();
  for (const r of records) {
    const t = typeof r.eventTime === 'string' ? Date.parse(r.eventTime) : NaN;
    if (Number.isNaN(t)) continue;
    if ((window.fromMs !== undefined && t < window.fromMs) || (window.toMs !== undefined && t >= window.toMs)) continue;
    if (!c.matchesParsed(r)) continue;
    const p = Math.floor(t / (PERIOD * 1000)) * PERIOD * 1000;
    out.set(p, (out.get(p) ?? 0) + 1);
  }
  return out;
}

async function sqlCounts(db: DuckTable, sql: string): Promise<Map<number, number>> {
  const rows = await db.query(`SELECT CAST(epoch_ms(period_start) AS BIGINT) AS p, matches FROM (${sql}) q`);
  return new Map(rows.map((r) => [Number(r.p), Number(r.matches)]));
}

const sorted = (m: Map<number, number>) => [...m].sort((a, b) => a[0] - b[0]);

interface Figures {
  corpus: string;
  records: number;
  faithful: number;
  detections: number;
  expressed: number;
  agreeing: number;
  periods: number;
  matches: number;
}
const figures: Figures[] = [];
const conformanceFigures: string[] = [];

let db: DuckTable;
beforeAll(async () => {
  db = await openDuckDb();
});
afterAll(() => {
  db?.close();
  // eslint-disable-next-line no-console
  console.log(
    [
      'SQL/DuckDB differential agreement:',
      ...figures.map(
        (f) =>
          `  ${f.corpus}: ${f.faithful}/${f.records} records held faithfully by the table; ${f.expressed}/${f.detections} detection patterns expressed, ${f.agreeing}/${f.expressed} agree per period (${f.periods} periods, ${f.matches} matches)`,
      ),
      ...conformanceFigures.map((l) => `  ${l}`),
    ].join('\n'),
  );
});

describe.each([
  ['shared corpus', readShared],
  ['seeded corpus', readSeeded],
])('every detection of every profile on the %s', (corpus, read) => {
  const all = read();
  const records = all.filter((r) => unfaithful(r) === undefined);
  const table = corpus === 'shared corpus' ? 'main.ct_shared' : 'main.ct_seeded';
  const detections = allDetections();

  beforeAll(async () => {
    await db.load(table.replace('main.', ''), records.map((r) => toRow(r)));
  });

  test('the table holds nearly every record faithfully, and says why not for the others', () => {
    const reasons = all.map(unfaithful).filter((r): r is string => r !== undefined);
    // seeded records are CloudTrail-shaped by construction; of the shared corpus only hand-trimmed test records differ
    expect(reasons.length).toBe(all.length - records.length);
    expect(records.length / all.length).toBeGreaterThan(corpus === 'seeded corpus' ? 0.999 : 0.85);
  });

  test('per detection and per period, the SQL counts equal the engine counts', async () => {
    const f: Figures = {
      corpus, records: all.length, faithful: records.length, detections: detections.length, expressed: 0, agreeing: 0, periods: 0, matches: 0,
    };
    const disagreements: string[] = [];
    for (const d of detections) {
      const node = parse(d.pattern);
      const q = countQuery(node, PERIOD, { table, timestampPartition: false });
      if (!q.ok) {
        disagreements.push(`${d.id} refused: ${q.reason}`);
        continue;
      }
      f.expressed++;
      const expected = sorted(engineCounts(node, records));
      const actual = sorted(await sqlCounts(db, q.sql));
      if (JSON.stringify(actual) === JSON.stringify(expected)) f.agreeing++;
      else disagreements.push(`${d.id}: SQL ${JSON.stringify(actual.slice(0, 5))} vs engine ${JSON.stringify(expected.slice(0, 5))}`);
      f.periods += expected.length;
      f.matches += expected.reduce((s, [, c]) => s + c, 0);
    }
    figures.push(f);
    expect(disagreements).toEqual([]);
    expect(f.matches).toBeGreaterThan(0);
  });

  test('a window and partitions: only the asked days are read, and counts still agree', async () => {
    const times = records.map((r) => Date.parse(String(r.eventTime))).filter((t) => !Number.isNaN(t)).sort((a, b) => a - b);
    const fromMs = times[Math.floor(times.length / 4)];
    const toMs = times[Math.floor((times.length * 3) / 4)];
    for (const d of detections.slice(0, 6)) {
      const node = parse(d.pattern);
      const q = countQuery(node, PERIOD, { table, fromMs, toMs });
      if (!q.ok) continue;
      expect(q.sql).toContain(`"timestamp" >= '${new Date(fromMs).toISOString().slice(0, 10).replace(/-/g, '/')}'`);
      expect(sorted(await sqlCounts(db, q.sql))).toEqual(sorted(engineCounts(node, records, { fromMs, toMs })));
    }
  });

  test('one combined scan counts each detection as its own query does', async () => {
    const nodes = detections.map((d) => ({ id: d.id, node: parse(d.pattern) }));
    const c = combinedCountQuery(nodes, PERIOD, { table, timestampPartition: false });
    expect(c.sql).toBeDefined();
    const rows = await db.query(`SELECT CAST(epoch_ms(period_start) AS BIGINT) AS p, * EXCLUDE (period_start) FROM (${c.sql!}) q`);
    c.columns.forEach((id, i) => {
      const fromCombined = new Map<number, number>();
      for (const r of rows) if (Number(r[`m${i}`]) > 0) fromCombined.set(Number(r.p), Number(r[`m${i}`]));
      const node = nodes.find((n) => n.id === id)!.node;
      expect([id, sorted(fromCombined)]).toEqual([id, sorted(engineCounts(node, records))]);
    });
  });

  test('the Athena engine, its query answered by DuckDB, counts and breaks down what the engine does', async () => {
    // a client that answers StartQueryExecution's SQL from DuckDB, as strings (as Athena's VarCharValue)
    let sqlRun = '';
    const client = {
      send: async (command: unknown) => {
        const c = command as { constructor: { name: string }; input: { QueryString?: string } };
        if (c.constructor.name === 'StartQueryExecutionCommand') {
          sqlRun = c.input.QueryString!;
          return { QueryExecutionId: 'duckdb' };
        }
        if (c.constructor.name === 'GetQueryExecutionCommand') return { QueryExecution: { Status: { State: 'SUCCEEDED' } } };
        const rows = await db.query(sqlRun);
        const names = rows.length > 0 ? Object.keys(rows[0]) : [];
        return {
          ResultSet: {
            ResultSetMetadata: { ColumnInfo: names.map((Name) => ({ Name })) },
            Rows: rows.map((r) => ({ Data: names.map((n) => (r[n] === null ? {} : { VarCharValue: String(r[n]) })) })),
          },
        };
      },
    };
    const engine = new AthenaEngine({ table, workgroup: 'primary', client, timestampPartition: false });
    const chosen = detections.slice(0, 12).map((d, i) => ({ id: `${i}`, pattern: LogFilterPattern.parse(d.pattern), periodSeconds: i % 2 ? 300 : 3600 }));
    const r = await engine.count({ detections: chosen });
    for (const [i, d] of chosen.entries()) {
      const c = compile(d.pattern._node);
      const periodMs = d.periodSeconds * 1000;
      const want = new Map<number, number>();
      const names = new Map<string, number>();
      for (const rec of records) {
        const t = Date.parse(String(rec.eventTime));
        if (Number.isNaN(t) || !c.matchesParsed(rec)) continue;
        const p = Math.floor(t / periodMs) * periodMs;
        want.set(p, (want.get(p) ?? 0) + 1);
        const n = typeof rec.eventName === 'string' ? rec.eventName : '(none)';
        names.set(n, (names.get(n) ?? 0) + 1);
      }
      expect([d.id, sorted(new Map(r.detections[i].periods))]).toEqual([d.id, sorted(want)]);
      expect([d.id, [...r.detections[i].breakdown.eventNames].sort()]).toEqual([d.id, [...names].sort()]);
    }
    expect(r.stats.records).toBe(records.length);
  });

  test('the search query returns exactly the matching records', async () => {
    for (const d of detections.slice(0, 8)) {
      const node = parse(d.pattern);
      const q = searchQuery(node, { table, timestampPartition: false });
      if (!q.ok) continue;
      const got = (await db.query(q.sql)).map((r) => `${r.eventid}|${r.eventtime}`).sort();
      const c = compile(node);
      const want = records.filter((r) => c.matchesParsed(r)).map((r) => `${r.eventID ?? null}|${r.eventTime ?? null}`).sort();
      expect([d.id, got]).toEqual([d.id, want]);
    }
  });
});

// ------------------------------------------------------------------ conformance suite

interface Case {
  readonly pattern: string;
  readonly event: string;
  readonly matches?: boolean;
}

function conformanceCases(): Case[] {
  const dir = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'patterns');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'errors.json')
    .flatMap((f) => (JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).cases as Case[]))
    .filter((c) => c.pattern.trim().startsWith('{'));
}

/** The same pattern with every selector moved under `$.requestParameters` (a JSON-text column of the table). */
function underRequestParameters(node: PatternNode): PatternNode {
  const moveSel = (s: Selector): Selector => ({ segments: [{ kind: 'key', name: 'requestParameters' }, ...s.segments] });
  const move = (e: JsonExpr): JsonExpr => {
    switch (e.kind) {
      case 'and':
      case 'or':
        return { ...e, items: e.items.map(move) };
      default:
        return { ...e, selector: moveSel(e.selector) } as JsonExpr;
    }
  };
  if (node.kind !== 'json') return node;
  return { kind: 'json', expr: move(node.expr) };
}

describe('every expressible JSON case of the conformance suite', () => {
  const cases = conformanceCases();
  const parsed = cases.map((c) => {
    try {
      return parse(c.pattern);
    } catch {
      return undefined; // a syntax-error case: nothing to compile
    }
  });
  const events = cases.map((c) => (typeof c.event === 'string' ? parseEvent(c.event) : undefined));
  const objectEvents = [...new Set(cases.map((c) => c.event))].filter((e) => {
    if (typeof e !== 'string') return false;
    const v = parseEvent(e);
    // valid JSON only (the duplicate-key scan assumes it)
    return v !== null && typeof v === 'object' && !Array.isArray(v) && !hasDuplicateKeys(e);
  });

  test('under a JSON-text column: the SQL selects exactly the events the engine selects', async () => {
    // one record per distinct event, the event's own text as requestParameters (as the table holds it)
    const records = objectEvents.map((e, i) => ({ eventID: `e${i}`, eventTime: '2026-11-01T00:00:00Z', requestParameters: JSON.parse(e) }));
    await db.load('conf_nested', records.map((r, i) => toRow(r, { requestParameters: objectEvents[i] })));
    let expressed = 0;
    let agreeing = 0;
    let refusals = 0;
    let compiled = 0;
    const disagreements: string[] = [];
    for (let i = 0; i < cases.length; i++) {
      const node = parsed[i];
      if (!node || typeof events[i] !== 'object') continue;
      compiled++;
      const moved = underRequestParameters(node);
      // the move keeps the case's meaning on its own event
      const own = objectEvents.indexOf(cases[i].event);
      if (own >= 0 && cases[i].matches !== undefined) {
        expect([cases[i].pattern, compile(moved).matchesParsed(records[own])]).toEqual([cases[i].pattern, cases[i].matches]);
      }
      const p = compilePredicate(moved);
      if (!p.ok) {
        refusals++;
        continue;
      }
      expressed++;
      const c = compile(moved);
      const want = records.filter((r) => c.matchesParsed(r)).map((r) => r.eventID).sort();
      const got = (await db.query(`SELECT eventid FROM conf_nested WHERE ${p.sql} ORDER BY eventid`)).map((r) => r.eventid as string).sort();
      if (JSON.stringify(got) === JSON.stringify(want)) agreeing++;
      else disagreements.push(`${cases[i].pattern}: SQL ${JSON.stringify(got)} vs engine ${JSON.stringify(want)}\n${p.sql}`);
    }
    conformanceFigures.push(
      `conformance JSON cases under requestParameters: ${expressed}/${compiled} expressed (${refusals} refused with a reason), ${agreeing}/${expressed} select the same events as the engine over ${records.length} events`,
    );
    expect(disagreements).toEqual([]);
    expect(expressed).toBeGreaterThan(compiled / 2);
  });

  test('on the table columns themselves: the SQL selects exactly the events the engine selects', async () => {
    const records = objectEvents.map((e) => JSON.parse(e) as Record<string, unknown>).filter((r) => unfaithful(r) === undefined);
    const withIds = records.map((r, i) => ({ ...r, eventID: `c${i}` }));
    await db.load('conf_direct', withIds.map((r) => toRow(r)));
    let expressed = 0;
    let agreeing = 0;
    let considered = 0;
    const disagreements: string[] = [];
    for (let i = 0; i < cases.length; i++) {
      const node = parsed[i];
      if (!node) continue;
      considered++;
      const p = compilePredicate(node);
      if (!p.ok) continue;
      expressed++;
      const c = compile(node);
      // eventID is added by the test; patterns on it would see it in both
      const want = withIds.filter((r) => c.matchesParsed(r)).map((r) => r.eventID).sort();
      const got = (await db.query(`SELECT eventid FROM conf_direct WHERE ${p.sql}`)).map((r) => r.eventid as string).sort();
      if (JSON.stringify(got) === JSON.stringify(want)) agreeing++;
      else disagreements.push(`${cases[i].pattern}: SQL ${JSON.stringify(got)} vs engine ${JSON.stringify(want)}\n${p.sql}`);
    }
    conformanceFigures.push(
      `conformance JSON cases on table columns: ${expressed}/${considered} expressed (the rest name fields the table does not have), ${agreeing}/${expressed} agree over ${withIds.length} events`,
    );
    expect(disagreements).toEqual([]);
    expect(expressed).toBeGreaterThan(0);
  });
});

describe('the regex rewrite', () => {
  test('every regex of the conformance suite matches in DuckDB (RE2) exactly where the engine matches', async () => {
    const dir = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'patterns');
    const bodies = new Set<string>();
    const texts = new Set<string>(['', 'a', 'A\nB', 'x\u000by', 'tab\there', 'Grüße', 'line\n', '$^', '[.]', 'hat trick', 'a hat', '10.10.0.1', 'ac', 'abc']);
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json'))) {
      for (const c of JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).cases as Array<{ pattern: string; event?: string }>) {
        for (const m of c.pattern.matchAll(/%((?:[^%\\]|\\.)+)%/g)) bodies.add(m[1]);
        if (typeof c.event === 'string') texts.add(c.event);
      }
    }
    for (const extra of ['^a$', '\\s+', '\\S', '.', '[^a]', '\\W', '\\d{2,3}', 'a|', '\\xff', '\\xff?b', '[\\x00-\\x7f]', 'x$|^y']) bodies.add(extra);
    let compared = 0;
    const disagreements: string[] = [];
    for (const body of bodies) {
      let re: LinearRegex;
      try {
        re = LinearRegex.compile(body);
      } catch {
        continue; // a regex AWS rejects: the compiler raises the same error
      }
      const t = translateRegex(body);
      for (const text of texts) {
        compared++;
        const want = re.test(text);
        const got = t.ok ? Boolean((await db.query(`SELECT regexp_like(${sqlString(text)}, ${sqlString(t.source)}) AS m`))[0].m) : false;
        if (got !== want) disagreements.push(`%${body}% on ${JSON.stringify(text)}: SQL ${got}, engine ${want} (${t.ok ? t.source : 'never'})`);
      }
    }
    conformanceFigures.push(`regex rewrite: ${bodies.size} regexes x ${texts.size} texts, ${compared - disagreements.length}/${compared} agree`);
    expect(disagreements).toEqual([]);
  });
});
