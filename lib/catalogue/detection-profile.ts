import { PROFILES } from './profiles';

/**
 * A named choice of detections and of the pattern strings used for them, chosen by the grader you are audited with.
 *
 * @example
 * new CloudTrailAlarms(this, 'Alarms', { profile: DetectionProfile.SECURITY_HUB });
 */
export class DetectionProfile {
  /**
   * All seventeen benchmark detections, Security Hub-exact where a Security Hub control exists, plus the six
   * tamper-protection detections (the default).
   */
  public static readonly RECOMMENDED = new DetectionProfile('recommended');
  /** AWS's ten CloudFormation-template alarms, byte-identical. */
  public static readonly AWS_TEMPLATE = new DetectionProfile('aws-template');
  /** Security Hub CloudWatch.1-14, byte-identical to the prescribed strings. */
  public static readonly SECURITY_HUB = new DetectionProfile('security-hub');
  /** CIS AWS Foundations Benchmark v1.4.0, 4.1-4.15 (4.1 precedence fixed). */
  public static readonly CIS_1_4 = new DetectionProfile('cis-1.4');
  /** CIS AWS Foundations Benchmark v5.0.0, 4.1-4.15 (4.1 precedence fixed). */
  public static readonly CIS_5_0 = new DetectionProfile('cis-5.0');
  /** CIS AWS Foundations Benchmark v6.0.0, 5.1-5.15: the v5.0.0 strings, renumbered (5.1 precedence fixed). */
  public static readonly CIS_6_0 = new DetectionProfile('cis-6.0');
  /** CIS AWS Foundations Benchmark v7.0.0, 5.1-5.15: the v5.0.0 strings, renumbered (5.1 precedence fixed). */
  public static readonly CIS_7_0 = new DetectionProfile('cis-7.0');
  /** Passes all fifteen Prowler checks, current and up to 5.x, and Steampipe's CIS checks. */
  public static readonly PROWLER = new DetectionProfile('prowler');
  /** The six tamper-protection detections alone: changes to the trail, log group, alarms, topics, keys and notifier. */
  public static readonly TAMPER_PROTECTION = new DetectionProfile('tamper-protection');

  /** Every built-in profile. */
  public static all(): DetectionProfile[] {
    return Object.keys(PROFILES).map((name) => DetectionProfile.of(name));
  }

  /**
   * The profile with this name (`recommended`, `aws-template`, `security-hub`, `cis-1.4`, `cis-5.0`, `cis-6.0`,
   * `cis-7.0`, `prowler`, `tamper-protection`).
   * @throws Error naming the valid profiles when the name is unknown
   */
  public static of(name: string): DetectionProfile {
    const known = [
      DetectionProfile.RECOMMENDED,
      DetectionProfile.AWS_TEMPLATE,
      DetectionProfile.SECURITY_HUB,
      DetectionProfile.CIS_1_4,
      DetectionProfile.CIS_5_0,
      DetectionProfile.CIS_6_0,
      DetectionProfile.CIS_7_0,
      DetectionProfile.PROWLER,
      DetectionProfile.TAMPER_PROTECTION,
    ].find((p) => p.name === name);
    if (!known) {
      throw new Error(`Unknown detection profile '${name}'. Use one of: ${Object.keys(PROFILES).join(', ')}.`);
    }
    return known;
  }

  /** What the profile contains and which graders it is built for. */
  public readonly summary: string;
  private readonly ids: readonly string[];

  private constructor(public readonly name: string) {
    const spec = PROFILES[name];
    this.summary = spec.summary;
    this.ids = spec.entries.map((e) => e.id);
  }

  /** Ids of the detections in this profile, in stack order (a new array on every call). */
  public get detectionIds(): string[] {
    return [...this.ids];
  }
}
