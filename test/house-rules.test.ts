import * as fs from 'fs';
import * as path from 'path';
import { ROOMS, roomsImportingUpward } from '../scripts/house-rules';
import { buildImportGraph, findCycles, ImportGraph, roomOf, violations } from '../scripts/import-graph';

const edge = (from: string, to: string, typeOnly = false, external = false) => ({ from, to, specifier: to, external, typeOnly, line: 1 });

describe('scripts/import-graph', () => {
  test('findCycles reports runtime cycles, and type-only ones only when asked', () => {
    const graph: ImportGraph = {
      files: ['lib/a/x.ts', 'lib/a/y.ts', 'lib/b/z.ts', 'lib/b/w.ts'],
      edges: [
        edge('lib/a/x.ts', 'lib/a/y.ts'),
        edge('lib/a/y.ts', 'lib/a/x.ts'),
        edge('lib/b/z.ts', 'lib/b/w.ts'),
        edge('lib/b/w.ts', 'lib/b/z.ts', true),
        edge('lib/a/x.ts', 'fs', false, true),
      ],
    };
    expect(findCycles(graph, false)).toEqual([['lib/a/x.ts', 'lib/a/y.ts', 'lib/a/x.ts']]);
    expect(findCycles(graph, true).map((c) => c.join(' '))).toEqual(
      expect.arrayContaining(['lib/a/x.ts lib/a/y.ts lib/a/x.ts', 'lib/b/w.ts lib/b/z.ts lib/b/w.ts']),
    );
  });

  test('violations names each edge the house rules forbid', () => {
    const graph: ImportGraph = {
      files: [],
      edges: [
        edge('lib/pattern/p.ts', 'aws-cdk-lib', false, true),
        edge('lib/pattern/p.ts', 'node:fs', false, true),
        edge('lib/pattern/p.ts', 'cli/src/aws/audit.ts'),
        edge('lib/targets/t.ts', 'lib/pattern/ast.ts'),
        edge('lib/targets/t.ts', 'lib/catalogue/c.ts'),
        edge('lib/notifier/format.ts', '@aws-sdk/client-sns', false, true),
        edge('lib/notifier/aws-adapter.ts', '@aws-sdk/client-sns', false, true),
        edge('lib/filters/f.ts', 'aws-cdk-lib/aws-logs', true, true),
        edge('lib/filters/f.ts', 'aws-cdk-lib', false, true),
        edge('lib/catalogue/c.ts', 'lib/filters/f.ts'),
        edge('lib/stray.ts', 'lib/pattern/ast.ts'),
        edge('cli/src/commands/run.ts', 'fs', false, true),
        edge('cli/src/commands/run.ts', 'lib/cdk/cloudtrail-alarms.ts'),
      ],
    };
    expect(violations(graph).map((v) => `${v.edge.from} -> ${v.edge.to}: ${v.reason}`)).toEqual([
      'lib/pattern/p.ts -> aws-cdk-lib: lib/pattern/ may not import aws-cdk-lib',
      'lib/pattern/p.ts -> node:fs: lib/pattern/ may not import Node I/O (node:fs)',
      'lib/pattern/p.ts -> cli/src/aws/audit.ts: lib/pattern/ may import only lib/pattern/; this imports cli/src/',
      'lib/targets/t.ts -> lib/catalogue/c.ts: lib/targets/ may import only lib/targets/, lib/pattern/; this imports lib/catalogue/',
      'lib/notifier/format.ts -> @aws-sdk/client-sns: lib/notifier/ may not import the AWS SDK (@aws-sdk/client-sns) outside its adapter',
      'lib/filters/f.ts -> aws-cdk-lib: lib/filters/ may not import aws-cdk-lib at run time (type-only imports are allowed)',
      'lib/catalogue/c.ts -> lib/filters/f.ts: lib/catalogue/ may import only lib/catalogue/, lib/pattern/; this imports lib/filters/',
      'lib/stray.ts -> lib/pattern/ast.ts: lib/stray.ts is in no room: lib/ holds only lib/index.ts and rooms',
      'cli/src/commands/run.ts -> lib/cdk/cloudtrail-alarms.ts: cli/src/ may import only cli/src/, lib/pattern/, lib/targets/, lib/catalogue/, lib/notifier/, lib/filters/, lib/planning/, lib/audit/; this imports lib/cdk/',
    ]);
    expect(roomOf('lib/cdk/private/app-checks.ts')).toBe('lib/cdk');
    expect(roomOf('lib/index.ts')).toBe('lib/index.ts');
  });

  test('the table itself: every room imports only rooms on lower floors (no arrow runs back up)', () => {
    expect(roomsImportingUpward()).toEqual([]);
    expect(roomsImportingUpward([
      { room: 'a', holds: 'a', mayImport: ['b'], cdk: 'none', nodeIo: false, sdk: 'none' },
      { room: 'b', holds: 'b', mayImport: [], cdk: 'none', nodeIo: false, sdk: 'none' },
    ])).toEqual(['a -> b']);
    expect(ROOMS.map((r) => r.room)).toContain('lib/cdk');
  });

  test('the repository: lib/ holds only index.ts at its top, and the whole graph keeps the rules', () => {
    const root = path.join(__dirname, '..');
    const top = fs.readdirSync(path.join(root, 'lib')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    expect(top).toEqual(['index.ts']);
    const graph = buildImportGraph(['lib', 'cli/src'], root);
    expect(violations(graph).map((v) => `${v.edge.from}:${v.edge.line} ${v.reason}`)).toEqual([]);
    expect(findCycles(graph, true)).toEqual([]);
    const fromPattern = graph.edges.filter((e) => roomOf(e.from) === 'lib/pattern');
    expect(fromPattern.length).toBeGreaterThan(20);
    expect(fromPattern.filter((e) => e.external || roomOf(e.to) !== 'lib/pattern')).toEqual([]);
  });
});
