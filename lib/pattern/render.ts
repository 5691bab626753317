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
