import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { cli } from '../../cli/test/commands/helpers';
import { makeCorpus } from '../../cli/test/logs/make-fixtures';
import { CloudTrailAlarms, DetectionId, DetectionProfile } from '../../lib';

// the corpus has three console sign-in failures at 10:00:30, 10:02 and 10:03 (catalogue threshold 3 in 5 minutes)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cta-tuning-'));

async function failures(args: string[]) {
  const { dir: corpus } = makeCorpus();
  const r = await cli(['backtest', corpus, '--detection', 'console-sign-in-failures', '--json', ...args]);
  expect(r.stderr).not.toMatch(/error/i);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout).detections[0];
}

describe('backtest replays a stack tuning', () => {
  test('without tuning: the catalogue threshold of 3 fires once', async () => {
    expect(await failures([])).toMatchObject({ threshold: 3, periodSeconds: 300, alarmCount: 1 });
  });

  test('--overrides FILE: a threshold of 4 never fires', async () => {
    const file = path.join(dir, 'overrides.json');
    fs.writeFileSync(file, JSON.stringify({ overrides: [{ id: 'console-sign-in-failures', threshold: 4 }] }));
    expect(await failures(['--overrides', file])).toMatchObject({ threshold: 4, alarmCount: 0 });
  });

  test('--from-stack TEMPLATE: the synthesized alarm settings (threshold 2, 10-minute period)', async () => {
    const stack = new Stack(new App(), 'Tuned');
    new CloudTrailAlarms(stack, 'A', {
      profile: DetectionProfile.SECURITY_HUB,
      emailAddresses: ['a@example.com'],
      overrides: [{ id: DetectionId.CONSOLE_SIGN_IN_FAILURES, threshold: 2, period: Duration.minutes(10) }],
    });
    const file = path.join(dir, 'Tuned.template.json');
    fs.writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON()));
    expect(await failures(['--from-stack', file])).toMatchObject({ threshold: 2, periodSeconds: 600, alarmCount: 1 });
  });

  test('fails with exit 2 and the file named on a bad overrides file', async () => {
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify([{ id: 'console-sign-in-failures', period: 300 }]));
    const { dir: corpus } = makeCorpus();
    const r = await cli(['backtest', corpus, '--overrides', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: overrides\[0\]\.period: give the period in seconds as "periodSeconds"/);
  });
});
