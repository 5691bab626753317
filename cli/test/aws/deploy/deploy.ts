/**
 * Deploys a synthesized template into moto_server: the types moto's CloudFormation supports through CreateStack,
 * the others through their service APIs (creators.ts), with properties taken from the template and references
 * resolved against what was created. moto's known quirks are worked around here, never in the audit:
 *  - GetKeyPolicy returns the policy as a JSON object (not a string) for keys created by moto's CloudFormation:
 *    the harness puts each key's policy again with PutKeyPolicy, so it reads back as the string AWS returns;
 *  - moto's Fn::GetAtt LogGroup.Arn lacks the `:*` suffix CloudFormation appends: the harness adds it;
 *  - moto's CloudFormation cannot fetch CDK file assets: a Lambda function's code is replaced by an inline stub
 *    (the audit reads only a function's tags and environment, never its code);
 *  - moto's CloudFormation does not resolve the CDK bootstrap parameter (an SSM parameter type) nor check Rules:
 *    both are left out;
 *  - moto's CloudFormation drops a Lambda function's Tags: the harness tags the function through the API;
 *  - moto confirms email subscriptions at once (see creators.ts).
 */
import { CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { GetFunctionCommand, TagResourceCommand } from '@aws-sdk/client-lambda';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { API_CREATORS, Credentials, harnessClients, HarnessClients, MOTO_CLOUDFORMATION_TYPES, NOT_RESOURCES } from './creators';
import { references, resolve, ResolveContext } from './intrinsics';

export const DEFAULT_ACCOUNT = '123456789012';
const TESTING: Credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** Credentials for an account of moto_server: the default account's, or (any other) an assumed role's, as moto keys accounts by access key. */
export async function credentialsFor(endpoint: string, account: string): Promise<Credentials> {
  if (account === DEFAULT_ACCOUNT) return TESTING;
  const c = harnessClients(endpoint, 'us-east-1', TESTING);
  const r = await c.sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/deploy-harness`, RoleSessionName: 'deploy-harness' }));
  return { accessKeyId: r.Credentials!.AccessKeyId!, secretAccessKey: r.Credentials!.SecretAccessKey!, sessionToken: r.Credentials!.SessionToken };
}

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
  readonly Condition?: string;
  readonly [k: string]: unknown;
}

export interface DeployOptions {
  readonly endpoint: string;
  readonly stackName: string;
  readonly template: { readonly Resources: Record<string, Resource>; readonly [k: string]: unknown };
  readonly account?: string;
  readonly region?: string;
}

export interface Deployment {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly credentials: Credentials;
  readonly clients: HarnessClients;
  /** `Ref` values by logical id. */
  readonly refs: ReadonlyMap<string, string>;
  readonly attributes: ReadonlyMap<string, string>;
  /** Logical ids created by moto's CloudFormation, and through the service APIs (with their type). */
  readonly viaCloudFormation: readonly string[];
  readonly viaApi: ReadonlyArray<{ readonly logicalId: string; readonly type: string }>;
}

const dependsOn = (r: Resource) => (r.DependsOn === undefined ? [] : Array.isArray(r.DependsOn) ? r.DependsOn : [r.DependsOn]);
const outputKey = (prefix: string, id: string, attr = '') => `${prefix}${id}${attr.replace(/[^A-Za-z0-9]/g, 'x')}`;

/** Deploys one template; throws, naming them, on resource types neither moto's CloudFormation nor a creator handles. */
export async function deployTemplate(o: DeployOptions): Promise<Deployment> {
  const account = o.account ?? DEFAULT_ACCOUNT;
  const region = o.region ?? 'us-east-1';
  const credentials = await credentialsFor(o.endpoint, account);
  const c = harnessClients(o.endpoint, region, credentials);
  const resources = o.template.Resources;
  const cfn: string[] = [];
  const api: string[] = [];
  const unknown: string[] = [];
  for (const [id, r] of Object.entries(resources)) {
    if (NOT_RESOURCES.has(r.Type)) continue;
    if (r.Condition !== undefined) throw new Error(`resource ${id} has a Condition (${r.Condition}): the deploy harness does not evaluate resource conditions yet`);
    if (MOTO_CLOUDFORMATION_TYPES.has(r.Type)) cfn.push(id);
    else if (API_CREATORS[r.Type]) api.push(id);
    else unknown.push(`${id} (${r.Type})`);
  }
  if (unknown.length > 0) {
    throw new Error(
      `the deploy harness cannot create ${unknown.join(', ')}: add a creator to API_CREATORS in test/aws/deploy/creators.ts, or the type to MOTO_CLOUDFORMATION_TYPES if moto's CloudFormation creates it`,
    );
  }
  const apiSet = new Set(api);
  for (const id of cfn) {
    const bad = [...references(resources[id].Properties ?? {})].filter((x) => apiSet.has(x));
    if (bad.length) throw new Error(`${id} (${resources[id].Type}) is created by moto's CloudFormation but refers to ${bad.join(', ')}, which the harness creates later through the API`);
  }

  const refs = new Map<string, string>();
  const attributes = new Map<string, string>();
  if (cfn.length > 0) {
    const wanted = new Set<string>();
    for (const r of Object.values(resources)) {
      const walk = (v: unknown) => {
        if (Array.isArray(v)) {v.forEach(walk);} else if (v && typeof v === 'object') {
          const ga = (v as any)['Fn::GetAtt'];
          if (Array.isArray(ga)) wanted.add(`${ga[0]}.${ga[1]}`);
          for (const m of JSON.stringify((v as any)['Fn::Sub'] ?? '').matchAll(/\$\{([A-Za-z0-9]+)\.([A-Za-z0-9.]+)\}/g)) wanted.add(`${m[1]}.${m[2]}`);
          Object.values(v).forEach(walk);
        }
      };
      walk(r.Properties);
    }
    const body: Record<string, unknown> = { AWSTemplateFormatVersion: '2010-09-09', Resources: {}, Outputs: {} };
    if (o.template.Conditions) body.Conditions = o.template.Conditions;
    const outputs = body.Outputs as Record<string, unknown>;
    const res = body.Resources as Record<string, unknown>;
    for (const id of cfn) {
      const r = resources[id];
      const kept = dependsOn(r).filter((d) => !apiSet.has(d) && resources[d] && !NOT_RESOURCES.has(resources[d].Type));
      const copy: Record<string, unknown> = { ...r, DependsOn: kept.length ? kept : undefined };
      if (r.Type === 'AWS::Lambda::Function') {
        // moto quirk: no CDK assets in moto_server; an inline stub stands in for the bundled code
        copy.Properties = { ...r.Properties, Code: { ZipFile: 'exports.handler = async () => undefined;' } };
      }
      res[id] = copy;
      outputs[outputKey('Ref', id)] = { Value: { Ref: id } };
    }
    // moto's CloudFormation records the types it skips without creating them: the stack's template (GetTemplate)
    // is then the whole template, as `audit --stack` reads it from AWS
    for (const id of api) res[id] = { Type: resources[id].Type, Properties: resources[id].Properties };
    for (const w of wanted) {
      const [id, attr] = w.split(/\.(.*)/);
      if (cfn.includes(id)) outputs[outputKey('Att', id, attr)] = { Value: { 'Fn::GetAtt': [id, attr] } };
    }
    await c.cloudformation.send(new CreateStackCommand({ StackName: o.stackName, TemplateBody: JSON.stringify(body), Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'] }));
    let stack;
    for (let i = 0; i < 100; i++) {
      stack = (await c.cloudformation.send(new DescribeStacksCommand({ StackName: o.stackName }))).Stacks![0];
      if (!stack.StackStatus?.endsWith('IN_PROGRESS')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (stack?.StackStatus !== 'CREATE_COMPLETE') throw new Error(`moto's CloudFormation left stack ${o.stackName} in ${stack?.StackStatus}: ${stack?.StackStatusReason}`);
    const out = new Map((stack.Outputs ?? []).map((x) => [x.OutputKey!, x.OutputValue!]));
    for (const id of cfn) refs.set(id, out.get(outputKey('Ref', id))!);
    for (const w of wanted) {
      const [id, attr] = w.split(/\.(.*)/);
      let v = out.get(outputKey('Att', id, attr));
      if (v === undefined) continue;
      // moto quirk: CloudFormation's LogGroup Arn ends in ':*'
      if (resources[id].Type === 'AWS::Logs::LogGroup' && attr === 'Arn' && !v.endsWith(':*')) v = `${v}:*`;
      attributes.set(w, v);
    }
  }

  const conditions = o.template.Conditions as Record<string, unknown> | undefined;
  const ctx = (): ResolveContext => ({ account, region, stackName: o.stackName, refs, attributes, conditions });
  // API resources in dependency order
  const done = new Set<string>();
  const pending = [...api];
  while (pending.length > 0) {
    const needs = (id: string) => [...references(resources[id].Properties ?? {}), ...dependsOn(resources[id])];
    const ready = (id: string) => needs(id).every((d) => !apiSet.has(d) || done.has(d));
    const i = pending.findIndex(ready);
    if (i < 0) throw new Error(`circular references between ${pending.join(', ')}`);
    const [id] = pending.splice(i, 1);
    const r = resources[id];
    const props = resolve(r.Properties ?? {}, ctx());
    const made = await API_CREATORS[r.Type](props, { c, account, region, stackName: o.stackName, logicalId: id });
    refs.set(id, made.ref);
    for (const [k, v] of Object.entries(made.attributes ?? {})) attributes.set(`${id}.${k}`, v);
    done.add(id);
  }

  // moto quirk: keys created by its CloudFormation return their policy as an object from GetKeyPolicy
  for (const id of cfn.filter((x) => resources[x].Type === 'AWS::KMS::Key')) {
    const policy = resources[id].Properties?.KeyPolicy;
    if (policy === undefined) continue;
    await c.kms.send(new PutKeyPolicyCommand({ KeyId: refs.get(id)!, PolicyName: 'default', Policy: JSON.stringify(resolve(policy, ctx())) }));
  }
  const viaApi = api.map((logicalId) => ({ logicalId, type: resources[logicalId].Type }));
  // moto quirk: moto's CloudFormation creates a Lambda function without its Tags
  for (const id of cfn.filter((x) => resources[x].Type === 'AWS::Lambda::Function')) {
    const tags = resources[id].Properties?.Tags as Array<{ Key: string; Value: unknown }> | undefined;
    if (!tags?.length) continue;
    const fn = await c.lambda.send(new GetFunctionCommand({ FunctionName: refs.get(id)! }));
    const Tags = Object.fromEntries(tags.map((t) => [t.Key, String(resolve(t.Value, ctx()))]));
    await c.lambda.send(new TagResourceCommand({ Resource: fn.Configuration!.FunctionArn!, Tags }));
  }
  return { stackName: o.stackName, account, region, credentials, clients: c, refs, attributes, viaCloudFormation: cfn, viaApi };
}
