import * as path from 'path';
import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { isAcknowledged, readAssemblyStacks } from './private/pipeline-checks-assembly';
import { readApp } from '../audit/app-model';
import { checkPipelines, nameOf, PIPELINE_RULE_IDS, PipelineViolation } from '../audit/pipeline-checks';
import { ControlGrade, gradeProfile } from '../audit/profile-grades';
import { DetectionProfile } from '../catalogue/detection-profile';

/**
 * The rule ids of `AlarmPipelineChecks`: acknowledge one with
 * `Validations.of(scope).acknowledge({ id: AlarmPipelineRule.TOPIC_WITHOUT_SUBSCRIPTION, reason: '...' })`.
 */
export class AlarmPipelineRule {
  /** A CloudTrail metric filter whose metric no alarm of the app watches. */
  public static readonly FILTER_WITHOUT_ALARM: string = PIPELINE_RULE_IDS.FILTER_WITHOUT_ALARM;
  /** An alarm on a metric that no metric filter of the app publishes, in a namespace metric filters publish to. */
  public static readonly ALARM_ON_UNEMITTED_METRIC: string = PIPELINE_RULE_IDS.ALARM_ON_UNEMITTED_METRIC;
  /** An alarm on a filter metric with a statistic other than Sum or SampleCount. */
  public static readonly STATISTIC_NOT_SUM: string = PIPELINE_RULE_IDS.STATISTIC_NOT_SUM;
  /** An alarm that compares a filter's count with a LessThan operator. */
  public static readonly LESS_THAN_ON_COUNT: string = PIPELINE_RULE_IDS.LESS_THAN_ON_COUNT;
  /** An alarm on a filter metric with no alarm action, or with its actions disabled. */
  public static readonly ALARM_WITHOUT_ACTION: string = PIPELINE_RULE_IDS.ALARM_WITHOUT_ACTION;
  /** A topic of the app that an alarm notifies and that has no subscription in the app. */
  public static readonly TOPIC_WITHOUT_SUBSCRIPTION: string = PIPELINE_RULE_IDS.TOPIC_WITHOUT_SUBSCRIPTION;
  /** A topic that an alarm notifies, encrypted with a key whose policy does not let CloudWatch use it. */
  public static readonly TOPIC_KEY_DENIES_CLOUDWATCH: string = PIPELINE_RULE_IDS.TOPIC_KEY_DENIES_CLOUDWATCH;
  /** A CloudTrail metric filter on a log group that no trail of the app delivers to (judged when the app holds a trail). */
  public static readonly FILTER_ON_UNTRAILED_LOG_GROUP: string = PIPELINE_RULE_IDS.FILTER_ON_UNTRAILED_LOG_GROUP;
  /** With a profile: a detection of the profile whose grader controls the app's filters and alarms miss. */
  public static readonly PROFILE_CONTROL_MISSED: string = PIPELINE_RULE_IDS.PROFILE_CONTROL_MISSED;
  /**
   * With a profile: a detection whose claimed grader controls the app meets (severity `info`: reported, never failing).
   */
  public static readonly PROFILE_CONTROLS_MET: string = PIPELINE_RULE_IDS.PROFILE_CONTROLS_MET;

  /** Every rule id. */
  public static all(): string[] {
    return Object.values(PIPELINE_RULE_IDS);
  }

  private constructor() {}
}

/** Properties of `AlarmPipelineChecks`. */
export interface AlarmPipelineChecksProps {
  /**
   * Also report, for each detection of this profile and each grader with a check for it (Security Hub
   * CloudWatch.1-14, Prowler current and up to 5.x, Steampipe's CIS benchmark, AWS's template), whether the app's
   * filters and alarms satisfy the control, and why not. A control the profile claims and the app misses is a
   * violation (`CloudTrailAlarms-ProfileControlMissed`); the report's metadata lists the satisfied ones, those not
   * judged at synth and those the profile does not claim.
   *
   * @default - no profile report: only the pipeline rules run
   */
  readonly profile?: DetectionProfile;
}

/**
 * A policy validation plugin that checks, at synth time, every CloudTrail metric filter and alarm of a CDK app,
 * whoever wrote them: filters nobody watches, alarms on metrics nobody publishes, statistics and comparisons that
 * never fire, alarms without actions, topics without subscribers or with a key CloudWatch cannot use, and filters on
 * log groups no trail delivers to.
 *
 * A violation fails `cdk synth` (the report is printed and written to `cdk.out/policy-validation-report.json`).
 * Acknowledge a rule on a construct or one of its scopes with `Validations.of(scope).acknowledge({ id, reason })`.
 *
 * @example
 * import { Validations } from 'aws-cdk-lib';
 * import { AlarmPipelineChecks } from 'cdk-cloudtrail-alarms';
 *
 * Validations.of(app).addPlugins(new AlarmPipelineChecks());
 *
 * @see https://docs.aws.amazon.com/cdk/v2/guide/policy-validation-synthesis.html
 */
export class AlarmPipelineChecks implements IPolicyValidationPlugin {
  /** The plugin's name in the validation report, and the prefix of app-wide acknowledgements (`AlarmPipelineChecks::<rule>`). */
  public readonly name: string = 'AlarmPipelineChecks';
  /** The rule ids the plugin evaluates (always set; optional only because the interface it implements says so). */
  public readonly ruleIds?: string[];
  private readonly profile?: DetectionProfile;

  constructor(props: AlarmPipelineChecksProps = {}) {
    this.profile = props.profile;
    const profileRules: string[] = [AlarmPipelineRule.PROFILE_CONTROL_MISSED, AlarmPipelineRule.PROFILE_CONTROLS_MET];
    this.ruleIds = AlarmPipelineRule.all().filter((r) => props.profile !== undefined || !profileRules.includes(r));
  }

  /** Checks the synthesized templates (called by the CDK during synthesis). */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const stacks = readAssemblyStacks(context.templatePaths);
    const model = readApp(stacks);
    const stackOf = (templatePath: string) => stacks.find((s) => s.path === templatePath);
    const violations: PolicyViolation[] = checkPipelines(model)
      .filter((v) => !isAcknowledged(stackOf(v.resource.templatePath), v.resource.constructPath, v.rule))
      .map(toPolicyViolation);
    const metadata: Record<string, string> = {};
    if (this.profile) {
      const grades = gradeProfile(model, this.profile.name);
      violations.push(...profileViolations(grades, context.templatePaths[0]).filter((v) => {
        const r = v.violatingResources[0];
        const stack = r.templatePath !== undefined ? stackOf(r.templatePath) : undefined;
        return !isAcknowledged(stack, r.resourceLogicalId !== undefined ? stack?.constructPaths?.get(r.resourceLogicalId) : undefined, v.ruleName);
      }));
      metadata.profile = this.profile.name;
      metadata.satisfied = listGrades(grades, 'satisfied');
      metadata.notJudged = listGrades(grades, 'not-judged');
      metadata.notClaimed = listGrades(grades, 'not-claimed');
    }
    return { success: violations.every((v) => v.severity !== 'error'), violations, ...(this.profile ? { metadata } : {}) };
  }
}

function toPolicyViolation(v: PipelineViolation): PolicyViolation {
  return {
    ruleName: v.rule,
    description: v.message,
    fix: v.fix,
    severity: 'error',
    violatingResources: [{ resourceLogicalId: v.resource.logicalId, templatePath: v.resource.templatePath, locations: [v.location] }],
    ruleMetadata: { constructPath: nameOf(v.resource), templatePath: path.basename(v.resource.templatePath) },
  };
}

/**
 * One entry per graded detection of the profile: an error when it misses a control the profile claims, else an `info`
 * entry that says which controls it meets (so that the report lists them; info entries do not fail synth).
 */
function profileViolations(grades: readonly ControlGrade[], firstTemplate: string | undefined): PolicyViolation[] {
  const byDetection = new Map<string, ControlGrade[]>();
  for (const g of grades) byDetection.set(g.detection, [...(byDetection.get(g.detection) ?? []), g]);
  return [...byDetection.values()].map((all): PolicyViolation => {
    const { detection, title, filter } = all[0];
    const missed = all.filter((g) => g.status === 'missed');
    const lines = all.map((g) => `${g.grader}${g.controls.length ? ` (${g.controls.join(', ')})` : ''}: ${g.status}, ${g.why}`).join(' | ');
    const resource = filter
      ? { resourceLogicalId: filter.logicalId, templatePath: filter.templatePath, locations: ['Properties/FilterPattern'] }
      : { templatePath: firstTemplate, locations: ['Resources'] };
    if (missed.length === 0) {
      return {
        ruleName: PIPELINE_RULE_IDS.PROFILE_CONTROLS_MET,
        description: `Detection ${detection} (${title}). ${lines}`,
        severity: 'info',
        violatingResources: [resource],
        ruleMetadata: { detection, satisfied: all.filter((g) => g.status === 'satisfied').map((g) => g.grader).join(',') },
      };
    }
    return {
      ruleName: PIPELINE_RULE_IDS.PROFILE_CONTROL_MISSED,
      description: `Detection ${detection} (${title}) misses ${missed.map((g) => g.grader).join(', ')}. ${lines}`,
      fix: filter
        ? `Give filter ${nameOf(filter)} the profile's pattern and an alarm with an SNS action and a subscriber, or let CloudTrailAlarms with the same profile create the detection.`
        : `Add a metric filter with the profile's pattern for ${detection} on the trail's log group, with an alarm (Sum >= 1) and a subscribed SNS topic (CloudTrailAlarms with the same profile does all of this).`,
      severity: 'error',
      violatingResources: [resource],
      ruleMetadata: { detection, missed: missed.map((g) => g.grader).join(',') },
    };
  });
}

function listGrades(grades: readonly ControlGrade[], status: ControlGrade['status']): string {
  return grades.filter((g) => g.status === status).map((g) => `${g.detection}/${g.grader}`).join(', ') || '(none)';
}
