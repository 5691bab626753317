/**
 * Bundles every Lambda handler of scripts/lambda-bundles.ts into assets/ with esbuild's API, in one process: what
 * `npx projen bundle` does, without a task runner per bundle. Run by `npm run example`.
 */
import * as path from 'path';
import { build } from 'esbuild';
import { BUNDLE_OPTIONS, bundleOutfile, LAMBDA_ENTRY_POINTS } from './lambda-bundles';

async function main(): Promise<void> {
  const root = path.join(__dirname, '..');
  for (const entryPoint of LAMBDA_ENTRY_POINTS) {
    await build({
      absWorkingDir: root,
      entryPoints: [entryPoint],
      bundle: true,
      target: BUNDLE_OPTIONS.target,
      platform: BUNDLE_OPTIONS.platform,
      external: [...BUNDLE_OPTIONS.externals],
      tsconfig: BUNDLE_OPTIONS.tsconfigPath,
      outfile: bundleOutfile(entryPoint),
      logLevel: 'warning',
    });
  }
}

main().catch((e) => {
  // eslint-disable-next-line no-console
  console.error(`bundling the Lambda handlers failed: ${(e as Error).message}`);
  process.exit(1);
});
