/**
 * Judgement of alarm topics (pure): who receives an alarm. Follows this library's notifier function
 * (contract: tag `cdk-cloudtrail-alarms:role` = `notifier`, env `DELIVERY_TOPIC_ARNS`) to the topics it delivers to.
 */
import type { CallProblem } from './call-problem';
import { AuditFinding } from './findings';
import { AccountSnapshot, FunctionState } from './snapshot';

export const NOTIFIER_ROLE_TAG = 'cdk-cloudtrail-alarms:role';
export const NOTIFIER_ROLE = 'notifier';
export const NOTIFIER_DELIVERY_ENV = 'DELIVERY_TOPIC_ARNS';

/** The delivery topics of a notifier function; undefined when the function is not (known to be) the notifier. */
export function notifierDeliveryTopics(fn: FunctionState): string[] | undefined {
  if (fn.tags?.[NOTIFIER_ROLE_TAG] !== NOTIFIER_ROLE) return undefined;
  const raw = fn.environment?.[NOTIFIER_DELIVERY_ENV] ?? '';
  return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

export type KeyPolicyVerdict = 'allows' | 'denies' | 'unparsable';

/** Does a key policy let cloudwatch.amazonaws.com use the key for kms:Decrypt and kms:GenerateDataKey*? */
export function keyPolicyVerdict(policyText: string | undefined): KeyPolicyVerdict {
  if (typeof policyText !== 'string' || policyText.length === 0) return 'unparsable';
  let policy: { Statement?: unknown };
  try {
    policy = JSON.parse(policyText);
  } catch {
    return 'unparsable';
  }
  if (typeof policy !== 'object' || policy === null) return 'unparsable';
  const statements = Array.isArray(policy.Statement) ? policy.Statement : policy.Statement ? [policy.Statement] : [];
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
  const glob = (pattern: string, value: string) =>
    new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i').test(value);
  const allows = (action: string) =>
    statements.some((s: Record<string, unknown>) => {
      if (s.Effect !== 'Allow') return false;
      const p = s.Principal as Record<string, unknown> | string | undefined;
      const principalOk =
        p === '*' || (typeof p === 'object' && p !== null && (list(p.Service).includes('cloudwatch.amazonaws.com') || list(p.AWS).includes('*')));
      return principalOk && list(s.Action).some((a) => glob(a, action));
    });
  return allows('kms:Decrypt') && allows('kms:GenerateDataKey') ? 'allows' : 'denies';
}

/** Kept for callers of the earlier API: true only when the policy is readable and allows CloudWatch. */
export function keyPolicyAllowsCloudWatch(policyText: string | undefined): boolean {
  return keyPolicyVerdict(policyText) === 'allows';
}

export interface NotifierAudit {
  readonly function: string;
  /** The topics the notifier publishes to, each judged like an alarm topic. */
  readonly deliveryTopics: TopicAudit[];
  /** True when at least one delivery topic reaches people. */
  readonly delivers: boolean;
}

export interface TopicAudit {
  readonly arn: string;
  readonly confirmedSubscriptions?: number;
  readonly pendingSubscriptions?: number;
  /** Endpoints (e-mail addresses, URLs) whose subscription waits for confirmation. */
  readonly pendingEndpoints?: string[];
  readonly kmsKey?: string;
  /** undefined: not encrypted, or the key policy could not be read or parsed (see problems). */
  readonly keyAllowsCloudWatch?: boolean;
  readonly notifiers?: NotifierAudit[];
  readonly findings: AuditFinding[];
}

/** Does the topic reach someone (no finding that counts against it)? */
export function topicReachesPeople(t: TopicAudit): boolean {
  return !t.findings.some((f) => f.code === 'no-confirmed-subscription' || f.code === 'notifier-not-delivering' || f.code === 'kms-key-denies-cloudwatch');
}

/**
 * Judges one topic of the snapshot. `problems` receives what cannot be judged (an unparsable key policy).
 * `via` holds the topics already on the chain (a notifier publishing back to its own topic is not followed again).
 */
export function judgeTopic(s: AccountSnapshot, arn: string, problems: CallProblem[], via: ReadonlySet<string> = new Set()): TopicAudit {
  const state = s.topics[arn];
  const region = arn.split(':')[3] ?? '';
  const findings: AuditFinding[] = [];
  const subs = state?.subscriptions;
  let confirmed: number | undefined;
  let pending: number | undefined;
  let pendingEndpoints: string[] | undefined;
  const notifiers: NotifierAudit[] = [];
  if (subs) {
    const confirmedSubs = subs.filter((x) => x.arn.startsWith('arn:'));
    const pendingSubs = subs.filter((x) => x.arn === 'PendingConfirmation');
    confirmed = confirmedSubs.length;
    pending = pendingSubs.length;
    pendingEndpoints = pendingSubs.map((x) => x.endpoint);
    let reaching = 0;
    for (const sub of confirmedSubs) {
      const fn = sub.protocol === 'lambda' ? s.functions[sub.endpoint] : undefined;
      const delivery = fn ? notifierDeliveryTopics(fn) : undefined;
      if (!fn || delivery === undefined) {
        reaching++;
        continue;
      }
      const next = new Set([...via, arn]);
      const deliveryTopics = delivery.filter((d) => !next.has(d)).map((d) => judgeTopic(s, d, problems, next));
      const delivers = deliveryTopics.some(topicReachesPeople);
      notifiers.push({ function: sub.endpoint, deliveryTopics, delivers });
      if (delivers) reaching++;
    }
    const confirmHint = (endpoints: string[]) => endpoints.map((e) => `confirm the subscription sent to ${e}`).join('; ');
    if (reaching === 0) {
      const broken = notifiers.filter((n) => !n.delivers);
      if (broken.length > 0) {
        const why = broken
          .map((n) =>
            n.deliveryTopics.length === 0
              ? `notifier ${n.function} has no delivery topic (${NOTIFIER_DELIVERY_ENV} is empty)`
              : `notifier ${n.function} delivers to ${n.deliveryTopics.map((d) => `${d.arn} (${d.findings.map((f) => f.message).join('; ') || 'not reachable'})`).join(', ')}`,
          )
          .join('; ');
        findings.push({ code: 'notifier-not-delivering', message: `topic ${arn} reaches nobody through the notifier: ${why}` });
      } else {
        findings.push({
          code: 'no-confirmed-subscription',
          message: `topic ${arn} has no confirmed subscription: nobody receives the alarm${pendingEndpoints.length ? `. ${confirmHint(pendingEndpoints)}` : ''}`,
        });
      }
    } else if (pendingEndpoints.length > 0) {
      findings.push({ code: 'subscription-pending', message: `topic ${arn}: ${confirmHint(pendingEndpoints)}` });
    }
  }
  const kmsKey = state?.attributes?.KmsMasterKeyId;
  let keyAllowsCloudWatch: boolean | undefined;
  if (kmsKey) {
    if (/alias\/aws\/sns$/.test(kmsKey)) {
      keyAllowsCloudWatch = false;
      findings.push({
        code: 'kms-key-denies-cloudwatch',
        message: `topic ${arn} is encrypted with the AWS managed key alias/aws/sns, whose policy cannot let cloudwatch.amazonaws.com use it: alarm notifications are dropped silently. Use a customer managed key that allows kms:Decrypt and kms:GenerateDataKey* to cloudwatch.amazonaws.com`,
      });
    } else {
      const key = s.keys[kmsKey];
      if (key?.policy !== undefined) {
        const verdict = keyPolicyVerdict(key.policy);
        if (verdict === 'unparsable') {
          problems.push({
            region,
            action: 'kms:GetKeyPolicy',
            kind: 'cannot-judge',
            message: `the key policy of ${kmsKey} (topic ${arn}) is not a JSON policy document the audit can read, so whether CloudWatch may use the key is not judged: check it by hand`,
          });
        } else {
          keyAllowsCloudWatch = verdict === 'allows';
          if (!keyAllowsCloudWatch) {
            findings.push({
              code: 'kms-key-denies-cloudwatch',
              message: `topic ${arn} is encrypted with KMS key ${kmsKey}, whose key policy does not let cloudwatch.amazonaws.com use it (kms:Decrypt, kms:GenerateDataKey*): alarm notifications are dropped silently`,
            });
          }
        }
      }
    }
  }
  return {
    arn,
    confirmedSubscriptions: confirmed,
    pendingSubscriptions: pending,
    pendingEndpoints,
    kmsKey,
    keyAllowsCloudWatch,
    ...(notifiers.length ? { notifiers } : {}),
    findings,
  };
}
