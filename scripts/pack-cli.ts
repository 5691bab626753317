/**
 * Packs the CLI package (cli/) into dist/js/. In the repository the CLI depends on the library as `file:..` (an npm
 * workspace link); the packed package depends on the library's own version instead, so that both install from a
 * registry (or from the two tarballs side by side). Run after the build (cli/lib/ holds the transpiled CLI).
 *
 * Run: npx ts-node scripts/pack-cli.ts
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'cli');
const out = path.join(root, 'dist', 'js');
const library = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const manifest = JSON.parse(fs.readFileSync(path.join(cli, 'package.json'), 'utf8'));

if (!fs.existsSync(path.join(cli, 'lib', 'main.js'))) {
  throw new Error("cli/lib/main.js is missing: build first ('npx projen compile' transpiles the CLI into cli/lib/).");
}
const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudtrail-alarms-pack-'));
try {
  fs.cpSync(path.join(cli, 'lib'), path.join(stage, 'lib'), { recursive: true });
  if (fs.existsSync(path.join(cli, 'samples'))) fs.cpSync(path.join(cli, 'samples'), path.join(stage, 'samples'), { recursive: true });
  for (const f of ['README.md', 'LICENSE']) {
    const from = fs.existsSync(path.join(cli, f)) ? path.join(cli, f) : path.join(root, f);
    if (fs.existsSync(from)) fs.copyFileSync(from, path.join(stage, f));
  }
  manifest.version = library.version;
  manifest.dependencies['cdk-cloudtrail-alarms'] = library.version;
  fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.mkdirSync(out, { recursive: true });
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: stage, encoding: 'utf8' }).trim();
  process.stdout.write(`${path.relative(root, path.join(out, name.split('\n').pop()!))}\n`);
} finally {
  fs.rmSync(stage, { recursive: true, force: true });
}
