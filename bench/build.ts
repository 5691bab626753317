/**
 * The CLI as the bench runs it, from the sources as they are, under bench/.corpus/build/ (git-ignored):
 * - the local engine's worker, bundled by esbuild with the library's sources (self-contained), for the in-process
 *   rows that measure worker threads;
 * - the whole CLI transpiled file by file (as the package's cli:compile does) for the rows that run it as a child
 *   process (memory, big and hostile inputs); it loads the library's compiled JavaScript (lib/**\/*.js), which
 *   `npm run bench` compiles first.
 */
import * as fs from 'fs';
import * as path from 'path';
import { build } from 'esbuild';

export interface BenchBuild {
  /** The CLI's main.js (needs the library compiled). */
  readonly main: string;
  /** The bundled worker thread of the local engine. */
  readonly worker: string;
  /** Whether the library's compiled JavaScript is there (else `main` cannot run). */
  readonly libraryCompiled: boolean;
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

export async function buildCli(): Promise<BenchBuild> {
  const outdir = path.join(__dirname, '.corpus', 'build');
  const src = path.join(__dirname, '..', 'cli', 'src');
  await build({
    entryPoints: { worker: path.join(src, 'engines', 'local', 'worker.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    plugins: [
      {
        // our own library is bundled from its sources; every other package loads from node_modules
        name: 'external-packages',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('cdk-cloudtrail-alarms/') ? undefined : { external: true }));
        },
      },
    ],
  });
  const cliOut = path.join(outdir, 'cli');
  await build({ entryPoints: sources(src), outbase: src, outdir: cliOut, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  // the CLI reads its version from the package.json two levels above its commands
  fs.copyFileSync(path.join(src, '..', 'package.json'), path.join(outdir, 'package.json'));
  return {
    main: path.join(cliOut, 'main.js'),
    worker: path.join(outdir, 'worker.js'),
    libraryCompiled: fs.existsSync(path.join(__dirname, '..', 'lib', 'filters', 'log-filter-pattern.js')),
  };
}
