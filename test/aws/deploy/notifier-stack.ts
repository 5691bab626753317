/**
 * A stack whose alarms reach people only through the notifier function (issue 12): the construct's alarms publish to
 * a graded topic, the AlarmEventNotifier is its only subscriber and delivers to a people topic.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { SynthesizedStack } from './synth';
import { CloudTrailAlarms, DetectionProfile } from '../../../lib';
import { AlarmEventNotifier } from '../../../lib/alarm-notifier';
import { Severity } from '../../../lib/catalogue/severity';

export function synthNotifierStack(stackName: string, peopleEmail?: string): SynthesizedStack {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cta-notifier-'));
  const app = new App({ outdir });
  const stack = new Stack(app, stackName);
  const graded = new sns.Topic(stack, 'Graded');
  const people = new sns.Topic(stack, 'People');
  if (peopleEmail) people.addSubscription(new subscriptions.EmailSubscription(peopleEmail));
  const alarms = new CloudTrailAlarms(stack, 'SecurityAlarms', { profile: DetectionProfile.AWS_TEMPLATE, topic: graded });
  new AlarmEventNotifier(stack, 'Notifier', {
    logGroup: alarms.logGroup,
    alarmTopics: [graded],
    notificationTopic: people,
    detections: [
      {
        detectionId: 'root-account-usage',
        title: 'Root user activity',
        severity: Severity.HIGH,
        summary: 'The root user did something.',
        pattern: '{ $.userIdentity.type = "Root" }',
        metricNamespace: 'CloudTrailMetrics',
        metricName: 'RootAccountUsageEventCount',
        notificationTopic: people,
      },
    ],
  });
  const s = app.synth().getStackByName(stackName);
  const templateFile = path.join(outdir, s.templateFile);
  return { example: stackName, stackName, templateFile, template: JSON.parse(fs.readFileSync(templateFile, 'utf8')) };
}
