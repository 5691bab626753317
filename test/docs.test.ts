import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * The manual's examples compile: every ```ts block of README.md, CONTRIBUTING.md and docs/**\/*.md is type-checked
 * against the library sources twice, as a reader copies it (a module of its own) and as jsii-rosetta compiles it
 * (inside rosetta/default.ts-fixture, with its imports and `declare` lines hoisted). Each block is written to
 * test/.readme-snippets/ (git-ignored) under the name of its page and its position there.
 */
const root = path.join(__dirname, '..');
const snippetDir = path.join(root, 'test', '.readme-snippets');
const fixtureFile = path.join(root, 'rosetta', 'default.ts-fixture');

function markdownPages(): string[] {
  const pages = ['README.md', 'CONTRIBUTING.md'].filter((p) => fs.existsSync(path.join(root, p)));
  const walk = (dir: string): string[] =>
    fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) return walk(rel);
      return e.name.endsWith('.md') ? [rel] : [];
    });
  return [...pages, ...(fs.existsSync(path.join(root, 'docs')) ? walk('docs').sort() : [])];
}

interface Snippet {
  readonly page: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly code: string;
  /** Written as the reader copies it. */
  readonly file: string;
  /** Written as jsii-rosetta compiles it. */
  readonly fixtureFile: string;
}

function blocksOf(page: string): Array<{ line: number; code: string }> {
  const text = fs.readFileSync(path.join(root, page), 'utf8');
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m) => ({
    line: text.slice(0, m.index).split('\n').length,
    code: m[1],
  }));
}

/** The package name resolves to the sources (`from '...'` and `import('...')`). */
function toSources(code: string): string {
  return code.replace(/(from |import\()'cdk-cloudtrail-alarms'/g, "$1'../../lib'");
}

/** jsii-rosetta's rule: imports and `declare` variable statements go above the fixture, the rest at `/// here`. */
function fixturize(code: string, fixture: string): string {
  const source = ts.createSourceFile('snippet.ts', code, ts.ScriptTarget.Latest, true);
  let hoisted = '';
  let statements = '';
  for (const s of source.statements) {
    const isDeclare = ts.isVariableStatement(s) && (s.modifiers ?? []).some((m) => m.kind === ts.SyntaxKind.DeclareKeyword);
    if (ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s) || isDeclare) hoisted += s.getFullText(source);
    else statements += s.getFullText(source);
  }
  return `${hoisted}\n${fixture.replace(/\/\/\/[ \t]*here[ \t]*$/im, statements)}`;
}

/** The names a file declares at its top level: imports, variables (`declare const` too), classes, functions. */
function topLevelNames(code: string): string[] {
  const source = ts.createSourceFile('x.ts', code, ts.ScriptTarget.Latest, true);
  const names: string[] = [];
  for (const s of source.statements) {
    if (ts.isImportDeclaration(s) && s.importClause) {
      const c = s.importClause;
      if (c.name) names.push(c.name.text);
      if (c.namedBindings && ts.isNamespaceImport(c.namedBindings)) names.push(c.namedBindings.name.text);
      if (c.namedBindings && ts.isNamedImports(c.namedBindings)) names.push(...c.namedBindings.elements.map((e) => e.name.text));
    } else if (ts.isVariableStatement(s)) {
      names.push(...s.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : [])));
    } else if ((ts.isClassDeclaration(s) || ts.isFunctionDeclaration(s)) && s.name) {
      names.push(s.name.text);
    }
  }
  return names;
}

/** What jsii-rosetta hoists from a block to the fixture's top level: its imports and `declare const` lines. */
function hoistedNames(code: string): string[] {
  const source = ts.createSourceFile('x.ts', code, ts.ScriptTarget.Latest, true);
  const hoisted = source.statements.filter(
    (s) => ts.isImportDeclaration(s) || (ts.isVariableStatement(s) && (s.modifiers ?? []).some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)),
  );
  return topLevelNames(hoisted.map((s) => s.getFullText(source)).join('\n'));
}

const pages = markdownPages();
const fixture = fs.readFileSync(fixtureFile, 'utf8');
const snippets: Snippet[] = pages.flatMap((page) =>
  blocksOf(page).map(({ line, code }, i) => {
    const base = `${page.replace(/\.md$/, '').replace(/[/\\]/g, '-')}-${i + 1}`;
    return {
      page,
      line,
      code,
      file: path.join(snippetDir, `${base}.ts`),
      fixtureFile: path.join(snippetDir, `${base}.fixture.ts`),
    };
  }),
);
const pagesWithTs = [...new Set(snippets.map((s) => s.page))];

/** Diagnostics per written file, from one program over every snippet (the aws-cdk-lib types load once). */
let diagnostics: Map<string, string[]>;

beforeAll(() => {
  fs.rmSync(snippetDir, { recursive: true, force: true });
  fs.mkdirSync(snippetDir, { recursive: true });
  const fixtureForTest = toSources(fixture);
  for (const s of snippets) {
    fs.writeFileSync(s.file, `${toSources(s.code)}\nexport {};\n`);
    fs.writeFileSync(s.fixtureFile, `${fixturize(toSources(s.code), fixtureForTest)}\nexport {};\n`);
  }
  const files = snippets.flatMap((s) => [s.file, s.fixtureFile]);
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    ignoreDeprecations: '6.0',
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
  });
  diagnostics = new Map(files.map((f) => [f, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file && path.resolve(d.file.fileName);
    if (!file || !diagnostics.has(file)) continue;
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
    diagnostics.get(file)!.push(`${path.basename(file)}:${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  }
}, 180_000);

test('the README, CONTRIBUTING.md and the manual are found, and the README has TypeScript examples', () => {
  expect(pages).toContain('README.md');
  expect(pages).toContain('CONTRIBUTING.md');
  expect(pages.filter((p) => p.startsWith('docs/')).length).toBeGreaterThan(0);
  // the quick start and the five recipes
  expect(snippets.filter((s) => s.page === 'README.md').length).toBeGreaterThanOrEqual(6);
});

describe.each(pagesWithTs)('%s', (page) => {
  test('every TypeScript block compiles as written', () => {
    const errors = snippets.filter((s) => s.page === page).flatMap((s) => diagnostics.get(s.file)!.map((e) => `line ${s.line}: ${e}`));
    expect(errors).toEqual([]);
  });

  test('every TypeScript block compiles inside the jsii-rosetta fixture', () => {
    const errors = snippets
      .filter((s) => s.page === page)
      .flatMap((s) => diagnostics.get(s.fixtureFile)!.map((e) => `line ${s.line}: ${e}`));
    expect(errors).toEqual([]);
  });
});

test('no block imports or declares a name the rosetta fixture declares (side by side at the top level, they would collide)', () => {
  const taken = new Set(topLevelNames(fixture));
  expect(taken.size).toBeGreaterThan(0);
  const clashes = snippets.flatMap((s) => hoistedNames(s.code).filter((n) => taken.has(n)).map((n) => `${s.page}:${s.line}: ${n}`));
  expect(clashes).toEqual([]);
});

describe('links', () => {
  /** GitHub's heading anchors: lower case, punctuation other than '-' and '_' dropped, spaces to '-'. */
  function anchorsOf(page: string): Set<string> {
    const text = fs.readFileSync(path.join(root, page), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
    const seen = new Map<string, number>();
    const anchors = new Set<string>();
    for (const m of text.matchAll(/^#{1,6} (.+)$/gm)) {
      const slug = m[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/ /g, '-');
      const n = seen.get(slug) ?? 0;
      seen.set(slug, n + 1);
      anchors.add(n === 0 ? slug : `${slug}-${n}`);
    }
    return anchors;
  }

  function linksOf(page: string): string[] {
    const text = fs.readFileSync(path.join(root, page), 'utf8').replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
    return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l));
  }

  test('the README links every page of the manual, CONTRIBUTING.md and API.md', () => {
    const linked = new Set(linksOf('README.md').map((l) => l.split('#')[0]));
    const expected = [...pages.filter((p) => p.startsWith('docs/')), 'CONTRIBUTING.md', 'API.md'];
    expect(expected.filter((p) => !linked.has(p))).toEqual([]);
  });

  test.each(pages)('every relative link of %s reaches a file, and a heading where it names one', (page) => {
    const broken: string[] = [];
    for (const link of linksOf(page)) {
      const [target, anchor] = link.split('#');
      const file = target === '' ? page : path.normalize(path.join(path.dirname(page), target));
      if (!fs.existsSync(path.join(root, file))) broken.push(`${link}: no file ${file}`);
      else if (anchor && file.endsWith('.md') && !anchorsOf(file).has(anchor)) broken.push(`${link}: no heading #${anchor} in ${file}`);
    }
    expect(broken).toEqual([]);
  });
});
