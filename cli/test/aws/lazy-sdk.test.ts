import { spawnSync } from 'child_process';
import * as path from 'path';

test('the construct library does not load the AWS SDK (only audit and verify do)', () => {
  const root = path.join(__dirname, '..', '..', '..');
  const script = `
    require('ts-node').register({ transpileOnly: true, preferTsExts: true });
    const lib = require('./lib');
    const { App, Stack } = require('aws-cdk-lib');
    new lib.CloudTrailAlarms(new Stack(new App(), 'S'), 'A', { emailAddresses: ['a@example.com'] });
    const before = Object.keys(require.cache).filter((k) => k.includes('@aws-sdk')).length;
    require('./cli/src/aws');
    const after = Object.keys(require.cache).filter((k) => k.includes('@aws-sdk')).length;
    console.log(JSON.stringify({ before, after: after > 0 }));
  `;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout.trim())).toEqual({ before: 0, after: true });
}, 60_000);
