import * as path from 'path';
import { buildImportGraph, findCycles, ImportGraph, roomOf, violations } from '../../scripts/import-graph';

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
        edge('lib/pattern/p.ts', 'lib/aws/audit.ts'),
        edge('lib/targets/t.ts', 'lib/pattern/ast.ts'),
        edge('lib/targets/t.ts', 'lib/catalogue/c.ts'),
        edge('lib/notifier/format.ts', '@aws-sdk/client-sns', false, true),
        edge('lib/notifier/aws-adapter.ts', '@aws-sdk/client-sns', false, true),
        edge('lib/catalogue/c.ts', 'lib/cli/run.ts'),
        edge('lib/cli/run.ts', 'fs', false, true),
      ],
    };
    expect(violations(graph).map((v) => `${v.edge.from} -> ${v.edge.to}: ${v.reason}`)).toEqual([
      'lib/pattern/p.ts -> aws-cdk-lib: pattern/ may not import aws-cdk-lib',
      'lib/pattern/p.ts -> node:fs: pattern/ may not import Node I/O (node:fs)',
      'lib/pattern/p.ts -> lib/aws/audit.ts: pattern/ may not import aws/',
      'lib/targets/t.ts -> lib/catalogue/c.ts: targets/ may import only targets/, pattern/; this imports catalogue/',
      'lib/notifier/format.ts -> @aws-sdk/client-sns: notifier/ may not import the AWS SDK (@aws-sdk/client-sns) outside its adapter',
      'lib/catalogue/c.ts -> lib/cli/run.ts: catalogue/ may not import cli/',
    ]);
    expect(roomOf('lib/cloudtrail-alarms.ts')).toBe('.');
  });

  test('lib/pattern imports nothing outside itself and has no cycle, type-only imports included', () => {
    const graph = buildImportGraph(path.join(__dirname, '..', '..', 'lib'));
    const fromPattern = graph.edges.filter((e) => roomOf(e.from) === 'pattern');
    expect(fromPattern.length).toBeGreaterThan(20);
    expect(fromPattern.filter((e) => e.external || roomOf(e.to) !== 'pattern')).toEqual([]);
    expect(findCycles(graph, true).filter((c) => c.some((f) => roomOf(f) === 'pattern'))).toEqual([]);
  });
});
