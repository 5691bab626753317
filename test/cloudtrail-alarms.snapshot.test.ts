import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as basic from '../examples/basic';

// A regression net for the whole default stack; the behaviour itself is pinned by targeted assertions in
// cloudtrail-alarms.test.ts and examples.test.ts.
test('the basic example stack matches its snapshot', () => {
  const app = basic.buildApp(new App());
  const stack = app.node.findChild('CloudTrailAlarmsBasic') as basic.BasicStack;
  const template = Template.fromStack(stack).toJSON();
  expect(Object.keys(template.Resources)).toHaveLength(37);
  expect(template).toMatchSnapshot();
});
