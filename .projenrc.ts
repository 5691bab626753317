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
    devdirs: ['test', 'examples', 'bench'],
    projectService: false,
    tsconfigPath: './tsconfig.dev.json',
  },
  sampleCode: false,
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

  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,

  devDeps: ['cdk-nag@^3.0.2', 'aws-cdk@^2', 'ts-node', 'fast-check@^3'],
});

project.tsconfigDev.addInclude('examples/**/*.ts');
project.tsconfigDev.addInclude('bench/**/*.ts');
project.tsconfigDev.addInclude('.projenrc.ts');
project.npmignore?.exclude('/lib/**/*.ts', '/examples/', '/test/', '/bench/', '/.ci/', '/cdk.out/');
project.npmignore?.include('/lib/**/*.d.ts', '/lib/**/*.json');
project.gitignore.exclude('/cdk.out/', '/bench/.corpus/');
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

// ts-jest runs transpile-only: type-check tests and examples explicitly before running them
const typecheck = project.addTask('typecheck', { exec: 'tsc --noEmit -p tsconfig.dev.json' });
project.testTask.prependSpawn(typecheck);

// `npm run example`: synthesize the examples offline and print a summary per stack
project.addTask('example', {
  description: 'Synthesize examples/ into cdk.out/ offline and print a summary per stack',
  exec: 'ts-node --prefer-ts-exts examples/synth-all.ts',
});

// `npm run bench`: throughput benchmark of search/backtest against gunzip + JSON.parse
project.addTask('bench', {
  description: 'Benchmark search and backtest on a synthetic CloudTrail corpus',
  exec: 'ts-node --prefer-ts-exts bench/run.ts',
});

project.synth();
