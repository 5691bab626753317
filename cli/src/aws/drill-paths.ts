/**
 * Reads the delivery path of alarm topics: each topic's subscriptions and, for this library's notifier function
 * subscribed to it, the topics it delivers to and the depth of its dead-letter queues. Every failed call is a
 * problem; the field it would have filled stays undefined.
 */
import { GetFunctionConfigurationCommand, ListTagsCommand } from '@aws-sdk/client-lambda';
import { GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { notifierDeliveryTopics } from 'cdk-cloudtrail-alarms/lib/audit/judge-topics';
import { attempt, CallProblem } from './calls';
import { AccountClients } from './clients';
import type { DeadLetterQueue, DrillSubscription, NotifierPath, TopicPath } from './drill-report';

const regionOf = (arn: string) => arn.split(':')[3] ?? '';

/** Reads topics and what hangs off them; each topic and queue is read once however many alarms share it. */
export class DeliveryPathReader {
  private readonly topics = new Map<string, Promise<TopicPath>>();
  private readonly queues = new Map<string, Promise<DeadLetterQueue>>();

  constructor(private readonly c: AccountClients, private readonly problems: CallProblem[]) {}

  /** The topic's path. `via` holds the topics already on the chain (a notifier delivering back is not followed again). */
  public topic(arn: string, via: ReadonlySet<string> = new Set()): Promise<TopicPath> {
    let p = this.topics.get(arn);
    if (!p) {
      p = this.readTopic(arn, via);
      this.topics.set(arn, p);
    }
    return p;
  }

  private async readTopic(arn: string, via: ReadonlySet<string>): Promise<TopicPath> {
    const region = regionOf(arn);
    const sns = this.c.in(region).sns;
    const raw: Array<{ arn: string; protocol: string; endpoint: string }> = [];
    let token: string | undefined;
    do {
      const r = await attempt(this.problems, region, 'sns:ListSubscriptionsByTopic', () => sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn, NextToken: token })));
      if (!r) return { arn, notifiers: [] };
      for (const s of r.Subscriptions ?? []) raw.push({ arn: s.SubscriptionArn ?? '', protocol: s.Protocol ?? '', endpoint: s.Endpoint ?? '' });
      token = r.NextToken;
    } while (token);
    // a confirmed subscription has an ARN; one waiting for its link is `PendingConfirmation` (AWS's documented marker)
    const subscriptions: DrillSubscription[] = raw.map((s) => ({ protocol: s.protocol, endpoint: s.endpoint, status: s.arn.startsWith('arn:') ? 'confirmed' : 'pending' }));
    const notifiers: NotifierPath[] = [];
    const next = new Set([...via, arn]);
    for (const s of raw) {
      if (s.protocol !== 'lambda' || !s.arn.startsWith('arn:') || !s.endpoint.startsWith('arn:')) continue;
      const n = await this.notifier(s.arn, s.endpoint, next);
      if (n) notifiers.push(n);
    }
    return { arn, subscriptions, notifiers };
  }

  /** The notifier behind a Lambda subscription; undefined when the function is not (known to be) this library's notifier. */
  private async notifier(subscriptionArn: string, functionArn: string, via: ReadonlySet<string>): Promise<NotifierPath | undefined> {
    const region = regionOf(functionArn);
    const lambda = this.c.in(region).lambda;
    // tags live on the unqualified function; a subscription endpoint may carry a version or alias
    const unqualified = functionArn.split(':').slice(0, 7).join(':');
    const tags = await attempt(this.problems, region, 'lambda:ListTags', () => lambda.send(new ListTagsCommand({ Resource: unqualified })));
    const config = await attempt(this.problems, region, 'lambda:GetFunctionConfiguration', () => lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionArn })));
    const delivery = notifierDeliveryTopics({
      arn: functionArn,
      tags: tags ? tags.Tags ?? {} : undefined,
      environment: config ? config.Environment?.Variables ?? {} : undefined,
    });
    if (delivery === undefined) return undefined;
    const queueArns = new Set<string>();
    const attrs = await attempt(this.problems, regionOf(subscriptionArn), 'sns:GetSubscriptionAttributes', () =>
      this.c.in(regionOf(subscriptionArn)).sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn })),
    );
    const redrive = attrs?.Attributes?.RedrivePolicy;
    if (redrive) {
      try {
        const target = (JSON.parse(redrive) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
        if (typeof target === 'string') queueArns.add(target);
      } catch {
        this.problems.push({ region, action: 'sns:GetSubscriptionAttributes', kind: 'cannot-judge', message: `the RedrivePolicy of subscription ${subscriptionArn} is not JSON: its dead-letter queue is not checked` });
      }
    }
    if (config?.DeadLetterConfig?.TargetArn && config.DeadLetterConfig.TargetArn.split(':')[2] === 'sqs') queueArns.add(config.DeadLetterConfig.TargetArn);
    const deadLetterQueues = await Promise.all([...queueArns].map((q) => this.queue(q)));
    const deliveryTopics: TopicPath[] = [];
    for (const d of delivery.filter((x) => !via.has(x))) deliveryTopics.push(await this.topic(d, via));
    return { function: functionArn, deliveryTopics, deadLetterQueues };
  }

  private queue(arn: string): Promise<DeadLetterQueue> {
    let p = this.queues.get(arn);
    if (!p) {
      p = this.readQueue(arn);
      this.queues.set(arn, p);
    }
    return p;
  }

  private async readQueue(arn: string): Promise<DeadLetterQueue> {
    const [, , , region, account, name] = arn.split(':');
    const sqs = this.c.in(region).sqs;
    const url = await attempt(this.problems, region, 'sqs:GetQueueUrl', () => sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account })));
    if (!url?.QueueUrl) return { arn };
    const a = await attempt(this.problems, region, 'sqs:GetQueueAttributes', () =>
      sqs.send(new GetQueueAttributesCommand({ QueueUrl: url.QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] })),
    );
    const n = Number(a?.Attributes?.ApproximateNumberOfMessages);
    return a && Number.isFinite(n) ? { arn, messages: n } : { arn };
  }
}
