/**
 * An organization trail from the management account: one trail logs every member account's events into this
 * account's encrypted bucket and log group, where the recommended detections alarm. Requires trusted access for
 * CloudTrail in AWS Organizations (`aws organizations enable-aws-service-access --service-principal
 * cloudtrail.amazonaws.com`). From a delegated administrator account, also set `organizationManagementAccountId`.
 * With `realTime`, this account's default event bus accepts the events that member accounts forward. With
 * `perAccountAlarms`, each detection also alarms on each member account and Region on its own.
 *
 * Run: npx cdk synth --app "npx ts-node --prefer-ts-exts examples/organization-trail.ts"
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CloudTrailAlarms } from '../lib';

export class OrganizationTrailStack extends Stack {
  public readonly alarms: CloudTrailAlarms;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.alarms = new CloudTrailAlarms(this, 'SecurityAlarms', {
      organizationTrail: true,
      // the organization has no other organization trail (e.g. AWS Control Tower's) to reuse; a second copy of
      // management events costs $2.00 per 100,000
      createTrail: true,
      organizationId: 'o-a1b2c3d4e5',
      emailAddresses: ['secops@example.com'],
      // real time: this account's events directly; member accounts forward theirs with a CloudTrailEventForwarder
      // (homeAccount: this account), which the default bus accepts from the organization
      realTime: true,
      // a second construct in the same account and Region would need its own namespace (see README, double counting)
      metricNamespace: 'OrganizationCloudTrailMetrics',
      // one filter counts every member account's events: also alarm on each account and Region on its own, so that
      // a noisy account does not hide another (docs/construct.md, per-account alarms)
      perAccountAlarms: true,
      // notifications name the member accounts the events are in; friendly names for the ones people know by name
      accountNames: { 111122223333: 'management', 444455556666: 'prod', 777788889999: 'staging' },
    });
  }
}

export function buildApp(app: App = new App()): App {
  new OrganizationTrailStack(app, 'CloudTrailAlarmsOrganizationTrail');
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
