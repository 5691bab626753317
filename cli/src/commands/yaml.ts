/**
 * A minimal YAML emitter for JSON-shaped data (objects, arrays, strings, numbers, booleans, null). Scalars are
 * written as JSON, which YAML 1.2 reads as double-quoted scalars, so every string round-trips exactly.
 */
export function toYaml(value: unknown, indent = 0): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return value
      .map((item) => {
        const inner = toYaml(item, indent + 2);
        return isBlock(item) ? `${pad}-\n${inner}` : `${pad}- ${inner}`;
      })
      .join('\n');
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return entries
      .map(([k, v]) => {
        const key = /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : JSON.stringify(k);
        return isBlock(v) ? `${pad}${key}:\n${toYaml(v, indent + 2)}` : `${pad}${key}: ${toYaml(v, indent + 2)}`;
      })
      .join('\n');
  }
  return JSON.stringify(value ?? null);
}

function isBlock(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return v !== null && typeof v === 'object' && Object.keys(v as object).length > 0;
}
