import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DetectionProfile } from 'cdk-cloudtrail-alarms/lib';
import { UNCERTAIN_CASES } from 'cdk-cloudtrail-alarms/lib/audit/uncertain-cases';
import { FIXTURES } from 'cdk-cloudtrail-alarms/lib/catalogue/fixtures';
import { PROFILES } from 'cdk-cloudtrail-alarms/lib/catalogue/profiles';
import { resolveEntry } from 'cdk-cloudtrail-alarms/lib/catalogue/resolve';
import { startFakeLogs } from './fake-cloudwatch-logs';
import { cli } from '../commands/helpers';

process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const recordings = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'aws', 'test-metric-filter-recordings.json'), 'utf8'))
  .recordings as Array<{ filterPattern: string; logEventMessages: string[]; matches: number[] }>;

function eventsFile(lines: string[]): string {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cta-verify-')), 'events.txt');
  fs.writeFileSync(f, `${lines.join('\n')}\n`);
  return f;
}

const fromRecordings = (pattern: string, messages: string[]) =>
  recordings.find((r) => r.filterPattern === pattern && JSON.stringify(r.logEventMessages) === JSON.stringify(messages))?.matches;

describe('cloudtrail-alarms verify against a loopback TestMetricFilter endpoint', () => {
  test('--pattern --events: round trip with a recorded response; AWS and the engine agree, exit 0', async () => {
    const fake = await startFakeLogs(fromRecordings);
    try {
      for (const rec of recordings.slice(0, 2)) {
        const r = await cli(['verify', '--pattern', rec.filterPattern, '--events', eventsFile(rec.logEventMessages), '--endpoint-url', fake.endpoint, '--region', 'us-east-1']);
        expect(r.stdout).toBe(`Compared ${rec.logEventMessages.length} of ${rec.logEventMessages.length} event(s) in 1 case(s): 0 disagreement(s)\n`);
        expect(r.code).toBe(0);
      }
      expect(fake.calls).toBe(2);
    } finally {
      await fake.stop();
    }
  });

  test('reports a planted disagreement and exits 1', async () => {
    const fake = await startFakeLogs(fromRecordings);
    try {
      const rec = recordings[2];
      const r = await cli(['verify', '--pattern', rec.filterPattern, '--events', eventsFile(rec.logEventMessages), '--endpoint-url', fake.endpoint]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe(
        'Compared 2 of 2 event(s) in 1 case(s): 1 disagreement(s)\n' +
          'DISAGREE pattern, event 1: AWS matches, engine does not match\n' +
          '  pattern: { $.userIdentity.invokedBy != "x" }\n' +
          '  event:   {"userIdentity":{"type":"Root"}}\n',
      );
    } finally {
      await fake.stop();
    }
  });

  test('--profile sends every detection with its fixtures and the undocumented cases; one flipped answer is the only disagreement', async () => {
    // the "AWS" side answers from the fixtures' labels and the project's documented decisions, not from the engine
    const profile = DetectionProfile.PROWLER.name;
    const expected = new Map<string, boolean>();
    for (const pe of PROFILES[profile].entries) {
      const pattern = resolveEntry(pe).pattern;
      for (const f of FIXTURES[pe.id]) {
        expected.set(`${pattern}\u0000${JSON.stringify(f.record)}`, f.differsIn?.find((d) => d.variant === pe.variant)?.matches ?? f.matches);
      }
    }
    const decisions: Record<string, boolean[]> = {
      '!= on a missing JSON field': [false, true],
      '* in the middle of a value': [true, true],
      '? terms mixed with plain terms': [true, false],
      '" " on a message without a space': [true, true],
      'JSON after a text prefix': [false, true],
      'NOT EXISTS on a non-JSON message': [false, true],
      'quoted number vs JSON number': [true, true],
      'unquoted digits vs JSON string': [true, true],
      '= true against the string "true"': [false, true],
      'IS TRUE against the string "true"': [false, true],
      'numeric operator on a numeric string': [false, true],
      'more words than fields (last field takes the rest)': [true, false],
    };
    for (const u of UNCERTAIN_CASES) u.events.forEach((e, i) => expected.set(`${u.pattern}\u0000${e}`, decisions[u.name][i]));
    const flipped = FIXTURES['root-account-usage'][0];
    const fake = await startFakeLogs((pattern, messages) => {
      const out: number[] = [];
      messages.forEach((m, i) => {
        let yes = expected.get(`${pattern}\u0000${m}`);
        if (yes === undefined) throw new Error(`unexpected message for ${pattern}`);
        if (m === JSON.stringify(flipped.record) && pattern.includes('Root')) yes = !yes;
        if (yes) out.push(i + 1);
      });
      return out;
    });
    try {
      const r = await cli(['verify', '--profile', profile, '--endpoint-url', fake.endpoint, '--json']);
      const report = JSON.parse(r.stdout);
      expect(report.cases).toBe(15 + UNCERTAIN_CASES.length);
      expect(report.compared).toBe(report.events);
      expect(report.disagreements).toEqual([
        expect.objectContaining({ case: 'root-account-usage', eventNumber: 1, aws: false, engine: true }),
      ]);
      expect(r.code).toBe(1);
    } finally {
      await fake.stop();
    }
  });

  test('a permission error names logs:TestMetricFilter and exits 1', async () => {
    const fake = await startFakeLogs(() => 'deny');
    try {
      const r = await cli(['verify', '--pattern', 'ERROR', '--events', eventsFile(['ERROR x']), '--endpoint-url', fake.endpoint]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/failed: us-east-1 logs:TestMetricFilter: access denied: add logs:TestMetricFilter to the auditing role's policy/);
    } finally {
      await fake.stop();
    }
  });

  test('fails with exit 2 on usage errors', async () => {
    expect((await cli(['verify', '--pattern', 'x'])).stderr).toMatch(/--pattern and --events go together/);
    expect((await cli(['verify', '--pattern', 'x', '--events', 'f', '--profile', 'prowler'])).code).toBe(2);
    const bad = await cli(['verify', '--pattern', '{ $.a = ', '--events', eventsFile(['x'])]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid filter pattern/);
  });
});
