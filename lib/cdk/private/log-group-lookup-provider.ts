import * as fs from 'fs';
import * as path from 'path';
import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';

/** The prebuilt handler bundle (projen's `bundle` task writes it; the npm package ships it). */
export const LOOKUP_BUNDLE_DIR = path.join(__dirname, '..', '..', '..', 'assets', 'lib', 'log-group-lookup-function', 'log-group-lookup.lambda');

/** The id of the stack's one provider, a direct child of the stack. */
const PROVIDER_ID = 'CloudTrailLogGroupLookupProvider';

/**
 * The function behind every `CloudTrailLogGroupLookup` of a stack (one per stack, made by the first lookup): its role
 * may list the log groups of the stack's account and Region (`logs:DescribeLogGroups` on `log-group:*`, which the API
 * cannot narrow by prefix) and write its own logs, nothing else.
 */
export class LogGroupLookupProvider extends Construct {
  /** The stack's provider, made on first use. */
  public static of(scope: IConstruct): LogGroupLookupProvider {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(PROVIDER_ID) as LogGroupLookupProvider | undefined) ?? new LogGroupLookupProvider(stack, PROVIDER_ID);
  }

  public readonly lambdaFunction: lambda.Function;
  public readonly policy: iam.ManagedPolicy;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const index = path.join(LOOKUP_BUNDLE_DIR, 'index.js');
    if (!fs.existsSync(index)) {
      throw new Error(
        `The log group lookup function bundle is missing (${index}). The npm package ships it; in a clone of the repository run 'npx projen bundle' (the build and 'npm test' run it).`,
      );
    }
    const functionLogs = new logs.LogGroup(this, 'FunctionLogs', { retention: logs.RetentionDays.ONE_YEAR });
    const role = new iam.Role(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'CloudTrail log group lookup: lists the log groups of this account and Region by name prefix.',
    });
    // one customer managed policy (no inline policy: the NIST, HIPAA and PCI packs flag those)
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'CloudTrail log group lookup: list the log groups of this account and Region, write its own logs.',
      statements: [
        new iam.PolicyStatement({
          sid: 'ListLogGroups',
          actions: ['logs:DescribeLogGroups'],
          // DescribeLogGroups is authorised on every log group of the account and Region: no prefix narrows it
          resources: [`arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`],
        }),
        new iam.PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [functionLogs.logGroupArn] }),
      ],
      roles: [role],
    });
    // cdk-nag's AwsSolutions-IAM5 reports the log-group:* resource; its finding cannot be acknowledged here (aws-cdk-lib
    // refuses rule ids holding '::', as the finding's does): docs/construct.md says why it is needed
    this.lambdaFunction = new lambda.Function(this, 'Function', {
      description: 'Finds the one log group whose name starts with a prefix, for CloudTrailLogGroupLookup (cdk-cloudtrail-alarms).',
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(LOOKUP_BUNDLE_DIR),
      role,
      memorySize: 128,
      timeout: Duration.minutes(2),
      logGroup: functionLogs,
    });
    // CloudFormation invokes the function as soon as it exists: the policy must be attached by then
    this.lambdaFunction.node.addDependency(this.policy);
    const noVpc = 'The function calls only the CloudWatch Logs API (DescribeLogGroups), during deployments; a VPC would add NAT or interface endpoints and protect no data.';
    const noDlq =
      'CloudFormation invokes the function during a deployment and waits for its answer; the handler answers every request, failures included, so a dead-letter queue would only keep requests nobody waits for any more.';
    const noConcurrency = 'The function runs only during deployments, once per lookup; reserving concurrency for it would take it from the account for nothing.';
    acknowledge(this.lambdaFunction, [
      ['AwsSolutions-L1', 'Node.js 22 is the runtime the bundle is built and tested for (esbuild target node22); it is supported by Lambda until 2027.'],
      ...['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack): [string, string] => [`${pack}-LambdaInsideVPC`, noVpc]),
      ...['NIST.800.53.R5', 'HIPAA.Security'].map((pack): [string, string] => [`${pack}-LambdaDLQ`, noDlq]),
      ...['NIST.800.53.R5', 'HIPAA.Security'].map((pack): [string, string] => [`${pack}-LambdaConcurrency`, noConcurrency]),
    ]);
    const plainLogs =
      'The function logs one line per request: the request type, the outcome and the name of the log group found or the failure message (log group names, never log events); a customer managed key would cost more than that protects.';
    acknowledge(functionLogs, ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack): [string, string] => [`${pack}-CloudWatchLogGroupEncrypted`, plainLogs]));
  }
}

/** Acknowledges compliance-pack findings on the construct that carries them, with the reason. */
function acknowledge(scope: IConstruct, rules: Array<[string, string]>): void {
  for (const [id, reason] of rules) Validations.of(scope).acknowledge({ id, reason });
}
