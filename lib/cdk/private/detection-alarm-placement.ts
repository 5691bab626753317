// Internal (not exported from lib/index.ts): how `CloudTrailAlarms` hands a planned detection to
// `CloudTrailDetectionAlarm` while keeping its historical construct paths, and so its logical ids.
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { DetectionProfile } from '../../catalogue/detection-profile';
import type { ScopeOptions, TamperScope } from '../../catalogue/tamper-scope';

/** Where the metric filter and the alarm of one detection are created. */
export interface DetectionAlarmPlacement {
  readonly filterScope: Construct;
  readonly filterId: string;
  readonly alarmScope: Construct;
  readonly alarmId: string;
  /** Where a graded twin's alarm notifies (the alarm topic, whose subscriber is the notifier); none without eventDetails. */
  readonly gradedTopic?: sns.ITopic;
}

/** Defaults of the surrounding `CloudTrailAlarms` for `addDetection`. */
export interface DetectionPlanContext {
  readonly profile?: DetectionProfile;
  readonly metricNamespace?: string;
  readonly alarmNamePrefix?: string;
  /** The construct's own resources, to scope an added tamper-protection detection to. */
  readonly tamperScope?: TamperScope;
  readonly tamperScopeOptions?: ScopeOptions;
}
