/**
 * The default setup: a new multi-Region trail delivering to a new log group, a KMS-encrypted topic with two email
 * subscribers, and AWS's ten template alarms plus root-account usage (Security Hub CloudWatch.1 pattern).
 *
 * Run: npx cdk synth --app "npx ts-node --prefer-ts-exts examples/basic.ts"
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CloudTrailAlarms, DetectionId, DetectionProfile } from '../lib';

export class BasicStack extends Stack {
  public readonly alarms: CloudTrailAlarms;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.alarms = new CloudTrailAlarms(this, 'SecurityAlarms', {
      // the account has no other trail to reuse (else pass it as `trail` or `logGroup`: a second copy of management
      // events costs $2.00 per 100,000)
      createTrail: true,
      profile: DetectionProfile.AWS_TEMPLATE,
      overrides: [{ id: DetectionId.ROOT_ACCOUNT_USAGE, enabled: true }],
      emailAddresses: ['secops@example.com', 'oncall@example.com'],
    });
  }
}

export function buildApp(app: App = new App()): App {
  new BasicStack(app, 'CloudTrailAlarmsBasic');
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
