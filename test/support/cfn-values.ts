// What a CloudFormation value deploys as, for tests that synthesize a stack and then reason about the strings
// CloudFormation will make: `Ref` and `Fn::GetAtt` become stand-ins (given ones, else `<LogicalId>` and
// `<LogicalId.Attribute>`), `Fn::Join` is joined. Anything else is refused, so a test never reasons about a value it
// cannot see.

const INTRINSICS = ['Ref', 'Fn::GetAtt', 'Fn::Join'];

/** A value as the string it deploys as. */
export function evaluateCfn(v: unknown, refs: Readonly<Record<string, string>> = {}): string {
  if (typeof v === 'string') return v;
  const o = v as Record<string, any>;
  if (o.Ref) return refs[o.Ref] ?? `<${o.Ref}>`;
  if (o['Fn::GetAtt']) return refs[o['Fn::GetAtt'].join('.')] ?? `<${o['Fn::GetAtt'].join('.')}>`;
  if (o['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map((x) => evaluateCfn(x, refs)).join(o['Fn::Join'][0]);
  throw new Error(`cannot evaluate ${JSON.stringify(v)}`);
}

/** A template value (an object or list holding intrinsics) with every intrinsic evaluated by `evaluateCfn`. */
export function resolveCfnDeep(v: unknown, refs: Readonly<Record<string, string>> = {}): any {
  if (Array.isArray(v)) return v.map((x) => resolveCfnDeep(x, refs));
  if (typeof v !== 'object' || v === null) return v;
  const keys = Object.keys(v);
  if (keys.length === 1 && INTRINSICS.includes(keys[0])) return evaluateCfn(v, refs);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveCfnDeep(x, refs)]));
}
