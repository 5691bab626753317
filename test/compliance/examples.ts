import { App, Stack } from 'aws-cdk-lib';
import * as basic from '../../examples/basic';
import * as detectionAlarm from '../../examples/detection-alarm';
import * as existingTrail from '../../examples/existing-trail';
import * as organizationTrail from '../../examples/organization-trail';
import * as recommended from '../../examples/recommended';

/** Every example app; each builds one stack. */
export const EXAMPLES = { basic, existingTrail, recommended, organizationTrail, detectionAlarm };
export type ExampleName = keyof typeof EXAMPLES;
export const EXAMPLE_NAMES = Object.keys(EXAMPLES) as ExampleName[];

export function exampleStack(name: ExampleName): Stack {
  const app = EXAMPLES[name].buildApp(new App());
  return app.node.children.find((c): c is Stack => c instanceof Stack)!;
}
