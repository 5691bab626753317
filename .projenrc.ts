import { awscdk, javascript } from 'projen';

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
  eslintOptions: {
    dirs: ['lib'],
    devdirs: ['test', 'examples', 'bench', 'scripts'],
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
    },
  },

  bin: { 'cloudtrail-alarms': 'lib/cli/main.js' },
  // the notifier function is bundled below with projen's Bundler (no generated *-function.ts construct: the
  // AlarmEventNotifier construct stages the prebuilt bundle with a synth-time config.json, see lib/alarm-notifier.ts)
  lambdaAutoDiscover: false,
  // used only by `cloudtrail-alarms audit` and `verify`, and loaded only when they run (never by the construct);
  // bundled because jsii packages may only depend on jsii modules otherwise
  bundledDeps: [
    '@aws-sdk/client-cloudtrail@^3',
    '@aws-sdk/client-cloudwatch@^3',
    '@aws-sdk/client-cloudwatch-logs@^3',
    '@aws-sdk/client-kms@^3',
    '@aws-sdk/client-sns@^3',
    '@aws-sdk/client-athena@^3',
    '@aws-sdk/client-cloudformation@^3',
    '@aws-sdk/client-organizations@^3',
    '@aws-sdk/client-sts@^3',
    '@aws-sdk/client-lambda@^3',
  ],

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

// the notifier function: bundled by esbuild into assets/ (shipped in the npm package, git-ignored) before jsii compiles,
// and before the tests, which synthesize stacks that include it; the Node.js 22 runtime provides the AWS SDK v3
project.bundler.addBundle('lib/notifier-function/notifier.lambda.ts', {
  target: 'node22',
  platform: 'node',
  externals: ['@aws-sdk/*'],
  tsconfigPath: 'tsconfig.dev.json',
  watchTask: false,
});
project.testTask.prependSpawn(project.bundler.bundleTask);

// house rules (shared/docs/architecture.md), checked by eslint: no import cycles, and the pure rooms (pattern/,
// targets/, notifier/, catalogue/) import no CDK, no Node I/O and nothing from aws/; scripts/import-graph.ts prints
// the same graph
const PURE_ROOMS = ['lib/pattern', 'lib/targets', 'lib/notifier', 'lib/catalogue'];
const NODE_IO = [
  'fs', 'fs/promises', 'child_process', 'net', 'http', 'https', 'http2', 'zlib', 'worker_threads', 'readline',
  'dgram', 'dns', 'tls', 'cluster', 'os', 'process', 'stream', 'inspector', 'v8', 'vm', 'repl', 'tty',
];
const CDK_PACKAGES = ['./node_modules/aws-cdk-lib', './node_modules/constructs'];
const ruleOfRoom: Record<string, { except: string[]; message: string }> = {
  'lib/pattern': { except: ['./pattern'], message: 'pattern/ depends on nothing of ours but itself.' },
  'lib/targets': { except: ['./targets', './pattern'], message: 'targets/ may import only targets/ and pattern/.' },
  'lib/notifier': {
    except: ['./notifier', './catalogue', './pattern'],
    message: 'notifier/ may import only notifier/, catalogue/ and pattern/ (esbuild bundles what it imports into the function).',
  },
};
project.eslint?.addRules({
  'import/no-cycle': ['error', { ignoreExternal: true }],
  'import/no-restricted-paths': [
    'error',
    {
      zones: [
        ...Object.entries(ruleOfRoom).map(([room, r]) => ({ target: `./${room}`, from: './lib', except: r.except, message: r.message })),
        { target: './lib/catalogue', from: ['./lib/aws', './lib/cli'], message: 'catalogue/ is data plus pure functions: no aws/, no cli/.' },
        ...PURE_ROOMS.map((room) => ({
          target: `./${room}`,
          from: CDK_PACKAGES,
          message: `${room.slice(4)}/ may not import aws-cdk-lib or constructs: only the construct makes CDK resources.`,
        })),
        ...PURE_ROOMS.filter((room) => room !== 'lib/notifier').map((room) => ({
          target: `./${room}`,
          from: './node_modules/@aws-sdk',
          message: `${room.slice(4)}/ may not import the AWS SDK.`,
        })),
      ],
    },
  ],
});
// Node built-ins resolve to no file, so no-restricted-paths cannot see them: no-restricted-imports bans them
const restrictedImports = (sdk: boolean) => [
  'error',
  {
    paths: NODE_IO.flatMap((m) => [m, `node:${m}`]).map((name) => ({
      name,
      message: 'pure rooms (pattern/, targets/, notifier/, catalogue/) do no I/O: take data as arguments.',
    })),
    patterns: sdk
      ? [{ group: ['@aws-sdk/*'], message: 'the notifier calls AWS only through lib/notifier/aws-adapter.ts.' }]
      : [],
  },
];
project.eslint?.addOverride({
  files: PURE_ROOMS.map((room) => `${room}/**/*.ts`),
  excludedFiles: ['lib/notifier/aws-adapter.ts'],
  rules: { 'no-restricted-imports': restrictedImports(true) },
});
project.eslint?.addOverride({
  files: ['lib/notifier/aws-adapter.ts'],
  rules: { 'no-restricted-imports': restrictedImports(false) },
});

project.addTask('eslint:fix', {
  description: 'Run eslint and fix what it can (the test task only checks)',
  exec: 'eslint --ext .ts,.tsx --fix --no-error-on-unmatched-pattern lib test examples bench scripts .projen .projenrc.ts',
  env: { ESLINT_USE_FLAT_CONFIG: 'false', NODE_NO_WARNINGS: '1' },
});

project.tsconfigDev.addInclude('examples/**/*.ts');
project.tsconfigDev.addInclude('bench/**/*.ts');
project.tsconfigDev.addInclude('.projenrc.ts');
project.npmignore?.exclude('/lib/**/*.ts', '/examples/', '/test/', '/bench/', '/scripts/', '/.ci/', '/cdk.out/', '/cdk.json');
project.npmignore?.include('/lib/**/*.d.ts', '/lib/**/*.json');
project.gitignore.exclude('/cdk.out/', '/bench/.corpus/', '/test/.readme-snippets/');
// projen ignores every folder named `logs`; ours hold the CloudTrail file readers and their tests
project.gitignore.include('/lib/logs/', '/test/logs/');
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
// the examples stage the notifier's prebuilt bundle, so the task builds it first (esbuild, about a second; nothing else
// is compiled: ts-node runs the TypeScript sources, transpile-only because `npm test` type-checks them)
const example = project.addTask('example', {
  description: 'Bundle the notifier, then synthesize examples/ into cdk.out/ offline and print a summary per stack',
});
example.spawn(project.bundler.bundleTask);
example.exec('ts-node --transpile-only --prefer-ts-exts examples/synth-all.ts');

// `npm run bench`: throughput benchmark of search/backtest against gunzip + JSON.parse
// runs against the compiled library (lib/*.js), as the installed CLI does
project.addTask('bench', {
  description: 'Benchmark search and backtest on a synthetic CloudTrail corpus',
  steps: [{ spawn: 'compile' }, { exec: 'ts-node bench/run.ts' }],
});

project.synth();
