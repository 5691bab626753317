import { assertNever } from './assert-never';
import { FieldExpr, JsonExpr, PatternNode, Selector, SpaceField, Term, Value } from './ast';

const NAME = /^[A-Za-z0-9_-]+$/;

/** How text is laid out: the canonical (spaced) style, or the shortest text that parses back to the same AST. */
interface Style {
  readonly compact: boolean;
  readonly value: (v: Value) => string;
  readonly term: (t: Term, first: boolean) => string;
}

/**
 * Renders an AST as canonical pattern text. `parse(render(ast))` gives back `ast` for every AST in normal form.
 * Canonical style: one space around operators, every item of an `&&`/`||` group in parentheses, strings always
 * double-quoted, numbers as written.
 */
export function render(node: PatternNode): string {
  return renderWith(node, SPACED);
}

function renderWith(node: PatternNode, st: Style): string {
  switch (node.kind) {
    case 'matchAll':
      return '';
    case 'terms':
      return node.terms.map((t, i) => st.term(t, i === 0)).join(' ');
    case 'json':
      return st.compact ? `{${renderJson(node.expr, st, false)}}` : `{ ${renderJson(node.expr, st, false)} }`;
    case 'spaceDelimited':
      return `[${node.fields.map((f) => renderField(f, st)).join(st.compact ? ',' : ', ')}]`;
    default:
      return assertNever(node);
  }
}

function renderTerm(t: Term): string {
  return termPrefix(t.mode) + (t.kind === 'regex' ? `%${t.source}%` : quote(t.text));
}

function termPrefix(mode: Term['mode']): string {
  switch (mode) {
    case 'require':
      return '';
    case 'exclude':
      return '-';
    case 'optional':
      return '?';
    default:
      return assertNever(mode, 'term mode');
  }
}

export function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function renderSelector(selector: Selector): string {
  let out = '$';
  for (const s of selector.segments) {
    switch (s.kind) {
      case 'key':
        out += NAME.test(s.name) ? `.${s.name}` : `['${s.name}']`;
        break;
      case 'index':
        out += `[${s.index}]`;
        break;
      case 'anyIndex':
        out += '[*]';
        break;
      case 'anyKey':
        out += '.*';
        break;
      default:
        assertNever(s, 'selector segment');
    }
  }
  return out;
}

export function renderValue(v: Value): string {
  switch (v.kind) {
    case 'string':
      return quote(v.text);
    case 'number':
      return v.text;
    case 'boolean':
      return String(v.value);
    case 'regex':
      return `%${v.source}%`;
    default:
      return assertNever(v, 'value');
  }
}

function renderJson(e: JsonExpr, st: Style, insideAnd: boolean): string {
  switch (e.kind) {
    case 'equals':
    case 'numeric':
      return st.compact ? `${renderSelector(e.selector)}${e.operator}${st.value(e.value)}` : `${renderSelector(e.selector)} ${e.operator} ${st.value(e.value)}`;
    case 'is':
      return `${renderSelector(e.selector)} IS ${e.literal}`;
    case 'notExists':
      return `${renderSelector(e.selector)} NOT EXISTS`;
    case 'and':
      // canonical: every item in parentheses; compact: parentheses only where `||` sits inside `&&`
      return st.compact ? e.items.map((item) => renderJson(item, st, true)).join('&&') : e.items.map((item) => `(${renderJson(item, st, false)})`).join(' && ');
    case 'or': {
      if (!st.compact) return e.items.map((item) => `(${renderJson(item, st, false)})`).join(' || ');
      const text = e.items.map((item) => renderJson(item, st, false)).join('||');
      return insideAnd ? `(${text})` : text;
    }
    default:
      return assertNever(e);
  }
}

function renderField(f: SpaceField, st: Style): string {
  switch (f.kind) {
    case 'ellipsis':
      return '...';
    case 'field':
      return f.condition ? renderFieldExpr(f.name, f.condition, st) : f.name;
    default:
      return assertNever(f);
  }
}

/** Space-delimited conditions have no parentheses, so `&&` binds tighter than `||` by position alone. */
function renderFieldExpr(name: string, e: FieldExpr, st: Style): string {
  const [and, or, op] = st.compact ? ['&&', '||', (o: string) => o] : [' && ', ' || ', (o: string) => ` ${o} `];
  switch (e.kind) {
    case 'equals':
    case 'numeric':
      return `${name}${op(e.operator)}${st.value(e.value)}`;
    case 'and':
      return e.items.map((i) => renderFieldExpr(name, i, st)).join(and);
    case 'or':
      return e.items.map((i) => renderFieldExpr(name, i, st)).join(or);
    default:
      return assertNever(e);
  }
}

// ---------------------------------------------------------------- compact rendering

const BARE_VALUE = /^[A-Za-z0-9_.*+-]+$/;
const NUMBER_TEXT = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * Renders an AST as the shortest text this renderer knows that parses back to it: no optional spaces, parentheses
 * only where `||` sits inside `&&`, values and terms unquoted where the lexer reads them back unchanged, and
 * backslashes escaped only where needed. It is never longer than any text that parses to the same AST, so it fits
 * CloudWatch Logs' 1024-character limit whenever the pattern did; `LogFilterPattern.canonical` uses it when the
 * spaced canonical rendering would not fit.
 */
export function renderCompact(node: PatternNode): string {
  return renderWith(node, COMPACT);
}

/** A quoted string with `\` escaped only before `"`, `\` or the closing quote (the lexer keeps other backslashes). */
export function quoteMinimal(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') out += '\\"';
    else if (c === '\\') out += i + 1 === text.length || text[i + 1] === '"' || text[i + 1] === '\\' ? '\\\\' : '\\';
    else out += c;
  }
  return `${out}"`;
}

function compactTerm(t: Term, first: boolean): string {
  const prefix = termPrefix(t.mode);
  if (t.kind === 'regex') return `${prefix}%${t.source}%`;
  const text = t.text;
  const bare =
    text.length > 0 &&
    !/[\s"]/.test(text) &&
    text[0] !== '%' &&
    // without a prefix, a leading ? or - would be read as one, and a leading { or [ would change the pattern kind
    (prefix !== '' || (text[0] !== '?' && text[0] !== '-' && !(first && (text[0] === '{' || text[0] === '['))));
  return prefix + (bare ? text : quoteMinimal(text));
}

function compactValue(v: Value): string {
  switch (v.kind) {
    case 'string': {
      const t = v.text;
      const bare = BARE_VALUE.test(t) && !NUMBER_TEXT.test(t) && t !== 'true' && t !== 'false' && t !== '...';
      return bare ? t : quoteMinimal(t);
    }
    default:
      // numbers, booleans and regexes have one spelling
      return renderValue(v);
  }
}

const SPACED: Style = { compact: false, value: renderValue, term: (t) => renderTerm(t) };
const COMPACT: Style = { compact: true, value: compactValue, term: compactTerm };
