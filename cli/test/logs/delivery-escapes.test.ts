import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LogFilterPattern } from 'cdk-cloudtrail-alarms/lib/filters/log-filter-pattern';
import { candidateTest } from '../../src/engines/local/candidate-test';
import { DEFAULT_LIMITS, readCloudTrail } from '../../src/logs';
import { CompiledPlan, DeliveryScan, scanDelivery } from '../../src/logs/delivery-candidates';

/** Escapes in a delivery document: which ones make a record parsed (delivery-candidates.ts, the file comment). */

const PLAN = new CompiledPlan({ paths: [['eventName'], ['userIdentity', 'type']], flagKeys: ['CloudTrailEvent', 'message'] });

/** One record (its JSON text as written, escapes and all) scanned: accepted, and per record its flags and picks. */
function scanOne(recordText: string): { ok: boolean; mustParse?: number; escapesOnly?: number; asciiEscape?: number; picked?: unknown } {
  const buf = Buffer.from(`{"Records":[${recordText}]}`);
  const out = new DeliveryScan(PLAN.fields.length);
  const ok = scanDelivery(buf, DEFAULT_LIMITS, PLAN, out);
  if (!ok) return { ok };
  const picksValid = out.mustParse[0] === 0 || out.escapesOnly[0] === 1;
  return {
    ok,
    mustParse: out.mustParse[0],
    escapesOnly: out.escapesOnly[0],
    asciiEscape: out.asciiEscape[0],
    picked: picksValid ? PLAN.pick(buf, out, 0) : undefined,
  };
}

describe('escapes in delivery documents', () => {
  test('a record without escapes is not flagged', () => {
    expect(scanOne('{"eventName":"A","userIdentity":{"type":"Root"}}')).toEqual({ ok: true, mustParse: 0, escapesOnly: 0, asciiEscape: 0, picked: { eventName: 'A', userIdentity: { type: 'Root' } } });
  });

  test('an escape in a value no field watches changes nothing picked: flagged escapes-only, its picks valid', () => {
    expect(scanOne('{"eventName":"PutRolePolicy","requestParameters":{"policyDocument":"{\\"Version\\":\\"2012-10-17\\"}"},"userIdentity":{"type":"Root"}}')).toEqual({
      ok: true,
      mustParse: 1,
      escapesOnly: 1,
      asciiEscape: 0,
      picked: { eventName: 'PutRolePolicy', userIdentity: { type: 'Root' } },
    });
    // \n, \t, a backslash and non-ASCII characters escaped: the same
    expect(scanOne('{"eventName":"A","note":"line\\nnext\\ttab \\\\ caf\\u00e9 \\ud83d\\ude00"}')).toEqual({ ok: true, mustParse: 1, escapesOnly: 1, asciiEscape: 0, picked: { eventName: 'A' } });
  });

  test('an escaped ASCII character other than " and \\ is flagged (a test that reads the text is not asked)', () => {
    expect(scanOne('{"eventName":"A","userAgent":"https:\\/\\/example.com"}')).toEqual({ ok: true, mustParse: 1, escapesOnly: 1, asciiEscape: 1, picked: { eventName: 'A' } });
    expect(scanOne('{"eventName":"A","note":"\\u0041BC"}')).toEqual({ ok: true, mustParse: 1, escapesOnly: 1, asciiEscape: 1, picked: { eventName: 'A' } });
    expect(scanOne('{"eventName":"A","note":"\\u001f"}')).toEqual({ ok: true, mustParse: 1, escapesOnly: 1, asciiEscape: 1, picked: { eventName: 'A' } });
    expect(scanOne('{"eventName":"A","note":"\\u0022 \\u005C"}')).toEqual({ ok: true, mustParse: 1, escapesOnly: 1, asciiEscape: 0, picked: { eventName: 'A' } });
  });

  test('an escape in a watched value or in a key that could be watched makes the record parsed', () => {
    expect(scanOne('{"eventName":"Put\\"Role"}')).toMatchObject({ ok: true, mustParse: 1, escapesOnly: 0 });
    expect(scanOne('{"eventName":"A","userIdentity":{"type":"Ro\\u006ft"}}')).toMatchObject({ ok: true, mustParse: 1, escapesOnly: 0 });
    // the key could be eventName once unescaped
    expect(scanOne('{"event\\u004eame":"A"}')).toMatchObject({ ok: true, mustParse: 1, escapesOnly: 0 });
    expect(scanOne('{"eventName":"A","userIdentity":{"t\\u0079pe":"Root"}}')).toMatchObject({ ok: true, mustParse: 1, escapesOnly: 0 });
    // a deeper key, or a key in an object no field watches: not
    expect(scanOne('{"eventName":"A","requestParameters":{"k\\u0065y":"v"}}')).toEqual({ ok: true, mustParse: 1, escapesOnly: 1, asciiEscape: 1, picked: { eventName: 'A' } });
  });

  test('an escape JSON.parse refuses makes the scan refuse the document (the scanner then reports it)', () => {
    for (const bad of ['"\\x41"', '"\\u12G4"', '"\\u12"', '"\\\'"', '"\\ "']) {
      expect([bad, scanOne(`{"eventName":"A","note":${bad}}`).ok]).toEqual([bad, false]);
    }
  });

  test('a search for a literal finds it behind \\/ (the record is parsed), and a record with \\" is ruled out unparsed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cta-escapes-'));
    try {
      const file = path.join(dir, 'doc.json');
      const records = [
        '{"eventVersion":"1.09","eventName":"GetObject","requestParameters":{"key":"reports\\/q3.csv"}}',
        '{"eventVersion":"1.09","eventName":"GetObject","requestParameters":{"key":"say \\"hi\\""}}',
        '{"eventVersion":"1.09","eventName":"GetObject","requestParameters":{"key":"reports/q4.csv"}}',
      ];
      fs.writeFileSync(file, `{"Records":[${records.join(',')}]}`);
      const detections = [{ pattern: LogFilterPattern.parse('"reports/q"') }];
      const parsed: unknown[] = [];
      let ruledOut = 0;
      await readCloudTrail([{ path: file, size: fs.statSync(file).size, kind: 'file' }], {
        candidates: candidateTest(detections),
        onRecord: (r) => parsed.push((r.requestParameters as { key: string }).key),
        onRuledOut: () => ruledOut++,
        onProblem: (p) => {
          throw new Error(p.message);
        },
      });
      expect(parsed).toEqual(['reports/q3.csv', 'reports/q4.csv']);
      expect(ruledOut).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
