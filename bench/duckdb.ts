/**
 * The DuckDB rows of `npm run bench`: what a user would run instead of the local engine, on the same .json.gz files.
 * DuckDB reads the delivery files itself (read_json, the Records array unnested into rows), with the columns of
 * AWS's Athena CloudTrail table that the query names, typed as that table types them (cli/src/sql
 * CLOUDTRAIL_TABLE); the queries are the project's own Athena SQL (cli/src/sql: searchQuery for the search,
 * combinedCountQuery, one scan counting every detection per 5-minute period, for the backtest), run after the
 * listed Trino -> DuckDB mapping of test/targets/sql-duckdb-harness.ts (the one copy the differential test uses).
 */
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { CLOUDTRAIL_TABLE, combinedCountQuery, searchQuery, TableField } from '../cli/src/sql/sql';
import { MACROS, toDuckDb } from '../cli/test/sql/sql-duckdb-harness';
import { PatternNode } from '../lib/pattern/ast';

/** The DuckDB type of a column or struct field, with the record's own (camelCase) key names for read_json. */
function jsonType(f: TableField): string {
  switch (f.kind) {
    case 'string':
    case 'boolean':
    case 'ambiguous':
    case 'jsonText':
      return 'VARCHAR';
    case 'map':
      return 'MAP(VARCHAR, VARCHAR)';
    case 'struct':
      return `STRUCT(${Object.entries(f.fields).map(([k, v]) => `"${k}" ${jsonType(v)}`).join(', ')})`;
    case 'structArray':
      return `STRUCT(${Object.keys(f.element).map((k) => `"${k}" VARCHAR`).join(', ')})[]`;
  }
}

/** The record columns a query names (by their table names), as the element type of `Records`. */
function recordsType(sql: string): string {
  const used = Object.entries(CLOUDTRAIL_TABLE).filter(([, f]) => new RegExp(`\\b${f.sql}\\b`, 'i').test(sql));
  return `STRUCT(${used.map(([k, f]) => `"${k}" ${jsonType(f)}`).join(', ')})[]`;
}

/** A view `ct` of the records of `files`, with the columns `sql` needs (DuckDB matches key names exactly). */
async function defineView(c: DuckDBConnection, files: readonly string[], sql: string): Promise<void> {
  const list = `[${files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ')}]`;
  await c.run('DROP VIEW IF EXISTS ct');
  await c.run(
    `CREATE VIEW ct AS SELECT r.* FROM (SELECT unnest(Records) AS r FROM read_json(${list}, ` +
      `columns = {Records: '${recordsType(sql)}'}, format = 'unstructured', compression = 'gzip', maximum_object_size = 1073741824))`,
  );
}

export interface DuckRun<T> {
  /** Reading the files and running the query, as a user's one query does: wall time... */
  readonly seconds: number;
  /** ...and CPU time (user + system) of the process, DuckDB's threads included. */
  readonly cpuSeconds: number;
  /** The query alone, on a table loaded beforehand (for transparency: what the load costs); NaN when not measured. */
  readonly querySeconds: number;
  readonly result: T;
}

function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export class DuckBench {
  public static async open(): Promise<DuckBench> {
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    await c.run("SET TimeZone = 'UTC'");
    for (const m of MACROS) await c.run(m);
    const threads = (await c.runAndReadAll("SELECT current_setting('threads') AS t")).getRowObjectsJson()[0].t;
    return new DuckBench(c, Number(threads));
  }

  private constructor(private readonly c: DuckDBConnection, public readonly threads: number) {}

  /** The search: the key fields of the records one pattern matches (cli/src/sql searchQuery). */
  public async search(files: readonly string[], node: PatternNode, loaded = true): Promise<DuckRun<number>> {
    const q = searchQuery(node, { table: 'main.ct', timestampPartition: false });
    if (!q.ok) throw new Error(`the search is not expressible in SQL: ${q.reason}`);
    const sql = toDuckDb(q.sql);
    return this.timed(files, q.sql, loaded, async (table) => (await this.c.runAndReadAll(sql.replace('main.ct', table))).getRowObjectsJson().length);
  }

  /** The backtest's counting: matches per 5-minute period of every detection in one scan; total matches per detection. */
  public async backtest(
    files: readonly string[],
    detections: ReadonlyArray<{ id: string; node: PatternNode }>,
    periodSeconds: number,
    loaded = true,
  ): Promise<DuckRun<Map<string, number>>> {
    const q = combinedCountQuery(detections, periodSeconds, { table: 'main.ct', timestampPartition: false });
    if (q.refused.length > 0 || !q.sql) throw new Error(`not expressible in SQL: ${q.refused.map((r) => `${r.id}: ${r.reason}`).join('; ')}`);
    const sql = toDuckDb(q.sql);
    return this.timed(files, q.sql, loaded, async (table) => {
      const rows = (await this.c.runAndReadAll(sql.replace('main.ct', table))).getRowObjectsJson();
      return new Map(q.columns.map((id, i) => [id, rows.reduce((s, r) => s + Number(r[`m${i}`]), 0)]));
    });
  }

  public close(): void {
    this.c.closeSync();
  }

  /** Runs a query over the files; with `loaded`, also on a table loaded beforehand (the query alone). */
  private async timed<T>(files: readonly string[], trinoSql: string, loaded: boolean, run: (table: string) => Promise<T>): Promise<DuckRun<T>> {
    await defineView(this.c, files, trinoSql);
    let start = now();
    const cpu = cpuNow();
    const result = await run('main.ct');
    const seconds = now() - start;
    const cpuSeconds = cpuNow() - cpu;
    if (!loaded) return { seconds, cpuSeconds, querySeconds: NaN, result };
    await this.c.run('DROP TABLE IF EXISTS ct_loaded');
    await this.c.run('CREATE TABLE ct_loaded AS SELECT * FROM ct');
    start = now();
    await run('main.ct_loaded');
    const querySeconds = now() - start;
    await this.c.run('DROP TABLE ct_loaded');
    return { seconds, cpuSeconds, querySeconds, result };
  }
}
