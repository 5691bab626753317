/**
 * The import graph of lib/: cycles, edges between rooms (directories) and the edges the house rules forbid.
 *
 * Run: npx ts-node scripts/import-graph.ts [--check] [root...]   (roots default to lib and cli/src; --check exits 1 on
 * a cycle or a forbidden edge). The rules are the table in scripts/house-rules.ts, which eslint reads too.
 *
 * Imports are read with the TypeScript compiler API (static imports, `export ... from`, `import x = require()`,
 * `require()` and `import()` calls). An import is "type-only" when it is written `import type` / `export type`, or
 * when every named binding is `type`: TypeScript erases those, and eslint's import/no-cycle ignores them too, so
 * cycles are reported twice: over runtime imports, and over all imports including type-only ones.
 */
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';
import * as ts from 'typescript';
import { NODE_IO_MODULES, PUBLIC_FACE, roomOfPath, ROOMS, RoomRule } from './house-rules';

export interface ImportEdge {
  /** Importing file, relative to the root's parent (e.g. `lib/pattern/parser.ts`). */
  readonly from: string;
  /** Imported file (same form) for a relative import; the module name otherwise. */
  readonly to: string;
  readonly specifier: string;
  readonly external: boolean;
  readonly typeOnly: boolean;
  readonly line: number;
}

export interface ImportGraph {
  readonly files: readonly string[];
  readonly edges: readonly ImportEdge[];
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (entry.isFile() && /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out.sort();
}

function resolveRelative(fromFile: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') || candidate.endsWith('.tsx')) {
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
    }
  }
  // `./x.js` written for ESM style resolves to x.ts
  if (specifier.endsWith('.js')) return resolveRelative(fromFile, specifier.slice(0, -3));
  return undefined;
}

function bindingsAllTypeOnly(clause: ts.ImportClause | undefined): boolean {
  if (!clause) return false; // `import 'x'` runs x
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  if (!bindings || !ts.isNamedImports(bindings)) return false;
  return bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

interface RawImport {
  readonly specifier: string;
  readonly typeOnly: boolean;
  readonly pos: number;
}

function importsOf(source: ts.SourceFile): RawImport[] {
  const out: RawImport[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ specifier: node.moduleSpecifier.text, typeOnly: bindingsAllTypeOnly(node.importClause), pos: node.getStart(source) });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      const typeOnly =
        node.isTypeOnly ||
        (clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly));
      out.push({ specifier: node.moduleSpecifier.text, typeOnly, pos: node.getStart(source) });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      out.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly, pos: node.getStart(source) });
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const isRequireResolve =
        ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'require';
      if (isRequire || isRequireResolve || callee.kind === ts.SyntaxKind.ImportKeyword) {
        out.push({ specifier: node.arguments[0].text, typeOnly: false, pos: node.getStart(source) });
      }
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      // `import('x').T` in a type position
      out.push({ specifier: node.argument.literal.text, typeOnly: true, pos: node.getStart(source) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The library's package name: the CLI package imports `cdk-cloudtrail-alarms/lib/...`, a file of this repository. */
const LIBRARY_PACKAGE = 'cdk-cloudtrail-alarms';

/** Reads every .ts file under the roots (folders of the repository at `base`) and returns its import edges. */
export function buildImportGraph(roots: readonly string[], base: string = process.cwd()): ImportGraph {
  const absBase = path.resolve(base);
  const rel = (f: string) => path.relative(absBase, f).split(path.sep).join('/');
  const files = roots.flatMap((root) => listFiles(path.resolve(absBase, root)));
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    for (const imp of importsOf(source)) {
      const line = source.getLineAndCharacterOfPosition(imp.pos).line + 1;
      const ofLibrary = imp.specifier === LIBRARY_PACKAGE || imp.specifier.startsWith(`${LIBRARY_PACKAGE}/`);
      if (imp.specifier.startsWith('.') || ofLibrary) {
        const target = ofLibrary
          ? resolveRelative(path.join(absBase, 'package.json'), `./${imp.specifier.slice(LIBRARY_PACKAGE.length + 1) || 'lib'}`)
          : resolveRelative(file, imp.specifier);
        edges.push({
          from: rel(file),
          to: target ? rel(target) : `${imp.specifier} (unresolved)`,
          specifier: imp.specifier,
          external: false,
          typeOnly: imp.typeOnly,
          line,
        });
      } else {
        edges.push({ from: rel(file), to: imp.specifier, specifier: imp.specifier, external: true, typeOnly: imp.typeOnly, line });
      }
    }
  }
  return { files: files.map(rel), edges };
}

/** Strongly connected components with more than one file (or a file importing itself), each as one cycle path. */
export function findCycles(graph: ImportGraph, includeTypeOnly: boolean): string[][] {
  const adj = new Map<string, string[]>();
  for (const f of graph.files) adj.set(f, []);
  for (const e of graph.edges) {
    if (e.external || (!includeTypeOnly && e.typeOnly) || !adj.has(e.to)) continue;
    const list = adj.get(e.from)!;
    if (!list.includes(e.to)) list.push(e.to);
  }
  // Tarjan's algorithm (iterative would be longer; lib/ is small enough for recursion)
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const sccs: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of adj.get(v)!) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || adj.get(v)!.includes(v)) sccs.push(comp);
    }
  };
  for (const f of graph.files) if (!idx.has(f)) strong(f);
  // one shortest cycle through the first file of each component (BFS inside the component)
  return sccs.map((comp) => {
    const members = new Set(comp);
    const start = [...comp].sort()[0];
    const prev = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const v = queue.shift()!;
      for (const w of adj.get(v)!) {
        if (!members.has(w)) continue;
        if (w === start) {
          const cycle = [start];
          for (let x = v; x !== start; x = prev.get(x)!) cycle.splice(1, 0, x);
          cycle.push(start);
          return cycle;
        }
        if (!prev.has(w)) {
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    return [...comp, comp[0]];
  });
}

/** The room of a file (`lib/pattern/parser.ts` -> `lib/pattern`), or the file itself outside every room. */
export function roomOf(file: string): string {
  return roomOfPath(file) ?? file;
}

function packageOf(specifier: string): string {
  const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  const parts = bare.split('/');
  return bare.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isNodeIo(specifier: string): boolean {
  const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  return NODE_IO_MODULES.includes(bare) || NODE_IO_MODULES.includes(bare.split('/')[0]);
}

function sdkAllowed(rule: RoomRule, file: string): boolean {
  return rule.sdk === 'all' || (rule.sdk !== 'none' && rule.sdk.includes(file));
}

/** Edges that break a rule of the house (scripts/house-rules.ts): each with the reason. */
export function violations(graph: ImportGraph, rules: readonly RoomRule[] = ROOMS): Array<{ edge: ImportEdge; reason: string }> {
  const out: Array<{ edge: ImportEdge; reason: string }> = [];
  const ruleOf = (file: string) => [...rules].sort((a, b) => b.room.length - a.room.length).find((r) => file.startsWith(`${r.room}/`));
  for (const edge of graph.edges) {
    const rule = ruleOf(edge.from);
    if (!rule) {
      if (edge.from.startsWith('lib/') && edge.from !== PUBLIC_FACE) out.push({ edge, reason: `${edge.from} is in no room: lib/ holds only ${PUBLIC_FACE} and rooms` });
      continue;
    }
    const room = rule.room;
    if (edge.external) {
      const pkg = packageOf(edge.specifier);
      if (pkg === 'aws-cdk-lib' || pkg === 'constructs') {
        if (rule.cdk === 'none' || (rule.cdk === 'types' && !edge.typeOnly)) {
          out.push({ edge, reason: `${room}/ may not import ${pkg}${rule.cdk === 'types' ? ' at run time (type-only imports are allowed)' : ''}` });
        }
      } else if (isNodeIo(edge.specifier) && !rule.nodeIo) {
        out.push({ edge, reason: `${room}/ may not import Node I/O (${edge.specifier})` });
      } else if (pkg.startsWith('@aws-sdk/') && !sdkAllowed(rule, edge.from)) {
        out.push({ edge, reason: `${room}/ may not import the AWS SDK (${pkg})${rule.sdk === 'none' ? '' : ' outside its adapter'}` });
      }
      continue;
    }
    const target = ruleOf(edge.to)?.room;
    if (target === room) continue;
    if (target === undefined || !rule.mayImport.includes(target)) {
      out.push({ edge, reason: `${room}/ may import only ${[room, ...rule.mayImport].map((r) => `${r}/`).join(', ')}; this imports ${target ? `${target}/` : edge.to}` });
    }
  }
  return out;
}

/** The text report printed by `npx ts-node scripts/import-graph.ts`. */
export function report(graph: ImportGraph): string {
  const lines: string[] = [];
  const internal = graph.edges.filter((e) => !e.external);
  lines.push(`import graph: ${graph.files.length} files, ${internal.length} internal imports (${internal.filter((e) => e.typeOnly).length} type-only), ${graph.edges.length - internal.length} external`);

  const runtimeCycles = findCycles(graph, false);
  const allCycles = findCycles(graph, true);
  const key = (c: string[]) => [...new Set(c)].sort().join(' ');
  const runtimeKeys = new Set(runtimeCycles.map(key));
  lines.push('', `cycles over runtime imports (what import/no-cycle reports): ${runtimeCycles.length}`);
  for (const c of runtimeCycles) lines.push(`  ${c.join(' -> ')}`);
  const typeOnly = allCycles.filter((c) => !runtimeKeys.has(key(c)));
  lines.push('', `further cycles through type-only imports: ${typeOnly.length}`);
  for (const c of typeOnly) lines.push(`  ${c.join(' -> ')}`);

  const rooms = new Map<string, number>();
  for (const e of internal) {
    const a = roomOf(e.from);
    const b = roomOf(e.to);
    if (a === b) continue;
    const k = `${a} -> ${b}`;
    rooms.set(k, (rooms.get(k) ?? 0) + 1);
  }
  lines.push('', 'imports between rooms (count):');
  for (const [k, n] of [...rooms.entries()].sort()) lines.push(`  ${k}  ${n}`);

  const externals = new Map<string, Set<string>>();
  for (const e of graph.edges.filter((x) => x.external)) {
    const r = roomOf(e.from);
    const set = externals.get(r) ?? new Set<string>();
    set.add(builtinModules.includes(e.specifier.replace(/^node:/, '')) ? `node:${e.specifier.replace(/^node:/, '')}` : packageOf(e.specifier));
    externals.set(r, set);
  }
  lines.push('', 'external modules per room:');
  for (const [r, set] of [...externals.entries()].sort()) lines.push(`  ${r}: ${[...set].sort().join(', ')}`);

  const bad = violations(graph);
  lines.push('', `edges the house rules forbid: ${bad.length}`);
  for (const v of bad) lines.push(`  ${v.edge.from}:${v.edge.line} imports '${v.edge.specifier}': ${v.reason}`);
  return lines.join('\n');
}

if (require.main === module) {
  // --check: exit 1 when there is a cycle (type-only ones included) or a forbidden edge
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const roots = args.filter((a) => !a.startsWith('--'));
  const graph = buildImportGraph(roots.length > 0 ? roots : ['lib', 'cli/src']);
  process.stdout.write(`${report(graph)}\n`);
  if (check && (findCycles(graph, true).length > 0 || violations(graph).length > 0)) process.exitCode = 1;
}
