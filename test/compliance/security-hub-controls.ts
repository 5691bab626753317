/**
 * The AWS Security Hub controls that apply to the resources the construct creates, written from their documented
 * rules (Security Hub user guide and the AWS Config managed rules they run; shared/docs/scale-and-compliance.md
 * section 3) as checks over a synthesized CloudFormation template.
 */

export type Status = 'PASSED' | 'FAILED' | 'NOT_APPLICABLE';

export interface ControlResult {
  readonly control: string;
  readonly resource: string;
  readonly status: Status;
  readonly reason: string;
}

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
}
export interface CfnTemplate {
  readonly Resources: Record<string, Resource>;
}

type Control = (t: CfnTemplate) => ControlResult[];

function ofType(t: CfnTemplate, type: string): Array<[string, Record<string, any>]> {
  return Object.entries(t.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);
}

/** The logical id a `Ref` or `Fn::GetAtt` points at, if any. */
function target(v: any): string | undefined {
  if (v && typeof v === 'object') return v.Ref ?? v['Fn::GetAtt']?.[0];
  return undefined;
}

const result = (control: string, resource: string, ok: boolean, reason: string): ControlResult => ({
  control,
  resource,
  status: ok ? 'PASSED' : 'FAILED',
  reason,
});

const perResource = (control: string, type: string, check: (p: Record<string, any>, id: string, t: CfnTemplate) => [boolean, string]): Control =>
  (t) => {
    const found = ofType(t, type);
    if (found.length === 0) return [{ control, resource: '-', status: 'NOT_APPLICABLE', reason: `no ${type} in the template` }];
    return found.map(([id, p]) => {
      const [ok, reason] = check(p, id, t);
      return result(control, id, ok, reason);
    });
  };

/** Management events, read and write: an event selector with both, or no selectors at all (the default). */
function logsAllManagementEvents(p: Record<string, any>): boolean {
  if (p.AdvancedEventSelectors) {
    return p.AdvancedEventSelectors.some((s: any) =>
      s.FieldSelectors?.some((f: any) => f.Field === 'eventCategory' && f.Equals?.includes('Management'))
      && !s.FieldSelectors?.some((f: any) => f.Field === 'readOnly'));
  }
  const selectors: any[] | undefined = p.EventSelectors;
  if (!selectors || selectors.length === 0) return true;
  return selectors.some((s) => s.IncludeManagementEvents !== false && (s.ReadWriteType ?? 'All') === 'All' && !(s.ExcludeManagementEventSources?.length > 0));
}

function bucketPolicyOf(t: CfnTemplate, bucketId: string): any[] {
  return ofType(t, 'AWS::S3::BucketPolicy')
    .filter(([, p]) => target(p.Bucket) === bucketId)
    .flatMap(([, p]) => p.PolicyDocument?.Statement ?? []);
}

function isPublicPrincipal(principal: any): boolean {
  return principal === '*' || principal?.AWS === '*' || (Array.isArray(principal?.AWS) && principal.AWS.includes('*'));
}

function trailBuckets(t: CfnTemplate): Array<[string, string]> {
  return ofType(t, 'AWS::CloudTrail::Trail').map(([id, p]) => [id, target(p.S3BucketName) ?? String(p.S3BucketName)]);
}

export const CONTROLS: Record<string, Control> = {
  // multi-region-cloudtrail-enabled, readWriteType ALL: an account-level control; one compliant trail suffices
  'CloudTrail.1': (t) => {
    const trails = ofType(t, 'AWS::CloudTrail::Trail');
    if (trails.length === 0) return [{ control: 'CloudTrail.1', resource: '-', status: 'NOT_APPLICABLE', reason: 'the template creates no trail' }];
    const ok = trails.some(([, p]) => p.IsMultiRegionTrail === true && p.IsLogging !== false && logsAllManagementEvents(p));
    return [result('CloudTrail.1', trails.map(([id]) => id).join(','), ok, 'a multi-Region trail logging read and write management events, no excluded sources')];
  },
  // cloud-trail-encryption-enabled: KmsKeyId defined
  'CloudTrail.2': perResource('CloudTrail.2', 'AWS::CloudTrail::Trail', (p) => [p.KMSKeyId !== undefined && p.KMSKeyId !== '', 'KMSKeyId is defined']),
  // cloud-trail-log-file-validation-enabled
  'CloudTrail.4': perResource('CloudTrail.4', 'AWS::CloudTrail::Trail', (p) => [p.EnableLogFileValidation === true, 'log file validation is on']),
  // cloud-trail-cloud-watch-logs-enabled: CloudWatchLogsLogGroupArn not empty
  'CloudTrail.5': perResource('CloudTrail.5', 'AWS::CloudTrail::Trail', (p) => [p.CloudWatchLogsLogGroupArn !== undefined && p.CloudWatchLogsLogGroupArn !== '', 'delivers to CloudWatch Logs']),
  // the trail bucket is not publicly accessible: public access block on, no public ACL, no unconditioned public Allow
  'CloudTrail.6': (t) => {
    const buckets = trailBuckets(t);
    if (buckets.length === 0) return [{ control: 'CloudTrail.6', resource: '-', status: 'NOT_APPLICABLE', reason: 'the template creates no trail' }];
    return buckets.map(([trail, bucketId]) => {
      const b = t.Resources[bucketId]?.Properties;
      if (!b) return { control: 'CloudTrail.6', resource: trail, status: 'NOT_APPLICABLE', reason: 'the trail bucket is not in this template' } as ControlResult;
      const bpa = b.PublicAccessBlockConfiguration ?? {};
      const blocked = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'].every((k) => bpa[k] === true);
      const publicAcl = typeof b.AccessControl === 'string' && /^Public/.test(b.AccessControl);
      const publicAllow = bucketPolicyOf(t, bucketId).some((s) => s.Effect === 'Allow' && isPublicPrincipal(s.Principal) && !s.Condition);
      return result('CloudTrail.6', bucketId, blocked && !publicAcl && !publicAllow, 'trail bucket blocks public access and grants nothing to everyone');
    });
  },
  // server access logging on the trail bucket
  'CloudTrail.7': (t) => {
    const buckets = trailBuckets(t);
    if (buckets.length === 0) return [{ control: 'CloudTrail.7', resource: '-', status: 'NOT_APPLICABLE', reason: 'the template creates no trail' }];
    return buckets.map(([, bucketId]) => {
      const b = t.Resources[bucketId]?.Properties;
      return result('CloudTrail.7', bucketId, b?.LoggingConfiguration?.DestinationBucketName !== undefined, 'trail bucket has server access logging');
    });
  },
  // s3-bucket-ssl-requests-only: a policy denying s3:* when aws:SecureTransport is false
  'S3.5': perResource('S3.5', 'AWS::S3::Bucket', (_p, id, t) => {
    const ok = bucketPolicyOf(t, id).some((s) => {
      const actions = [s.Action].flat();
      return s.Effect === 'Deny' && isPublicPrincipal(s.Principal) && (actions.includes('s3:*') || actions.includes('*'))
        && String(s.Condition?.Bool?.['aws:SecureTransport']) === 'false';
    });
    return [ok, 'bucket policy denies requests without TLS'];
  }),
  // s3-bucket-logging-enabled; the logging target itself is exempt (logging a log bucket into itself loops)
  'S3.9': perResource('S3.9', 'AWS::S3::Bucket', (p, id, t) => {
    const isTarget = ofType(t, 'AWS::S3::Bucket').some(([, q]) => target(q.LoggingConfiguration?.DestinationBucketName) === id);
    if (isTarget) return [true, 'server access log target (exempt)'];
    return [p.LoggingConfiguration?.DestinationBucketName !== undefined, 'server access logging is on'];
  }),
  // sns-encrypted-kms
  'SNS.1': perResource('SNS.1', 'AWS::SNS::Topic', (p) => [p.KmsMasterKeyId !== undefined, 'topic is encrypted with a KMS key']),
  // cmk-backing-key-rotation-enabled (symmetric keys)
  'KMS.4': perResource('KMS.4', 'AWS::KMS::Key', (p) => [
    (p.KeySpec ?? 'SYMMETRIC_DEFAULT') !== 'SYMMETRIC_DEFAULT' || p.EnableKeyRotation === true,
    'key rotation is on',
  ]),
  // cloudwatch-alarm-action-check: alarmActionRequired true
  'CloudWatch.15': perResource('CloudWatch.15', 'AWS::CloudWatch::Alarm', (p) => [Array.isArray(p.AlarmActions) && p.AlarmActions.length > 0, 'has an ALARM action']),
  // cw-loggroup-retention-period-check, minRetentionTime 365; never-expire passes
  'CloudWatch.16': perResource('CloudWatch.16', 'AWS::Logs::LogGroup', (p) => [p.RetentionInDays === undefined || p.RetentionInDays >= 365, 'retention of at least 365 days']),
  // cloudwatch-alarm-action-enabled-check
  'CloudWatch.17': perResource('CloudWatch.17', 'AWS::CloudWatch::Alarm', (p) => [p.ActionsEnabled !== false, 'actions are enabled']),
};

export function evaluateControls(t: CfnTemplate): ControlResult[] {
  return Object.values(CONTROLS).flatMap((c) => c(t));
}
