import { awscdk, javascript } from 'projen';
import { NODE_IO_MODULES, ROOMS } from './scripts/house-rules';
import { BUNDLE_OPTIONS, LAMBDA_ENTRY_POINTS } from './scripts/lambda-bundles';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-cloudtrail-alarms',
  description:
    'CloudTrail security alarms for AWS CDK: metric filters, alarms and notifications for root usage, IAM, network and KMS changes, with an offline CloudWatch Logs filter-pattern engine and CLI.',
  author: 'cdk-cloudtrail-alarms contributors',
  authorAddress: 'maintainers@cdk-cloudtrail-alarms.dev',
  repositoryUrl: 'https://github.com/cdk-cloudtrail-alarms/cdk-cloudtrail-alarms.git',
  license: 'Apache-2.0',
  keywords: ['aws-cdk', 'cloudtrail', 'cloudwatch', 'alarms', 'security', 'cis', 'security-hub', 'metric-filter'],
  // 2.257.0: the lowest aws-cdk-lib cdk-nag v3 accepts, so users on older 2.x lines are not forced to upgrade
  cdkVersion: '2.257.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  projenrcTsOptions: { projenCodeDir: '.projen' },

  // sources compiled in place in lib/ (as in the aws-cdk repo), tests in test/
  srcdir: 'lib',
  libdir: 'lib',
  testdir: 'test',
  tsconfigDevFile: 'tsconfig.dev.json',
  // source maps without a copy of the sources inside every .js: the package stays small (the sources are on GitHub)
  tsconfig: { compilerOptions: { inlineSources: false } },
  eslintOptions: {
    dirs: ['lib', 'cli/src'],
    devdirs: ['test', 'cli/test', 'examples', 'bench', 'scripts'],
    projectService: false,
    tsconfigPath: './tsconfig.dev.json',
    // `npm test` checks and never rewrites tracked files; `npx projen eslint:fix` fixes
    commandOptions: { fix: false },
  },
  sampleCode: false,
  // Node 20 is end-of-life for jsii and the AWS SDK v3 needs Node >= 22 from January 2027; 20 still works today
  minNodeVersion: '20.0.0',
  jestOptions: {
    // fail on snapshot drift instead of silently rewriting it
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      // lib/ holds .ts and compiled .js side by side: always load the .ts
      moduleFileExtensions: ['ts', 'tsx', 'js', 'json', 'node'],
      testPathIgnorePatterns: ['/node_modules/', '/cdk.out/'],
      // the library's tests and the CLI package's
      testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/cli/test/**/*.test.ts'],
      // every core (jest's default leaves one idle: on a 2-core machine that ran one file at a time, 486 s -> ~160 s);
      // coverage is a separate run (`npx jest --coverage`), not part of every `npm test`
      maxWorkers: '100%',
      collectCoverage: false,
    },
  },

  // the notifier function is bundled below with projen's Bundler (no generated *-function.ts construct: the
  // AlarmEventNotifier construct stages the prebuilt bundle with a synth-time config.json, see lib/cdk/private/alarm-notifier.ts)
  lambdaAutoDiscover: false,
  // no bundled dependencies: the construct needs only aws-cdk-lib and constructs; the CLI and its AWS SDK clients
  // are the separate package in cli/ (an npm workspace)

  // the jsii targets: the same constructs for Python, Java, .NET and Go (README "Install")
  publishToPypi: { distName: 'cdk-cloudtrail-alarms', module: 'cdk_cloudtrail_alarms' },
  publishToMaven: {
    javaPackage: 'io.github.cdkcloudtrailalarms',
    mavenGroupId: 'io.github.cdk-cloudtrail-alarms',
    mavenArtifactId: 'cdk-cloudtrail-alarms',
  },
  publishToNuget: { dotNetNamespace: 'CdkCloudTrailAlarms', packageId: 'CdkCloudTrailAlarms' },
  publishToGo: { moduleName: 'github.com/cdk-cloudtrail-alarms/cdk-cloudtrail-alarms-go' },

  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,

  devDeps: [
    'cdk-nag@^3.0.2',
    'aws-cdk@^2',
    'ts-node',
    'fast-check@^3',
    // the notifier function's SDK clients (the Lambda runtime provides them; bundled as externals)
    '@aws-sdk/client-sns@^3',
    '@aws-sdk/client-cloudwatch-logs@^3',
    '@aws-sdk/client-s3@^3',
    // tests against moto_server and DuckDB (independent implementations)
    '@aws-sdk/client-sqs@^3',
    '@aws-sdk/client-eventbridge@^3',
    '@aws-sdk/client-iam@^3',
    '@duckdb/node-api',
    'ajv@^8',
    'esbuild',
    '@types/aws-lambda',
  ],
});

// the Lambda handlers (the notifier, the log group lookup): bundled by esbuild into assets/ (shipped in the npm
// package, git-ignored) before jsii compiles, and before the tests, which synthesize stacks that include them; one
// table, scripts/lambda-bundles.ts, also read by scripts/bundle-lambdas.ts for `npm run example`
for (const entryPoint of LAMBDA_ENTRY_POINTS) {
  project.bundler.addBundle(entryPoint, { ...BUNDLE_OPTIONS, externals: [...BUNDLE_OPTIONS.externals], watchTask: false });
}
project.testTask.prependSpawn(project.bundler.bundleTask);

// house rules: one table (scripts/house-rules.ts), read here for eslint and by scripts/import-graph.ts, which checks
// every import (type-only ones too) on each test run
const CDK_PACKAGES = ['./node_modules/aws-cdk-lib', './node_modules/constructs'];
const LIBRARY_ROOMS = ROOMS.filter((r) => r.room.startsWith('lib/'));
project.eslint?.addRules({
  'import/no-cycle': ['error', { ignoreExternal: true }],
  'import/no-restricted-paths': [
    'error',
    {
      zones: [
        ...ROOMS.map((r) => ({
          target: `./${r.room}`,
          from: LIBRARY_ROOMS.filter((o) => o.room !== r.room && !r.mayImport.includes(o.room)).map((o) => `./${o.room}`),
          message: `${r.room}/ (${r.holds}) may import only ${[r.room, ...r.mayImport].join(', ')}.`,
        })).filter((z) => z.from.length > 0),
        { target: './lib', from: './cli', message: 'the library never imports the CLI package.' },
        ...ROOMS.filter((r) => r.cdk === 'none').map((r) => ({
          target: `./${r.room}`,
          from: CDK_PACKAGES,
          message: `${r.room}/ may not import aws-cdk-lib or constructs: only lib/cdk/ makes CDK resources.`,
        })),
      ],
    },
  ],
});
// the CLI package has its own package.json: its sources use its dependencies, its tests also the repository's
// devDependencies; the notifier's adapter uses SDK clients that the Lambda runtime provides (devDependencies here)
project.eslint?.addOverride({
  files: ['cli/src/**/*.ts'],
  rules: { 'import/no-extraneous-dependencies': ['error', { packageDir: ['./cli'], devDependencies: false, peerDependencies: false }] },
});
project.eslint?.addOverride({
  files: ['cli/test/**/*.ts'],
  rules: { 'import/no-extraneous-dependencies': ['error', { packageDir: ['.', './cli'], devDependencies: true }] },
});
project.eslint?.addOverride({
  files: ['lib/notifier/aws-adapter.ts', 'lib/log-group-lookup-function/log-group-lookup.lambda.ts'],
  rules: { 'import/no-extraneous-dependencies': ['error', { devDependencies: true }] },
});
// Node built-ins resolve to no file, so no-restricted-paths cannot see them: no-restricted-imports bans them, and the
// AWS SDK outside the files allowed; `types` rooms may name CDK types (erased at compile time) but not load CDK
for (const r of ROOMS) {
  const sdkFiles = typeof r.sdk === 'string' ? [] : r.sdk;
  const rule = (sdkBanned: boolean) => ({
    paths: r.nodeIo ? [] : NODE_IO_MODULES.flatMap((m) => [m, `node:${m}`]).map((name) => ({
      name,
      message: `${r.room}/ (${r.holds}) does no I/O: take data as arguments.`,
    })),
    patterns: [
      ...(sdkBanned ? [{ group: ['@aws-sdk/*'], message: `${r.room}/ may not import the AWS SDK${sdkFiles.length ? ` outside ${sdkFiles.join(', ')}` : ''}.` }] : []),
      ...(r.cdk === 'types' ? [{ group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'], allowTypeImports: true, message: `${r.room}/ may name CDK types only (import type).` }] : []),
    ],
  });
  const banned = r.sdk !== 'all';
  project.eslint?.addOverride({
    files: [`${r.room}/**/*.ts`],
    ...(sdkFiles.length ? { excludedFiles: [...sdkFiles] } : {}),
    rules: { 'no-restricted-imports': 'off', '@typescript-eslint/no-restricted-imports': ['error', rule(banned)] },
  });
  if (sdkFiles.length) {
    project.eslint?.addOverride({
      files: [...sdkFiles],
      rules: { 'no-restricted-imports': 'off', '@typescript-eslint/no-restricted-imports': ['error', rule(false)] },
    });
  }
}

project.addTask('eslint:fix', {
  description: 'Run eslint and fix what it can (the test task only checks)',
  exec: 'eslint --ext .ts,.tsx --fix --no-error-on-unmatched-pattern lib cli/src cli/test test examples bench scripts .projen .projenrc.ts',
  env: { ESLINT_USE_FLAT_CONFIG: 'false', NODE_NO_WARNINGS: '1' },
});

project.tsconfigDev.addInclude('examples/**/*.ts');
project.tsconfigDev.addInclude('cli/src/**/*.ts');
project.tsconfigDev.addInclude('cli/test/**/*.ts');
project.tsconfigDev.addInclude('bench/**/*.ts');
project.tsconfigDev.addInclude('.projenrc.ts');
project.npmignore?.exclude('/lib/**/*.ts', '/examples/', '/test/', '/bench/', '/scripts/', '/.ci/', '/cdk.out/', '/cdk.json', '/cli/', '/docs/', '/coverage/', '/test-reports/', '/API.md');
project.npmignore?.include('/lib/**/*.d.ts', '/lib/**/*.json');
project.gitignore.exclude('/cdk.out/', '/bench/.corpus/', '/test/.readme-snippets/', '/cli/lib/');
// projen ignores every folder named `logs`; ours hold the CloudTrail file readers and their tests
project.gitignore.include('/cli/src/logs/', '/cli/test/logs/');
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

// ts-jest runs transpile-only: type-check tests and examples explicitly before running them
const typecheck = project.addTask('typecheck', { exec: 'tsc --noEmit -p tsconfig.dev.json' });
project.testTask.prependSpawn(typecheck);
// the house rules that eslint cannot see (cycles through type-only imports, imports between rooms): checked on every test run
const importGraph = project.addTask('import-graph', {
  description: 'Print the lib/ import graph; fail on cycles and on imports the house rules forbid',
  exec: 'ts-node scripts/import-graph.ts --check',
});
project.testTask.spawn(importGraph);

// detections.json: the catalogue as data for tools that do not run code; regenerated by every build
const catalogue = project.addTask('catalogue', {
  description: 'Write detections.json from the catalogue',
  exec: 'ts-node --prefer-ts-exts scripts/write-catalogue.ts',
});
project.preCompileTask.spawn(catalogue);
project.compileTask.reset('jsii --fail-on-warnings');
project.tsconfigDev.addInclude('scripts/**/*.ts');

// `npm run example`: synthesize the examples offline and print a summary per stack
// the examples stage the Lambda bundles, so the task builds them first, with esbuild's API in one process (projen's
// `bundle` task gives the same files, a second slower per bundle); nothing else is compiled: ts-node runs the
// TypeScript sources, transpile-only because `npm test` type-checks them
const example = project.addTask('example', {
  description: 'Bundle the Lambda handlers, then synthesize examples/ into cdk.out/ offline and print a summary per stack',
});
example.exec('ts-node --transpile-only scripts/bundle-lambdas.ts');
example.exec('ts-node --transpile-only --prefer-ts-exts examples/synth-all.ts');

// `npm run bench`: throughput benchmark of search/backtest against gunzip + JSON.parse
// runs against the compiled library (lib/*.js), as the installed CLI does
project.addTask('bench', {
  description: 'Benchmark search and backtest on a synthetic CloudTrail corpus',
  // transpile-only: the measured code runs in this process, and a type-checking ts-node keeps the whole TypeScript
  // program on the heap, which every garbage collection then walks (10 to 15% of the engine's CPU time, measured)
  steps: [{ spawn: 'compile' }, { exec: 'ts-node --transpile-only bench/run.ts' }],
});

// the CLI package (cli/, an npm workspace): its TypeScript is transpiled file by file by esbuild into cli/lib/ (the
// library stays an ordinary dependency, resolved at run time from cdk-cloudtrail-alarms/lib/...); type-checked by
// the typecheck task with the rest
project.package.addField('workspaces', ['cli']);
const cliCompile = project.addTask('cli:compile', {
  description: 'Transpile the CLI package (cli/src -> cli/lib)',
  exec: "esbuild --log-level=warning --platform=node --format=cjs --target=node20 --outbase=cli/src --outdir=cli/lib $(find cli/src -name '*.ts' -not -name '*.d.ts')",
});
project.postCompileTask.spawn(cliCompile);
const cliPackage = project.addTask('package:cli', {
  description: 'Pack the CLI package into dist/js/, depending on this version of cdk-cloudtrail-alarms',
  exec: 'ts-node scripts/pack-cli.ts',
});
project.packageTask.spawn(cliPackage);

// the Python wheel and sdist without PyPI (jsii-pacmak --target python pip-installs setuptools, build and twine from
// PyPI): pacmak generates the sources, Debian's setuptools/wheel/pip build them; release machines keep package:python
project.addTask('package:python:offline', {
  description: 'Build the Python wheel and sdist into dist/python without PyPI (pacmak --code-only + the system setuptools/wheel)',
  steps: [{ spawn: 'pre-compile' }, { spawn: 'compile' }, { exec: 'bash scripts/package-python.sh' }],
});

project.synth();
