// Scopes the tamper-protection detections to one deployment's own resources, so that routine changes to other
// trails, log groups, alarms, topics, keys and functions in the account do not page. Pure string work over the
// catalogue's unscoped patterns; names may be CDK tokens (they stay opaque strings here and resolve at deploy time).
import { DetectionId } from './detection-id';
import { PATTERNS } from './patterns';
import { MAX_PATTERN_LENGTH, parse, quote } from '../pattern';

/** The resources of one deployment, by the names and ARNs CloudTrail records carry in `requestParameters`. */
export interface TamperScope {
  /** Trail names (StopLogging, DeleteTrail, UpdateTrail: `name`; PutEventSelectors: `trailName`; either may be the ARN, which a name also matches). */
  readonly trailNames?: readonly string[];
  /** Trail ARNs. */
  readonly trailArns?: readonly string[];
  /** Log group names (`logGroupName`, `logGroupIdentifier`); each also matches the log group ARNs ending with it. */
  readonly logGroupNames?: readonly string[];
  /** Log group ARNs (`logGroupIdentifier`, `resourceIdentifier`), without the trailing `:*`. */
  readonly logGroupArns?: readonly string[];
  /** Alarm names (`alarmName`; `alarmNames[*]` of DeleteAlarms and DisableAlarmActions). */
  readonly alarmNames?: readonly string[];
  /** Alarm name prefixes, e.g. the construct's `alarmNamePrefix` (one clause covers every alarm). */
  readonly alarmNamePrefixes?: readonly string[];
  /** Topic ARNs (`topicArn`; Unsubscribe's `subscriptionArn` is `<topicArn>:<id>`). */
  readonly topicArns?: readonly string[];
  /** Topic names: each matches the topic of that name, whatever the account and Region in its ARN. */
  readonly topicNames?: readonly string[];
  /** KMS key ARNs (`keyId` holds what the caller passed: key ARN or key id). */
  readonly keyArns?: readonly string[];
  /**
   * KMS key ids (the part after `key/`): each one matches the id and any ARN ending with it. Derived from literal
   * key ARNs; pass them when the ARNs are tokens (then the ARNs are not needed).
   */
  readonly keyIds?: readonly string[];
  /** Function names (`functionName` may be the name, the ARN or a partial ARN, optionally qualified). */
  readonly functionNames?: readonly string[];
  /** Function ARNs. */
  readonly functionArns?: readonly string[];
  /** Said after the warning of a detection that stays unscoped because the scope names no resource of its kind. */
  readonly unscopedAdvice?: string;
}

/** A tamper pattern scoped to one deployment. */
export interface ScopedTamperPattern {
  readonly id: DetectionId;
  /** The filter pattern. */
  readonly pattern: string;
  /** Where part of the pattern had to stay unscoped, why and how to scope it. */
  readonly warnings: readonly string[];
}

export const TAMPER_DETECTION_IDS: readonly DetectionId[] = [
  DetectionId.TRAIL_TAMPERING,
  DetectionId.LOG_GROUP_TAMPERING,
  DetectionId.ALARM_TAMPERING,
  DetectionId.TOPIC_TAMPERING,
  DetectionId.KEY_TAMPERING,
  DetectionId.NOTIFIER_TAMPERING,
];

export function isTamperDetection(id: string): id is DetectionId {
  return (TAMPER_DETECTION_IDS as readonly string[]).includes(id);
}

/** CloudWatch Logs: at most three wildcard selectors (`[*]`, `.*`) per pattern (filter-pattern-spec.md section 2). */
const MAX_WILDCARD_SELECTORS = 3;

const rp = (field: string) => `$.requestParameters.${field}`;

function literal(value: string, what: string): string {
  if (value.length === 0) throw new Error(`${what}: an empty string cannot scope a tamper pattern.`);
  if (value.includes('*')) {
    throw new Error(`${what} '${value}' contains '*', which a filter pattern always reads as a wildcard; it cannot be matched exactly.`);
  }
  return quote(value);
}

function eq(field: string, value: string, what: string): string {
  return glob(field, '', value, '', what);
}

/** `field = "<before><value><after>"`: the value as a literal between wildcard parts (`*`, `:*`). */
function glob(field: string, before: string, value: string, after: string, what: string): string {
  const q = literal(value, what);
  return `(${field} = "${before}${q.slice(1, -1)}${after}")`;
}

const keyIdOf = (arn: string) => /^arn:[^:]+:kms:[^:]*:[^:]*:key\/(.+)$/.exec(arn)?.[1];

/** The parts of an unscoped catalogue pattern `{ (source) && (names) }`. */
function parts(id: DetectionId): { source: string; names: string } {
  const p = PATTERNS[id].tamperProtection!;
  const m = /^\{ (\(\$\.eventSource = [^)]+\)) && (\(.*\)) \}$/.exec(p);
  if (!m) throw new Error(`internal: ${id} is not of the form { (source) && (names) }`);
  return { source: m[1], names: m[2] };
}

function orOf(clauses: readonly string[]): string {
  return clauses.length === 1 ? clauses[0] : `(${clauses.join(' || ')})`;
}

/** How a scoped pattern is measured against CloudWatch Logs' length limit. */
export interface ScopeOptions {
  /**
   * The length the pattern will have once deployed. The construct passes an estimate in which each CDK token counts
   * as the longest value it may resolve to; the default is the string's own length.
   */
  readonly lengthOf?: (pattern: string) => number;
}

/**
 * The tamper-protection pattern of `id`, limited to the records that name one of the given resources.
 * @throws Error when `id` is not a tamper-protection detection, when no resource of its kind is given, or when a
 *   name cannot be matched exactly
 */
export function scopeTamperPattern(id: string, scope: TamperScope, options: ScopeOptions = {}): ScopedTamperPattern {
  if (!isTamperDetection(id)) {
    throw new Error(`'${id}' is not a tamper-protection detection. Use one of: ${TAMPER_DETECTION_IDS.join(', ')}.`);
  }
  const { source, names } = parts(id);
  const warnings: string[] = [];
  const need = (clauses: string[], props: string) => {
    if (clauses.length === 0) throw new Error(`${id}: the scope names no resource (set ${props}).`);
    return clauses;
  };
  let pattern: string;
  switch (id) {
    case DetectionId.TRAIL_TAMPERING: {
      // a name also matches the trail ARNs that end with `:trail/<name>` (the calls take the name or the ARN)
      const clauses = [
        ...(scope.trailNames ?? []).flatMap((v) => [
          eq(rp('name'), v, 'trail'),
          eq(rp('trailName'), v, 'trail'),
          glob(rp('name'), '*', `:trail/${v}`, '', 'trail'),
          glob(rp('trailName'), '*', `:trail/${v}`, '', 'trail'),
        ]),
        ...(scope.trailArns ?? []).flatMap((v) => [eq(rp('name'), v, 'trail'), eq(rp('trailName'), v, 'trail')]),
      ];
      pattern = `{ ${source} && ${names} && ${orOf(need(clauses, 'trailNames or trailArns'))} }`;
      break;
    }
    case DetectionId.LOG_GROUP_TAMPERING: {
      const clauses = [
        // a name also matches the ARNs that end with it (`logGroupIdentifier` and `resourceIdentifier` take ARNs)
        ...(scope.logGroupNames ?? []).flatMap((n) => [
          eq(rp('logGroupName'), n, 'log group'),
          eq(rp('logGroupIdentifier'), n, 'log group'),
          glob(rp('logGroupIdentifier'), '*', `:log-group:${n}`, '', 'log group'),
          glob(rp('resourceIdentifier'), '*', `:log-group:${n}`, '', 'log group'),
        ]),
        ...(scope.logGroupArns ?? []).map((a) => a.replace(/:\*$/, '')).flatMap((a) => [eq(rp('logGroupIdentifier'), a, 'log group ARN'), eq(rp('resourceIdentifier'), a, 'log group ARN')]),
      ];
      pattern = `{ ${source} && ${names} && ${orOf(need(clauses, 'logGroupNames or logGroupArns'))} }`;
      break;
    }
    case DetectionId.ALARM_TAMPERING: {
      const alarmNames = scope.alarmNames ?? [];
      const prefixes = scope.alarmNamePrefixes ?? [];
      const single = [
        ...alarmNames.map((n) => eq(rp('alarmName'), n, 'alarm')),
        ...prefixes.map((p) => glob(rp('alarmName'), '', p, '*', 'alarm name prefix')),
      ];
      const listed = [
        ...alarmNames.map((n) => eq(rp('alarmNames[*]'), n, 'alarm')),
        ...prefixes.map((p) => glob(rp('alarmNames[*]'), '', p, '*', 'alarm name prefix')),
      ];
      need(single, 'alarmNames or alarmNamePrefixes');
      const one = '(($.eventName = PutMetricAlarm) || ($.eventName = SetAlarmState))';
      const many = '(($.eventName = DeleteAlarms) || ($.eventName = DisableAlarmActions))';
      let manyScoped = `(${many} && ${orOf(listed)})`;
      if (listed.length > MAX_WILDCARD_SELECTORS) {
        manyScoped = many;
        warnings.push(
          `${id}: DeleteAlarms and DisableAlarmActions stay unscoped: their alarm names are a list, and a filter pattern ` +
            `allows at most ${MAX_WILDCARD_SELECTORS} wildcard selectors ($.requestParameters.alarmNames[*]) where ${listed.length} ` +
            'alarms were given. Set an alarm name prefix to scope them with one clause.',
        );
      }
      pattern = `{ ${source} && ((${one} && ${orOf(single)}) || ${manyScoped}) }`;
      break;
    }
    case DetectionId.TOPIC_TAMPERING: {
      const clauses = [
        ...(scope.topicArns ?? []).flatMap((a) => [eq(rp('topicArn'), a, 'topic ARN'), glob(rp('subscriptionArn'), '', a, ':*', 'topic ARN')]),
        // a name matches the topic of that name (its ARN ends with `:<name>`) in any account and Region
        ...(scope.topicNames ?? []).flatMap((n) => [glob(rp('topicArn'), '*:', n, '', 'topic name'), glob(rp('subscriptionArn'), '*:', n, ':*', 'topic name')]),
      ];
      pattern = `{ ${source} && ${names} && ${orOf(need(clauses, 'topicArns or topicNames'))} }`;
      break;
    }
    case DetectionId.KEY_TAMPERING: {
      // DisableKey, ScheduleKeyDeletion and PutKeyPolicy take the key id or the key ARN (no alias), and an ARN ends
      // with `key/<id>`: one clause `keyId = "*<id>"` covers both. An ARN whose id is not known (a token) is matched as is.
      const ids = new Set(scope.keyIds ?? []);
      const arnsWithoutId: string[] = [];
      for (const a of scope.keyArns ?? []) {
        const k = keyIdOf(a);
        if (k) ids.add(k);
        else arnsWithoutId.push(a);
      }
      const clauses = [...[...ids].map((k) => glob(rp('keyId'), '*', k, '', 'key id')), ...arnsWithoutId.map((a) => eq(rp('keyId'), a, 'key ARN'))];
      pattern = `{ ${source} && ${names} && ${orOf(need(clauses, 'keyArns or keyIds'))} }`;
      break;
    }
    case DetectionId.NOTIFIER_TAMPERING: {
      const clauses = [
        ...(scope.functionNames ?? []).flatMap((n) => [
          eq(rp('functionName'), n, 'function'),
          glob(rp('functionName'), '*', `:function:${n}`, '', 'function'),
          glob(rp('functionName'), '*', `:function:${n}`, ':*', 'function'),
        ]),
        ...(scope.functionArns ?? []).flatMap((a) => [eq(rp('functionName'), a, 'function ARN'), glob(rp('functionName'), '', a, ':*', 'function ARN')]),
      ];
      pattern = `{ ${source} && ${names} && ${orOf(need(clauses, 'functionNames or functionArns'))} }`;
      break;
    }
    default:
      throw new Error(`'${id}' is not a tamper-protection detection.`);
  }
  const length = (options.lengthOf ?? ((p: string) => p.length))(pattern);
  if (length > MAX_PATTERN_LENGTH) {
    // unscoped pages on more changes but never misses one
    return {
      id,
      pattern: PATTERNS[id].tamperProtection!,
      warnings: [
        `${id} stays unscoped: scoped to these resources its pattern would be ${length} characters${length !== pattern.length ? ' (deploy-time values counted at their longest)' : ''}, and CloudWatch ` +
          `Logs accepts ${MAX_PATTERN_LENGTH}. Scope it to fewer resources${id === DetectionId.ALARM_TAMPERING ? ' (an alarm name prefix instead of the names)' : ''}.`,
      ],
    };
  }
  parse(pattern); // throws (naming the position) if a name made it invalid
  return { id, pattern, warnings };
}

/**
 * The planner's entry point: the pattern a tamper-protection detection deploys with under `scope`. A detection whose
 * kind of resource the scope does not name (e.g. no KMS key because the topic is not encrypted with one) stays
 * unscoped, with a warning: unscoped pages on more changes, it never misses one.
 */
export function tamperPatternFor(id: DetectionId, scope: TamperScope, options: ScopeOptions = {}): { pattern: string; warnings: string[] } {
  try {
    const scoped = scopeTamperPattern(id, scope, options);
    return { pattern: scoped.pattern, warnings: [...scoped.warnings] };
  } catch (e) {
    const message = (e as Error).message;
    if (!/the scope names no resource/.test(message)) throw e;
    const advice = scope.unscopedAdvice ? ` ${scope.unscopedAdvice}` : '';
    return { pattern: PATTERNS[id].tamperProtection!, warnings: [`${message} It stays unscoped and pages on every such change in the account.${advice}`] };
  }
}

/**
 * Every tamper-protection detection of `detections` whose pattern is the catalogue's gets its scoped pattern (see
 * `tamperPatternFor`); the others are returned unchanged.
 */
export function applyTamperScope<T extends { readonly id: string; readonly pattern: string }>(
  detections: readonly T[],
  scope: TamperScope,
  options: ScopeOptions = {},
): { detections: T[]; warnings: string[] } {
  const warnings: string[] = [];
  const out = detections.map((d) => {
    if (!isTamperDetection(d.id)) return d;
    if (d.pattern !== PATTERNS[d.id].tamperProtection) {
      warnings.push(`${d.id}: its pattern is not the catalogue's, so it is left as given (not scoped).`);
      return d;
    }
    const scoped = tamperPatternFor(d.id, scope, options);
    warnings.push(...scoped.warnings);
    return { ...d, pattern: scoped.pattern };
  });
  return { detections: out, warnings };
}
