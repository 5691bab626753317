/**
 * Runs the Athena (Trino) SQL of cli/src/sql/sql.ts on DuckDB over a table with the Athena CloudTrail schema.
 *
 * The mapping from Trino to DuckDB is small and listed here, and it is the only thing between the generated SQL and
 * DuckDB. Each entry models the Trino function as documented (trinodb/trino docs/src/main/sphinx/functions):
 *
 * | Trino (as generated)                 | DuckDB                                                    | how        |
 * |--------------------------------------|-----------------------------------------------------------|------------|
 * | json_extract_scalar(json, path)      | json_extract_string, NULL for arrays and objects          | macro      |
 * | json_format(json)                    | CAST(json AS VARCHAR)                                     | macro      |
 * | regexp_like(string, pattern)         | regexp_matches(string, pattern) (both: search, not anchored) | macro   |
 * | from_iso8601_timestamp(string)       | CAST(string AS TIMESTAMPTZ)                               | macro      |
 * | to_unixtime(timestamp)               | epoch(timestamp) (seconds, with fraction)                 | macro      |
 * | from_unixtime(seconds)               | to_timestamp(seconds)                                     | macro      |
 * | element_at(array, i)                 | list_extract(array, i) (1-based, NULL past the end)       | macro      |
 * | any_match(array, x -> p)             | (len(list_filter(array, x -> p)) > 0)                     | rewrite    |
 * | ARRAY(JSON)                          | JSON[]                                                    | rewrite    |
 * | path `$["key"]` (json_extract*)      | path `$."key"`                                            | rewrite    |
 *
 * json_extract, map_values, TRY_CAST, try, count_if, LIKE ... ESCAPE, COALESCE, substr have the same name and
 * meaning in both and are not mapped.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { CLOUDTRAIL_TABLE, TableField } from '../../src/sql/sql';

export const MACROS = [
  "CREATE MACRO json_extract_scalar(j, p) AS CASE WHEN json_type(json_extract(j, p)) IN ('ARRAY', 'OBJECT') THEN NULL ELSE json_extract_string(j, p) END",
  'CREATE MACRO json_format(j) AS CAST(j AS VARCHAR)',
  'CREATE MACRO regexp_like(s, p) AS regexp_matches(s, p)',
  'CREATE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)',
  'CREATE MACRO to_unixtime(t) AS epoch(t)',
  'CREATE MACRO from_unixtime(x) AS to_timestamp(x)',
  'CREATE MACRO element_at(l, i) AS list_extract(l, i)',
];

/** Index of the parenthesis closing the one at `open`, skipping SQL string literals. */
function closing(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'") {
      i++;
      while (i < sql.length && !(sql[i] === "'" && sql[i + 1] !== "'")) i += sql[i] === "'" ? 2 : 1;
      continue;
    }
    if (c === '(') depth++;
    if (c === ')' && --depth === 0) return i;
  }
  throw new Error(`unbalanced parentheses in: ${sql}`);
}

/** The three textual rewrites of the table above. */
export function toDuckDb(sql: string): string {
  let out = sql.replace(/ARRAY\(JSON\)/g, 'JSON[]');
  // JSON path bracket keys, inside path literals: $["a.b"] -> $."a.b"
  out = out.replace(/'\$(?:[^']|'')*'/g, (lit) => lit.replace(/\["((?:[^"\\])*)"\]/g, '."$1"'));
  for (;;) {
    const at = out.indexOf('any_match(');
    if (at < 0) break;
    const open = at + 'any_match'.length;
    const close = closing(out, open);
    out = `${out.slice(0, at)}(len(list_filter(${out.slice(open + 1, close)})) > 0)${out.slice(close + 1)}`;
  }
  return out;
}

// ------------------------------------------------------------------ the table

function ddlType(field: TableField): string {
  switch (field.kind) {
    case 'string':
    case 'boolean':
    case 'ambiguous':
    case 'jsonText':
      return 'VARCHAR';
    case 'map':
      return 'MAP(VARCHAR, VARCHAR)';
    case 'struct':
      return `STRUCT(${Object.values(field.fields).map((f) => `${lastName(f)} ${ddlType(f)}`).join(', ')})`;
    case 'structArray':
      return `STRUCT(${Object.values(field.element).map((f) => `${f.name} VARCHAR`).join(', ')})[]`;
  }
}
function lastName(f: TableField): string {
  return f.sql.split('.').pop()!;
}

/** Column name and DuckDB type, in DDL order, plus the partition-projection columns. */
export const COLUMNS: Array<[string, string]> = [
  ...Object.values(CLOUDTRAIL_TABLE).map((f): [string, string] => [f.sql, ddlType(f)]),
  ['timestamp', 'VARCHAR'],
  ['region', 'VARCHAR'],
  ['account', 'VARCHAR'],
];

const CANONICAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * Why the table cannot hold a record faithfully (undefined when it can): the assumptions of cli/src/sql are
 * that keys are spelt as CloudTrail spells them, that each typed field holds the JSON type CloudTrail writes there
 * (no explicit null where CloudTrail omits a field), and that eventTime is ISO 8601 UTC.
 */
export function unfaithful(record: Record<string, unknown>): string | undefined {
  const et = record.eventTime;
  if (et !== undefined && !(typeof et === 'string' && CANONICAL_TIME.test(et))) return 'eventTime is not ISO 8601 UTC';
  return checkObject(record, CLOUDTRAIL_TABLE, '');
}

function checkObject(o: Record<string, unknown>, fields: Readonly<Record<string, TableField>>, at: string): string | undefined {
  const lower = new Map(Object.keys(fields).map((k) => [k.toLowerCase(), k]));
  const seen = new Set<string>();
  for (const [k, v] of Object.entries(o)) {
    const known = lower.get(k.toLowerCase());
    if (known === undefined) continue; // not a column: the SerDe drops it, the patterns cannot name it
    if (known !== k) return `key ${at}${k} is spelt ${at}${known} by CloudTrail`;
    if (seen.has(known)) return `key ${at}${k} twice`;
    seen.add(known);
    const why = checkValue(v, fields[known], `${at}${k}`);
    if (why) return why;
  }
  return undefined;
}

function checkValue(v: unknown, f: TableField, at: string): string | undefined {
  const isObject = (x: unknown) => x !== null && typeof x === 'object' && !Array.isArray(x);
  switch (f.kind) {
    case 'string':
      return typeof v === 'string' ? undefined : `${at} is ${JSON.stringify(v)}, not a string`;
    case 'boolean':
      return typeof v === 'boolean' ? undefined : `${at} is ${JSON.stringify(v)}, not a boolean`;
    case 'ambiguous':
      return v === null ? `${at} is null` : undefined;
    case 'jsonText':
      return v === null || typeof v === 'object' ? undefined : `${at} is ${JSON.stringify(v)}, not an object`;
    case 'map':
      return isObject(v) && Object.values(v as object).every((x) => typeof x === 'string') ? undefined : `${at} is not a string map`;
    case 'struct':
      return isObject(v) ? checkObject(v as Record<string, unknown>, f.fields, `${at}.`) : `${at} is ${JSON.stringify(v)}, not an object`;
    case 'structArray': {
      if (!Array.isArray(v)) return `${at} is ${JSON.stringify(v)}, not an array`;
      for (const e of v) {
        if (!isObject(e)) return `${at}[] holds ${JSON.stringify(e)}`;
        for (const [k, x] of Object.entries(e as object)) {
          const known = Object.keys(f.element).find((n) => n.toLowerCase() === k.toLowerCase());
          if (known !== undefined && known !== k) return `key ${at}[].${k} is spelt ${known} by CloudTrail`;
          if (known !== undefined && typeof x !== 'string') return `${at}[].${k} is not a string`;
        }
      }
      return undefined;
    }
  }
}

/** The row the SerDe reads from a (faithful) record; `rawJson` overrides the text of JSON-text columns. */
export function toRow(record: Record<string, unknown>, rawJson: Partial<Record<string, string>> = {}): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(CLOUDTRAIL_TABLE)) row[f.sql] = rawJson[name] ?? cell(record[name], f);
  const et = record.eventTime;
  row.timestamp = typeof et === 'string' ? et.slice(0, 10).replace(/-/g, '/') : null;
  row.region = typeof record.awsRegion === 'string' ? record.awsRegion : null;
  row.account = typeof record.recipientAccountId === 'string' ? record.recipientAccountId : null;
  return row;
}

function cell(v: unknown, f: TableField): unknown {
  if (v === undefined || v === null) return null;
  switch (f.kind) {
    case 'string':
      return v;
    case 'boolean':
    case 'ambiguous':
      return String(v);
    case 'jsonText':
      return JSON.stringify(v);
    case 'map':
      return v;
    case 'struct': {
      const o = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(f.fields)) out[lastName(sub)] = cell(o[name], sub);
      return out;
    }
    case 'structArray':
      return (v as Array<Record<string, unknown>>).map((e) => {
        const out: Record<string, unknown> = {};
        for (const [name, sub] of Object.entries(f.element)) out[sub.name] = e[name] ?? null;
        return out;
      });
  }
}

export interface DuckTable {
  readonly connection: DuckDBConnection;
  /** Runs generated Trino SQL (after the mapping) and returns its rows as JSON-friendly objects. */
  query(trinoSql: string): Promise<Array<Record<string, unknown>>>;
  load(table: string, rows: ReadonlyArray<Record<string, unknown>>): Promise<void>;
  close(): void;
}

export async function openDuckDb(): Promise<DuckTable> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  for (const m of MACROS) await connection.run(m);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sql-duckdb-'));
  let n = 0;
  return {
    connection,
    query: async (sql) => (await connection.runAndReadAll(toDuckDb(sql))).getRowObjectsJson() as Array<Record<string, unknown>>,
    load: async (table, rows) => {
      const file = path.join(dir, `rows-${n++}.jsonl`);
      fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
      const columns = `{${COLUMNS.map(([c, t]) => `'${c}': '${t}'`).join(', ')}}`;
      await connection.run(
        `CREATE TABLE ${table} AS SELECT * FROM read_json('${file}', format = 'newline_delimited', columns = ${columns})`,
      );
    },
    close: () => {
      connection.closeSync();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Whether JSON text has an object with the same key twice. JSON.parse keeps the last value, DuckDB's json_extract
 * the first; CloudTrail never writes a key twice, so such events are outside what the differential compares.
 */
export function hasDuplicateKeys(text: string): boolean {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): boolean => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const keys = new Set<string>();
      ws();
      if (text[i] === '}') {
        i++;
        return false;
      }
      for (;;) {
        ws();
        const k = str();
        if (keys.has(k)) return true;
        keys.add(k);
        ws();
        i++; // ':'
        if (value()) return true;
        ws();
        if (text[i++] === '}') return false;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return false;
      }
      for (;;) {
        if (value()) return true;
        ws();
        if (text[i++] === ']') return false;
      }
    }
    if (c === '"') {
      str();
      return false;
    }
    while (i < text.length && !/[\s,\]}]/.test(text[i])) i++;
    return false;
  };
  return value();
}
