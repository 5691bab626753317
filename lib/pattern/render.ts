import { assertNever } from './assert-never';
import { FieldExpr, JsonExpr, PatternNode, Selector, SpaceField, Term, Value } from './ast';

const NAME = /^[A-Za-z0-9_-]+$/;

/**
 * Renders an AST as canonical pattern text. `parse(render(ast))` gives back `ast` for every AST in normal form.
 * Canonical style: one space around operators, every item of an `&&`/`||` group in parentheses, strings always
 * double-quoted, numbers as written.
 */
export function render(node: PatternNode): string {
  switch (node.kind) {
    case 'matchAll':
      return '';
    case 'terms':
      return node.terms.map(renderTerm).join(' ');
    case 'json':
      return `{ ${renderJson(node.expr)} }`;
    case 'spaceDelimited':
      return `[${node.fields.map(renderField).join(', ')}]`;
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

function renderJson(e: JsonExpr): string {
  switch (e.kind) {
    case 'equals':
    case 'numeric':
      return `${renderSelector(e.selector)} ${e.operator} ${renderValue(e.value)}`;
    case 'is':
      return `${renderSelector(e.selector)} IS ${e.literal}`;
    case 'notExists':
      return `${renderSelector(e.selector)} NOT EXISTS`;
    case 'and':
    case 'or':
      return e.items.map((item) => `(${renderJson(item)})`).join(e.kind === 'and' ? ' && ' : ' || ');
    default:
      return assertNever(e);
  }
}

function renderField(f: SpaceField): string {
  switch (f.kind) {
    case 'ellipsis':
      return '...';
    case 'field':
      return f.condition ? renderFieldExpr(f.name, f.condition) : f.name;
    default:
      return assertNever(f);
  }
}

/** Space-delimited conditions have no parentheses, so `&&` binds tighter than `||` by position alone. */
function renderFieldExpr(name: string, e: FieldExpr): string {
  switch (e.kind) {
    case 'equals':
    case 'numeric':
      return `${name} ${e.operator} ${renderValue(e.value)}`;
    case 'and':
      return e.items.map((i) => renderFieldExpr(name, i)).join(' && ');
    case 'or':
      return e.items.map((i) => renderFieldExpr(name, i)).join(' || ');
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
  switch (node.kind) {
    case 'matchAll':
      return '';
    case 'terms':
      return node.terms.map((t, i) => compactTerm(t, i === 0)).join(' ');
    case 'json':
      return `{${compactJson(node.expr, false)}}`;
    case 'spaceDelimited':
      return `[${node.fields.map(compactField).join(',')}]`;
    default:
      return assertNever(node);
  }
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

function compactJson(e: JsonExpr, insideAnd: boolean): string {
  switch (e.kind) {
    case 'equals':
    case 'numeric':
      return `${renderSelector(e.selector)}${e.operator}${compactValue(e.value)}`;
    case 'is':
      return `${renderSelector(e.selector)} IS ${e.literal}`;
    case 'notExists':
      return `${renderSelector(e.selector)} NOT EXISTS`;
    case 'and':
      return e.items.map((item) => compactJson(item, true)).join('&&');
    case 'or': {
      const text = e.items.map((item) => compactJson(item, false)).join('||');
      return insideAnd ? `(${text})` : text;
    }
    default:
      return assertNever(e);
  }
}

function compactField(f: SpaceField): string {
  switch (f.kind) {
    case 'ellipsis':
      return '...';
    case 'field':
      return f.condition ? compactFieldExpr(f.name, f.condition) : f.name;
    default:
      return assertNever(f);
  }
}

function compactFieldExpr(name: string, e: FieldExpr): string {
  switch (e.kind) {
    case 'equals':
    case 'numeric':
      return `${name}${e.operator}${compactValue(e.value)}`;
    case 'and':
      return e.items.map((i) => compactFieldExpr(name, i)).join('&&');
    case 'or':
      return e.items.map((i) => compactFieldExpr(name, i)).join('||');
    default:
      return assertNever(e);
  }
}
