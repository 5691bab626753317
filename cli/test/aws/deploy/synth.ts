/** Synthesizes every example app in-process (examples/*.ts export `buildApp`), as `npm run example` does. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';

export interface SynthesizedStack {
  readonly example: string;
  readonly stackName: string;
  /** The template file in the cloud assembly (`<stack>.template.json`). */
  readonly templateFile: string;
  readonly template: any;
}

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', '..', 'examples');

/** Every example module with a `buildApp(app)` builder. */
export function exampleModules(): string[] {
  return fs
    .readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .filter((f) => /export function buildApp/.test(fs.readFileSync(path.join(EXAMPLES, f), 'utf8')))
    .map((f) => f.replace(/\.ts$/, ''));
}

/** The stacks of one example module. */
export function synthExample(name: string, outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cta-deploy-'))): SynthesizedStack[] {
  const app = new App({ outdir: path.join(outdir, name) });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require(path.join(EXAMPLES, name)) as { buildApp(app: App): App }).buildApp(app);
  return app.synth().stacks.map((stack) => {
    const templateFile = path.join(outdir, name, stack.templateFile);
    return { example: name, stackName: stack.stackName, templateFile, template: JSON.parse(fs.readFileSync(templateFile, 'utf8')) };
  });
}

export function synthExamples(outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cta-deploy-'))): SynthesizedStack[] {
  return exampleModules().flatMap((name) => synthExample(name, outdir));
}
