import { Annotations, Arn, Aws, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { RealTimeDetection, RefusedRealTimeDetection } from './real-time-detection';
import { DetectionCatalogue } from '../catalogue/catalogue';
import { isTamperDetection } from '../catalogue/tamper-scope';
import { toEventPattern } from '../targets/eventbridge';

/** Properties of `CloudTrailEventForwarder`. */
export interface CloudTrailEventForwarderProps {
  /** The Region of the stack with the real-time rules and the notifier (the home Region), e.g. `eu-west-1`. */
  readonly homeRegion: string;
  /**
   * The account of the home event bus: set it in the member accounts of an organization trail, whose events reach only
   * their own EventBridge (the home stack's `CloudTrailAlarms` with `organizationTrail`, `organizationId` and
   * `realTime` lets the organization's accounts put events on its bus).
   * @default - this stack's account
   */
  readonly homeAccount?: string;
  /**
   * The detections whose matching events are forwarded (one rule each; only matching events leave the Region).
   * Pass `CloudTrailAlarms.forwardedDetections()` of the home stack: the same patterns as its real-time rules.
   * @default - the detections of the `recommended` profile but the tamper-protection ones (they watch resources of the
   * home Region, whose API calls are made, and delivered, there)
   */
  readonly detections?: RealTimeDetection[];
  /**
   * Also forward read-only management events (rule state `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`).
   * @default false
   */
  readonly includeReadOnlyManagementEvents?: boolean;
}

/**
 * Forwards the CloudTrail events that match the detections from this stack's Region to the default event bus of the
 * home Region, where `DetectionRules` deliver them to the notifier. EventBridge receives an API call's event only in
 * the Region where it happened, and global services (IAM, STS through the global endpoint, console sign-in) in
 * us-east-1: deploy one forwarder in each other Region you use, and one in us-east-1 when the home Region is not
 * us-east-1. The events keep their `region` field, so the notifier names the Region they came from.
 *
 * @example
 * const eu = new Stack(app, 'CloudTrailForwarderEuWest1', { env: { account: '111122223333', region: 'eu-west-1' } });
 * new CloudTrailEventForwarder(eu, 'Forwarder', { homeRegion: 'us-east-1' });
 */
export class CloudTrailEventForwarder extends Construct {
  /** The forwarding rules, one per detection that has an exact EventBridge pattern. */
  public readonly rules: events.Rule[] = [];
  /** Detections that got no rule, and why. */
  public readonly refused: RefusedRealTimeDetection[] = [];
  /** The role EventBridge assumes to put events on the home bus (`events:PutEvents` on that bus only). */
  public readonly role: iam.IRole;
  /** ARN of the home Region's default event bus. */
  public readonly homeEventBusArn: string;

  constructor(scope: Construct, id: string, props: CloudTrailEventForwarderProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (!Token.isUnresolved(props.homeRegion) && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(props.homeRegion)) {
      throw new Error(`CloudTrailEventForwarder: homeRegion must be a Region code such as 'us-east-1', got '${props.homeRegion}'.`);
    }
    // the home bus itself: the same account in the home Region (another account's forwarder may be in that Region)
    const sameAccount = props.homeAccount === undefined || (!Token.isUnresolved(stack.account) && props.homeAccount === stack.account);
    if (sameAccount && !Token.isUnresolved(props.homeRegion) && !Token.isUnresolved(stack.region) && props.homeRegion === stack.region) {
      throw new Error(
        `CloudTrailEventForwarder: the stack is in the home Region ${props.homeRegion} of the home account; a forwarder belongs in the other Regions and accounts (the home Region's rules already see its events).`,
      );
    }
    if (!Token.isUnresolved(props.homeRegion) && props.homeRegion.startsWith('cn-')) {
      throw new Error(`CloudTrailEventForwarder: China Regions cannot be the destination of cross-Region event routing, got homeRegion '${props.homeRegion}'.`);
    }
    if (Token.isUnresolved(stack.region)) {
      Annotations.of(this).addWarningV2(
        'cloudtrail-alarms:forwarderRegionUnknown',
        'The stack has no explicit Region (env.region): a forwarder deployed to the home Region would deliver every event twice.',
      );
    }
    this.homeEventBusArn = Arn.format({
      partition: Aws.PARTITION,
      service: 'events',
      region: props.homeRegion,
      account: props.homeAccount ?? stack.account,
      resource: 'event-bus',
      resourceName: 'default',
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: `Lets EventBridge forward matching CloudTrail events to ${props.homeRegion}`,
    });
    // a customer managed policy, not an inline one (the NIST 800-53, HIPAA and PCI packs flag inline policies)
    new iam.ManagedPolicy(this, 'Policy', {
      description: `EventBridge forwarding of matching CloudTrail events: PutEvents on the default bus of ${props.homeRegion} only.`,
      roles: [role],
      statements: [new iam.PolicyStatement({ sid: 'PutEventsOnTheHomeBus', actions: ['events:PutEvents'], resources: [this.homeEventBusArn] })],
    });
    this.role = role;

    const detections =
      props.detections ??
      DetectionCatalogue.list()
        .filter((d) => !isTamperDetection(d.id))
        .map((d) => ({ id: d.id, pattern: d.pattern, title: d.title }));
    const seen = new Set<string>();
    for (const d of detections) {
      if (seen.has(d.id)) throw new Error(`CloudTrailEventForwarder: detection '${d.id}' is listed twice; each detection gets one rule.`);
      seen.add(d.id);
      const compiled = toEventPattern(d.pattern);
      if (!compiled.ok) {
        this.refused.push({ id: d.id, reason: compiled.reason });
        Annotations.of(this).addWarningV2('cloudtrail-alarms:noRealTimeRule', `Detection '${d.id}' is not forwarded: ${compiled.reason}.`);
        continue;
      }
      const rule = new events.Rule(this, `${d.id}-forward`, {
        description: `cdk-cloudtrail-alarms: forwards ${d.title ?? d.id} (${d.id}) events to ${props.homeRegion}`,
        eventPattern: compiled.eventPattern as events.EventPattern,
      });
      if (props.includeReadOnlyManagementEvents) {
        (rule.node.defaultChild as events.CfnRule).state = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
      }
      // the home bus as a target with the role above (targets.EventBus would add its statement to the role inline)
      rule.addTarget({ bind: () => ({ arn: this.homeEventBusArn, role }) });
      this.rules.push(rule);
    }
  }
}
