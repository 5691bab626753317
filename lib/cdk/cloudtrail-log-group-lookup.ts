import { CustomResource, Duration, Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LogGroupLookupProvider } from './private/log-group-lookup-provider';

/** Properties of `CloudTrailLogGroupLookup`. */
export interface CloudTrailLogGroupLookupProps {
  /**
   * The start of the log group's name. Exactly one log group of the stack's account and Region must have a name that
   * starts with it, or the deployment fails with a message that lists the matches.
   *
   * AWS Control Tower's trail delivers to `aws-controltower/CloudTrailLogs` before landing zone 4.0 and to
   * `aws-controltower/CloudTrailLogs-<suffix>` from 4.0, in the management account and the landing zone's home Region.
   *
   * @default 'aws-controltower/CloudTrailLogs'
   */
  readonly namePrefix?: string;
}

/**
 * Finds, at deploy time, the one log group whose name starts with a prefix: the log group of an AWS Control Tower
 * trail (`aws-controltower/CloudTrailLogs-<suffix>` from landing zone 4.0), whose name a stack cannot know at synth
 * time. A custom resource lists the log groups by name prefix (DescribeLogGroups) when it is created and when the
 * prefix changes, and fails the deployment, naming the prefix, when no log group or several match.
 *
 * Its function may list every log group of the stack's account and Region (`logs:DescribeLogGroups` on
 * `log-group:*`: the API cannot be narrowed by prefix) and read nothing in them. Every lookup of a stack shares one
 * function.
 *
 * @example
 * import { CloudTrailAlarms, CloudTrailLogGroupLookup } from 'cdk-cloudtrail-alarms';
 *
 * const lookup = new CloudTrailLogGroupLookup(this, 'ControlTowerLogGroup');
 * new CloudTrailAlarms(this, 'Alarms', { logGroup: lookup.logGroup, emailAddresses: ['security@example.com'] });
 */
export class CloudTrailLogGroupLookup extends Construct {
  /** The default `namePrefix`: AWS Control Tower's CloudTrail log group. */
  public static readonly CONTROL_TOWER_PREFIX = 'aws-controltower/CloudTrailLogs';

  /** The log group found, for `CloudTrailAlarms`' `logGroup` (its name and ARN are known at deploy time). */
  public readonly logGroup: logs.ILogGroup;
  /** The name of the log group found (a token: `Fn::GetAtt` of the custom resource's `LogGroupName`). */
  public readonly logGroupName: string;
  /** The ARN of the log group found, ending in `:*` (a token: `Fn::GetAtt` of the custom resource's `Arn`). */
  public readonly logGroupArn: string;
  /** The prefix looked up. */
  public readonly namePrefix: string;

  constructor(scope: Construct, id: string, props: CloudTrailLogGroupLookupProps = {}) {
    super(scope, id);
    const prefix = props.namePrefix ?? CloudTrailLogGroupLookup.CONTROL_TOWER_PREFIX;
    if (!Token.isUnresolved(prefix) && !/^[.\-_/#A-Za-z0-9]{1,512}$/.test(prefix)) {
      throw new Error(
        `\`namePrefix\` must be the start of a log group name, 1-512 characters among letters, digits and . - _ / #, got ${JSON.stringify(prefix)}.`,
      );
    }
    this.namePrefix = prefix;
    const provider = LogGroupLookupProvider.of(this);
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.lambdaFunction.functionArn,
      resourceType: 'Custom::CloudTrailLogGroupLookup',
      properties: { NamePrefix: prefix },
      // the function answers within its 2-minute timeout; should it never answer (a crash before its handler runs),
      // the deployment fails after 5 minutes instead of CloudFormation's default hour
      serviceTimeout: Duration.minutes(5),
    });
    this.logGroupName = resource.getAttString('LogGroupName');
    this.logGroupArn = resource.getAttString('Arn');
    this.logGroup = logs.LogGroup.fromLogGroupName(this, 'LogGroup', this.logGroupName);
  }
}
