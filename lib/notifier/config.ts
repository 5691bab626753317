import { accountNamesProblem, AccountNames } from './account-names';
import { ENTRIES } from '../catalogue/entries';
import { NotificationField, notificationContentOf } from '../catalogue/notification-fields';

/** One detection as the notifier knows it; written at synth time, never looked up at run time. */
export interface NotifierDetection {
  readonly id: string;
  readonly title: string;
  readonly severity: string;
  /** What happened and why it matters (the catalogue summary or the custom detection's description). */
  readonly summary: string;
  /** The filter pattern exactly as deployed on the metric filter (see `patternParts`). */
  readonly pattern: string;
  /**
   * When the pattern holds values known only at deploy time (a topic ARN, a key id): its literal text and, as
   * `{ value: i }`, the i-th entry of the function's `DEPLOY_VALUES` (a JSON array CloudFormation fills in). The
   * function joins them into `pattern` at cold start, so it uses the very string the metric filter got.
   */
  readonly patternParts?: ReadonlyArray<string | { readonly value: number }>;
  readonly metricNamespace: string;
  readonly metricName: string;
  /**
   * With a graded twin (`DetectionOverride.gradedTwin`): the metric of the graded filter, in the same namespace. Its
   * alarm exists for the graders only: the notifier tells no one of it (this detection's own alarm does).
   */
  readonly gradedMetricName?: string;
  readonly fields: readonly NotificationField[];
  readonly advice: readonly string[];
  /** Index into the delivery topic ARNs: where the email goes. */
  readonly topic: number;
  /** Index into the delivery topic ARNs: where the chat notification goes. */
  readonly chatbotTopic?: number;
}

/** The notifier's whole configuration. Topic ARNs and the log group name are deploy-time values passed apart. */
export interface NotifierConfig {
  readonly version: 1;
  readonly detections: readonly NotifierDetection[];
  /** Where alarms that match no detection are forwarded (index into the delivery topic ARNs). */
  readonly fallbackTopic: number;
  readonly fallbackChatbotTopic?: number;
  /** Margin around the evaluated periods, for CloudTrail's delivery delay. */
  readonly marginSeconds: number;
  /** Events listed in a message; the rest are counted ("and N more"). */
  readonly maxListedEvents: number;
  /** Log events read per lookup at most. */
  readonly maxScannedEvents: number;
  readonly maxPages: number;
  /** The stack's own deployment: its changes to the pipeline's resources are reported as expected, not paged. */
  readonly deployment?: NotifierDeployment;
  /**
   * Friendly names of accounts by 12-digit id (`CloudTrailAlarms`' `accountNames`), shown quoted after the id of the
   * account the events happened in. Written only when the user gave names.
   */
  readonly accountNames?: AccountNames;
}

/** The deployment whose changes to the pipeline's own resources are expected (see `NotifierConfig.deployment`). */
export interface NotifierDeployment {
  /**
   * Roles whose sessions deploy the stack (CloudFormation's execution role): a literal ARN or `{ value: i }`, the i-th
   * entry of DEPLOY_VALUES, resolved at cold start as patternParts are.
   */
  readonly roleArns: ReadonlyArray<string | { readonly value: number }>;
  /**
   * The service that makes the calls for the deployment (userIdentity.invokedBy, or sourceIPAddress for AWS services):
   * default ['cloudformation.amazonaws.com'].
   */
  readonly invokedBy: readonly string[];
  /** Index into the delivery topic ARNs for expected-change reports (the LOW-severity route, else the detection's own topic). */
  readonly topic: number;
  readonly chatbotTopic?: number;
  /** The stack name, to say which deployment made the change. */
  readonly stackName: string;
}

/** The service that calls for a CloudFormation deployment: the default of `NotifierDeployment.invokedBy`. */
export const DEPLOYMENT_INVOKED_BY: readonly string[] = ['cloudformation.amazonaws.com'];

/** The defaults of the lookup bounds. */
export const NOTIFIER_DEFAULTS = { marginSeconds: 120, maxListedEvents: 20, maxScannedEvents: 5000, maxPages: 20 } as const;

/** What the construct or the CLI knows about a detection. */
export interface DetectionFacts {
  readonly id: string;
  readonly title: string;
  readonly severity: string;
  readonly summary: string;
  readonly pattern: string;
  readonly metricNamespace: string;
  readonly metricName: string;
}

/** A notifier detection with the catalogue's fields and advice for its id. */
export function notifierDetection(facts: DetectionFacts, topic: number, chatbotTopic?: number): NotifierDetection {
  const content = notificationContentOf(facts.id);
  return { ...facts, fields: content.fields, advice: content.advice, topic, chatbotTopic };
}

/** The detection whose muted graded twin (see `NotifierDetection.gradedMetricName`) the alarm watches, if any. */
export function gradedTwinOf(config: NotifierConfig, namespace: string | undefined, metricName: string | undefined): NotifierDetection | undefined {
  if (!metricName) return undefined;
  return config.detections.find((d) => d.gradedMetricName === metricName && (namespace === undefined || d.metricNamespace === namespace));
}

/** The detection an alarm is about: the one whose metric the alarm watches. */
export function detectionForMetric(
  config: NotifierConfig,
  namespace: string | undefined,
  metricName: string | undefined,
): NotifierDetection | undefined {
  if (!metricName) return undefined;
  return config.detections.find((d) => d.metricName === metricName && (namespace === undefined || d.metricNamespace === namespace));
}

/**
 * Checks a configuration read at cold start, so a broken deployment fails loudly once (the errors alarm tells people)
 * instead of sending half messages.
 * @throws Error naming the first problem
 */
export function validateConfig(value: unknown, topicCount: number): NotifierConfig {
  const c = value as NotifierConfig;
  if (!c || c.version !== 1 || !Array.isArray(c.detections)) {
    throw new Error('notifier configuration: expected {"version":1,"detections":[...]}; rebuild the stack with this library version.');
  }
  const checkTopic = (i: number | undefined, where: string) => {
    if (i === undefined) return;
    if (!Number.isInteger(i) || i < 0 || i >= topicCount) {
      throw new Error(`notifier configuration: ${where} is topic #${i}, but DELIVERY_TOPIC_ARNS has ${topicCount} topics.`);
    }
  };
  checkTopic(c.fallbackTopic, 'fallbackTopic');
  checkTopic(c.fallbackChatbotTopic, 'fallbackChatbotTopic');
  for (const d of c.detections) {
    checkTopic(d.topic, `detection '${d.id}'`);
    checkTopic(d.chatbotTopic, `detection '${d.id}' (chat)`);
  }
  if (c.accountNames !== undefined) {
    const problem = accountNamesProblem('accountNames', c.accountNames);
    if (problem) throw new Error(`notifier configuration: ${problem}`);
  }
  if (c.deployment !== undefined) {
    const dep = c.deployment;
    if (
      typeof dep !== 'object' || dep === null || !Array.isArray(dep.roleArns) || !Array.isArray(dep.invokedBy) ||
      typeof dep.stackName !== 'string' || dep.stackName.length === 0
    ) {
      throw new Error('notifier configuration: deployment must be {"roleArns":[...],"invokedBy":[...],"topic":n,"stackName":"..."}.');
    }
    checkTopic(dep.topic, 'deployment');
    if (dep.topic === undefined) throw new Error('notifier configuration: deployment has no topic.');
    checkTopic(dep.chatbotTopic, 'deployment (chat)');
  }
  return c;
}

/** Resolves one string-or-`{ value: i }` part from `DEPLOY_VALUES`; `what` names it in the error. */
function deployValue(p: string | { readonly value: number }, values: readonly unknown[], what: string): string {
  if (typeof p === 'string') return p;
  const v = values[p.value];
  if (typeof v !== 'string') {
    throw new Error(`notifier configuration: ${what} uses deploy-time value #${p.value}, but DEPLOY_VALUES has ${values.length} values.`);
  }
  return v;
}

/**
 * The configuration with every `patternParts` joined into its `pattern`, and the deployment's `roleArns` resolved,
 * from the function's `DEPLOY_VALUES`.
 * @throws Error when a part names a value that is not there
 */
export function resolveDeployValues(config: NotifierConfig, values: readonly unknown[]): NotifierConfig {
  const deployment = config.deployment && {
    ...config.deployment,
    roleArns: config.deployment.roleArns.map((r) => deployValue(r, values, 'deployment.roleArns')),
  };
  return {
    ...config,
    detections: config.detections.map((d) => {
      if (!d.patternParts) return d;
      const pattern = d.patternParts.map((p) => deployValue(p, values, `detection '${d.id}'`)).join('');
      return { ...d, pattern };
    }),
    ...(deployment ? { deployment } : {}),
  };
}

/** The planner's output that the notifier needs (structurally: `PlannedDetection` of lib/planning). */
export interface PlannedFacts {
  readonly id: string;
  readonly title: string;
  readonly severity: string;
  readonly pattern: string;
  readonly metricNamespace: string;
  readonly metricName: string;
  readonly alarmDescription: string;
}

/** Detection facts from a plan: the catalogue's summary for built-in detections, the alarm description otherwise. */
export function factsFromPlan(plan: PlannedFacts): DetectionFacts {
  const entry = ENTRIES.find((e) => e.id === plan.id);
  return {
    id: plan.id,
    title: plan.title,
    severity: plan.severity,
    summary: entry?.summary ?? plan.alarmDescription,
    pattern: plan.pattern,
    metricNamespace: plan.metricNamespace,
    metricName: plan.metricName,
  };
}
