/**
 * A filter pattern that CloudWatch Logs would reject (`InvalidParameterException`).
 *
 * Internal: the public API surfaces it as a plain `Error` (jsii forbids exported Error subclasses),
 * but callers inside the package use `position` and `description` directly.
 */
export class FilterPatternSyntaxError extends Error {
  /** 0-based offset into the pattern text where the problem was found. */
  public readonly position: number;
  /** Short description without the position, e.g. "expected ')'". */
  public readonly description: string;
  /** The pattern text that failed. */
  public readonly pattern: string;

  constructor(description: string, position: number, pattern: string) {
    super(`${description} at position ${position}`);
    Object.setPrototypeOf(this, FilterPatternSyntaxError.prototype);
    this.name = 'FilterPatternSyntaxError';
    this.description = description;
    this.position = position;
    this.pattern = pattern;
  }

  /** The pattern on one line and a caret under the offending position on the next. */
  public caret(): string {
    const line = this.pattern.replace(/[\r\n\t]/g, ' ');
    return `${line}\n${' '.repeat(Math.min(this.position, line.length))}^`;
  }
}

export function isFilterPatternSyntaxError(e: unknown): e is FilterPatternSyntaxError {
  return e instanceof FilterPatternSyntaxError;
}
