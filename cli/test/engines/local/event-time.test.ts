import fc from 'fast-check';
import { canonicalTimeMs } from '../../../src/engines/local/event-time';

describe('canonicalTimeMs (an eventTime to epoch ms without a Date)', () => {
  test('gives the epoch milliseconds of canonical eventTimes', () => {
    expect(canonicalTimeMs('1970-01-01T00:00:00Z')).toBe(0);
    expect(canonicalTimeMs('2026-10-01T00:00:00Z')).toBe(1790812800000);
    expect(canonicalTimeMs('2026-12-06T13:45:07Z')).toBe(1796564707000);
    expect(canonicalTimeMs('2024-02-29T23:59:59Z')).toBe(1709251199000);
    expect(canonicalTimeMs('1969-12-31T23:59:59Z')).toBe(-1000);
    expect(canonicalTimeMs('0000-01-01T00:00:00Z')).toBe(-62167219200000);
    expect(canonicalTimeMs('9999-12-31T23:59:59Z')).toBe(253402300799000);
  });

  test('keeps the first three digits of a fraction, as Date.parse does', () => {
    expect(canonicalTimeMs('2026-10-01T00:00:00.5Z')).toBe(1790812800500);
    expect(canonicalTimeMs('2026-10-01T00:00:00.12Z')).toBe(1790812800120);
    expect(canonicalTimeMs('2026-10-01T00:00:00.123Z')).toBe(1790812800123);
    expect(canonicalTimeMs('2026-10-01T00:00:00.123999Z')).toBe(1790812800123);
  });

  test("has Date.parse's leniency and its NaN", () => {
    // a day up to 31 rolls over into the next month
    expect(canonicalTimeMs('2026-02-30T00:00:00Z')).toBe(1772409600000);
    expect(canonicalTimeMs('2026-04-31T00:00:00Z')).toBe(1777593600000);
    // hour 24 of the day's end, handed to Date.parse
    expect(canonicalTimeMs('2026-01-31T24:00:00Z')).toBe(1769904000000);
    for (const bad of ['2026-13-01T00:00:00Z', '2026-00-01T00:00:00Z', '2026-01-00T00:00:00Z', '2026-01-32T00:00:00Z', '2026-01-31T24:00:01Z', '2026-01-31T23:60:00Z', '2026-01-31T23:59:60Z']) {
      expect([bad, canonicalTimeMs(bad)]).toEqual([bad, NaN]);
    }
  });

  test('equals Date.parse on any canonical form, valid or not', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const canonical = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), two(99), two(99), two(99), two(99), two(99), fc.option(fc.stringMatching(/^[0-9]{1,7}$/), { nil: undefined }))
      .map(([y, mo, d, h, mi, s, f]) => `${String(y).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${s}${f === undefined ? '' : `.${f}`}Z`);
    const plausible = fc
      .tuple(
        fc.integer({ min: 1990, max: 2100 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
      )
      .map(([y, mo, d, h, mi, s]) => `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}Z`);
    fc.assert(
      fc.property(fc.oneof(canonical, plausible), (s) => {
        expect([s, canonicalTimeMs(s)]).toEqual([s, Date.parse(s)]);
      }),
      { numRuns: 20000, seed: 20261206 },
    );
  });
});
