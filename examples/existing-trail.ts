/**
 * An account that already has a trail delivering to `CloudTrail/DefaultLogGroup` and an existing paging topic that
 * people are subscribed to: no trail and no log group are created. The alarms notify a topic of their own (graded by
 * Security Hub, Prowler and Steampipe, with the notifier as its confirmed subscriber), and the notifier delivers each
 * alarm, with the CloudTrail events behind it, to the existing paging topic. One custom detection (IAM access keys
 * created) joins the recommended profile.
 *
 * Run: npx cdk synth --app "npx ts-node --prefer-ts-exts examples/existing-trail.ts"
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CloudTrailAlarms, CloudTrailFilter, Severity } from '../lib';

export class ExistingTrailStack extends Stack {
  public readonly alarms: CloudTrailAlarms;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const logGroup = logs.LogGroup.fromLogGroupName(this, 'Trail', 'CloudTrail/DefaultLogGroup');
    const paging = sns.Topic.fromTopicArn(this, 'Paging', 'arn:aws:sns:us-east-1:111122223333:security-paging');
    this.alarms = new CloudTrailAlarms(this, 'SecurityAlarms', {
      logGroup,
      // people stay on their paging topic; `topic` (the alarms' own) is created
      notificationTopic: paging,
      customDetections: [
        {
          id: 'iam-access-key-created',
          title: 'IAM access key created',
          description:
            'A long-lived IAM access key was created. Investigate: requestParameters.userName, userIdentity.arn and whether the key is in use (GetAccessKeyLastUsed).',
          pattern: CloudTrailFilter.all(
            CloudTrailFilter.eventSource('iam.amazonaws.com'),
            CloudTrailFilter.eventName('CreateAccessKey'),
          ),
          metricName: 'IAMAccessKeyCreatedCount',
          severity: Severity.MEDIUM,
        },
      ],
    });
  }
}

export function buildApp(app: App = new App()): App {
  new ExistingTrailStack(app, 'CloudTrailAlarmsExistingTrail');
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
