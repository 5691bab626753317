/**
 * The alarms a drill covers: those of one stack, read from its template (a synthesized file or the deployed stack's
 * GetTemplate) with the stack's physical ids. Also what the template promises about the notifier: which topics it
 * subscribes the notifier function to. Pure: the SDK calls are in drill.ts.
 */
import { NOTIFIER_ROLE, NOTIFIER_ROLE_TAG } from 'cdk-cloudtrail-alarms/lib/audit/judge-topics';
import { TemplateResource, templateResources, templateValue } from 'cdk-cloudtrail-alarms/lib/audit/template';

/** One alarm of the stack's template. */
export interface StackAlarm {
  readonly logicalId: string;
  /** The alarm's name: `AlarmName` of the template, else the stack's physical id; undefined when neither is known. */
  readonly name?: string;
}

/** A notifier subscription the template creates: the notifier function (physical name) on the topic (ARN). */
export interface ExpectedNotifier {
  readonly topicArn: string;
  readonly functionName: string;
}

export interface StackDrillPlan {
  readonly alarms: readonly StackAlarm[];
  readonly notifiers: readonly ExpectedNotifier[];
}

const tagValue = (r: TemplateResource, key: string): unknown => {
  const tags = r.properties.Tags;
  if (!Array.isArray(tags)) return undefined;
  const tag = tags.find((t: unknown) => typeof t === 'object' && t !== null && (t as { Key?: unknown }).Key === key);
  return tag?.Value;
};

/**
 * The alarms of a template and the notifier subscriptions it promises. `physical` maps logical ids to the deployed
 * stack's physical ids (DescribeStackResources): an alarm name the template leaves to CloudFormation, a topic's ARN,
 * a function's name. Throws `TemplateError` (naming `source`) when the document is not a template.
 */
export function stackDrillPlan(doc: unknown, source: string, physical: ReadonlyMap<string, string>): StackDrillPlan {
  const resources = templateResources(doc, source);
  const alarms: StackAlarm[] = [];
  const notifierFunctions = new Set<string>();
  for (const [id, r] of resources) {
    if (r.type === 'AWS::CloudWatch::Alarm') {
      const literal = templateValue(r.properties.AlarmName);
      alarms.push({ logicalId: id, name: 'literal' in literal ? literal.literal : physical.get(id) });
    }
    if (r.type === 'AWS::Lambda::Function' && tagValue(r, NOTIFIER_ROLE_TAG) === NOTIFIER_ROLE) notifierFunctions.add(id);
  }
  const notifiers: ExpectedNotifier[] = [];
  for (const r of resources.values()) {
    if (r.type !== 'AWS::SNS::Subscription' || r.properties.Protocol !== 'lambda') continue;
    const endpoint = templateValue(r.properties.Endpoint);
    const topic = templateValue(r.properties.TopicArn);
    if (!('ref' in endpoint) || !notifierFunctions.has(endpoint.ref)) continue;
    const functionName = physical.get(endpoint.ref);
    const topicArn = 'literal' in topic ? topic.literal : 'ref' in topic && !topic.attribute ? physical.get(topic.ref) : undefined;
    if (functionName && topicArn) notifiers.push({ topicArn, functionName });
  }
  return { alarms, notifiers };
}

/** The function name of a Lambda ARN (`arn:aws:lambda:r:a:function:NAME[:qualifier]`), or the text itself when it is a name. */
export function functionNameOf(arnOrName: string): string {
  const parts = arnOrName.split(':');
  return parts.length >= 7 && parts[5] === 'function' ? parts[6] : arnOrName;
}
