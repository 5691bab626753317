/**
 * The Lambda handlers the constructs stage, bundled by esbuild into assets/ (shipped in the npm package, git-ignored):
 * one table, read by .projenrc.ts (projen's Bundler tasks, run before jsii and the tests) and by
 * scripts/bundle-lambdas.ts (the same bundles in one process, for `npm run example`, where projen's task runner would
 * cost a second per bundle).
 */

/** The options every bundle shares: the Node.js 22 runtime provides the AWS SDK v3. */
export const BUNDLE_OPTIONS = {
  target: 'node22',
  platform: 'node',
  externals: ['@aws-sdk/*'],
  tsconfigPath: 'tsconfig.dev.json',
} as const;

/** The handlers' entry points, relative to the repository root. */
export const LAMBDA_ENTRY_POINTS: readonly string[] = [
  // the notifier: CloudTrailAlarms' alarm and real-time messages
  'lib/notifier-function/notifier.lambda.ts',
  // the log group lookup's custom resource (CloudTrailLogGroupLookup)
  'lib/log-group-lookup-function/log-group-lookup.lambda.ts',
];

/** Where projen's Bundler writes an entry point's bundle (`assets/<entry point without .ts>/index.js`). */
export function bundleOutfile(entryPoint: string): string {
  return `assets/${entryPoint.replace(/\.ts$/, '')}/index.js`;
}
