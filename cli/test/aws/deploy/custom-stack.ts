/** Synthesizes one stack of the construct with the given props (for tests that need settings the examples lack). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CloudTrailAlarms, CloudTrailAlarmsProps } from 'cdk-cloudtrail-alarms/lib';
import { SynthesizedStack } from './synth';

export function synthStack(stackName: string, props: CloudTrailAlarmsProps): SynthesizedStack {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cta-stack-'));
  const app = new App({ outdir });
  new CloudTrailAlarms(new Stack(app, stackName), 'SecurityAlarms', props);
  const stack = app.synth().getStackByName(stackName);
  const templateFile = path.join(outdir, stack.templateFile);
  return { example: stackName, stackName, templateFile, template: JSON.parse(fs.readFileSync(templateFile, 'utf8')) };
}
