// The secure trail that CloudTrailAlarms creates when it is given none: a multi-Region trail whose log files are
// encrypted with a customer managed key, an S3 bucket (public access blocked, TLS only, versioned, access-logged,
// lifecycle rules), a KMS-encrypted log group, and CloudTrail's delivery role limited to this trail. The construct is
// the scope, so the logical ids are those of the construct's own children.
import { Duration, Names, Stack, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** What the secure trail is made from (the matching props of `CloudTrailAlarmsProps`). */
export interface SecureTrailOptions {
  readonly trailName?: string;
  readonly logGroupName?: string;
  readonly logRetention?: logs.RetentionDays;
  readonly trailKey?: kms.IKey;
  readonly logGroupKey?: kms.IKey;
  readonly trailBucketLifecycleRules?: s3.LifecycleRule[];
  readonly accessLogsBucketLifecycleRules?: s3.LifecycleRule[];
  readonly organizationTrail?: boolean;
  readonly organizationId?: string;
  readonly organizationManagementAccountId?: string;
}

/** The key of one encrypted resource (the construct's one key, or a key per resource). */
export type KeyFor = (id: string, description: string) => kms.Key;

/** What `createSecureTrail` made. */
export interface CreatedTrail {
  readonly trail: cloudtrail.Trail;
  readonly logGroup: logs.LogGroup;
  readonly logGroupName: string;
  readonly trailKey: kms.IKey;
  readonly logGroupKey: kms.IKey;
}

export function createSecureTrail(scope: Construct, props: SecureTrailOptions, keyFor: KeyFor): CreatedTrail {
  const { account, region, partition } = Stack.of(scope);
  const trailName = props.trailName ?? Names.uniqueResourceName(scope, { maxLength: 128 });
  // the account that owns the trail: the management account for an organization trail created from a delegated
  // administrator account, otherwise this stack's account
  const owner = props.organizationTrail && props.organizationManagementAccountId ? props.organizationManagementAccountId : account;
  const trailArn = `arn:${partition}:cloudtrail:${region}:${owner}:trail/${trailName}`;

  const trailKey = props.trailKey ?? createTrailKey(scope, keyFor, trailArn, owner);
  const accessLogs = new s3.Bucket(scope, 'TrailAccessLogsBucket', {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    // server access logs can only be delivered to a bucket whose default encryption is SSE-S3
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    versioned: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: props.accessLogsBucketLifecycleRules ?? [
      { id: 'ExpireAccessLogs', expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) },
      { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
    ],
  });
  const bucket = new s3.Bucket(scope, 'TrailBucket', {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    // default encryption with the trail key; CloudTrail encrypts each log file with it anyway (digest files are SSE-S3)
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: trailKey,
    bucketKeyEnabled: false,
    enforceSSL: true,
    versioned: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: props.trailBucketLifecycleRules ?? [
      { id: 'ExpireNoncurrentVersions', noncurrentVersionExpiration: Duration.days(90) },
      { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
    ],
  });
  // server access logging of the trail bucket, granted with a bucket policy (not the legacy LogDeliveryWrite ACL)
  const prefix = 'cloudtrail-bucket/';
  accessLogs.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowS3ServerAccessLogsFromTheTrailBucket',
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [accessLogs.arnForObjects(`${prefix}*`)],
      conditions: {
        ArnLike: { 'aws:SourceArn': bucket.bucketArn },
        StringEquals: { 'aws:SourceAccount': account },
      },
    }),
  );
  (bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
    destinationBucketName: accessLogs.bucketName,
    logFilePrefix: prefix,
  };
  // AWS's documented trail bucket policy, each statement limited to this trail with aws:SourceArn
  const fromThisTrail = { StringEquals: { 'aws:SourceArn': trailArn } };
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AWSCloudTrailAclCheck',
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['s3:GetBucketAcl'],
      resources: [bucket.bucketArn],
      conditions: fromThisTrail,
    }),
  );
  const writePaths = [bucket.arnForObjects(`AWSLogs/${owner}/*`)];
  if (props.organizationTrail) writePaths.push(bucket.arnForObjects(`AWSLogs/${props.organizationId ?? 'o-*'}/*`));
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AWSCloudTrailWrite',
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: writePaths,
      conditions: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn } },
    }),
  );

  const logGroupName = props.logGroupName ?? `CloudTrail/${trailName}`;
  const logGroupArn = `arn:${partition}:logs:${region}:${account}:log-group:${logGroupName}`;
  const logGroupKey = props.logGroupKey ?? createLogGroupKey(scope, keyFor, logGroupArn);
  const logGroup = new logs.LogGroup(scope, 'TrailLogGroup', {
    logGroupName,
    encryptionKey: logGroupKey,
    retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
  });
  // CloudTrail's role for CloudWatch Logs delivery, with a customer managed policy (not an inline one) and a trust
  // policy limited to this trail
  const deliveryRole = new iam.Role(scope, 'TrailDeliveryRole', {
    assumedBy: new iam.ServicePrincipal('cloudtrail.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceArn': trailArn } } }),
    description: 'Lets the CloudTrail trail deliver events to its CloudWatch Logs log group.',
  });
  const deliveryPolicy = new iam.ManagedPolicy(scope, 'TrailDeliveryPolicy', {
    description: 'CloudTrail delivery to one log group: create log streams and put events.',
    roles: [deliveryRole],
    statements: [
      new iam.PolicyStatement({
        sid: 'DeliverTrailEventsToTheLogGroup',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    ],
  });
  // the trail is given an imported view of the bucket, so that aws-cloudtrail's own bucket statements (which have no
  // aws:SourceArn condition) are not added: the statements above replace them
  const bucketForTrail = s3.Bucket.fromBucketAttributes(scope, 'TrailBucketForTrail', { bucketArn: bucket.bucketArn, bucketName: bucket.bucketName });
  const trail = new cloudtrail.Trail(scope, 'Trail', {
    trailName,
    bucket: bucketForTrail,
    encryptionKey: trailKey,
    isMultiRegionTrail: true,
    includeGlobalServiceEvents: true,
    enableFileValidation: true,
    managementEvents: cloudtrail.ReadWriteType.ALL,
  });
  const cfnTrail = trail.node.defaultChild as cloudtrail.CfnTrail;
  cfnTrail.cloudWatchLogsLogGroupArn = logGroup.logGroupArn;
  cfnTrail.cloudWatchLogsRoleArn = deliveryRole.roleArn;
  if (props.organizationTrail) cfnTrail.isOrganizationTrail = true;
  // CloudTrail checks bucket, key and role access when the trail is created
  trail.node.addDependency(bucket.policy!, deliveryPolicy);
  acknowledgeTrailFindings(bucket, accessLogs);
  return { trail, logGroup, logGroupName, trailKey, logGroupKey };
}

/**
 * AWS's documented CloudTrail key policy: CloudTrail may encrypt log files of this trail (aws:SourceArn and the
 * encryption context) and describe the key; principals of the account may decrypt log files (with IAM permission).
 */
function createTrailKey(scope: Construct, keyFor: KeyFor, trailArn: string, owner: string): kms.Key {
  const { account, partition } = Stack.of(scope);
  const key = keyFor('TrailKey', 'Encrypts the CloudTrail log files of the security alarms trail.');
  const cloudTrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudTrailToEncryptLogFiles',
      principals: [cloudTrail],
      actions: ['kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceArn': trailArn },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${partition}:cloudtrail:*:${owner}:trail/*` },
      },
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudTrailToDescribeKey',
      principals: [cloudTrail],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceArn': trailArn } },
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowPrincipalsOfThisAccountToDecryptLogFiles',
      principals: [new iam.AccountRootPrincipal()],
      actions: ['kms:Decrypt', 'kms:ReEncryptFrom'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'kms:CallerAccount': account },
        Null: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'false' },
      },
    }),
  );
  return key;
}

/** A key for the log group: CloudWatch Logs of this Region may use it for this log group only. */
function createLogGroupKey(scope: Construct, keyFor: KeyFor, logGroupArn: string): kms.Key {
  const { region } = Stack.of(scope);
  const key = keyFor('TrailLogGroupKey', 'Encrypts the CloudWatch Logs log group that receives the CloudTrail events.');
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsToUseTheKeyForTheTrailLogGroup',
      principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn } },
    }),
  );
  return key;
}

/** The compliance-pack findings that have no reasonable default, acknowledged on the one resource with the reason. */
function acknowledgeTrailFindings(bucket: s3.Bucket, accessLogs: s3.Bucket): void {
  for (const target of [bucket, accessLogs]) {
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']) {
      Validations.of(target).acknowledge({
        id: `${pack}-S3BucketReplicationEnabled`,
        reason:
          'Cross-Region replication needs a second bucket (and key) in another Region that this construct cannot create in the same stack; the trail bucket is versioned, so replication can be added with s3.CfnBucket replicationConfiguration.',
      });
    }
  }
  for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']) {
    Validations.of(accessLogs).acknowledge({
      id: `${pack}-S3DefaultEncryptionKMS`,
      reason: 'S3 server access logs can only be delivered to a bucket whose default encryption is SSE-S3 (AES256); SSE-KMS is not supported for the target bucket.',
    });
  }
}
