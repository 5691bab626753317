import * as fs from 'fs';
import * as path from 'path';
import { PassThrough } from 'stream';
import { run } from '../../cli/src/commands/run';
import { LogFilterPattern } from '../../lib/filters/log-filter-pattern';

interface MatchCase {
  readonly pattern: string;
  readonly event: string;
  readonly matches: boolean;
  readonly note?: string;
}
interface ErrorCase {
  readonly pattern: string;
  readonly error: string;
  readonly position?: number;
}
type Case = MatchCase | ErrorCase;

const dir = path.join(__dirname, '..', 'fixtures', 'patterns');
const suites = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, ...(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { cases: Case[] }) }));
const all = suites.flatMap((s) => s.cases.map((c, i) => ({ ...c, id: `${s.file}#${i}` })));
const label = (c: Case & { id: string }) => `${c.id} ${c.pattern.slice(0, 80)}`;

async function cli(args: string[], stdinText: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end(stdinText);
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await run(args, { stdout, stderr, stdin });
  return { code, stdout: out, stderr: err };
}

test('the conformance suite has at least 300 cases', () => {
  expect(all.length).toBeGreaterThanOrEqual(300);
});

describe.each(suites.map((s) => [s.file, s] as const))('%s', (_file, suite) => {
  const cases = suite.cases.map((c, i) => ({ ...c, id: `${suite.file}#${i}` }));
  const matchCases = cases.filter((c): c is MatchCase & { id: string } => 'matches' in c);
  const errorCases = cases.filter((c): c is ErrorCase & { id: string } => 'error' in c);

  if (matchCases.length > 0) {
    test.each(matchCases.map((c) => [label(c), c] as const))('%s', (_l, c) => {
      expect(LogFilterPattern.parse(c.pattern).matches(c.event)).toBe(c.matches);
    });
  }
  if (errorCases.length > 0) {
    test.each(errorCases.map((c) => [label(c), c] as const))('fails: %s', (_l, c) => {
      expect(() => LogFilterPattern.parse(c.pattern)).toThrow(c.error);
      const v = LogFilterPattern.validate(c.pattern);
      expect(v.valid).toBe(false);
      expect(v.message).toContain(c.error);
      if (c.position !== undefined) {
        expect(v.position).toBe(c.position);
        expect(v.message).toContain(`at position ${c.position}`);
      }
    });
  }
});

describe('the CLI agrees with the library on every conformance case', () => {
  test('match cases: exit code and match count', async () => {
    const disagreements: string[] = [];
    for (const c of all.filter((x): x is MatchCase & { id: string } => 'matches' in x)) {
      const r = await cli(['test-pattern', `--pattern=${c.pattern}`, '--events', '-', '--json'], `${c.event}\n`);
      const cliMatched = (JSON.parse(r.stdout) as { matches: unknown[] }).matches.length === 1;
      const libMatched = LogFilterPattern.parse(c.pattern).matches(c.event);
      if (cliMatched !== libMatched || r.code !== (libMatched ? 0 : 1)) disagreements.push(c.id);
    }
    expect(disagreements).toEqual([]);
  });

  test('error cases: exit code 2 with a caret under the position', async () => {
    const disagreements: string[] = [];
    for (const c of all.filter((x): x is ErrorCase & { id: string } => 'error' in x)) {
      const r = await cli(['test-pattern', `--pattern=${c.pattern}`], '');
      const ok = r.code === 2 && r.stderr.includes(c.error) && r.stdout === '' && !r.stderr.includes('    at ');
      const caretLine = r.stderr.trimEnd().split('\n').pop() ?? '';
      const caretOk = c.position === undefined || caretLine.indexOf('^') === Math.min(c.position, c.pattern.length);
      if (!ok || !caretOk) disagreements.push(`${c.id}: ${r.stderr}`);
    }
    expect(disagreements).toEqual([]);
  });
});
