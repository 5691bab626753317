import { assertNever } from './assert-never';
import { JsonExpr, PatternNode } from './ast';

// The literal prefilter of the local engine (which literals must occur in a record's raw text) is
// cli/src/engines/local/prefilter.ts, with its exactness argument; this module keeps what needs no such argument.

/**
 * The event names a JSON pattern can only match: when every record it matches has a string `eventName` equal to one
 * of them (exact, no wildcard), they are returned; otherwise undefined. (`$.eventName = "X"` without `*` compares a
 * string value exactly; a number value is compared by its text, so a caller that indexes records by name must still
 * try the named detections on records whose eventName is not a string.)
 */
export function requiredEventNames(node: PatternNode): readonly string[] | undefined {
  if (node.kind !== 'json') return undefined;
  return eventNames(node.expr);
}

function eventNames(e: JsonExpr): readonly string[] | undefined {
  switch (e.kind) {
    case 'equals': {
      const segs = e.selector.segments;
      const isEventName = segs.length === 1 && segs[0].kind === 'key' && segs[0].name === 'eventName';
      if (isEventName && e.operator === '=' && e.value.kind === 'string' && !e.value.text.includes('*')) return [e.value.text];
      return undefined;
    }
    case 'and': {
      for (const item of e.items) {
        const s = eventNames(item);
        if (s) return s;
      }
      return undefined;
    }
    case 'or': {
      const out = new Set<string>();
      for (const item of e.items) {
        const s = eventNames(item);
        if (!s) return undefined;
        s.forEach((n) => out.add(n));
      }
      return [...out];
    }
    case 'numeric':
    case 'is':
    case 'notExists':
      return undefined;
    default:
      return assertNever(e);
  }
}
