// The notifier function: alarm -> graded SNS topic -> this function -> the topics people subscribe to.
// Bundled by projen (esbuild, @aws-sdk/* external) into assets/; the construct adds config.json next to the bundle.
import * as fs from 'fs';
import * as path from 'path';
import { AwsClientOptions, sdkFilterLogEvents, sdkPublish } from '../notifier/aws-adapter';
import { NotifierConfig, resolveDeployValues, validateConfig } from '../notifier/config';
import { FilterLogEvents } from '../notifier/event-lookup';
import { notify, NotifierContext, NotifyOutcome, Publish } from '../notifier/notify';
import { RealTimeRateLimiter } from '../notifier/real-time';
import { BatchResponse, isSqsBatch, notifyRealTimeBatch } from '../notifier/real-time-batch';

/** Time kept back from the function's timeout for publishing after the lookup. */
export const PUBLISH_RESERVE_MS = 10_000;
/** State changes remembered per execution environment (duplicate SNS deliveries and retries reach a warm one). */
const REMEMBERED = 500;

/** The part of the Lambda context the handler uses. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

/** What a handler is built from; the defaults read the function's environment and config.json. */
export interface HandlerOptions {
  readonly config?: NotifierConfig;
  readonly env?: Record<string, string | undefined>;
  readonly aws?: AwsClientOptions;
  readonly filterLogEvents?: FilterLogEvents;
  readonly publish?: Publish;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

/** Keys of published state changes, oldest dropped first. */
class RecentKeys extends Set<string> {
  constructor(private readonly max: number) {
    super();
  }
  public add(key: string): this {
    super.add(key);
    while (this.size > this.max) this.delete(this.values().next().value as string);
    return this;
  }
}

function readConfig(env: Record<string, string | undefined>, topics: number): NotifierConfig {
  const file = env.NOTIFIER_CONFIG_FILE ?? path.join(__dirname, 'config.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`notifier configuration: cannot read ${file}: ${(e as Error).message}`);
  }
  return validateConfig(JSON.parse(text), topics);
}

/** The values CloudFormation filled in at deploy time (`DEPLOY_VALUES`, a JSON array of strings). */
function deployValues(env: Record<string, string | undefined>): unknown[] {
  const text = env.DEPLOY_VALUES ?? '[]';
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (e) {
    throw new Error(`notifier configuration: DEPLOY_VALUES is not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(values)) throw new Error('notifier configuration: DEPLOY_VALUES must be a JSON array.');
  return values;
}

/** Builds the Lambda handler. Configuration problems throw at the first invocation (the errors alarm reports them). */
export function createHandler(options: HandlerOptions = {}) {
  const env = options.env ?? process.env;
  const topicArns = (env.DELIVERY_TOPIC_ARNS ?? '').split(',').filter((a) => a.length > 0);
  const log = options.log ?? ((line: string) => console.log(line));
  const published = new RecentKeys(REMEMBERED);
  const load = (c: NotifierConfig) => resolveDeployValues(validateConfig(c, topicArns.length), deployValues(env));
  let config: NotifierConfig | undefined = options.config ? load(options.config) : undefined;
  const limiter = new RealTimeRateLimiter(undefined, options.now ?? Date.now);
  const aws = options.aws ?? { region: env.AWS_REGION };
  const filterLogEvents = options.filterLogEvents ?? sdkFilterLogEvents(aws);
  const publish = options.publish ?? sdkPublish(aws);
  const now = options.now ?? Date.now;
  const report = (outcomes: readonly NotifyOutcome[]) => {
    for (const o of outcomes) {
      // one structured line per state change: what was looked up and sent, and any publication that failed
      log(JSON.stringify({ level: o.errors.length > 0 ? 'ERROR' : 'INFO', ...o, published: o.published.map((p) => ({ kind: p.kind, topicArn: p.topicArn })) }));
    }
  };
  return async (event: unknown, context?: InvocationContext): Promise<NotifyOutcome[] | BatchResponse> => {
    if (topicArns.length === 0) throw new Error('DELIVERY_TOPIC_ARNS is empty: the notifier has nowhere to publish.');
    config ??= load(readConfig(env, topicArns.length));
    const started = now();
    const remaining = context?.getRemainingTimeInMillis?.() ?? 60_000;
    const ctx: NotifierContext = {
      config,
      logGroupName: env.LOG_GROUP_NAME,
      topicArns,
      filterLogEvents,
      now,
      lookupDeadline: () => started + Math.max(1_000, remaining - PUBLISH_RESERVE_MS),
    };
    if (isSqsBatch(event)) {
      // the real-time queue: the records whose message could not be published are retried by SQS, no others
      const { outcomes, response } = await notifyRealTimeBatch(event.Records, ctx, publish, published, limiter);
      report(outcomes);
      return response;
    }
    const outcomes = await notify(event, ctx, publish, published);
    report(outcomes);
    return outcomes;
  };
}

let cached: ReturnType<typeof createHandler> | undefined;

/** The Lambda entry point. */
export async function handler(event: unknown, context: InvocationContext): Promise<NotifyOutcome[] | BatchResponse> {
  cached ??= createHandler();
  return cached(event, context);
}
