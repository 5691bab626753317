/**
 * Evaluates the CloudFormation intrinsic functions a synthesized CDK template uses (Ref, Fn::GetAtt, Fn::Join,
 * Fn::Sub, Fn::Select, Fn::Split, Fn::If, Fn::Equals, Fn::Not, Fn::And, Fn::Or, Fn::Base64), against what the harness
 * has created. An unknown function or an unknown reference throws, naming it: the harness never guesses.
 */
export interface ResolveContext {
  readonly account: string;
  readonly region: string;
  readonly stackName: string;
  /** `Ref` values by logical id. */
  readonly refs: ReadonlyMap<string, string>;
  /** `Fn::GetAtt` values by `logicalId.attribute`. */
  readonly attributes: ReadonlyMap<string, string>;
  readonly conditions?: Readonly<Record<string, unknown>>;
  readonly parameters?: Readonly<Record<string, string>>;
}

export const NO_VALUE = Symbol('AWS::NoValue');

function pseudo(name: string, c: ResolveContext): string | typeof NO_VALUE | undefined {
  switch (name) {
    case 'AWS::AccountId':
      return c.account;
    case 'AWS::Region':
      return c.region;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return c.stackName;
    case 'AWS::StackId':
      return `arn:aws:cloudformation:${c.region}:${c.account}:stack/${c.stackName}/00000000-0000-0000-0000-000000000000`;
    case 'AWS::NoValue':
      return NO_VALUE;
    default:
      return undefined;
  }
}

function ref(name: string, c: ResolveContext): string | typeof NO_VALUE {
  const p = pseudo(name, c);
  if (p !== undefined) return p;
  const v = c.refs.get(name) ?? c.parameters?.[name];
  if (v === undefined) throw new Error(`Ref ${name}: no such resource or parameter has been created`);
  return v;
}

function getAtt(id: string, attr: string, c: ResolveContext): string {
  const v = c.attributes.get(`${id}.${attr}`);
  if (v === undefined) throw new Error(`Fn::GetAtt ${id}.${attr}: not known (the resource's creator does not provide that attribute)`);
  return v;
}

function condition(name: string, c: ResolveContext): boolean {
  const def = c.conditions?.[name];
  if (def === undefined) throw new Error(`condition ${name} is not defined`);
  return Boolean(resolve(def, c));
}

/** The value of a template expression. Objects and arrays are resolved deeply; AWS::NoValue removes the key. */
export function resolve(v: unknown, c: ResolveContext): any {
  if (Array.isArray(v)) return v.map((x) => resolve(x, c)).filter((x) => x !== NO_VALUE);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition')) {
    const [fn] = keys;
    const arg = o[fn] as any;
    switch (fn) {
      case 'Ref':
        return ref(arg, c);
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg : String(arg).split(/\.(.*)/);
        return getAtt(id, resolve(attr, c), c);
      }
      case 'Fn::Join':
        return (resolve(arg[1], c) as unknown[]).map(String).join(arg[0]);
      case 'Fn::Select':
        return (resolve(arg[1], c) as unknown[])[Number(resolve(arg[0], c))];
      case 'Fn::Split':
        return String(resolve(arg[1], c)).split(arg[0]);
      case 'Fn::Base64':
        return Buffer.from(String(resolve(arg, c))).toString('base64');
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? [arg[0], resolve(arg[1] ?? {}, c)] : [arg, {}];
        return String(text).replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => {
          if (name in vars) return String(vars[name]);
          if (name.includes('.')) {
            const [id, attr] = name.split(/\.(.*)/);
            return getAtt(id, attr, c);
          }
          const r = ref(name, c);
          return r === NO_VALUE ? '' : r;
        });
      }
      case 'Fn::If':
        return resolve(condition(arg[0], c) ? arg[1] : arg[2], c);
      case 'Fn::Equals':
        return resolve(arg[0], c) === resolve(arg[1], c);
      case 'Fn::Not':
        return !resolve(arg[0], c);
      case 'Fn::And':
        return (arg as unknown[]).every((x) => resolve(x, c));
      case 'Fn::Or':
        return (arg as unknown[]).some((x) => resolve(x, c));
      case 'Condition':
        return condition(arg, c);
      default:
        throw new Error(`intrinsic function ${fn} is not supported by the deploy harness: add it to test/aws/deploy/intrinsics.ts`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) {
    const r = resolve(x, c);
    if (r !== NO_VALUE) out[k] = r;
  }
  return out;
}

/** Logical ids an expression refers to (Ref, Fn::GetAtt and ${X} / ${X.Attr} in Fn::Sub). */
export function references(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) {
    v.forEach((x) => references(x, out));
  } else if (v && typeof v === 'object') {
    const o = v as Record<string, any>;
    if (typeof o.Ref === 'string' && !o.Ref.startsWith('AWS::')) out.add(o.Ref);
    const ga = o['Fn::GetAtt'];
    if (ga !== undefined) out.add(Array.isArray(ga) ? String(ga[0]) : String(ga).split('.')[0]);
    const sub = o['Fn::Sub'];
    if (sub !== undefined) {
      const [text, vars] = Array.isArray(sub) ? [sub[0], sub[1] ?? {}] : [sub, {}];
      for (const m of String(text).matchAll(/\$\{([^}!][^}]*)\}/g)) {
        const name = m[1].split('.')[0];
        if (!name.startsWith('AWS::') && !(name in vars)) out.add(name);
      }
      references(vars, out);
    }
    for (const [k, x] of Object.entries(o)) if (k !== 'Ref' && k !== 'Fn::GetAtt' && k !== 'Fn::Sub') references(x, out);
  }
  return out;
}
