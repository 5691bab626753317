/**
 * A stack whose alarms reach people only through the notifier function (issue 12): with `eventDetails` the
 * construct's alarm topic has the notifier as its only subscriber, and people subscribe to the notification topic.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CloudTrailAlarms, DetectionProfile } from 'cdk-cloudtrail-alarms/lib';
import { SynthesizedStack } from './synth';

export function synthNotifierStack(stackName: string, peopleEmail?: string): SynthesizedStack {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cta-notifier-'));
  const app = new App({ outdir });
  const stack = new Stack(app, stackName);
  new CloudTrailAlarms(stack, 'SecurityAlarms', { profile: DetectionProfile.AWS_TEMPLATE, eventDetails: true, emailAddresses: peopleEmail ? [peopleEmail] : [] });
  const s = app.synth().getStackByName(stackName);
  const templateFile = path.join(outdir, s.templateFile);
  return { example: stackName, stackName, templateFile, template: JSON.parse(fs.readFileSync(templateFile, 'utf8')) };
}
