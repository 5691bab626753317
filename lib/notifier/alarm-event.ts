/**
 * The three shapes an alarm state change reaches the notifier in, reduced to one: the alarm's SNS message (PascalCase,
 * flat `Trigger`, datapoint times only in `NewStateReason`), the SNS event that wraps it (`Records[].Sns.Message`), and
 * the payload of a Lambda alarm action (camelCase, `alarmData`, `reasonData` with `evaluatedDatapoints`).
 */

import { insightsMetric } from '../catalogue/metrics-insights';

/** An alarm state (CloudWatch's `StateValue`). */
export type AlarmState = 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';

/** One alarm state change, whatever shape it came in. */
export interface AlarmStateChange {
  readonly alarmName: string;
  readonly alarmArn?: string;
  readonly alarmDescription?: string;
  readonly accountId: string;
  /** Region code (from the alarm ARN or the Lambda payload); SNS messages carry only a display name. */
  readonly region?: string;
  readonly partition: string;
  readonly newState: AlarmState;
  readonly oldState?: string;
  /** Epoch milliseconds. */
  readonly stateChangeTime: number;
  readonly reason: string;
  readonly metricNamespace?: string;
  readonly metricName?: string;
  readonly periodSeconds?: number;
  readonly evaluationPeriods?: number;
  readonly datapointsToAlarm?: number;
  readonly threshold?: number;
  /** Start times (epoch ms) of the datapoints the alarm evaluated, from `reasonData.evaluatedDatapoints`. */
  readonly evaluatedDatapoints?: readonly number[];
  /** Datapoint times (epoch ms) read from the `NewStateReason` text of an SNS message. */
  readonly reasonDatapoints?: readonly number[];
  readonly source: 'sns-message' | 'lambda-action' | 'real-time';
  /** True when `cloudtrail-alarms drill` set the alarm (its reason starts with `DRILL_REASON_PREFIX`). */
  readonly drill?: boolean;
}

/** How the reason `cloudtrail-alarms drill` gives `SetAlarmState` begins. */
export const DRILL_REASON_PREFIX = 'DRILL, not a real incident:';


/** An input that is not an alarm notification in any of the three shapes; says what was expected. */
export class AlarmEventError extends Error {
  constructor(message: string) {
    super(message);
    Object.setPrototypeOf(this, AlarmEventError.prototype);
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

/**
 * Reads every alarm state change in an input: an SNS event (one per record), an alarm's SNS message (object or JSON
 * text), or a Lambda alarm-action payload.
 * @throws AlarmEventError naming the shapes accepted when the input is none of them
 */
export function parseAlarmInput(input: unknown): AlarmStateChange[] {
  const value = typeof input === 'string' ? parseJson(input, 'the alarm event') : input;
  if (isObject(value) && Array.isArray(value.Records)) {
    return value.Records.map((r, i) => {
      const sns = isObject(r) ? r.Sns : undefined;
      if (!isObject(sns) || typeof sns.Message !== 'string') {
        throw new AlarmEventError(`Records[${i}] is not an SNS record (expected Records[${i}].Sns.Message to be the alarm's JSON message).`);
      }
      return fromSnsMessage(parseJson(sns.Message, `Records[${i}].Sns.Message`), `Records[${i}].Sns.Message`);
    });
  }
  if (isObject(value) && isObject(value.alarmData)) return [fromLambdaPayload(value)];
  if (isObject(value) && value.NewStateValue !== undefined) return [fromSnsMessage(value, 'the alarm message')];
  throw new AlarmEventError(
    "not a CloudWatch alarm notification: expected an SNS event ({\"Records\":[{\"Sns\":{\"Message\":...}}]}), an alarm's SNS message (with AlarmName and NewStateValue) or a Lambda alarm-action payload (with alarmData).",
  );
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AlarmEventError(`${what} is not JSON: ${(e as Error).message}`);
  }
}

function state(v: unknown, where: string): AlarmState {
  if (v === 'ALARM' || v === 'OK' || v === 'INSUFFICIENT_DATA') return v;
  throw new AlarmEventError(`${where} must be ALARM, OK or INSUFFICIENT_DATA, got ${JSON.stringify(v)}.`);
}

/** Parses CloudWatch's timestamps (`2023-08-04T12:36:15.490+0000`, ISO 8601) to epoch ms. */
export function parseAlarmTime(v: unknown, where: string): number {
  const text = typeof v === 'string' ? v.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2') : '';
  const t = Date.parse(text);
  if (!text || Number.isNaN(t)) throw new AlarmEventError(`${where} must be a timestamp such as 2026-11-02T10:20:00.000+0000, got ${JSON.stringify(v)}.`);
  return t;
}

interface ArnParts {
  partition: string;
  region?: string;
  account?: string;
}

function arnParts(arn: string | undefined): ArnParts {
  const m = arn ? /^arn:([^:]+):cloudwatch:([^:]*):(\d{12}):alarm:/.exec(arn) : null;
  return m ? { partition: m[1], region: m[2] || undefined, account: m[3] } : { partition: 'aws' };
}

function fromSnsMessage(m: unknown, where: string): AlarmStateChange {
  if (!isObject(m)) throw new AlarmEventError(`${where} must be a JSON object, got ${JSON.stringify(m)?.slice(0, 80)}.`);
  const alarmName = str(m.AlarmName);
  if (!alarmName) throw new AlarmEventError(`${where} has no AlarmName.`);
  const alarmArn = str(m.AlarmArn);
  const arn = arnParts(alarmArn);
  const accountId = str(m.AWSAccountId) ?? arn.account;
  if (!accountId) throw new AlarmEventError(`${where} has no AWSAccountId.`);
  const trigger = isObject(m.Trigger) ? m.Trigger : {};
  // metric-math alarms list their metrics under Trigger.Metrics[].MetricStat
  const stat = Array.isArray(trigger.Metrics)
    ? (trigger.Metrics as unknown[]).map((x) => (isObject(x) && isObject(x.MetricStat) ? x.MetricStat : undefined)).find((x) => x)
    : undefined;
  const statMetric = stat && isObject(stat.Metric) ? stat.Metric : undefined;
  // a Metrics Insights alarm (per account) lists its query under Trigger.Metrics[].Expression
  const queried = Array.isArray(trigger.Metrics)
    ? (trigger.Metrics as unknown[]).map((x) => (isObject(x) ? insightsMetric(str(x.Expression)) : undefined)).find((x) => x)
    : undefined;
  const stateChangeTime = parseAlarmTime(m.StateChangeTime, `${where} StateChangeTime`);
  const reason = str(m.NewStateReason) ?? '';
  return {
    alarmName,
    alarmArn,
    alarmDescription: str(m.AlarmDescription),
    accountId,
    region: arn.region,
    partition: arn.partition,
    newState: state(m.NewStateValue, `${where} NewStateValue`),
    oldState: str(m.OldStateValue),
    stateChangeTime,
    reason,
    metricNamespace: str(trigger.Namespace) ?? str(statMetric?.Namespace) ?? queried?.namespace,
    metricName: str(trigger.MetricName) ?? str(statMetric?.MetricName) ?? queried?.metricName,
    periodSeconds: num(trigger.Period) ?? num(stat?.Period),
    evaluationPeriods: num(trigger.EvaluationPeriods),
    datapointsToAlarm: num(trigger.DatapointsToAlarm),
    threshold: num(trigger.Threshold),
    reasonDatapoints: reasonDatapointTimes(reason, stateChangeTime),
    source: 'sns-message',
    ...(reason.startsWith(DRILL_REASON_PREFIX) ? { drill: true } : {}),
  };
}

function fromLambdaPayload(p: Json): AlarmStateChange {
  const data = p.alarmData as Json;
  const alarmName = str(data.alarmName);
  if (!alarmName) throw new AlarmEventError('the Lambda alarm-action payload has no alarmData.alarmName.');
  const alarmArn = str(p.alarmArn);
  const arn = arnParts(alarmArn);
  const accountId = str(p.accountId) ?? arn.account;
  if (!accountId) throw new AlarmEventError('the Lambda alarm-action payload has no accountId.');
  const st = isObject(data.state) ? data.state : {};
  const prev = isObject(data.previousState) ? data.previousState : {};
  const config = isObject(data.configuration) ? data.configuration : {};
  const metrics = Array.isArray(config.metrics) ? (config.metrics as unknown[]).filter(isObject) : [];
  const withStat = metrics.find((x) => isObject(x.metricStat));
  const metricStat = withStat ? (withStat.metricStat as Json) : undefined;
  const metric = metricStat && isObject(metricStat.metric) ? metricStat.metric : undefined;
  const queried = metrics.map((x) => insightsMetric(str(x.expression))).find((x) => x);
  let reasonData: Json | undefined;
  if (typeof st.reasonData === 'string') {
    try {
      const parsed: unknown = JSON.parse(st.reasonData);
      reasonData = isObject(parsed) ? parsed : undefined;
    } catch {
      // an unreadable reasonData only loses the datapoint times; the window falls back to the state change time
    }
  }
  const evaluated = Array.isArray(reasonData?.evaluatedDatapoints)
    ? (reasonData!.evaluatedDatapoints as unknown[])
      .map((d) => (isObject(d) && typeof d.timestamp === 'string' ? Date.parse(d.timestamp.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : NaN))
      .filter((t) => !Number.isNaN(t))
    : undefined;
  return {
    alarmName,
    alarmArn,
    alarmDescription: str(config.description),
    accountId,
    region: str(p.region) ?? arn.region,
    partition: arn.partition,
    newState: state(st.value, 'alarmData.state.value'),
    oldState: str(prev.value),
    stateChangeTime: parseAlarmTime(st.timestamp ?? p.time, 'alarmData.state.timestamp'),
    reason: str(st.reason) ?? '',
    metricNamespace: str(metric?.namespace) ?? queried?.namespace,
    metricName: str(metric?.name) ?? queried?.metricName,
    periodSeconds: num(reasonData?.period) ?? num(metricStat?.period),
    evaluationPeriods: evaluated && evaluated.length > 0 ? evaluated.length : undefined,
    threshold: num(reasonData?.threshold),
    evaluatedDatapoints: evaluated && evaluated.length > 0 ? evaluated : undefined,
    source: 'lambda-action',
    ...((str(st.reason) ?? '').startsWith(DRILL_REASON_PREFIX) ? { drill: true } : {}),
  };
}

const REASON_TIME = /\((\d{2})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})\)/g;

/**
 * Datapoint times in a `NewStateReason` such as `... [1.0 (02/11/26 10:15:00)] was greater than ...`. CloudWatch writes
 * them `dd/mm/yy HH:MM:SS` in UTC; AWS's own test data has one that only reads as `mm/dd/yy`, so of the two readings
 * the one closest to (and not after) the state change wins.
 */
export function reasonDatapointTimes(reason: string, stateChangeTime: number): number[] | undefined {
  const out: number[] = [];
  for (const m of reason.matchAll(REASON_TIME)) {
    const [a, b, yy, hh, mi, ss] = m.slice(1).map(Number);
    const year = 2000 + yy;
    const candidates = [Date.UTC(year, b - 1, a, hh, mi, ss), Date.UTC(year, a - 1, b, hh, mi, ss)].filter(
      (t, i) => !Number.isNaN(t) && (i === 0 ? b <= 12 && a <= 31 : a <= 12 && b <= 31),
    );
    const notAfter = candidates.filter((t) => t <= stateChangeTime + 60_000);
    const pool = notAfter.length > 0 ? notAfter : candidates;
    if (pool.length === 0) continue;
    out.push(pool.reduce((best, t) => (Math.abs(stateChangeTime - t) < Math.abs(stateChangeTime - best) ? t : best)));
  }
  return out.length > 0 ? out : undefined;
}
