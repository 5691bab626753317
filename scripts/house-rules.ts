/**
 * The house rules: one table, read by eslint (through .projenrc.ts, which writes .eslintrc.json from it) and by
 * scripts/import-graph.ts (which checks every import on each test run, type-only imports included).
 *
 * A room is a folder. It may import itself, the rooms listed in `mayImport` and nothing else of ours; the order of
 * ROOMS is the order of the floors, from the ground up, and a room may import only rooms below it, so no arrow runs
 * back up. The CLI package (cli/src) imports the library through its package name (`cdk-cloudtrail-alarms/lib/...`).
 */

/** What a room may use besides other rooms. */
export interface RoomRule {
  /** The folder, from the repository root (`lib/pattern`). */
  readonly room: string;
  /** What it holds, for messages. */
  readonly holds: string;
  /** The rooms it may import besides itself (each lower in ROOMS). */
  readonly mayImport: readonly string[];
  /**
   * aws-cdk-lib and constructs: `runtime` (it makes CDK resources), `types` (names CDK types only, erased at compile
   * time, as `LogFilterPattern implements logs.IFilterPattern`), or `none`.
   */
  readonly cdk: 'runtime' | 'types' | 'none';
  /** Whether it may import Node modules that do I/O (fs, zlib, worker_threads...). */
  readonly nodeIo: boolean;
  /** The AWS SDK: `all` files, `none`, or only the listed files (the notifier's adapter). */
  readonly sdk: 'all' | 'none' | readonly string[];
}

const LIB_ROOMS = ['lib/pattern', 'lib/targets', 'lib/catalogue', 'lib/notifier', 'lib/filters', 'lib/planning', 'lib/audit'];

export const ROOMS: readonly RoomRule[] = [
  { room: 'lib/pattern', holds: 'the filter-pattern engine', mayImport: [], cdk: 'none', nodeIo: false, sdk: 'none' },
  { room: 'lib/targets', holds: 'compilers to other pattern languages', mayImport: ['lib/pattern'], cdk: 'none', nodeIo: false, sdk: 'none' },
  { room: 'lib/catalogue', holds: 'the detections as data', mayImport: ['lib/pattern'], cdk: 'none', nodeIo: false, sdk: 'none' },
  {
    room: 'lib/notifier',
    holds: "the notifier function's pure code (esbuild bundles what it imports into the function)",
    mayImport: ['lib/pattern', 'lib/catalogue'],
    cdk: 'none',
    nodeIo: false,
    sdk: ['lib/notifier/aws-adapter.ts'],
  },
  {
    room: 'lib/filters',
    holds: 'the pattern builders and the detections.json document',
    mayImport: ['lib/pattern', 'lib/targets', 'lib/catalogue'],
    cdk: 'types',
    nodeIo: false,
    sdk: 'none',
  },
  {
    room: 'lib/planning',
    holds: 'the CDK-free detection planner (the construct and the CLI use it)',
    mayImport: ['lib/pattern', 'lib/catalogue', 'lib/filters'],
    cdk: 'types',
    nodeIo: false,
    sdk: 'none',
  },
  {
    room: 'lib/audit',
    holds: "the audit's judges: templates and account snapshots in, findings out (the CLI's audit and the synth-time checks use them)",
    mayImport: ['lib/pattern', 'lib/catalogue', 'lib/filters'],
    cdk: 'none',
    nodeIo: false,
    sdk: 'none',
  },
  {
    room: 'lib/notifier-function',
    holds: "the notifier function's entry point",
    mayImport: ['lib/pattern', 'lib/catalogue', 'lib/notifier'],
    cdk: 'none',
    nodeIo: true,
    sdk: 'all',
  },
  {
    room: 'lib/log-group-lookup-function',
    holds: "the log group lookup's custom resource handler (CloudTrailLogGroupLookup stages its bundle)",
    mayImport: [],
    cdk: 'none',
    nodeIo: true,
    sdk: 'all',
  },
  { room: 'lib/cdk', holds: 'the constructs', mayImport: LIB_ROOMS, cdk: 'runtime', nodeIo: true, sdk: 'none' },
  { room: 'cli/src', holds: 'the CLI package', mayImport: LIB_ROOMS, cdk: 'none', nodeIo: true, sdk: 'all' },
];

/** The only file at a room's parent level: lib/index.ts, the public face (it may export any lib/ room). */
export const PUBLIC_FACE = 'lib/index.ts';

/** Node modules that do I/O (or start processes or threads). */
export const NODE_IO_MODULES: readonly string[] = [
  'fs', 'fs/promises', 'child_process', 'net', 'http', 'https', 'http2', 'zlib', 'worker_threads', 'readline',
  'dgram', 'dns', 'tls', 'cluster', 'os', 'process', 'stream', 'inspector', 'v8', 'vm', 'repl', 'tty',
];

/** The room of a repository path (`lib/pattern/parser.ts` -> `lib/pattern`), or undefined outside every room. */
export function roomOfPath(file: string): string | undefined {
  const rooms = [...ROOMS].sort((a, b) => b.room.length - a.room.length);
  return rooms.find((r) => file === r.room || file.startsWith(`${r.room}/`))?.room;
}

/** Rooms that import a room above their own floor (must be none: the table is checked by the tests). */
export function roomsImportingUpward(rules: readonly RoomRule[] = ROOMS): string[] {
  const floor = new Map(rules.map((r, i) => [r.room, i]));
  return rules.flatMap((r) => r.mayImport.filter((m) => (floor.get(m) ?? Infinity) >= floor.get(r.room)!).map((m) => `${r.room} -> ${m}`));
}
