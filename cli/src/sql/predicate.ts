import { assertNever } from 'cdk-cloudtrail-alarms/lib/pattern/assert-never';
import {
  EqualsNode,
  IsNode,
  JsonExpr,
  NumericNode,
  PatternNode,
  Selector,
  Value,
} from 'cdk-cloudtrail-alarms/lib/pattern/ast';
import { renderSelector } from 'cdk-cloudtrail-alarms/lib/pattern/render';
import { jsonNumberText } from 'cdk-cloudtrail-alarms/lib/pattern/semantics';
import { SelectorSegment } from 'cdk-cloudtrail-alarms/lib/pattern/tokens';
import { caseVariantOf, CLOUDTRAIL_TABLE, RelativeField, TableField } from './cloudtrail-table';
import { translateRegex } from './regex';

/**
 * Compiles a filter pattern into a Trino boolean expression over AWS's CloudTrail table with the engine's
 * semantics, or refuses with the reason. Every expression this module produces is TRUE or FALSE, never NULL, so
 * AND, OR and NOT combine as in the engine.
 *
 * The rules are the engine's, cited by their ids in lib/pattern/semantics.ts (SEMANTIC_DECISIONS). What the table
 * can and cannot tell, applied to its columns:
 * - typed columns and struct fields: the SerDe reads a JSON null and an absent key alike, as SQL NULL. CloudTrail
 *   omits absent fields rather than writing null, so SQL NULL is read as "absent": `NOT EXISTS` is `IS NULL`,
 *   `IS NULL` is FALSE, and `!=` needs the field (a missing field never satisfies `!=`);
 * - the JSON-text columns (requestParameters, responseElements, additionalEventData, serviceEventDetails,
 *   edgeDeviceDetails) keep full JSON inside: json_extract tells a missing key (SQL NULL) from a JSON null, and
 *   json_format tells strings, numbers, booleans, arrays and objects apart, so every rule of the engine holds;
 *   at their root only, null and absent look alike, so `!=`, `IS NULL` and `NOT EXISTS` there are refused;
 * - strings compare exactly and case-sensitively; `*` is LIKE's `%` with `%`, `_` and `\` escaped;
 * - numbers compare as doubles (JavaScript's numbers); a quoted string equals a JSON number when JavaScript's
 *   rendering of the number is the string;
 * - `%regex%` is regexp_like on a rewritten regex (./regex.ts);
 * - `[*]` is any_match over the array; `.*` over the keys of a JSON object is any_match over map_values.
 */
export type PredicateResult =
  | { readonly ok: true; readonly sql: string; readonly notes: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/** Thrown inside the compiler for what the table cannot express; turned into a refusal at the top. */
class Unexpressible extends Error {}

const TRUE = 'TRUE';
const FALSE = 'FALSE';

/** A SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function sqlDouble(text: string): string {
  return `CAST(${sqlString(String(Number(text)))} AS DOUBLE)`;
}

const and = (...parts: string[]): string => {
  if (parts.includes(FALSE)) return FALSE;
  const kept = parts.filter((p) => p !== TRUE);
  return kept.length === 0 ? TRUE : kept.length === 1 ? kept[0] : `(${kept.join(' AND ')})`;
};
const or = (...parts: string[]): string => {
  if (parts.includes(TRUE)) return TRUE;
  const kept = parts.filter((p) => p !== FALSE);
  return kept.length === 0 ? FALSE : kept.length === 1 ? kept[0] : `(${kept.join(' OR ')})`;
};
const not = (p: string): string => {
  if (p === TRUE) return FALSE;
  if (p === FALSE) return TRUE;
  const isNotNull = /^([a-z0-9_.]+|json_extract\([^()]*\)) IS NOT NULL$/.exec(p);
  if (isNotNull) return `${isNotNull[1]} IS NULL`;
  return p.startsWith('(') || p.startsWith('COALESCE(') ? `NOT ${p}` : `NOT (${p})`;
};
/** A comparison that may be NULL made definite. */
const definite = (p: string): string => `COALESCE(${p}, FALSE)`;

/** LIKE pattern for a glob with `*` wildcards, escaping LIKE's own metacharacters. */
function likePattern(glob: string): string {
  return glob
    .split('*')
    .map((part) => part.replace(/[\\%_]/g, (c) => `\\${c}`))
    .join('%');
}

/** `text` (a non-NULL SQL string) matches the glob. */
function globSql(text: string, glob: string): string {
  if (!glob.includes('*')) return `${text} = ${sqlString(glob)}`;
  if (/^\*+$/.test(glob)) return TRUE;
  return `${text} LIKE ${sqlString(likePattern(glob))} ESCAPE '\\'`;
}

// ------------------------------------------------------------------ nodes the selector walks over

type Node =
  | { readonly t: 'string'; readonly sql: string }
  | { readonly t: 'boolean'; readonly sql: string }
  | { readonly t: 'ambiguous'; readonly sql: string; readonly why: string; readonly name: string }
  | { readonly t: 'struct'; readonly sql: string; readonly fields: Readonly<Record<string, TableField>>; readonly name: string }
  | { readonly t: 'jsonText'; readonly sql: string; readonly name: string }
  /** A JSON value: `path` in `base`; `element` when base is an array element itself (a JSON null there is SQL NULL). */
  | { readonly t: 'json'; readonly base: string; readonly path: string; readonly element?: boolean }
  | { readonly t: 'structArray'; readonly sql: string; readonly element: Readonly<Record<string, RelativeField>>; readonly name: string }
  | { readonly t: 'element'; readonly sql: string; readonly element: Readonly<Record<string, RelativeField>>; readonly name: string }
  | { readonly t: 'map'; readonly sql: string; readonly name: string };

/** What is asked of each selected node; `exists` asks nothing but presence. */
type NodeTest =
  | { readonly kind: 'exists' }
  | EqualsNode
  | NumericNode
  | IsNode;

function fromTable(field: TableField, name: string): Node {
  switch (field.kind) {
    case 'string': return { t: 'string', sql: field.sql };
    case 'boolean': return { t: 'boolean', sql: field.sql };
    case 'ambiguous': return { t: 'ambiguous', sql: field.sql, why: field.why, name };
    case 'jsonText': return { t: 'jsonText', sql: field.sql, name };
    case 'struct': return { t: 'struct', sql: field.sql, fields: field.fields, name };
    case 'structArray': return { t: 'structArray', sql: field.sql, element: field.element, name };
    case 'map': return { t: 'map', sql: field.sql, name };
    default: return assertNever(field, 'table field');
  }
}

/** A field by name, never one of Object.prototype's (`$.constructor` is a key like any other). */
function own<T>(fields: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(fields, name) ? fields[name] : undefined;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function jsonPathStep(seg: SelectorSegment & { kind: 'key' | 'index' }): string {
  if (seg.kind === 'index') return `[${seg.index}]`;
  if (IDENTIFIER.test(seg.name)) return `.${seg.name}`;
  if (/["\\]/.test(seg.name)) {
    throw new Unexpressible(`the key '${seg.name}' contains a double quote or a backslash, which a json_extract path cannot name`);
  }
  return `["${seg.name}"]`;
}

function jsonValue(n: { base: string; path: string }): string {
  return n.path === '$' ? n.base : `json_extract(${n.base}, ${sqlString(n.path)})`;
}

class Compiler {
  public readonly notes = new Set<string>();
  private lambdas = 0;

  constructor(private readonly selectorText: string) {}

  /** The selected nodes of `segments` below `node`: TRUE when any of them passes `test` (existential, like the engine). */
  public any(node: Node, segments: readonly SelectorSegment[], test: NodeTest): string {
    if (segments.length === 0) return this.present(node, test);
    const [seg, ...rest] = segments;
    switch (node.t) {
      case 'string':
      case 'boolean':
      case 'ambiguous':
        // a scalar has no keys or elements: nothing is selected
        return FALSE;
      case 'map':
        throw new Unexpressible(`${node.name} is a map<string,string> in the table, and its keys are not queried`);
      case 'struct':
      case 'element': {
        const fields: Readonly<Record<string, TableField | RelativeField>> = node.t === 'struct' ? node.fields : node.element;
        switch (seg.kind) {
          case 'key': {
            const field = own(fields, seg.name);
            const name = `${node.name}.${seg.name}`;
            if (!field) {
              const hint = caseVariantOf(fields, seg.name);
              throw new Unexpressible(
                hint
                  ? `${name} is not a field of the CloudTrail table (field names are case-sensitive in the engine: did you mean ${node.name}.${hint}?)`
                  : `${name} is not a field of AWS's CloudTrail table (the SerDe drops fields the DDL does not declare)`,
              );
            }
            const child = node.t === 'element' ? { t: 'string' as const, sql: `${node.sql}.${(field as RelativeField).name}` } : fromTable(field as TableField, name);
            return this.any(child, rest, test);
          }
          case 'index':
          case 'anyIndex':
            return FALSE; // a struct is an object: no elements
          case 'anyKey':
            throw new Unexpressible(`'.*' over the fields of the struct ${node.name} is not supported; name the fields`);
          default:
            return assertNever(seg, 'selector segment');
        }
      }
      case 'structArray':
        switch (seg.kind) {
          case 'index':
            return this.any({ t: 'element', sql: `element_at(${node.sql}, ${seg.index + 1})`, element: node.element, name: `${node.name}[${seg.index}]` }, rest, test);
          case 'anyIndex': {
            const v = this.lambda();
            const inner = this.any({ t: 'element', sql: v, element: node.element, name: `${node.name}[*]` }, rest, test);
            return inner === FALSE ? FALSE : definite(`any_match(${node.sql}, ${v} -> ${inner})`);
          }
          case 'key':
          case 'anyKey':
            return FALSE; // an array has no keys
          default:
            return assertNever(seg, 'selector segment');
        }
      case 'jsonText':
        return this.any({ t: 'json', base: node.sql, path: '$' }, segments, test);
      case 'json':
        switch (seg.kind) {
          case 'key':
          case 'index':
            return this.any({ t: 'json', base: node.base, path: node.path + jsonPathStep(seg) }, rest, test);
          case 'anyIndex': {
            const v = this.lambda();
            const inner = this.any({ t: 'json', base: v, path: '$', element: true }, rest, test);
            return inner === FALSE ? FALSE : definite(`any_match(TRY_CAST(${jsonValue(node)} AS ARRAY(JSON)), ${v} -> ${inner})`);
          }
          case 'anyKey': {
            const v = this.lambda();
            const inner = this.any({ t: 'json', base: v, path: '$', element: true }, rest, test);
            return inner === FALSE
              ? FALSE
              : definite(`any_match(map_values(TRY_CAST(${jsonValue(node)} AS MAP(VARCHAR, JSON))), ${v} -> ${inner})`);
          }
          default:
            return assertNever(seg, 'selector segment');
        }
      default:
        return assertNever(node, 'node');
    }
  }

  private lambda(): string {
    this.lambdas++;
    return `e${this.lambdas}`;
  }

  /** The node is selected when it exists; then it must pass the test. */
  private present(node: Node, test: NodeTest): string {
    switch (node.t) {
      case 'string':
        return test.kind === 'exists' ? `${node.sql} IS NOT NULL` : and(`${node.sql} IS NOT NULL`, this.onString(node.sql, test));
      case 'boolean':
        return test.kind === 'exists' ? `${node.sql} IS NOT NULL` : and(`${node.sql} IS NOT NULL`, this.onBoolean(node.sql, test));
      case 'ambiguous':
        if (test.kind === 'exists') return `${node.sql} IS NOT NULL`;
        throw new Unexpressible(`${this.selectorText}: ${node.name} cannot be compared in the table: ${node.why}`);
      case 'struct':
      case 'structArray':
      case 'element':
      case 'map':
        // an object or an array: present, but never a value node, whatever the test (semantics 'container-never-compares')
        return test.kind === 'exists' ? `${node.sql} IS NOT NULL` : FALSE;
      case 'jsonText':
        return this.onJsonTextRoot(node, test);
      case 'json':
        return this.onJson(node, test);
      default:
        return assertNever(node, 'node');
    }
  }

  private onString(sql: string, test: EqualsNode | NumericNode | IsNode): string {
    switch (test.kind) {
      case 'numeric':
        return FALSE; // semantics 'numeric-operators-need-json-numbers'
      case 'is':
        return FALSE; // a string is neither null nor a boolean ('is-null-only-explicit-null')
      case 'equals': {
        const eq = this.stringEquals(sql, test.value);
        return test.operator === '=' ? eq : not(eq);
      }
      default:
        return assertNever(test, 'test');
    }
  }

  /** A non-NULL string column equals the value (engine: equalityTest on a JSON string). */
  private stringEquals(sql: string, value: Value): string {
    switch (value.kind) {
      case 'string': {
        const g = globSql(sql, value.text);
        return g === TRUE || g === FALSE ? g : `(${g})`;
      }
      case 'number':
        // semantics 'number-literal-vs-json-string': the literal as written
        return `(${sql} = ${sqlString(value.text)})`;
      case 'boolean':
        return FALSE;
      case 'regex':
        return this.regexSql(sql, value.source);
      default:
        return assertNever(value, 'value');
    }
  }

  private regexSql(sql: string, body: string): string {
    const t = translateRegex(body);
    if (!t.ok) return FALSE;
    this.notes.add('a regex counts a character outside the Basic Multilingual Plane as one character in SQL and as two in the engine');
    return `regexp_like(${sql}, ${sqlString(t.source)})`;
  }

  private onBoolean(sql: string, test: EqualsNode | NumericNode | IsNode): string {
    switch (test.kind) {
      case 'numeric':
        return FALSE;
      case 'is':
        return test.literal === 'NULL' ? FALSE : `(${sql} = ${sqlString(test.literal === 'TRUE' ? 'true' : 'false')})`;
      case 'equals': {
        const v = test.value;
        // semantics 'boolean-literal-matches-json-boolean-only'
        const eq = v.kind === 'boolean' ? `(${sql} = ${sqlString(String(v.value))})` : FALSE;
        return test.operator === '=' ? eq : not(eq);
      }
      default:
        return assertNever(test, 'test');
    }
  }

  /** The root of a JSON-text column: an object (or array) when present, or a JSON null, which the table reads as absent. */
  private onJsonTextRoot(node: { sql: string; name: string }, test: NodeTest): string {
    const refuse = (what: string) => {
      throw new Unexpressible(
        `${this.selectorText}: ${what} on ${node.name} itself cannot be expressed: the table reads "${node.name}": null and an absent ${node.name} alike`,
      );
    };
    switch (test.kind) {
      case 'exists':
        return refuse('NOT EXISTS');
      case 'numeric':
        return FALSE; // neither an object nor null is a number
      case 'is':
        return test.literal === 'NULL' ? refuse('IS NULL') : FALSE;
      case 'equals':
        return test.operator === '=' ? FALSE : refuse("'!='");
      default:
        return assertNever(test, 'test');
    }
  }

  private onJson(node: { base: string; path: string; element?: boolean }, test: NodeTest): string {
    const j = jsonValue(node);
    // an array element or map value is always present; the array cast turns a JSON null element into SQL NULL
    const element = node.element === true && node.path === '$';
    const exists = element ? TRUE : `${j} IS NOT NULL`;
    if (test.kind === 'exists') return exists;
    const f = element ? `COALESCE(json_format(${j}), 'null')` : `json_format(${j})`;
    const text = node.path === '$' ? `json_extract_scalar(${node.base}, '$')` : `json_extract_scalar(${node.base}, ${sqlString(node.path)})`;
    const isString = `substr(${f}, 1, 1) = '"'`;
    const isNumber = `regexp_like(${f}, '^-?[0-9]')`;
    const num = `TRY_CAST(${text} AS DOUBLE)`;
    switch (test.kind) {
      case 'numeric':
        return definite(`${isNumber} AND ${num} ${test.operator} ${sqlDouble(test.value.text)}`);
      case 'is':
        return definite(`${f} = ${sqlString(test.literal.toLowerCase())}`);
      case 'equals': {
        const eq = this.jsonEquals(test.value, { f, text, isString, isNumber, num });
        if (test.operator === '=') return eq;
        // present ('not-equal-needs-the-field'), a value node ('container-never-compares'; null is one:
        // 'not-equal-matches-null'), and not equal
        return definite(and(exists, `substr(${f}, 1, 1) NOT IN ('[', '{')`, not(eq)));
      }
      default:
        return assertNever(test, 'test');
    }
  }

  private jsonEquals(value: Value, e: { f: string; text: string; isString: string; isNumber: string; num: string }): string {
    switch (value.kind) {
      case 'string': {
        const onString = globSql(e.text, value.text);
        const onNumber = this.stringOnNumber(value.text, e.num);
        return definite(or(and(e.isString, onString), and(e.isNumber, onNumber)));
      }
      case 'number':
        return definite(or(and(e.isNumber, `${e.num} = ${sqlDouble(value.text)}`), and(e.isString, `${e.text} = ${sqlString(value.text)}`)));
      case 'boolean':
        return definite(`${e.f} = ${sqlString(String(value.value))}`);
      case 'regex': {
        const re = this.regexSql(e.text, value.source);
        if (re === FALSE) return FALSE;
        this.notes.add("a regex tested against a JSON number sees the number's JSON text in SQL and JavaScript's rendering in the engine; they differ only for numbers not written in JavaScript's shortest form (e.g. 1.0, 1e3)");
        return definite(or(and(e.isString, re), and(e.isNumber, re)));
      }
      default:
        return assertNever(value, 'value');
    }
  }

  /** semantics 'string-literal-vs-json-number': a string matches a JSON number when jsonNumberText(n) matches it. */
  private stringOnNumber(glob: string, num: string): string {
    if (/^\*+$/.test(glob)) return TRUE;
    const literalParts = glob.replace(/\*/g, '');
    if (/[^0-9.e+-]/.test(literalParts)) return FALSE; // no rendering of a number contains such a character
    if (!glob.includes('*')) {
      const n = Number(glob);
      // String(v) === glob  <=>  v === Number(glob), when glob is JavaScript's own rendering of that number
      return glob !== '' && Number.isFinite(n) && jsonNumberText(n) === glob ? `${num} = ${sqlDouble(glob)}` : FALSE;
    }
    throw new Unexpressible(
      `${this.selectorText}: the wildcard string "${glob}" may match a JSON number's text, which JavaScript and Trino render differently`,
    );
  }
}

function compileExpr(e: JsonExpr, compilerFor: (selector: Selector) => Compiler, notes: Set<string>): string {
  switch (e.kind) {
    case 'equals':
    case 'numeric':
    case 'is':
      return leaf(e.selector, e, compilerFor, notes);
    case 'notExists':
      // semantics 'not-exists-only-absent': nothing selected ('wildcard-selector-is-existential' for [*] and .*)
      return not(leaf(e.selector, { kind: 'exists' }, compilerFor, notes));
    case 'and':
      return and(...e.items.map((i) => compileExpr(i, compilerFor, notes)));
    case 'or':
      return or(...e.items.map((i) => compileExpr(i, compilerFor, notes)));
    default:
      return assertNever(e, 'JSON expression');
  }
}

function leaf(selector: Selector, test: NodeTest, compilerFor: (s: Selector) => Compiler, notes: Set<string>): string {
  const c = compilerFor(selector);
  const [first, ...rest] = selector.segments;
  const text = renderSelector(selector);
  let out: string;
  if (first === undefined) throw new Unexpressible(`${text}: an empty selector`);
  switch (first.kind) {
    case 'key': {
      const field = own(CLOUDTRAIL_TABLE, first.name);
      if (!field) {
        const hint = caseVariantOf(CLOUDTRAIL_TABLE, first.name);
        throw new Unexpressible(
          hint
            ? `${text}: ${first.name} is not a field of CloudTrail records (field names are case-sensitive in the engine: did you mean $.${hint}?)`
            : `${text}: ${first.name} is not a column of AWS's CloudTrail table (the SerDe drops fields the DDL does not declare)`,
        );
      }
      out = c.any(fromTable(field, first.name), rest, test);
      break;
    }
    case 'index':
    case 'anyIndex':
      out = FALSE; // a record is an object, not an array
      break;
    case 'anyKey':
      throw new Unexpressible(`${text}: '$.*' over every column of the table is not supported`);
    default:
      return assertNever(first, 'selector segment');
  }
  c.notes.forEach((n) => notes.add(n));
  return out;
}

/** The WHERE condition for a pattern over AWS's CloudTrail table. */
export function compilePredicate(node: PatternNode): PredicateResult {
  switch (node.kind) {
    case 'matchAll':
      return { ok: true, sql: TRUE, notes: [] };
    case 'terms':
      return {
        ok: false,
        reason: 'a term pattern tests the raw log event text, which the CloudTrail table does not keep (it holds the parsed fields)',
      };
    case 'spaceDelimited':
      return {
        ok: false,
        reason: 'a space-delimited pattern splits the raw log event text into words, which the CloudTrail table does not keep',
      };
    case 'json': {
      const notes = new Set<string>();
      try {
        const sql = compileExpr(node.expr, (s) => new Compiler(renderSelector(s)), notes);
        return { ok: true, sql, notes: [...notes] };
      } catch (e) {
        if (e instanceof Unexpressible) return { ok: false, reason: e.message };
        throw e;
      }
    }
    default:
      return assertNever(node, 'pattern');
  }
}
