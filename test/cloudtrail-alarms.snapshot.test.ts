import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as basic from '../examples/basic';

// A regression net for the whole default stack; the behaviour itself is pinned by targeted assertions in
// cloudtrail-alarms.test.ts and examples.test.ts.
// The notifier's code asset (the bundle plus its synth-time config.json) is named by its hash, which changes with
// every change to the bundle; the hash is replaced by a placeholder so the snapshot tracks the template, not the bundle.
function withoutAssetHashes(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}(\.zip)?/g, (_m, zip) => `<asset hash>${zip ?? ''}`));
}

test('the basic example stack matches its snapshot', () => {
  const app = basic.buildApp(new App());
  const stack = app.node.findChild('CloudTrailAlarmsBasic') as basic.BasicStack;
  const template = Template.fromStack(stack).toJSON();
  // 35 for the trail, the stack's one key, buckets, topic and the 11 detections; 1 for the pipeline-health alarm; 14
  // more for the notifier (its topic for people, queue, function, role, policy, log group, filter, two alarms and
  // wiring) (eventDetails is on by default)
  expect(Object.keys(template.Resources)).toHaveLength(50);
  expect(Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::KMS::Key')).toHaveLength(1);
  expect(Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::Lambda::Function')).toHaveLength(1);
  expect(withoutAssetHashes(template)).toMatchSnapshot();
});
