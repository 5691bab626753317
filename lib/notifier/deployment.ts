// "Quiet on its own deployments, loud on anyone else's": a tamper-protection detection matches the stack's own
// deployment (every `cdk deploy` that touches an alarm or a filter calls PutMetricAlarm / PutMetricFilter). An event is
// the deployment's when BOTH its session issuer is one of the deployment roles AND the call was made by the deploying
// service (CloudFormation) for it. The role alone is not enough: a person who assumes the deployment role directly
// makes calls from their own address, which page as usual. `userAgent` is written by the caller and is never read here.
import { NotifierDeployment } from './config';

/** Catalogue ids of the tamper-protection detections end with this. */
export const TAMPER_PROTECTION_SUFFIX = '-tampering';

/** Whether a detection is one of the tamper-protection detections (the ones a deployment of the stack matches). */
export function isTamperProtection(detectionId: string | undefined): boolean {
  return detectionId !== undefined && detectionId.endsWith(TAMPER_PROTECTION_SUFFIX);
}

/** What the notifier found out about the deployment for the events behind one message. */
export interface DeploymentFinding {
  /** The stack whose deployment is expected to make such changes. */
  readonly stackName: string;
  /** The services that make the deployment's calls (`NotifierDeployment.invokedBy`). */
  readonly invokedBy: readonly string[];
  /** How many of the matching events the deployment made (of `LookupResult.matched`). */
  readonly expected: number;
  /**
   * True when every matching event was seen and every one is the deployment's: the message is an expected-change
   * report at LOW severity. False pages as usual (and says which events were the deployment's).
   */
  readonly allExpected: boolean;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/**
 * A role's identity as `partition:account:name` (the name is unique in an account whatever the path), from an IAM
 * role ARN (`arn:aws:iam::111122223333:role/path/Name`) or an STS assumed-role ARN
 * (`arn:aws:sts::111122223333:assumed-role/Name/session`). Undefined for anything else.
 */
export function roleKey(arn: string): string | undefined {
  const role = /^arn:([a-z-]+):iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/.exec(arn);
  if (role) return `${role[1]}:${role[2]}:${role[3]}`;
  const assumed = /^arn:([a-z-]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
  return assumed ? `${assumed[1]}:${assumed[2]}:${assumed[3]}` : undefined;
}

/**
 * The role whose session made the call: `userIdentity.sessionContext.sessionIssuer.arn` when the issuer is a role,
 * else the role of an assumed-role `userIdentity.arn`. Undefined for users, root and services.
 */
export function sessionIssuerRoleOf(record: Json): string | undefined {
  const id = isObject(record.userIdentity) ? record.userIdentity : {};
  const ctx = isObject(id.sessionContext) ? id.sessionContext : {};
  const issuer = isObject(ctx.sessionIssuer) ? ctx.sessionIssuer : {};
  const issuerArn = str(issuer.arn);
  if (issuerArn) return roleKey(issuerArn);
  const arn = str(id.arn);
  return arn && str(id.type) === 'AssumedRole' ? roleKey(arn) : undefined;
}

/** The service that made the call for the caller: `userIdentity.invokedBy`, else an AWS service's `sourceIPAddress`. */
export function invokingServiceOf(record: Json): string | undefined {
  const id = isObject(record.userIdentity) ? record.userIdentity : {};
  return str(id.invokedBy) ?? str(record.sourceIPAddress);
}

/** A test of records against the deployment: true for a call the stack's deployment made. */
export type DeploymentTest = (record: Json) => boolean;

/**
 * The test for one deployment: the session issuer is one of `roleArns` and the invoking service is one of
 * `invokedBy` (both exact). Role ARNs that are not role ARNs (unresolved, mistyped) match nothing.
 */
export function deploymentTest(deployment: NotifierDeployment): DeploymentTest {
  const roles = new Set(deployment.roleArns.map((r) => (typeof r === 'string' ? roleKey(r) : undefined)).filter((k): k is string => !!k));
  const services = new Set(deployment.invokedBy);
  return (record) => {
    const role = sessionIssuerRoleOf(record);
    const service = invokingServiceOf(record);
    return role !== undefined && roles.has(role) && service !== undefined && services.has(service);
  };
}

/**
 * The finding for the events behind one message, or undefined when the detection is not a tamper-protection one or
 * no deployment is configured. `allExpected` needs every matching event to have been seen (`complete`, none only
 * counted) and at least one.
 */
export function deploymentFinding(
  deployment: NotifierDeployment,
  counts: { readonly matched: number; readonly expected: number; readonly complete: boolean },
): DeploymentFinding {
  return {
    stackName: deployment.stackName,
    invokedBy: deployment.invokedBy,
    expected: counts.expected,
    allExpected: counts.complete && counts.matched > 0 && counts.expected === counts.matched,
  };
}
