import * as fs from 'fs';
import * as path from 'path';
import { catalogueFacts, configFor, fixture, TOPICS } from './support';

const BUNDLE = path.join(__dirname, '..', '..', 'assets', 'lib', 'notifier-function', 'notifier.lambda', 'index.js');

describe('the prebuilt function bundle (assets/, built by `npx projen bundle`, which `npm test` runs first)', () => {
  test('exists, loads without aws-cdk-lib and exports the handler', () => {
    expect({ exists: fs.existsSync(BUNDLE), hint: 'run npx projen bundle' }).toEqual({ exists: true, hint: 'run npx projen bundle' });
    const text = fs.readFileSync(BUNDLE, 'utf8');
    expect(text).not.toMatch(/require\("aws-cdk-lib/);
    expect(text).not.toMatch(/require\("constructs"\)/);
    // the Node.js 22 runtime provides the SDK v3: it stays external
    expect(text).toMatch(/require\("@aws-sdk\/client-sns"\)/);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(BUNDLE);
    expect(typeof mod.handler).toBe('function');
    expect(typeof mod.createHandler).toBe('function');
  });

  test('the bundled handler turns the SNS event into the same email as the sources', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createHandler } = require(BUNDLE);
    const sent: Array<{ subject?: string; message: string }> = [];
    const handler = createHandler({
      config: configFor(catalogueFacts()),
      env: { DELIVERY_TOPIC_ARNS: TOPICS.join(','), LOG_GROUP_NAME: 'trail' },
      filterLogEvents: async () => ({ events: [] }),
      publish: async (p: { subject?: string; message: string }) => {
        sent.push(p);
      },
      log: () => undefined,
    });
    await handler(fixture('alarm-sns-event.json'), { getRemainingTimeInMillis: () => 30_000 });
    expect(sent.map((p) => p.subject ?? 'chat')).toEqual(['[HIGH] Root user activity in an unknown account (no matching events found)', 'chat']);
  });

  test('reads config.json next to the bundle and fails clearly without DELIVERY_TOPIC_ARNS', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createHandler } = require(BUNDLE);
    await expect(createHandler({ env: {}, log: () => undefined })({})).rejects.toThrow(/DELIVERY_TOPIC_ARNS is empty/);
    await expect(createHandler({ env: { DELIVERY_TOPIC_ARNS: 'arn:x', NOTIFIER_CONFIG_FILE: '/nonexistent/config.json' }, log: () => undefined })({}))
      .rejects.toThrow(/notifier configuration: cannot read \/nonexistent\/config.json/);
  });
});
