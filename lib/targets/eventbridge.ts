// EventBridge target: compiles a filter pattern's AST into an EventBridge event pattern over CloudTrail's events.
// No CDK, no Node I/O: imports only the pattern engine.
//
// The compiled pattern must select exactly the CloudTrail records the filter pattern selects: the engine's verdict
// (lib/pattern/evaluate.ts), whose decisions live in lib/pattern/semantics.ts (cited below by their ids). Where
// EventBridge's matcher cannot say the same thing, the compiler refuses and says why, rather than approximate. The
// differences that decide (shared/docs/notifications-and-events.md section 5):
//
// - `container-never-compares`: a filter pattern's `=` never matches an array or an object, while EventBridge
//   matches an array when any element matches (`"x": ["a"]` matches `"x": ["a", "b"]`). The two agree only on
//   scalar fields, so a selector is accepted only when CloudTrail documents the field's type (CLOUDTRAIL_FIELDS);
//   other fields are refused. `wildcard-selector-is-existential`: `$.list[*] = v` on a documented list of strings is
//   exactly EventBridge's intersection.
// - `string-literal-vs-json-number`, `number-literal-vs-json-string`: the engine lets `= "123"` equal the JSON
//   number 123 and unquoted `= 123` equal the string "123"; EventBridge keeps strings and numbers apart. On a field
//   documented as a string both reduce to text equality.
// - `missing-field-fails-comparison`, `not-equal-needs-the-field`: a comparison, `!=` included, is false on a
//   missing field; EventBridge never matches a missing field either (`anything-but` included) except with
//   `{"exists": false}`, which is `not-exists-only-absent`.
// - `star-is-wildcard-anywhere`: `*` matches any run of characters; EventBridge has `prefix`, `suffix` and
//   `wildcard` (where a backslash escapes). `boolean-literal-matches-json-boolean-only` and
//   `is-null-only-explicit-null` map to EventBridge's `true`/`false`/`null` values.
// - Regexes, numeric orderings (`numeric-operators-need-json-numbers`), array positions and `.*` over objects have
//   no exact EventBridge counterpart and are refused.
// - `not-equal-matches-null`: `!= "x"` holds for a field set to null. EventBridge's documentation does not say what
//   `anything-but` does with null; CloudTrail omits absent string fields rather than set them to null, and the
//   differential test (test/targets/eventbridge-moto.test.ts) reports any record where this matters.
import { assertNever } from '../pattern/assert-never';
import { EqualsNode, IsNode, JsonExpr, NotExistsNode, NumericNode, PatternNode, Selector } from '../pattern/ast';
import { parse } from '../pattern/parser';
import { wildcardMatcher } from '../pattern/semantics';

/** A compiled EventBridge event pattern (JSON-ready). */
export type EventPattern = Record<string, unknown>;

/** The compiler's answer: the exact event pattern, or why none exists. */
export type EventPatternResult =
  | { readonly ok: true; readonly eventPattern: EventPattern }
  | { readonly ok: false; readonly reason: string };

/**
 * EventBridge `detail-type` of every CloudTrail event kind. A filter pattern sees every record the trail delivers to
 * CloudWatch Logs, so the twin accepts all of them. "AWS Console Signin via CloudTrail" is the spelling of the live
 * EventBridge page, "AWS Console Sign In via CloudTrail" that of AWS's sample events ([CONFLICT] in the shared docs):
 * both are listed.
 */
export const CLOUDTRAIL_DETAIL_TYPES: readonly string[] = [
  'AWS API Call via CloudTrail',
  'AWS Console Sign In via CloudTrail',
  'AWS Console Signin via CloudTrail',
  'AWS Console Action via CloudTrail',
  'AWS Service Event via CloudTrail',
  'AWS Insight via CloudTrail',
  'AWS Network Activity Event via CloudTrail',
];

/**
 * Largest compiled pattern accepted. The EventBridge quota page says 2048 characters, the API model 4096
 * ([CONFLICT]); the smaller one is kept.
 */
export const MAX_EVENT_PATTERN_LENGTH = 2048;

/** EventBridge rejects a pattern whose `$or` expands to more than 1000 combinations. */
export const MAX_OR_COMBINATIONS = 1000;

type FieldType = 'string' | 'boolean' | 'stringList';

/**
 * CloudTrail record fields whose JSON type is documented ("CloudTrail record contents", the sign-in event reference,
 * and the API references of the request parameters the catalogue and the tamper scopes use). `stringList` fields are
 * arrays of strings and are written `$.field[*]` in a filter pattern.
 */
export const CLOUDTRAIL_FIELDS: Readonly<Record<string, FieldType>> = {
  'eventVersion': 'string',
  'eventTime': 'string',
  'eventSource': 'string',
  'eventName': 'string',
  'awsRegion': 'string',
  'sourceIPAddress': 'string',
  'userAgent': 'string',
  'errorCode': 'string',
  'errorMessage': 'string',
  'requestID': 'string',
  'eventID': 'string',
  'eventType': 'string',
  'eventCategory': 'string',
  'apiVersion': 'string',
  'recipientAccountId': 'string',
  'sharedEventID': 'string',
  'vpcEndpointId': 'string',
  'vpcEndpointAccountId': 'string',
  'sessionCredentialFromConsole': 'string',
  'readOnly': 'boolean',
  'managementEvent': 'boolean',
  'userIdentity.type': 'string',
  'userIdentity.principalId': 'string',
  'userIdentity.arn': 'string',
  'userIdentity.accountId': 'string',
  'userIdentity.accessKeyId': 'string',
  'userIdentity.userName': 'string',
  'userIdentity.invokedBy': 'string',
  'userIdentity.identityProvider': 'string',
  'userIdentity.credentialId': 'string',
  'userIdentity.sessionContext.sessionIssuer.type': 'string',
  'userIdentity.sessionContext.sessionIssuer.principalId': 'string',
  'userIdentity.sessionContext.sessionIssuer.arn': 'string',
  'userIdentity.sessionContext.sessionIssuer.accountId': 'string',
  'userIdentity.sessionContext.sessionIssuer.userName': 'string',
  'userIdentity.sessionContext.attributes.creationDate': 'string',
  'userIdentity.sessionContext.attributes.mfaAuthenticated': 'string',
  'userIdentity.sessionContext.sourceIdentity': 'string',
  // "true" on the member-account records of a centralized root access session (sts:AssumeRoot)
  'userIdentity.sessionContext.assumedRoot': 'string',
  'additionalEventData.MFAUsed': 'string',
  'additionalEventData.LoginTo': 'string',
  'additionalEventData.MobileVersion': 'string',
  'responseElements.ConsoleLogin': 'string',
  // EC2 RunInstances
  'requestParameters.instanceType': 'string',
  // CloudTrail StopLogging/StartLogging/DeleteTrail/UpdateTrail (name or ARN), Put/GetEventSelectors (trailName)
  'requestParameters.name': 'string',
  'requestParameters.trailName': 'string',
  // CloudWatch Logs
  'requestParameters.logGroupName': 'string',
  'requestParameters.logGroupIdentifier': 'string',
  'requestParameters.resourceIdentifier': 'string',
  'requestParameters.filterName': 'string',
  // CloudWatch: PutMetricAlarm/SetAlarmState (alarmName), DeleteAlarms/DisableAlarmActions (alarmNames)
  'requestParameters.alarmName': 'string',
  'requestParameters.alarmNames': 'stringList',
  // SNS
  'requestParameters.topicArn': 'string',
  'requestParameters.subscriptionArn': 'string',
  // KMS
  'requestParameters.keyId': 'string',
  // Lambda
  'requestParameters.functionName': 'string',
  // S3, IAM
  'requestParameters.bucketName': 'string',
  'requestParameters.policyArn': 'string',
  'requestParameters.roleName': 'string',
  'requestParameters.userName': 'string',
  'requestParameters.groupName': 'string',
};

/** Compiles a filter pattern (text or parsed AST) into an EventBridge pattern over CloudTrail's events. */
export function toEventPattern(pattern: string | PatternNode): EventPatternResult {
  let node: PatternNode;
  try {
    node = typeof pattern === 'string' ? parse(pattern) : pattern;
  } catch (e) {
    return { ok: false, reason: `the filter pattern does not parse: ${(e as Error).message}` };
  }
  try {
    const eventPattern = compileNode(node);
    const size = JSON.stringify(eventPattern).length;
    if (size > MAX_EVENT_PATTERN_LENGTH) {
      refuse(
        `the event pattern would be ${size} characters; EventBridge accepts ${MAX_EVENT_PATTERN_LENGTH} (quota page; the API model says 4096)`,
      );
    }
    return { ok: true, eventPattern };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, reason: e.message };
    throw e;
  }
}

/** The compiled pattern, or an Error whose message says why there is none. */
export function eventPatternOrThrow(pattern: string | PatternNode): EventPattern {
  const r = toEventPattern(pattern);
  if (!r.ok) throw new Error(`No exact EventBridge pattern: ${r.reason}`);
  return r.eventPattern;
}

// ------------------------------------------------------------------ internals

class Refusal extends Error {}

/** A conjunction that no record satisfies (an alternative of an `$or` that can be dropped). */
class Unsatisfiable extends Refusal {}

function refuse(reason: string): never {
  throw new Refusal(reason);
}

function envelope(detail: Record<string, unknown> | undefined): EventPattern {
  // `source` must start with `aws.`: PutEvents rejects such sources, so a custom event cannot pose as CloudTrail's.
  // The service part is left open: CloudWatch's API calls arrive as `aws.monitoring` on one AWS page and
  // `aws.cloudwatch` on another ([CONFLICT]); the record's own eventSource is matched inside `detail` instead.
  const out: EventPattern = { 'source': [{ prefix: 'aws.' }], 'detail-type': [...CLOUDTRAIL_DETAIL_TYPES] };
  if (detail && Object.keys(detail).length > 0) out.detail = detail;
  return out;
}

function compileNode(node: PatternNode): EventPattern {
  switch (node.kind) {
    case 'matchAll':
      return envelope(undefined);
    case 'terms':
      return refuse('a terms pattern matches text anywhere in the raw log event; EventBridge patterns match fields');
    case 'spaceDelimited':
      return refuse('a space-delimited pattern matches words of a text line; a CloudTrail event is JSON');
    case 'json': {
      const conj = compileExpr(node.expr);
      const combos = combinations(conj);
      if (combos > MAX_OR_COMBINATIONS) {
        refuse(`the event pattern would need ${combos} $or combinations; EventBridge accepts ${MAX_OR_COMBINATIONS}`);
      }
      return envelope(render(conj));
    }
    default:
      return assertNever(node);
  }
}

/**
 * One condition on one field, as the engine decides it for a field of the field's CloudTrail type. A field holds a
 * union of leaves (EventBridge ORs the values of one field).
 */
type Leaf =
  | { readonly k: 'glob'; readonly text: string } // `= "text"`, `*` wildcards
  | { readonly k: 'notIn'; readonly texts: readonly string[] } // `!= "a" && != "b"` on a present field
  | { readonly k: 'notGlob'; readonly text: string } // `!= "a*"` on a present field
  | { readonly k: 'bool'; readonly value: boolean }
  | { readonly k: 'null' }
  | { readonly k: 'absent' }; // NOT EXISTS

/** Fields ANDed, and (when present) an OR of alternatives ANDed with them. */
interface Conj {
  readonly fields: ReadonlyMap<string, readonly Leaf[]>;
  readonly or?: readonly Conj[];
}

function single(path: string, leaves: readonly Leaf[]): Conj {
  return { fields: new Map([[path, leaves]]) };
}

function compileExpr(e: JsonExpr): Conj {
  switch (e.kind) {
    case 'equals':
      return compileEquals(e);
    case 'numeric':
      return compileNumeric(e);
    case 'is':
      return compileIs(e);
    case 'notExists':
      return compileNotExists(e);
    case 'and':
      return e.items.map(compileExpr).reduce(andConj);
    case 'or':
      return orConj(e.items.map(compileExpr));
    default:
      return assertNever(e);
  }
}

interface Field {
  readonly path: string;
  readonly type: FieldType;
  /** `$.field[*]`: the condition applies to any element of a string list. */
  readonly anyElement: boolean;
}

function fieldOf(selector: Selector): Field {
  const keys: string[] = [];
  let anyElement = false;
  selector.segments.forEach((s, i) => {
    switch (s.kind) {
      case 'key':
        keys.push(s.name);
        break;
      case 'index':
        refuse(`selector ${shown(selector)}: EventBridge patterns cannot address an array position ([${s.index}])`);
        break;
      case 'anyIndex':
        if (i !== selector.segments.length - 1) {
          refuse(`selector ${shown(selector)}: EventBridge cannot express [*] followed by more fields exactly`);
        }
        anyElement = true;
        break;
      case 'anyKey':
        refuse(`selector ${shown(selector)}: EventBridge patterns have no wildcard over object keys (.*)`);
        break;
      default:
        assertNever(s, 'selector segment');
    }
  });
  const path = keys.join('.');
  const type = CLOUDTRAIL_FIELDS[path];
  if (type === undefined) {
    refuse(
      `${shown(selector)} is not a CloudTrail field of documented type: EventBridge matches an array when any element ` +
        'matches, while a filter pattern never matches an array (container-never-compares), so the two agree only on ' +
        'fields known to be scalars',
    );
  }
  if (type === 'stringList' && !anyElement) {
    refuse(`${shown(selector)} is a list of strings; a filter pattern comparison on the list itself never matches (container-never-compares; write ${shown(selector)}[*])`);
  }
  if (type !== 'stringList' && anyElement) {
    refuse(`${shown(selector)} is not a list in CloudTrail records; [*] on a scalar never matches`);
  }
  return { path, type, anyElement };
}

function shown(selector: Selector): string {
  return `$${selector.segments
    .map((s) => {
      switch (s.kind) {
        case 'key':
          return `.${s.name}`;
        case 'index':
          return `[${s.index}]`;
        case 'anyIndex':
          return '[*]';
        case 'anyKey':
          return '.*';
        default:
          return assertNever(s, 'selector segment');
      }
    })
    .join('')}`;
}

/** `*` runs collapse (the engine treats `**` like `*`; EventBridge forbids consecutive wildcards). */
function normalGlob(text: string): string {
  return text.replace(/\*+/g, '*');
}

function compileEquals(e: EqualsNode): Conj {
  const f = fieldOf(e.selector);
  const v = e.value;
  const never = (why: string) => refuse(`${shown(e.selector)} ${e.operator} ${describe(e)} never matches a CloudTrail record (${why})`);
  // string-typed fields (and string-list elements): the engine's equality reduces to text comparison
  if (f.type === 'string' || f.type === 'stringList') {
    let text: string;
    switch (v.kind) {
      case 'string':
        text = normalGlob(v.text);
        break;
      case 'number':
        // unquoted digits against a JSON string compare as text (filter-pattern-spec section 6)
        text = v.text;
        break;
      case 'boolean':
        // `= true` matches JSON booleans only; `!= true` matches every present string
        if (f.anyElement) refuse(`${shown(e.selector)} ${e.operator} ${v.value}: not compiled on a list`);
        return e.operator === '=' ? never('a boolean literal never equals a string') : single(f.path, [{ k: 'glob', text: '*' }]);
      case 'regex':
        return refuse(`${shown(e.selector)} ${e.operator} %${v.source}%: EventBridge patterns have no regular expressions`);
      default:
        return assertNever(v, 'value');
    }
    switch (e.operator) {
      case '=':
        return single(f.path, [{ k: 'glob', text }]);
      case '!=':
        if (f.anyElement) {
          refuse(`${shown(e.selector)} != ...: "some element differs" has no documented EventBridge form (anything-but on arrays)`);
        }
        if (text === '*') never('every present string matches *');
        return single(f.path, [text.includes('*') ? { k: 'notGlob', text } : { k: 'notIn', texts: [text] }]);
      default:
        return assertNever(e.operator, 'operator');
    }
  }
  // boolean fields
  switch (v.kind) {
    case 'boolean':
      return single(f.path, [{ k: 'bool', value: e.operator === '=' ? v.value : !v.value }]);
    case 'string':
    case 'number':
    case 'regex':
      // a string, number or regex never equals a JSON boolean; `!=` then matches every present boolean
      return e.operator === '=' ? never(`${f.path} is a boolean`) : single(f.path, [{ k: 'bool', value: true }, { k: 'bool', value: false }]);
    default:
      return assertNever(v, 'value');
  }
}

function describe(e: EqualsNode): string {
  switch (e.value.kind) {
    case 'string':
      return JSON.stringify(e.value.text);
    case 'number':
      return e.value.text;
    case 'boolean':
      return String(e.value.value);
    case 'regex':
      return `%${e.value.source}%`;
    default:
      return assertNever(e.value, 'value');
  }
}

function compileNumeric(e: NumericNode): Conj {
  return refuse(
    `${shown(e.selector)} ${e.operator} ${e.value.text}: numeric comparisons are not compiled (EventBridge's numeric ` +
      'matching covers only -5.0e9..5.0e9 with six decimals, and no CloudTrail field in the schema is numeric)',
  );
}

function compileIs(e: IsNode): Conj {
  const f = fieldOf(e.selector);
  if (f.anyElement) refuse(`${shown(e.selector)} IS ${e.literal}: not compiled on a list`);
  switch (e.literal) {
    case 'NULL':
      return single(f.path, [{ k: 'null' }]);
    case 'TRUE':
    case 'FALSE':
      if (f.type !== 'boolean') refuse(`${shown(e.selector)} IS ${e.literal} never matches: ${f.path} is a string`);
      return single(f.path, [{ k: 'bool', value: e.literal === 'TRUE' }]);
    default:
      return assertNever(e.literal, 'literal');
  }
}

function compileNotExists(e: NotExistsNode): Conj {
  const f = fieldOf(e.selector);
  if (f.anyElement) {
    refuse(`${shown(e.selector)} NOT EXISTS: an empty list has no EventBridge equivalent (exists works on leaves only)`);
  }
  return single(f.path, [{ k: 'absent' }]);
}

// ------------------------------------------------------------------ combining

function leafKey(l: Leaf): string {
  return JSON.stringify(l);
}

function union(a: readonly Leaf[], b: readonly Leaf[]): Leaf[] {
  const seen = new Set(a.map(leafKey));
  return [...a, ...b.filter((l) => !seen.has(leafKey(l)))];
}

/** Whether a leaf accepts a present string value (the engine's verdict on a string field). */
function leafAcceptsString(l: Leaf, s: string): boolean {
  switch (l.k) {
    case 'glob':
      return wildcardMatcher(l.text)(s);
    case 'notIn':
      return !l.texts.includes(s);
    case 'notGlob':
      return !wildcardMatcher(l.text)(s);
    case 'bool':
    case 'null':
    case 'absent':
      return false;
    default:
      return assertNever(l, 'leaf');
  }
}

const isExact = (l: Leaf): l is { k: 'glob'; text: string } => l.k === 'glob' && !l.text.includes('*');

/** AND of two conditions on one field, where EventBridge can state it on one field; otherwise a refusal. */
function andLeaves(path: string, a: readonly Leaf[], b: readonly Leaf[]): Leaf[] {
  const exactOnly = (ls: readonly Leaf[]) => ls.every(isExact);
  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    if (exactOnly(x)) {
      // a list of exact strings ANDed with anything: keep the strings the other side accepts
      const kept = x.filter((l) => y.some((m) => leafAcceptsString(m, (l as { text: string }).text)));
      if (kept.length === 0) throw new Unsatisfiable(`the conditions on ${path} exclude each other: the pattern never matches`);
      return kept;
    }
  }
  // `!= a && != b`: one anything-but list
  if (a.length === 1 && b.length === 1 && a[0].k === 'notIn' && b[0].k === 'notIn') {
    const texts = [...a[0].texts, ...b[0].texts.filter((t) => !(a[0] as { texts: readonly string[] }).texts.includes(t))];
    return [{ k: 'notIn', texts }];
  }
  return refuse(`two conditions on ${path} that EventBridge cannot AND on one field`);
}

function andFields(a: ReadonlyMap<string, readonly Leaf[]>, b: ReadonlyMap<string, readonly Leaf[]>): Map<string, readonly Leaf[]> {
  const out = new Map(a);
  for (const [path, leaves] of b) {
    const have = out.get(path);
    out.set(path, have ? andLeaves(path, have, leaves) : leaves);
  }
  return out;
}

function andConj(a: Conj, b: Conj): Conj {
  const fields = andFields(a.fields, b.fields);
  let or: Conj[] | undefined;
  if (a.or && b.or) {
    or = [];
    let never: Unsatisfiable | undefined;
    for (const x of a.or) {
      for (const y of b.or) {
        try {
          or.push(andConj(x, y));
        } catch (e) {
          // a combination no record satisfies drops out of the $or
          if (!(e instanceof Unsatisfiable)) throw e;
          never = e;
        }
      }
    }
    if (or.length === 0) throw never!;
    if (or.length > MAX_OR_COMBINATIONS) refuse(`the event pattern would need over ${MAX_OR_COMBINATIONS} $or combinations`);
    if (or.length === 1) return pushDown({ fields: andFields(fields, or[0].fields), or: or[0].or });
  } else {
    or = a.or ? [...a.or] : b.or ? [...b.or] : undefined;
  }
  return pushDown({ fields, or });
}

/** A field that is both beside an `$or` and inside one of its alternatives moves into every alternative. */
function pushDown(c: Conj): Conj {
  if (!c.or) return c;
  const shared = [...c.fields.keys()].filter((p) => c.or!.some((alt) => mentions(alt, p)));
  if (shared.length === 0) return c;
  const moved = new Map([...c.fields].filter(([p]) => shared.includes(p)));
  const kept = new Map([...c.fields].filter(([p]) => !shared.includes(p)));
  const alts: Conj[] = [];
  let never: Unsatisfiable | undefined;
  for (const alt of c.or) {
    try {
      alts.push(andConj(alt, { fields: moved }));
    } catch (e) {
      if (!(e instanceof Unsatisfiable)) throw e;
      never = e;
    }
  }
  if (alts.length === 0) throw never!;
  if (alts.length === 1) return pushDown({ fields: andFields(kept, alts[0].fields), or: alts[0].or });
  return { fields: kept, or: alts };
}

function mentions(c: Conj, path: string): boolean {
  return c.fields.has(path) || (c.or ?? []).some((alt) => mentions(alt, path));
}

function orConj(items: Conj[]): Conj {
  // alternatives: an item that is only an $or contributes its alternatives
  const alts: Conj[] = [];
  for (const it of items) {
    if (it.fields.size === 0 && it.or) alts.push(...it.or);
    else alts.push(it);
  }
  // one field in every alternative, the same one: a single list of values (EventBridge ORs a field's values)
  const simple = alts.every((a) => !a.or && a.fields.size === 1);
  if (simple) {
    const paths = new Set(alts.map((a) => [...a.fields.keys()][0]));
    if (paths.size === 1) {
      const path = [...paths][0];
      return single(path, alts.map((a) => a.fields.get(path)!).reduce(union));
    }
    // group alternatives by field so that `a=1 || a=2 || b=3` becomes $or [{a:[1,2]}, {b:[3]}]
    const byPath = new Map<string, Leaf[]>();
    for (const a of alts) {
      const [path, leaves] = [...a.fields][0];
      byPath.set(path, union(byPath.get(path) ?? [], leaves));
    }
    return { fields: new Map(), or: [...byPath].map(([p, l]) => single(p, l)) };
  }
  return { fields: new Map(), or: alts };
}

function combinations(c: Conj): number {
  if (!c.or) return 1;
  return c.or.reduce((n, alt) => n + combinations(alt), 0);
}

// ------------------------------------------------------------------ rendering

function escapeWildcard(text: string): string {
  return text.replace(/\\/g, '\\\\');
}

function globValue(text: string): unknown {
  if (!text.includes('*')) return text;
  if (text === '*') return { wildcard: '*' };
  const inner = text.slice(0, -1);
  if (text.endsWith('*') && !inner.includes('*')) return { prefix: inner };
  const rest = text.slice(1);
  if (text.startsWith('*') && !rest.includes('*')) return { suffix: rest };
  return { wildcard: escapeWildcard(text) };
}

function renderLeaves(leaves: readonly Leaf[]): unknown[] {
  const out: unknown[] = [];
  for (const l of leaves) {
    switch (l.k) {
      case 'glob':
        out.push(globValue(l.text));
        break;
      case 'notIn':
        out.push({ 'anything-but': l.texts.length === 1 ? l.texts[0] : [...l.texts] });
        break;
      case 'notGlob':
        out.push({ 'anything-but': globValue(l.text) });
        break;
      case 'bool':
        out.push(l.value);
        break;
      case 'null':
        out.push(null);
        break;
      case 'absent':
        out.push({ exists: false });
        break;
      default:
        assertNever(l, 'leaf');
    }
  }
  return out;
}

function render(c: Conj): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, leaves] of c.fields) {
    const keys = path.split('.');
    let at = out;
    for (const k of keys.slice(0, -1)) {
      at[k] = (at[k] as Record<string, unknown> | undefined) ?? {};
      at = at[k] as Record<string, unknown>;
    }
    at[keys[keys.length - 1]] = renderLeaves(leaves);
  }
  if (c.or) out.$or = c.or.map(render);
  return out;
}
