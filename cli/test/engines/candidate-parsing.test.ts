import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LogFilterPattern } from 'cdk-cloudtrail-alarms/lib/filters/log-filter-pattern';
import fc from 'fast-check';
import { selectDetections } from '../../src/commands/selection';
import { candidateTest, TIME_FIELDS } from '../../src/engines/local/candidate-test';
import { CandidateTest, DEFAULT_LIMITS, InputSource, readCloudTrail, ReadProblem } from '../../src/logs';
import { CompiledPlan, DeliveryScan, scanDelivery } from '../../src/logs/delivery-candidates';

/**
 * Candidate parsing (cli/src/logs/delivery-candidates.ts, cli/src/engines/local/candidate-test.ts) must give exactly what
 * the full parse gives: the same record count and problems, every record some detection matches delivered parsed
 * and equal, and for each record ruled out unparsed, no detection matching it and the same eventTime.
 */

jest.setTimeout(240_000);

const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'cta-candidates-'));
afterAll(() => fs.rmSync(DIR, { recursive: true, force: true }));

// ------------------------------------------------------------------ boundaries and picked fields

const PLAN = new CompiledPlan({
  paths: [['eventName'], ['eventTime'], ['userIdentity', 'type']],
  flagKeys: ['CloudTrailEvent', 'message'],
});

function scan(text: string, maxDepth = DEFAULT_LIMITS.maxDepth): { ok: boolean; records: string[]; mustParse: number[]; picked: unknown[] } {
  const buf = Buffer.from(text);
  const out = new DeliveryScan(PLAN.fields.length);
  const ok = scanDelivery(buf, { maxDepth }, PLAN, out);
  const records: string[] = [];
  const mustParse: number[] = [];
  const picked: unknown[] = [];
  for (let k = 0; ok && k < out.records; k++) {
    records.push(buf.toString('utf8', out.starts[k], out.ends[k]));
    mustParse.push(out.mustParse[k]);
    picked.push(out.mustParse[k] ? undefined : PLAN.pick(buf, out, k));
  }
  return { ok, records, mustParse, picked };
}

describe('scanDelivery: where records begin and end', () => {
  test('each record is the exact text of its entry, whatever its strings hold', () => {
    const recs = [
      { eventName: 'A', s: '}{][,:"', n: [1, { x: '}' }] },
      { eventName: 'B', s: 'back\\slash \\" quote', e: 'é€😀' },
      { eventName: 'C', nested: { Records: [{ eventName: 'inner' }] } },
    ];
    const r = scan(JSON.stringify({ Records: recs }));
    expect(r.ok).toBe(true);
    expect(r.records.map((t) => JSON.parse(t))).toEqual(recs);
    expect(r.records).toEqual(recs.map((x) => JSON.stringify(x)));
    // a backslash anywhere in a record (JSON.stringify escapes the quote of the first): it must be parsed
    expect(r.mustParse).toEqual([1, 1, 0]);
  });

  test('whitespace between tokens, empty Records, trailing whitespace', () => {
    expect(scan(' { "Records" : [ ] } \n').ok).toBe(true);
    const r = scan('{"Records":[ {"eventName" : "A" , "x": [ 1 , 2 ] } ,\t{"eventName":"B"} ]}\n');
    expect(r.records).toEqual(['{"eventName" : "A" , "x": [ 1 , 2 ] }', '{"eventName":"B"}']);
  });

  test.each([
    ['missing comma', '{"Records":[{"eventName":"A" "x":1}]}'],
    ['trailing comma in an object', '{"Records":[{"eventName":"A",}]}'],
    ['trailing comma in the array', '{"Records":[{"eventName":"A"},]}'],
    ['leading zero', '{"Records":[{"eventName":"A","n":01}]}'],
    ['bare minus', '{"Records":[{"eventName":"A","n":-}]}'],
    ['bad exponent', '{"Records":[{"eventName":"A","n":1e}]}'],
    ['misspelt literal', '{"Records":[{"eventName":"A","b":tru}]}'],
    ['literal run on', '{"Records":[{"eventName":"A","b":truex}]}'],
    ['control character in a string', '{"Records":[{"eventName":"A\tB"}]}'],
    ['unclosed string', '{"Records":[{"eventName":"A}]}'],
    ['mismatched bracket', '{"Records":[{"eventName":"A"]}]}'],
    ['not an object entry', '{"Records":[{"eventName":"A"},5]}'],
    ['string entry', '{"Records":["x"]}'],
    ['another top-level key', '{"Records":[],"x":1}'],
    ['garbage after', '{"Records":[]}x'],
    ['two documents', '{"Records":[]}{"Records":[]}'],
    ['escaped head key', '{"Rec\\u006frds":[]}'],
    ['key without value', '{"Records":[{"eventName"}]}'],
    ['value without key', '{"Records":[{"A"}]}'],
    ['vertical tab is not JSON whitespace', '{"Records":[\u000b]}'],
    ['cut', '{"Records":[{"eventName":"A"}'],
  ])('refuses: %s', (_name, text) => {
    expect(scan(text).ok).toBe(false);
  });

  test('refuses nesting deeper than --max-depth, as the fast path does', () => {
    const deep = (d: number) => `{"Records":[{"eventName":"A","x":${'['.repeat(d - 1)}${']'.repeat(d - 1)}}]}`;
    expect(scan(deep(5), 5).ok).toBe(true);
    expect(scan(deep(6), 5).ok).toBe(false);
  });
});

describe('scanDelivery: picked fields', () => {
  test('plain strings are picked; a parent that is not an object reads as null', () => {
    const r = scan(JSON.stringify({
      Records: [
        { eventName: 'A', eventTime: '2026-10-01T00:00:00Z', userIdentity: { type: 'Root', arn: 'x' } },
        { eventName: 'B', userIdentity: null },
        { eventName: 'C', userIdentity: 'text' },
        { eventName: 'D', userIdentity: { arn: 'x', nested: { type: 'not me' } } },
        { other: { eventName: 'not me' }, eventSource: 's' },
      ],
    }));
    expect(r.picked).toEqual([
      { eventName: 'A', eventTime: '2026-10-01T00:00:00Z', userIdentity: { type: 'Root' } },
      { eventName: 'B', userIdentity: null },
      { eventName: 'C', userIdentity: null },
      { eventName: 'D', userIdentity: {} },
      {}, // eventSource is not watched here, and a nested eventName is not the record's
    ]);
  });

  test.each([
    ['a watched field that is a number', '{"eventName":5}'],
    ['a watched field that is null', '{"eventName":null}'],
    ['a watched field that is an object', '{"eventTime":{"a":1}}'],
    ['a watched key twice (JSON.parse keeps the last)', '{"eventName":"A","eventName":"B"}'],
    ['a watched parent twice', '{"eventName":"A","userIdentity":{"type":"Root"},"userIdentity":{}}'],
    ['a watched child twice', '{"eventName":"A","userIdentity":{"type":"Root","type":"IAMUser"}}'],
    ['a key written with escapes', '{"event\\u004eame":"A"}'],
    ['an escape anywhere', '{"eventName":"A","x":"\\u0041"}'],
    ['a wrapper key', '{"eventName":"A","message":"{}"}'],
    ['the other wrapper key', '{"CloudTrailEvent":"{}"}'],
  ])('must parse: %s', (_name, rec) => {
    const r = scan(`{"Records":[${rec}]}`);
    expect(r.ok).toBe(true);
    expect(r.mustParse).toEqual([1]);
  });
});

// ------------------------------------------------------------------ differential: candidate path vs full parse

const NAMES = ['ConsoleLogin', 'DisableKey', 'ScheduleKeyDeletion', 'RunInstances', 'CreateVpc', 'Decrypt', 'StopLogging', 'PutBucketAcl', 'GetObject'];
const SOURCES = ['kms.amazonaws.com', 'ec2.amazonaws.com', 's3.amazonaws.com', 'cloudtrail.amazonaws.com', 'signin.amazonaws.com'];
const TIMES = ['2026-10-01T00:00:00Z', '2026-10-01T00:07:31.250Z', '2026-10-01 00:00:00', 'not a time', 5, null];
const TEXTS = ['DisableKey kms.amazonaws.com', 'a "quoted" word', 'back\\slash', 'Root', 'é', '}{,', '.8xlarge', 'AccessDenied'];

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 3 });
const ctRecord = fc
  .record({
    eventVersion: maybe(fc.constantFrom<unknown>('1.08', 1.08)),
    eventName: maybe(fc.constantFrom<unknown>(...NAMES, 7)),
    eventSource: maybe(fc.constantFrom<unknown>(...SOURCES)),
    eventTime: maybe(fc.constantFrom<unknown>(...TIMES)),
    userIdentity: maybe(
      fc.oneof(
        fc.record({ type: fc.constantFrom<unknown>('Root', 'IAMUser', 'AssumedRole', 1), invokedBy: fc.constantFrom('ec2.amazonaws.com') }, { requiredKeys: [] }),
        fc.constantFrom<unknown>(null, 'Root', ['Root']),
      ),
    ),
    errorCode: maybe(fc.constantFrom<unknown>('AccessDenied', 'Client.UnauthorizedOperation', null)),
    errorMessage: maybe(fc.constantFrom<unknown>('Failed authentication', 'x')),
    eventType: maybe(fc.constantFrom<unknown>('AwsApiCall', 'AwsServiceEvent')),
    requestParameters: maybe(fc.oneof(fc.record({ instanceType: fc.constantFrom<unknown>('m5.8xlarge', 't3.micro', 8) }), fc.constant(null), fc.record({ eventName: fc.constantFrom(...NAMES) }))),
    responseElements: maybe(fc.oneof(fc.record({ ConsoleLogin: fc.constantFrom('Success', 'Failure') }), fc.constant(null))),
    additionalEventData: maybe(fc.record({ MFAUsed: fc.constantFrom<unknown>('Yes', 'No', true) })),
    note: maybe(fc.constantFrom(...TEXTS)),
    n: maybe(fc.constantFrom(0, -1.5, 1e21, 123456789)),
  })
  .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));

type Style = { ws: string; escape: number; dup: number };

/** Writes a value as JSON another producer might: spacing, escapes of plain ASCII letters, duplicated keys. */
function write(v: unknown, st: Style, top: boolean): string {
  if (typeof v === 'string') {
    let s = JSON.stringify(v);
    if (st.escape === 1) s = s.replace(/([A-Z])/, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
    if (st.escape === 2) s = s.replace(/([a-z])"$/, '$1\\/"');
    return s;
  }
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const w = st.ws;
  if (Array.isArray(v)) return `[${w}${v.map((x) => write(x, st, false)).join(`,${w}`)}${w}]`;
  const parts = Object.entries(v).map(([k, x]) => `${write(k, st, false)}${w}:${w}${write(x, st, false)}`);
  if (top && st.dup === 1 && parts.length > 0) parts.unshift(parts[parts.length - 1].replace(/:.*$/, ':"DisableKey"'));
  if (top && st.dup === 2 && parts.length > 0) parts.push(parts[0].replace(/:.*$/, ':{"type":"Root"}'));
  return `{${w}${parts.join(`,${w}`)}${w}}`;
}

const DAMAGE = ['none', 'none', 'none', 'cut', 'garbage', 'missing-comma', 'control', 'entry', 'wrapper', 'deep'] as const;
const documentText = fc
  .tuple(
    fc.array(fc.tuple(ctRecord, fc.record({ ws: fc.constantFrom('', ' ', '\t'), escape: fc.constantFrom(0, 0, 0, 0, 0, 1, 2), dup: fc.constantFrom(0, 0, 0, 0, 0, 0, 1, 2) })), { maxLength: 7 }),
    fc.constantFrom(...DAMAGE),
  )
  .map(([entries, damage]) => {
    const recs = entries.map(([r, st]) => write(r, st, true));
    if (damage === 'entry') recs.push('5');
    if (damage === 'wrapper') recs.push(JSON.stringify({ message: JSON.stringify({ eventName: 'DisableKey', eventSource: 'kms.amazonaws.com' }) }));
    if (damage === 'deep') recs.push(`{"eventName":"Deep","x":${'['.repeat(40)}${']'.repeat(40)}}`);
    let text = `{"Records":[${recs.join(',')}]}`;
    if (damage === 'cut') text = text.slice(0, Math.max(14, text.length - 7));
    if (damage === 'garbage') text = `${text}x`;
    if (damage === 'missing-comma') text = text.replace(/,"/, ' "');
    if (damage === 'control') text = text.replace(/":"/, '":"\u0001');
    return text;
  });

const PATTERNS = [
  ...selectDetections('recommended', undefined).map((d) => d.pattern.logPatternString),
  '{ $.userIdentity.type = "Root" }',
  '{ $.requestParameters.instanceType = "*.8xlarge" }',
  '{ $.eventName = "Disable*" || $.eventTime = "2026-10-01 00:00:00" }',
  '{ $.userIdentity.invokedBy NOT EXISTS && $.eventName = "Decrypt" }',
  '{ $.requestParameters NOT EXISTS && $.eventSource = "s3.amazonaws.com" }',
  '{ $.eventName = 7 }',
  '{ $.errorCode = * }',
  '{ $.eventName = DisableKey && $.n > 100 }',
  'DisableKey',
  '"quoted"',
];
const detectionSets = fc.subarray(PATTERNS, { minLength: 1, maxLength: 6 }).map((ps) => ps.map((p) => ({ pattern: LogFilterPattern.parse(p) })));

type Seen = { kind: 'parsed'; value: Record<string, unknown> } | { kind: 'ruled-out'; fields: Record<string, unknown> };

async function read(file: string, candidates: CandidateTest | undefined, prefilter?: (b: Buffer) => boolean) {
  const seen: Seen[] = [];
  const problems: Array<Omit<ReadProblem, 'path'>> = [];
  const input: InputSource = { path: file, size: fs.statSync(file).size, kind: 'file' };
  const summary = await readCloudTrail([input], {
    candidates,
    prefilter,
    limits: { maxDepth: 30 },
    onRecord: (value) => seen.push({ kind: 'parsed', value }),
    onRuledOut: (fields) => seen.push({ kind: 'ruled-out', fields }),
    onProblem: ({ path: _p, ...rest }) => problems.push(rest),
  });
  return { seen, problems, records: summary.records, ruledOut: summary.prefiltered };
}

let counter = 0;
test('candidate parsing answers as the full parse, on generated and hostile documents', async () => {
  let ruledOutTotal = 0;
  let parsedTotal = 0;
  await fc.assert(
    fc.asyncProperty(documentText, detectionSets, fc.boolean(), async (text, detections, withTime) => {
      const file = path.join(DIR, `doc-${counter++ % 4}.json`);
      fs.writeFileSync(file, text);
      const test_ = candidateTest(detections, withTime ? TIME_FIELDS : []);
      const full = await read(file, undefined);
      const cand = await read(file, test_);
      expect(cand.records).toBe(full.records);
      expect(cand.problems).toEqual(full.problems);
      expect(cand.seen.length).toBe(full.seen.length);
      for (let k = 0; k < full.seen.length; k++) {
        const want = full.seen[k] as Extract<Seen, { kind: 'parsed' }>;
        const got = cand.seen[k];
        if (got.kind === 'parsed') {
          expect(got.value).toEqual(want.value);
          parsedTotal++;
        } else {
          ruledOutTotal++;
          // nothing that matches is ruled out
          for (const d of detections) {
            expect([d.pattern.logPatternString, d.pattern.matchesEvent(want.value)]).toEqual([d.pattern.logPatternString, false]);
          }
          // what a count needs of it is what the full parse gives
          if (withTime) expect(got.fields.eventTime).toBe(want.value.eventTime);
          expect(got.fields.eventName).toBe(want.value.eventName);
        }
      }
    }),
    { numRuns: 1500, seed: 20261201 },
  );
  // the property is not vacuous: both kinds occurred
  expect(ruledOutTotal).toBeGreaterThan(100);
  expect(parsedTotal).toBeGreaterThan(100);
});

test('with the search prefilter too (a literal missing from the whole document), the same answers as before', async () => {
  await fc.assert(
    fc.asyncProperty(documentText, fc.constantFrom('DisableKey', 'Root', 'nowhere'), async (text, literal) => {
      const file = path.join(DIR, 'lit.json');
      fs.writeFileSync(file, text);
      const detections = [{ pattern: LogFilterPattern.parse(`{ $.eventName = "${literal}" || $.userIdentity.type = "${literal}" }`) }];
      const prefilter = (b: Buffer) => b.includes(literal);
      // what the search read before candidate parsing: the same prefilter, without candidates
      const full = await read(file, undefined, prefilter);
      const cand = await read(file, candidateTest(detections), prefilter);
      expect(cand.records).toBe(full.records);
      expect(cand.problems).toEqual(full.problems);
      const matching = (s: Seen[]) => s.filter((x) => x.kind === 'parsed' && detections[0].pattern.matchesEvent(x.value)).map((x) => (x as { value: unknown }).value);
      expect(matching(cand.seen)).toEqual(matching(full.seen));
    }),
    { numRuns: 500, seed: 20261202 },
  );
});

test('the candidate test needs a guard or literals for every detection', () => {
  expect(candidateTest([{ pattern: LogFilterPattern.parse('{ $.eventName = "A" }') }])).toBeDefined();
  expect(candidateTest([{ pattern: LogFilterPattern.parse('DisableKey') }])).toBeDefined();
  // a pattern that needs nothing in particular: every record is a candidate, so there is no test
  expect(candidateTest([{ pattern: LogFilterPattern.parse('{ $.a[0] > 1 }') }])).toBeUndefined();
  expect(candidateTest([{ pattern: LogFilterPattern.parse('') }])).toBeUndefined();
});
