/**
 * The recommended profile (the seventeen benchmark detections, Security Hub-exact where a control exists, and the six
 * tamper-protection detections scoped to this stack's own trail, log group, alarms, topics, keys and notifier), with
 * severity routing (high to a paging topic, low to a digest topic, medium to the main topic), an exclusion for the
 * deployment role on IAM policy changes, and real-time delivery of every detection through EventBridge.
 *
 * Run: npx cdk synth --app "npx ts-node --prefer-ts-exts examples/recommended.ts"
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CloudTrailAlarms, DetectionId, DetectionProfile } from '../lib';

export class RecommendedStack extends Stack {
  public readonly alarms: CloudTrailAlarms;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const paging = sns.Topic.fromTopicArn(this, 'Paging', 'arn:aws:sns:eu-west-1:111122223333:security-paging');
    const digest = sns.Topic.fromTopicArn(this, 'Digest', 'arn:aws:sns:eu-west-1:111122223333:security-digest');
    this.alarms = new CloudTrailAlarms(this, 'SecurityAlarms', {
      // the account has no other trail to reuse (else pass it as `trail` or `logGroup`: a second copy of management
      // events costs $2.00 per 100,000)
      createTrail: true,
      profile: DetectionProfile.RECOMMENDED,
      emailAddresses: ['secops@example.com'],
      severityTopics: { high: paging, low: digest },
      okActions: true,
      // each detection also as an EventBridge rule: a message within seconds, and one that survives a deleted alarm
      realTime: true,
      overrides: [
        // the pipeline role changes policies many times a day: keep those out (this breaks the Security Hub exact match)
        { id: DetectionId.IAM_POLICY_CHANGES, exclusions: { roleNames: ['cdk-hnb659fds-cfn-exec-role-111122223333-eu-west-1'] } },
        { id: DetectionId.AUTHORIZATION_FAILURES, threshold: 5, evaluationPeriods: 3, datapointsToAlarm: 2 },
      ],
    });
  }
}

export function buildApp(app: App = new App()): App {
  new RecommendedStack(app, 'CloudTrailAlarmsRecommended');
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
