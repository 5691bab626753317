import type * as logs from 'aws-cdk-lib/aws-logs';
import { LogFilterPattern } from './log-filter-pattern';
import { FilterPatternSyntaxError, JsonExpr, NumberValue, PatternNode, Selector, tokenize, TokenKind } from '../pattern';

/** Numeric comparison operators for `CloudTrailFilter.numberValue`. */
export enum NumericComparison {
  EQUAL = '=',
  NOT_EQUAL = '!=',
  LESS_THAN = '<',
  LESS_THAN_OR_EQUAL = '<=',
  GREATER_THAN = '>',
  GREATER_THAN_OR_EQUAL = '>=',
}

/**
 * Builders, in CloudTrail's vocabulary, for JSON filter patterns over CloudTrail records.
 *
 * Every builder returns a `LogFilterPattern` (canonically rendered); combine them with `all` and `any`.
 * String values are compared exactly and case-sensitively; `*` in a value is a wildcard.
 *
 * @example
 * CloudTrailFilter.all(
 *   CloudTrailFilter.eventSource('kms.amazonaws.com'),
 *   CloudTrailFilter.eventName('DisableKey', 'ScheduleKeyDeletion'),
 *   CloudTrailFilter.exclude('userIdentity.arn', 'arn:aws:iam::*:role/KeyJanitor'),
 * );
 */
export class CloudTrailFilter {
  /** `eventName` is one of the given names (e.g. `CreateTrail`). */
  public static eventName(...names: string[]): LogFilterPattern {
    return CloudTrailFilter.stringValue('eventName', ...names);
  }

  /** `eventSource` is one of the given service endpoints (e.g. `kms.amazonaws.com`). */
  public static eventSource(...sources: string[]): LogFilterPattern {
    return CloudTrailFilter.stringValue('eventSource', ...sources);
  }

  /** `errorCode` is one of the given codes; wildcards allowed (e.g. `AccessDenied*`, `*UnauthorizedOperation`). */
  public static errorCode(...codes: string[]): LogFilterPattern {
    return CloudTrailFilter.stringValue('errorCode', ...codes);
  }

  /** `userIdentity.type` is one of the given types (`Root`, `IAMUser`, `AssumedRole`, `AWSService`, ...). */
  public static userIdentityType(...types: string[]): LogFilterPattern {
    return CloudTrailFilter.stringValue('userIdentity.type', ...types);
  }

  /**
   * The field at `path` equals one of the string values (several values are OR-ed).
   * @param path a JSON path such as `userIdentity.arn` or `$.userIdentity.arn`
   */
  public static stringValue(path: string, ...values: string[]): LogFilterPattern {
    const method = 'CloudTrailFilter.stringValue';
    const selector = parseSelector(path, method);
    checkValues(values, method, path);
    const items: JsonExpr[] = values.map((text) => ({
      kind: 'equals', selector, operator: '=', value: { kind: 'string', text },
    }));
    return build(items.length === 1 ? items[0] : { kind: 'or', items }, method);
  }

  /** The field at `path` is a JSON number that compares to `value` as given. */
  public static numberValue(path: string, comparison: NumericComparison, value: number): LogFilterPattern {
    const method = 'CloudTrailFilter.numberValue';
    const selector = parseSelector(path, method);
    if (!Number.isFinite(value)) {
      throw new Error(`${method}: \`value\` must be a finite number, got ${value}.`);
    }
    const v: NumberValue = { kind: 'number', text: String(value) };
    const expr: JsonExpr =
      comparison === NumericComparison.EQUAL || comparison === NumericComparison.NOT_EQUAL
        ? { kind: 'equals', selector, operator: comparison, value: v }
        : { kind: 'numeric', selector, operator: comparison, value: v };
    return build(expr, method);
  }

  /** The field at `path` is the JSON boolean `value` (`IS TRUE` / `IS FALSE`). */
  public static booleanValue(path: string, value: boolean): LogFilterPattern {
    const selector = parseSelector(path, 'CloudTrailFilter.booleanValue');
    return build({ kind: 'is', selector, literal: value ? 'TRUE' : 'FALSE' }, 'CloudTrailFilter.booleanValue');
  }

  /** The field at `path` is present and set to JSON `null` (`IS NULL`). */
  public static isNull(path: string): LogFilterPattern {
    const selector = parseSelector(path, 'CloudTrailFilter.isNull');
    return build({ kind: 'is', selector, literal: 'NULL' }, 'CloudTrailFilter.isNull');
  }

  /** The field at `path` is present, with any value (`= "*"`). */
  public static exists(path: string): LogFilterPattern {
    const selector = parseSelector(path, 'CloudTrailFilter.exists');
    return build({ kind: 'equals', selector, operator: '=', value: { kind: 'string', text: '*' } }, 'CloudTrailFilter.exists');
  }

  /** The field at `path` is absent (`NOT EXISTS`). */
  public static notExists(path: string): LogFilterPattern {
    const selector = parseSelector(path, 'CloudTrailFilter.notExists');
    return build({ kind: 'notExists', selector }, 'CloudTrailFilter.notExists');
  }

  /**
   * The field at `path` is absent or equals none of `values`, rendered the way that works on AWS:
   * `(($.f NOT EXISTS) || (($.f != "a") && ($.f != "b")))`. A bare `!=` never matches an event that lacks the
   * field, so an exclusion written with `!=` alone silently drops those events.
   */
  public static exclude(path: string, ...values: string[]): LogFilterPattern {
    const method = 'CloudTrailFilter.exclude';
    const selector = parseSelector(path, method);
    checkValues(values, method, path);
    const notEquals: JsonExpr[] = values.map((text) => ({
      kind: 'equals', selector, operator: '!=', value: { kind: 'string', text },
    }));
    const allDifferent: JsonExpr = notEquals.length === 1 ? notEquals[0] : { kind: 'and', items: notEquals };
    return build({ kind: 'or', items: [{ kind: 'notExists', selector }, allDifferent] }, method);
  }

  /**
   * Every pattern matches (`&&`). Takes any `logs.IFilterPattern` whose text is a JSON pattern: a
   * `LogFilterPattern`, a builder result, or CDK's `logs.FilterPattern.stringValue(...)` and friends (their text is
   * parsed; an unresolved token is refused).
   */
  public static all(...patterns: logs.IFilterPattern[]): LogFilterPattern {
    return combine('and', patterns, 'CloudTrailFilter.all');
  }

  /**
   * At least one pattern matches (`||`). Takes any `logs.IFilterPattern` whose text is a JSON pattern (see `all`).
   */
  public static any(...patterns: logs.IFilterPattern[]): LogFilterPattern {
    return combine('or', patterns, 'CloudTrailFilter.any');
  }

  private constructor() {}
}

function build(expr: JsonExpr, context: string): LogFilterPattern {
  const node: PatternNode = { kind: 'json', expr };
  return LogFilterPattern._fromNode(node, context);
}

function combine(kind: 'and' | 'or', patterns: logs.IFilterPattern[], method: string): LogFilterPattern {
  if (patterns.length === 0) {
    throw new Error(`${method}: needs at least one pattern, got none.`);
  }
  const items: JsonExpr[] = [];
  patterns.forEach((given, i) => {
    const p = asLogFilterPattern(given, `${method}: pattern ${i + 1}`);
    const node = p._node;
    if (node.kind !== 'json') {
      throw new Error(
        `${method}: pattern ${i + 1} ('${p.logPatternString}') is not a JSON pattern; only JSON patterns ({ ... }) can be combined.`,
      );
    }
    if (node.expr.kind === kind) items.push(...node.expr.items);
    else items.push(node.expr);
  });
  return build(items.length === 1 ? items[0] : { kind, items }, method);
}

/** A `LogFilterPattern` as is; any other `logs.IFilterPattern` parsed from its text (tokens refused). */
function asLogFilterPattern(p: logs.IFilterPattern, where: string): LogFilterPattern {
  if (p instanceof LogFilterPattern) return p;
  const text = p?.logPatternString;
  if (typeof text !== 'string') {
    throw new Error(`${where} must be a logs.IFilterPattern (with a \`logPatternString\`), got ${JSON.stringify(p)}.`);
  }
  if (isTokenString(text)) {
    throw new Error(
      `${where} is an unresolved token ('${text}'); it must be known at synth time so it can be parsed and combined. Pass the pattern text itself.`,
    );
  }
  try {
    return LogFilterPattern.parse(text);
  } catch (e) {
    if (e instanceof FilterPatternSyntaxError) {
      throw new Error(`${where} ('${text}') is not a valid CloudWatch Logs filter pattern: ${e.message}.`);
    }
    throw e;
  }
}

/**
 * Whether a string holds a CDK string token (`${Token[...]}`). Checked by its marker, so that this module and the
 * CDK-free planner that uses it do not load aws-cdk-lib.
 */
function isTokenString(text: string): boolean {
  return /\$\{Token\[[^\]]*\]\}/.test(text);
}

function checkValues(values: string[], method: string, path: string): void {
  if (values.length === 0) {
    throw new Error(`${method}: needs at least one value for '${path}', got none.`);
  }
  values.forEach((v, i) => {
    if (typeof v !== 'string' || v.length === 0) {
      throw new Error(`${method}: value ${i + 1} for '${path}' must be a non-empty string, got ${JSON.stringify(v)}.`);
    }
    if (/[\u0000-\u001f]/.test(v)) {
      throw new Error(`${method}: value ${i + 1} for '${path}' contains a control character (${JSON.stringify(v)}); remove it.`);
    }
  });
}

/** Accepts `a.b[0]` or `$.a.b[0]`; returns the selector or throws an error that names the path. */
function parseSelector(path: string, method: string): Selector {
  const text = path.startsWith('$') ? path : `$.${path}`;
  let ok = false;
  let segments;
  try {
    const tokens = tokenize(text);
    ok = tokens.length === 2 && tokens[0].kind === TokenKind.SELECTOR && tokens[0].end === text.length;
    segments = tokens[0].segments;
  } catch {
    ok = false;
  }
  if (!ok || !segments) {
    throw new Error(
      `${method}: \`path\` must be a JSON path such as 'userIdentity.type' or '$.requestParameters.instanceType' (names of letters, digits, '_' and '-'; ['name'] for others), got '${path}'.`,
    );
  }
  return { segments };
}
