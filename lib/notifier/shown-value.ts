// How a value from a record or an alarm event is shown in a message. Free text is always neutralised and quoted (the
// email's `"..."`, the chat's code span around the same quoted text). A value of a fixed shape (a 12-digit account id,
// a Region code, an ISO time, an IP address, an API name) is checked against its shape: when it matches it cannot
// carry layout and is shown bare, as people expect to read it; when it does not it is quoted like free text.
// Values are cut by code points before they are escaped, and a cut is marked outside the quotes (`"abc"…`), where
// no record can write.
import { chatValue, quoteValue } from './neutralise';

/** The shapes a value may be shown bare in. */
export const SHAPES = {
  /** An ISO 8601 UTC time as CloudTrail writes `eventTime`. */
  time: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/,
  account: /^\d{12}$/,
  region: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/,
  /** An IPv4 or IPv6 address, or the AWS service that made the call (`cloudformation.amazonaws.com`). */
  sourceIp: /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:.]{2,45}|[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com|AWS Internal)$/,
  /** `eventSource` short name, e.g. `ec2`, `signin`, `monitoring`. */
  source: /^[a-z0-9-]+(\.[a-z0-9-]+)*$/,
  /** An API name as `eventName` records it, e.g. `UpdateFunctionCode20150331v2`. */
  eventName: /^[A-Za-z][A-Za-z0-9]*$/,
  errorCode: /^[A-Za-z][A-Za-z0-9.:-]*$/,
  /** `userIdentity.type`, e.g. `IAMUser`, `AssumedRole`, `AWSService`. */
  identityType: /^[A-Za-z]+$/,
  state: /^(ALARM|OK|INSUFFICIENT_DATA)$/,
  /** An AWS partition, e.g. `aws`, `aws-us-gov`. */
  partition: /^aws(-[a-z]+)*$/,
} as const;

export type Shape = keyof typeof SHAPES;

/** The longest value shown, in code points (the rest is cut and the cut marked). */
export const MAX_VALUE = 200;

/** Whether a value has a shape (and so may be shown bare). */
export function hasShape(value: string | undefined, shape: Shape): value is string {
  return value !== undefined && value.length <= 64 && SHAPES[shape].test(value);
}

/** How one kind of message shows values: quoted free text, and bare values of a checked shape. */
export interface ValueStyle {
  /** Free text: neutralised and quoted. */
  readonly quote: (text: string) => string;
  /** A value whose shape was checked. */
  readonly bare: (text: string) => string;
}

/** The plain-text email (and the SNS subject): `"..."`, shaped values as they are. */
export const EMAIL_STYLE: ValueStyle = { quote: quoteValue, bare: (t) => t };

/** The chat message: the quoted value in a code span; shaped values as they are. */
export const CHAT_STYLE: ValueStyle = { quote: chatValue, bare: (t) => t };

/** The first `max` code points of text, and whether anything was cut. */
export function cutCodePoints(text: string, max: number): { readonly head: string; readonly cut: boolean } {
  // a code point is one or two UTF-16 units, so text this short has at most `max` of them
  if (text.length <= max) return { head: text, cut: false };
  let head = '';
  let n = 0;
  for (const ch of text) {
    if (n === max) return { head, cut: true };
    head += ch;
    n++;
  }
  return { head, cut: false };
}

/** Free text quoted in a style, cut to `max` code points (the cut marked `…` after the closing quote). */
export function quoted(text: string, style: ValueStyle, max: number = MAX_VALUE): string {
  const { head, cut } = cutCodePoints(text, max);
  return `${style.quote(head)}${cut ? '…' : ''}`;
}

/** A value bare when it has the shape, else quoted as free text. */
export function shaped(value: string, shape: Shape, style: ValueStyle, max: number = MAX_VALUE): string {
  return hasShape(value, shape) ? style.bare(value) : quoted(value, style, max);
}

/**
 * Free text quoted in a style within `width` characters as shown (escapes included): as many code points as fit, the
 * cut marked `…` after the closing quote. For the subject, whose limit is on what is shown.
 */
export function quotedWithin(text: string, style: ValueStyle, width: number): string {
  const { head, cut } = cutCodePoints(text, width);
  const whole = `${style.quote(head)}${cut ? '…' : ''}`;
  if (whole.length <= width) return whole;
  // each code point is escaped on its own, so the shown length adds up
  const wrap = style.quote('').length;
  let kept = '';
  let size = wrap + 1;
  for (const ch of head) {
    const n = style.quote(ch).length - wrap;
    if (size + n > width) break;
    kept += ch;
    size += n;
  }
  return `${style.quote(kept)}…`;
}

/** A value bare when it has the shape and fits, else quoted within `width` characters as shown. */
export function shapedWithin(value: string, shape: Shape, style: ValueStyle, width: number): string {
  return hasShape(value, shape) && value.length <= width ? style.bare(value) : quotedWithin(value, style, width);
}
