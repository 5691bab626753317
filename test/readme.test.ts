import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/** README examples must compile: each ```ts block is type-checked against the library sources. */
const root = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

test('the README has TypeScript examples', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(3);
});

test('every README TypeScript example compiles', () => {
  const dir = path.join(root, 'test', '.readme-snippets');
  fs.mkdirSync(dir, { recursive: true });
  const files = blocks.map((code, i) => {
    const file = path.join(dir, `snippet${i}.ts`);
    // the package name resolves to the sources; each snippet is its own module
    fs.writeFileSync(file, `${code.replace(/from 'cdk-cloudtrail-alarms'/g, "from '../../lib'")}\nexport {};\n`);
    return file;
  });
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
  });
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.includes(path.resolve(d.file.fileName)))
    .map((d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  expect(diagnostics).toEqual([]);
}, 60_000);
