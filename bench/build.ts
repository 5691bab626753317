/**
 * The CLI as the bench runs it: cli/src/main.ts and the local engine's worker bundled by esbuild into
 * bench/.corpus/build/ (git-ignored), so that the bench measures worker threads and runs the CLI as a child process
 * from the sources as they are, without a separate build step. The worker sits beside main.js, where the engine
 * looks for it.
 */
import * as path from 'path';
import { build } from 'esbuild';

export interface BenchBuild {
  readonly main: string;
  readonly worker: string;
}

export async function buildCli(): Promise<BenchBuild> {
  const outdir = path.join(__dirname, '.corpus', 'build');
  const root = path.join(__dirname, '..', 'cli', 'src');
  await build({
    entryPoints: { main: path.join(root, 'main.ts'), worker: path.join(root, 'engines', 'local', 'worker.ts') },
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
  return { main: path.join(outdir, 'main.js'), worker: path.join(outdir, 'worker.js') };
}
