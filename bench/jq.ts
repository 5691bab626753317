/** Translates a JSON filter pattern into an equivalent jq boolean expression (for the jq comparison only). */
import { JsonExpr, PatternNode, Selector, Value } from '../lib/pattern';

function path(sel: Selector): string {
  return sel.segments
    .map((s) => (s.kind === 'key' ? (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s.name) ? `.${s.name}?` : `.${JSON.stringify(s.name)}?`) : s.kind === 'index' ? `[${s.index}]?` : '[]?'))
    .join('');
}

function regexOfGlob(text: string): string {
  return `^${text.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`;
}

function equals(v: Value): string {
  switch (v.kind) {
    case 'string':
      return v.text.includes('*')
        ? `((type == "string") and test(${JSON.stringify(regexOfGlob(v.text))}))`
        : `(. == ${JSON.stringify(v.text)})`;
    case 'number':
      return `(. == ${Number(v.text)})`;
    case 'boolean':
      return `(. == ${v.value})`;
    case 'regex':
      return `((type == "string") and test(${JSON.stringify(v.source)}))`;
  }
}

function expr(e: JsonExpr): string {
  switch (e.kind) {
    case 'equals':
    case 'numeric': {
      const p = path(e.selector);
      const wildcard = e.selector.segments.some((x) => x.kind === 'anyIndex' || x.kind === 'anyKey');
      if (!wildcard && e.operator === '=' && e.value.kind === 'string' && !e.value.text.includes('*')) {
        return `(${p} == ${JSON.stringify(e.value.text)})`;
      }
      const scalar = '((type == "string") or (type == "number") or (type == "boolean"))';
      if (!wildcard) {
        if (e.operator === '=') return `(${p} | ${scalar} and ${equals(e.value)})`;
        if (e.operator === '!=') return `(${p} | ${scalar} and (${equals(e.value)} | not))`;
        return `(${p} | (type == "number") and (. ${e.operator} ${Number(e.value.kind === 'number' ? e.value.text : NaN)}))`;
      }
      if (e.operator === '=') return `any(${p}; ${scalar} and ${equals(e.value)})`;
      if (e.operator === '!=') return `any(${p}; ${scalar} and (${equals(e.value)} | not))`;
      return `any(${p}; (type == "number") and (. ${e.operator} ${Number(e.value.kind === 'number' ? e.value.text : NaN)}))`;
    }
    case 'is':
      return `any(${p2(e.selector)}; . == ${e.literal === 'NULL' ? 'null' : e.literal.toLowerCase()})`;
    case 'notExists': {
      const segs = e.selector.segments;
      const parent = { segments: segs.slice(0, -1) };
      const last = segs[segs.length - 1];
      const parentPath = parent.segments.length ? path(parent) : '.';
      return last.kind === 'key' ? `((${parentPath} | objects | has(${JSON.stringify(last.name)})) | not)` : 'false';
    }
    case 'and':
      return `(${e.items.map(expr).join(' and ')})`;
    case 'or':
      return `(${e.items.map(expr).join(' or ')})`;
  }
}

function p2(sel: Selector): string {
  return path(sel);
}

export function toJq(node: PatternNode): string {
  if (node.kind !== 'json') throw new Error('only JSON patterns are translated to jq');
  return expr(node.expr);
}
