// The checks of CloudTrailAlarmsProps that need no construct: combinations that cannot work and malformed values,
// each refused with the prop, the value and what to do.
import { Token } from 'aws-cdk-lib';
import { checkDeploymentPrincipals, checkReservedConcurrency } from './notifier-wiring';
import { accountNamesProblem } from '../../notifier/account-names';
import { REAL_TIME_RESERVED_CONCURRENCY } from '../../notifier/real-time';
import type { CloudTrailAlarmsProps } from '../cloudtrail-alarms-props';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Throws on props that cannot work together or are malformed (synth-time validation of `CloudTrailAlarms`). */
export function validateProps(props: CloudTrailAlarmsProps): void {
  if (props.eventDetails === false && props.notifierReservedConcurrency !== undefined) {
    throw new Error('`notifierReservedConcurrency` only applies with `eventDetails` (there is no notifier without it); remove it, or remove `eventDetails: false`.');
  }
  checkReservedConcurrency('notifierReservedConcurrency', props.notifierReservedConcurrency);
  const deploymentProps = (['recognizeDeployments', 'deploymentRoleArns', 'deploymentInvokedBy'] as const).filter((k) => props[k] !== undefined);
  if (props.eventDetails === false && deploymentProps.length > 0) {
    throw new Error(
      `\`${deploymentProps[0]}\` only applies with \`eventDetails\` (the notifier tells the deployment's changes apart); remove it, or remove \`eventDetails: false\`.`,
    );
  }
  if (props.recognizeDeployments === false && (props.deploymentRoleArns !== undefined || props.deploymentInvokedBy !== undefined)) {
    throw new Error(
      `\`${props.deploymentRoleArns !== undefined ? 'deploymentRoleArns' : 'deploymentInvokedBy'}\` names the deployment, but \`recognizeDeployments: false\` turns its recognition off; remove one of them.`,
    );
  }
  checkDeploymentPrincipals(['deploymentRoleArns', props.deploymentRoleArns], ['deploymentInvokedBy', props.deploymentInvokedBy]);
  const reserved = props.notifierReservedConcurrency;
  if (props.realTime && reserved !== undefined && !Token.isUnresolved(reserved) && reserved > 0 && reserved < REAL_TIME_RESERVED_CONCURRENCY) {
    throw new Error(
      `\`notifierReservedConcurrency\` must be at least ${REAL_TIME_RESERVED_CONCURRENCY} with \`realTime\` (the real-time queue is read by up to 2 batches at once and alarms need one more), or unset for none reserved, got ${reserved}.`,
    );
  }
  if (props.accountNames !== undefined) {
    if (props.eventDetails === false) {
      throw new Error('`accountNames` only applies with `eventDetails` (the notifier names the accounts in its messages); remove it, or remove `eventDetails: false`.');
    }
    const problem = accountNamesProblem('accountNames', props.accountNames);
    if (problem) throw new Error(problem);
  }
  if (props.realTime && props.eventDetails === false) {
    throw new Error('`realTime` needs `eventDetails`: the notifier sends the real-time messages. Remove `eventDetails: false`, or remove `realTime`.');
  }
  if (props.eventDetails === false && (props.notificationTopic || props.chatbotTopic)) {
    throw new Error(
      '`notificationTopic` and `chatbotTopic` only apply with `eventDetails` (the notifier publishes to them); remove them, or remove `eventDetails: false`.',
    );
  }
  if (props.topic && props.notificationTopic && props.topic === props.notificationTopic) {
    throw new Error('`notificationTopic` must not be `topic`: the notifier subscribes to `topic` and would receive its own messages. Give people a separate topic.');
  }
  if (props.createTrail === true && (props.logGroup || props.trail)) {
    throw new Error(
      `\`createTrail: true\` asks for a new trail, but \`${props.logGroup ? 'logGroup' : 'trail'}\` reuses an existing one; remove one of them.`,
    );
  }
  if (props.createTrail === false && !props.logGroup && !props.trail) {
    throw new Error('`createTrail: false` needs an existing trail: pass `trail` (a trail with CloudWatch Logs delivery) or `logGroup` (the log group a trail delivers to).');
  }
  if (props.logGroup && props.trail) {
    throw new Error(
      'Pass either `logGroup` (an existing trail already delivers to it) or `trail` (an existing trail with CloudWatch Logs delivery), not both. Omit both to create a new trail.',
    );
  }
  if (props.logGroup || props.trail) {
    const trailOnly: Array<keyof CloudTrailAlarmsProps> = [
      'logRetention', 'trailName', 'logGroupName', 'trailKey', 'logGroupKey', 'trailBucketLifecycleRules',
      'accessLogsBucketLifecycleRules', 'organizationTrail', 'organizationId', 'organizationManagementAccountId',
    ];
    const set = trailOnly.filter((k) => props[k] !== undefined);
    if (set.length > 0) {
      throw new Error(
        `\`${set[0]}\` only applies to the trail, buckets, keys and log group this construct creates; with \`logGroup\` or \`trail\` set, configure it where that trail and log group are defined.`,
      );
    }
  }
  if (!props.organizationTrail) {
    for (const k of ['organizationId', 'organizationManagementAccountId'] as const) {
      if (props[k] !== undefined) throw new Error(`\`${k}\` only applies with \`organizationTrail: true\`, got '${props[k]}'.`);
    }
  }
  const checks: Array<[keyof CloudTrailAlarmsProps, RegExp, string]> = [
    ['trailName', /^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/, '3-128 letters, digits, periods, underscores and dashes, starting with a letter or digit'],
    ['logGroupName', /^[.\-_/#A-Za-z0-9]{1,512}$/, '1-512 characters among letters, digits and . - _ / #'],
    ['organizationId', /^o-[a-z0-9]{10,32}$/, "an organization id such as 'o-a1b2c3d4e5'"],
    ['organizationManagementAccountId', /^\d{12}$/, 'a 12-digit account id'],
  ];
  for (const [k, format, rule] of checks) {
    const v = props[k];
    if (typeof v === 'string' && !Token.isUnresolved(v) && !format.test(v)) throw new Error(`\`${k}\` must be ${rule}, got '${v}'.`);
  }
  (props.emailAddresses ?? []).forEach((address, i) => {
    if (!Token.isUnresolved(address) && !EMAIL.test(address)) {
      throw new Error(`\`emailAddresses[${i}]\` must be an email address such as secops@example.com, got '${address}'.`);
    }
  });
  const seen = new Set<string>();
  for (const address of props.emailAddresses ?? []) {
    if (Token.isUnresolved(address)) continue;
    if (seen.has(address.toLowerCase())) throw new Error(`\`emailAddresses\` lists '${address}' twice; remove the duplicate.`);
    seen.add(address.toLowerCase());
  }
}
