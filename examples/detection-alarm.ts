/**
 * Detections one at a time, for a team with its own trail, log group and paging topic: two catalogue detections
 * (root user activity, Security Hub-exact; console sign-in without MFA in the CIS v5.0 form, SSO-aware) and one tuned large-instance launch
 * detection built from its typed builder, each a `CloudTrailDetectionAlarm` with one metric filter and one alarm.
 *
 * Run: npx cdk synth --app "npx ts-node --prefer-ts-exts examples/detection-alarm.ts"
 */
import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CloudTrailDetectionAlarm, CloudTrailDetections, DetectionId, DetectionProfile, Severity } from '../lib';

export class DetectionAlarmStack extends Stack {
  public readonly rootActivity: CloudTrailDetectionAlarm;
  public readonly signInWithoutMfa: CloudTrailDetectionAlarm;
  public readonly gpuLaunches: CloudTrailDetectionAlarm;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const logGroup = logs.LogGroup.fromLogGroupName(this, 'Trail', 'CloudTrail/DefaultLogGroup');
    const topic = sns.Topic.fromTopicArn(this, 'Paging', 'arn:aws:sns:us-east-1:111122223333:security-paging');

    // a namespace of their own, apart from any CloudTrailAlarms publishing CloudTrailMetrics from the same log group
    const metricNamespace = 'Security';
    this.rootActivity = new CloudTrailDetectionAlarm(this, 'RootActivity', {
      logGroup,
      topic,
      detection: DetectionId.ROOT_ACCOUNT_USAGE,
      metricNamespace,
    });
    this.signInWithoutMfa = new CloudTrailDetectionAlarm(this, 'SignInWithoutMfa', {
      logGroup,
      topic,
      detection: DetectionId.CONSOLE_SIGN_IN_WITHOUT_MFA,
      // the 2-clause CIS form (any identity type), without IAM Identity Center sign-ins
      profile: DetectionProfile.CIS_5_0,
      ssoAware: true,
      alarmNamePrefix: 'security',
      metricNamespace,
    });
    this.gpuLaunches = new CloudTrailDetectionAlarm(this, 'GpuLaunches', {
      logGroup,
      topic,
      pattern: CloudTrailDetections.ec2LargeInstanceChanges({ instanceTypes: ['p4d.*', 'p5.*', '*.metal'] }),
      title: 'GPU or bare-metal instance launched',
      metricName: 'GpuInstanceLaunchCount',
      metricNamespace,
      severity: Severity.HIGH,
      period: Duration.minutes(10),
      alarmDescription:
        'A GPU (p4d, p5) or bare-metal EC2 instance was launched: the instance types crypto-mining with stolen credentials runs on. Investigate: requestParameters.instanceType, awsRegion and userIdentity.arn.',
    });
  }
}

export function buildApp(app: App = new App()): App {
  new DetectionAlarmStack(app, 'CloudTrailDetectionAlarmExample');
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
