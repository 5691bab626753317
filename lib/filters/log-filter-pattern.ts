import type * as logs from 'aws-cdk-lib/aws-logs';
import {
  compile,
  CompiledPattern,
  FilterPatternSyntaxError,
  MAX_PATTERN_LENGTH,
  parse,
  PatternNode,
  render,
  renderCompact,
} from '../pattern';

/** Which of the three CloudWatch Logs pattern languages a pattern is written in. */
export enum FilterPatternKind {
  /** The empty pattern: matches every event. */
  MATCH_ALL = 'MATCH_ALL',
  /** Terms, quoted phrases, `?` alternatives, `-` exclusions and `%regex%` over the raw message. */
  TERMS = 'TERMS',
  /** `{ $.field = value && ... }` over JSON events. */
  JSON = 'JSON',
  /** `[field1, field2 = value, ...]` over space-delimited lines. */
  SPACE_DELIMITED = 'SPACE_DELIMITED',
}

/** One matching event, as TestMetricFilter reports it. */
export interface MetricFilterMatchRecord {
  /** 1-based number of the event in the list that was tested. */
  readonly eventNumber: number;
  /** The event message. */
  readonly eventMessage: string;
}

/** The result of `LogFilterPattern.validate()`. */
export interface FilterPatternValidation {
  /** Whether CloudWatch Logs would accept the pattern. */
  readonly valid: boolean;
  /**
   * What is wrong, with the position, e.g. "expected ')', got '}' at position 17".
   * @default - absent when the pattern is valid
   */
  readonly message?: string;
  /**
   * 0-based offset of the problem in the pattern text.
   * @default - absent when the pattern is valid
   */
  readonly position?: number;
}

const KINDS: Record<PatternNode['kind'], FilterPatternKind> = {
  matchAll: FilterPatternKind.MATCH_ALL,
  terms: FilterPatternKind.TERMS,
  json: FilterPatternKind.JSON,
  spaceDelimited: FilterPatternKind.SPACE_DELIMITED,
};

/**
 * A CloudWatch Logs filter pattern, parsed and compiled: evaluate it offline with AWS's semantics, render it
 * canonically, or hand it straight to CDK's `MetricFilter` (it implements `logs.IFilterPattern`).
 *
 * @example
 * const p = LogFilterPattern.parse('{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }');
 * p.matches('{"eventName":"ConsoleLogin","errorMessage":"Failed authentication"}'); // true
 */
export class LogFilterPattern implements logs.IFilterPattern {
  /**
   * Parses pattern text exactly as CloudWatch Logs would.
   *
   * @throws Error whose message names the problem and its 0-based position, e.g. "expected ')', got '}' at position 17"
   */
  public static parse(text: string): LogFilterPattern {
    const problem = notAString(text, 'LogFilterPattern.parse');
    if (problem) throw new Error(problem);
    return new LogFilterPattern(text, parse(text));
  }

  /** Checks pattern text without throwing. */
  public static validate(text: string): FilterPatternValidation {
    const problem = notAString(text, 'LogFilterPattern.validate');
    if (problem) return { valid: false, message: problem, position: 0 };
    try {
      parse(text);
      return { valid: true };
    } catch (e) {
      if (e instanceof FilterPatternSyntaxError) return { valid: false, message: e.message, position: e.position };
      throw e;
    }
  }

  /** @internal */
  public static _fromNode(node: PatternNode, context: string): LogFilterPattern {
    const text = render(node);
    if (text.length > MAX_PATTERN_LENGTH) {
      throw new Error(
        `${context}: the resulting filter pattern is ${text.length} characters long; CloudWatch Logs accepts at most ${MAX_PATTERN_LENGTH}. Split the detection into several, or use fewer values.`,
      );
    }
    return new LogFilterPattern(text, node);
  }

  /** The pattern text as given (byte-identical), which is what CloudFormation receives. */
  public readonly logPatternString: string;
  /**
   * The canonical rendering: normalised spacing and quoting, every `&&`/`||` item in parentheses.
   *
   * When that spaced form would be longer than the 1024 characters CloudWatch Logs accepts, the compact rendering is
   * used instead (no optional spaces, parentheses and quotes only where needed), which is never longer than the
   * pattern as given; so `LogFilterPattern.parse(p.canonical)` succeeds for every pattern `p`.
   */
  public readonly canonical: string;
  /** Which pattern language the text is written in. */
  public readonly kind: FilterPatternKind;

  /** @internal */
  public readonly _node: PatternNode;
  private readonly compiled: CompiledPattern;

  private constructor(text: string, node: PatternNode) {
    this.logPatternString = text;
    this._node = node;
    const spaced = render(node);
    this.canonical = spaced.length <= MAX_PATTERN_LENGTH ? spaced : renderCompact(node);
    this.kind = KINDS[node.kind];
    this.compiled = compile(node);
  }

  /** Whether the pattern matches one log event message: what TestMetricFilter would answer for it. */
  public matches(message: string): boolean {
    return this.compiled.matchesMessage(message);
  }

  /**
   * Whether the pattern matches an event that is already parsed from JSON, so that many patterns can share one
   * `JSON.parse`. Term and space-delimited patterns need the raw text: pass it as `message`, or it is rebuilt with
   * `JSON.stringify(logEvent)`.
   *
   * @param logEvent the parsed event (for CloudTrail, one record)
   * @param message the raw event text, if at hand
   */
  public matchesEvent(logEvent: any, message?: string): boolean {
    return this.compiled.matchesParsed(logEvent, message);
  }

  /**
   * Tests a list of log event messages, like the TestMetricFilter API: returns the matching ones with their
   * 1-based event numbers.
   */
  public testMessages(messages: string[]): MetricFilterMatchRecord[] {
    const out: MetricFilterMatchRecord[] = [];
    messages.forEach((eventMessage, i) => {
      if (this.compiled.matchesMessage(eventMessage)) out.push({ eventNumber: i + 1, eventMessage });
    });
    return out;
  }

  /** The pattern text, as given. */
  public toString(): string {
    return this.logPatternString;
  }
}

/** A message for a pattern that is not a string (from JavaScript, or an untyped value in another jsii language). */
function notAString(text: unknown, method: string): string | undefined {
  if (typeof text === 'string') return undefined;
  const got = text === null ? 'null' : Array.isArray(text) ? 'an array' : typeof text;
  return `${method}: the pattern must be a string, got ${got}${typeof text === 'object' && text !== null && !Array.isArray(text) ? ' (pass the pattern text, e.g. pattern.logPatternString)' : ''}.`;
}
