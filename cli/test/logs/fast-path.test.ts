import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Readable } from 'stream';
import fc from 'fast-check';
import { InputSource, readCloudTrail, ReadProblem } from '../../src/logs';

/**
 * The fast path for one-line delivery documents (read whole) must answer exactly as the record scanner (used for
 * streams): the same records, counts and problems, with and without a prefilter that rules records out.
 */
const entry = fc.oneof(
  { weight: 6, arbitrary: fc.record({ eventVersion: fc.constant('1.08'), eventName: fc.constantFrom('A', 'B', 'Stop'), n: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ foo: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.constantFrom(5, 'x', null) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 120 }).map((d) => ({ eventName: 'Deep', x: JSON.parse(`${'['.repeat(d)}${']'.repeat(d)}`) })) },
);
const doc = fc.tuple(fc.array(entry, { maxLength: 8 }), fc.constantFrom('none', 'cut', 'garbage', 'escape')).map(([entries, damage]) => {
  const text = JSON.stringify({ Records: entries });
  // another producer's spelling: ASCII letters escaped (the prefilter must not rule such a record out)
  if (damage === 'escape') return text.replace(/"Stop"/g, '"St\\u006fp"').replace(/"eventName"/, '"event\\u004eame"');
  if (damage === 'cut') return text.slice(0, Math.max(14, text.length - 9));
  if (damage === 'garbage') return `${text}x`;
  return text;
});

async function read(inputs: InputSource[], prefilter: ((b: Buffer) => boolean) | undefined, stdin?: NodeJS.ReadableStream) {
  const names: string[] = [];
  const problems: Array<Omit<ReadProblem, 'path'>> = [];
  const summary = await readCloudTrail(inputs, {
    stdin,
    prefilter,
    onRecord: (r, where) => names.push(`${r.eventName}${r.n}@${where.line}`),
    onProblem: ({ path: _p, ...rest }) => problems.push(rest),
  });
  return { names, problems, records: summary.records };
}

test('whole-file fast path and streaming scanner agree on every document, prefilter or not', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cta-fast-'));
  const file = path.join(dir, 'doc.json');
  await fc.assert(
    fc.asyncProperty(doc, fc.constantFrom(undefined, 'Stop', 'nothing'), async (text, literal) => {
      const prefilter = literal === undefined ? undefined : (b: Buffer) => b.includes(literal);
      fs.writeFileSync(file, text);
      const whole = await read([{ path: file, size: text.length, kind: 'file' }], prefilter);
      const streamed = await read([{ path: '-', size: 0, kind: 'stream' }], prefilter, Readable.from([Buffer.from(text)]));
      // a ruled-out record is counted, not delivered, on both paths; what is delivered and reported is the same
      expect(whole.records).toBe(streamed.records);
      expect(whole.problems).toEqual(streamed.problems);
      if (literal === undefined) expect(whole.names).toEqual(streamed.names);
      else expect(whole.names.filter((n) => n.startsWith(literal))).toEqual(streamed.names.filter((n) => n.startsWith(literal)));
    }),
    { numRuns: 400, seed: 20261203 },
  );
});
