// Internal (not exported from lib/index.ts): the alarm that tells a dead pipeline from a quiet account. When the trail
// stops delivering to its log group (a broken delivery role or key policy, the log group deleted and recreated, the
// trail stopped), every detection alarm goes quiet and looks healthy; this alarm watches the log group's own
// `IncomingLogEvents` and fires when too long a window passes with no event at all.
import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** The default window: six hours, long enough that an account with no activity at all rarely pages. */
export const DEFAULT_PIPELINE_HEALTH_WINDOW = Duration.hours(6);
const HOUR = 3600;
const MAX_WINDOW_HOURS = 24;

export interface PipelineHealthOptions {
  readonly logGroup: logs.ILogGroup;
  /** The log group's name when it is known at synth time (the construct created it). */
  readonly logGroupName?: string;
  readonly window?: Duration;
  readonly topic: sns.ITopic;
  readonly alarmName?: string;
}

/**
 * The pipeline-health alarm: `AWS/Logs` `IncomingLogEvents` of the log group, summed per hour, in ALARM when every
 * hour of the window had no event (missing data is breaching: a log group that receives nothing publishes no
 * datapoint). Notifies `topic` of ALARM and of OK (delivery resumed) directly, without the notifier, so that it is not lost with the rest of the pipeline.
 */
export function createPipelineHealthAlarm(scope: Construct, id: string, o: PipelineHealthOptions): cloudwatch.Alarm {
  const window = o.window ?? DEFAULT_PIPELINE_HEALTH_WINDOW;
  if (!Token.isUnresolved(window.toSeconds())) {
    const seconds = window.toSeconds();
    if (seconds % HOUR !== 0 || seconds < HOUR || seconds > MAX_WINDOW_HOURS * HOUR) {
      throw new Error(
        `\`pipelineHealthWindow\` must be a whole number of hours from 1 to ${MAX_WINDOW_HOURS} (the alarm evaluates one-hour periods, at most a day of them), got ${window.toHumanString()}.`,
      );
    }
  }
  const hours = window.toSeconds() / HOUR;
  const logGroupName = o.logGroupName ?? o.logGroup.logGroupName;
  const alarm = new cloudwatch.Alarm(scope, id, {
    metric: new cloudwatch.Metric({
      namespace: 'AWS/Logs',
      metricName: 'IncomingLogEvents',
      dimensionsMap: { LogGroupName: logGroupName },
      statistic: 'Sum',
      period: Duration.hours(1),
    }),
    alarmName: o.alarmName,
    alarmDescription:
      `The CloudTrail log group received no events for ${hours} hour${hours === 1 ? '' : 's'}: the trail may have stopped delivering (trail stopped or deleted, its CloudWatch Logs role or the log group's KMS key policy broken, the log group recreated), and then no detection alarm can fire. Check the trail's status (LatestCloudWatchLogsDeliveryError in GetTrailStatus) and the log group. An account with no API activity at all for that long also trips it: lengthen pipelineHealthWindow.`,
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: hours,
    datapointsToAlarm: hours,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    actionsEnabled: true,
  });
  // people hear when delivery resumes, too
  const action = new cwActions.SnsAction(o.topic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
  return alarm;
}
