import * as fs from 'fs';
import * as path from 'path';
import { Validations } from 'aws-cdk-lib';
import { AppTemplate } from '../../audit/app-model';

/** Metadata entries of one stack, by construct path (what `cdk.out/<stack>.metadata.json` holds). */
type StackMetadata = Record<string, ReadonlyArray<{ readonly type: string; readonly data?: unknown }>>;

/** One stack of the cloud assembly as the checks need it. */
export interface AssemblyStack extends AppTemplate {
  /** Rule ids acknowledged on each construct path of the stack (`Validations.of(scope).acknowledge()`). */
  readonly acknowledged: ReadonlyMap<string, ReadonlySet<string>>;
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`AlarmPipelineChecks cannot read ${what} ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`AlarmPipelineChecks cannot read ${what} ${file}: it is not JSON (${(e as Error).message})`);
  }
}

/** The stack metadata of a template: the manifest beside it names the file (or holds the metadata inline). */
function stackMetadata(templatePath: string): StackMetadata {
  const dir = path.dirname(templatePath);
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) return {};
  const manifest = readJson(manifestFile, 'the cloud assembly manifest') as { artifacts?: Record<string, any> };
  const artifact = Object.values(manifest.artifacts ?? {}).find(
    (a) => a?.type === 'aws:cloudformation:stack' && a?.properties?.templateFile === path.basename(templatePath),
  );
  if (!artifact) return {};
  if (typeof artifact.additionalMetadataFile === 'string') {
    const file = path.join(dir, artifact.additionalMetadataFile);
    return fs.existsSync(file) ? (readJson(file, 'the stack metadata') as StackMetadata) : {};
  }
  return (artifact.metadata ?? {}) as StackMetadata;
}

/** Reads each template with its construct paths and acknowledgements. */
export function readAssemblyStacks(templatePaths: readonly string[]): AssemblyStack[] {
  return templatePaths.map((templatePath) => {
    const document = readJson(templatePath, 'the template');
    const metadata = stackMetadata(templatePath);
    const constructPaths = new Map<string, string>();
    const acknowledged = new Map<string, Set<string>>();
    for (const [constructPath, entries] of Object.entries(metadata)) {
      for (const entry of Array.isArray(entries) ? entries : []) {
        if (entry.type === 'aws:cdk:logicalId' && typeof entry.data === 'string') constructPaths.set(entry.data, constructPath);
        if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data && typeof entry.data === 'object') {
          const ids = acknowledged.get(constructPath) ?? new Set<string>();
          // `Validations.acknowledge()` stores an id without a prefix as `annotation::<id>`
          for (const id of Object.keys(entry.data)) ids.add(id.replace(/^[^:]+::/, ''));
          acknowledged.set(constructPath, ids);
        }
      }
    }
    return { path: templatePath, document, constructPaths, acknowledged };
  });
}

/** Whether a rule is acknowledged on a construct or on one of its scopes within the stack. */
export function isAcknowledged(stack: AssemblyStack | undefined, constructPath: string | undefined, rule: string): boolean {
  if (!stack || constructPath === undefined) return false;
  for (const [scope, ids] of stack.acknowledged) {
    if ((constructPath === scope || constructPath.startsWith(`${scope}/`)) && ids.has(rule)) return true;
  }
  return false;
}
