import { childPlace, datedPrefixes, dayRange, deliveryTime, mayHoldWindow, placeOfPrefix, S3Question, TOP } from '../../src/logs/s3-layout';
import { compareKeys } from '../../src/logs/s3-listing';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const day = (s: string) => Date.parse(`${s}T00:00:00Z`);
const oneDay: S3Question = { fromMs: Date.parse('2026-10-02T00:00:00Z'), toMs: Date.parse('2026-10-03T00:00:00Z') };

describe('placeOfPrefix', () => {
  test('follows the layout of a trail with a prefix, of an organization trail, and into the dated folders', () => {
    expect(placeOfPrefix('', {}, NOW)).toEqual({ level: 'above' });
    expect(placeOfPrefix('my-trail/logs/', {}, NOW)).toEqual({ level: 'above' });
    expect(placeOfPrefix('my-trail/AWSLogs/', {}, NOW)).toEqual({ level: 'logs' });
    expect(placeOfPrefix('AWSLogs/o-abcdefghij/', {}, NOW)).toEqual({ level: 'organization' });
    expect(placeOfPrefix('AWSLogs/o-abcdefghij/111122223333/', {}, NOW)).toEqual({ level: 'account' });
    expect(placeOfPrefix('AWSLogs/111122223333/CloudTrail/', {}, NOW)).toEqual({ level: 'service' });
    expect(placeOfPrefix('AWSLogs/111122223333/CloudTrail/eu-west-1/', {}, NOW)).toEqual({ level: 'dated', date: [] });
    expect(placeOfPrefix('AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/', oneDay, NOW)).toEqual({ level: 'dated', date: [2026, 10] });
    expect(placeOfPrefix('AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/02/', oneDay, NOW)).toEqual({ level: 'dated', date: [2026, 10, 2] });
  });

  test('is undefined for a prefix the question needs nothing in: another account, Region or month, digests, Insights', () => {
    const q: S3Question = { ...oneDay, accounts: ['111122223333'], regions: ['eu-west-1'] };
    expect(placeOfPrefix('AWSLogs/444455556666/', q, NOW)).toBeUndefined();
    expect(placeOfPrefix('AWSLogs/111122223333/CloudTrail/us-east-1/', q, NOW)).toBeUndefined();
    expect(placeOfPrefix('AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/', q, NOW)).toBeUndefined();
    expect(placeOfPrefix('AWSLogs/111122223333/CloudTrail-Digest/', q, NOW)).toBeUndefined();
    expect(placeOfPrefix('AWSLogs/111122223333/CloudTrail-Insight/', q, NOW)).toBeUndefined();
    expect(placeOfPrefix('AWSLogs/111122223333/Config/', q, NOW)).toBeUndefined();
  });
});

describe('childPlace', () => {
  test('takes an organization id, a 12-digit account, CloudTrail and CloudTrail-NetworkActivity, and Region names', () => {
    const logs = childPlace(TOP, 'AWSLogs', {}, NOW)!;
    expect(childPlace(logs, 'o-abcdefghij', {}, NOW)).toEqual({ level: 'organization' });
    expect(childPlace(logs, '111122223333', {}, NOW)).toEqual({ level: 'account' });
    expect(childPlace(logs, '11112222333', {}, NOW)).toBeUndefined();
    expect(childPlace({ level: 'account' }, 'CloudTrail-NetworkActivity', {}, NOW)).toEqual({ level: 'service' });
    expect(childPlace({ level: 'service' }, 'ap-southeast-2', {}, NOW)).toEqual({ level: 'dated', date: [] });
    expect(childPlace({ level: 'service' }, 'not-a-region', {}, NOW)).toBeUndefined();
  });

  test('keeps the days from the day of --from to the day of --to plus the delivery lag', () => {
    const month = { level: 'dated' as const, date: [2026, 10] };
    expect(childPlace(month, '01', oneDay, NOW)).toBeUndefined();
    expect(childPlace(month, '02', oneDay, NOW)).toEqual({ level: 'dated', date: [2026, 10, 2] });
    expect(childPlace(month, '03', oneDay, NOW)).toEqual({ level: 'dated', date: [2026, 10, 3] });
    expect(childPlace(month, '04', oneDay, NOW)).toBeUndefined();
  });
});

describe('dayRange', () => {
  test('is the day of --from to the day of --to less 1 ms plus the lag', () => {
    expect(dayRange(oneDay, NOW)).toEqual([day('2026-10-02'), day('2026-10-03')]);
    expect(dayRange({ ...oneDay, deliveryLagMs: 0 }, NOW)).toEqual([day('2026-10-02'), day('2026-10-02')]);
    expect(dayRange({ fromMs: Date.parse('2026-10-02T23:59:59Z') }, NOW)).toEqual([day('2026-10-02'), day('2026-12-07')]);
    expect(dayRange({ toMs: Date.parse('2026-10-02T12:00:00Z') }, NOW)).toEqual([undefined, day('2026-10-02')]);
  });
});

describe('datedPrefixes', () => {
  test('covers whole years and months with one prefix each and the rest day by day', () => {
    expect(datedPrefixes({ date: [] }, day('2026-10-02'), day('2026-10-03'))).toEqual(['2026/10/02/', '2026/10/03/']);
    expect(datedPrefixes({ date: [] }, day('2025-12-30'), day('2027-02-01'))).toEqual([
      '2025/12/30/',
      '2025/12/31/',
      '2026/',
      '2027/01/',
      '2027/02/01/',
    ]);
    expect(datedPrefixes({ date: [] }, day('2026-10-01'), day('2026-11-01'))).toEqual(['2026/10/', '2026/11/01/']);
  });

  test('is relative to a dated place and clamped to it', () => {
    expect(datedPrefixes({ date: [2026] }, day('2025-01-01'), day('2026-02-02'))).toEqual(['01/', '02/01/', '02/02/']);
    expect(datedPrefixes({ date: [2026, 10] }, day('2026-10-30'), day('2026-11-03'))).toEqual(['30/', '31/']);
    expect(datedPrefixes({ date: [2026, 10, 2] }, day('2026-10-01'), day('2026-10-03'))).toEqual(['']);
    expect(datedPrefixes({ date: [2026, 10, 5] }, day('2026-10-01'), day('2026-10-03'))).toEqual([]);
  });
});

describe('deliveryTime and mayHoldWindow', () => {
  test('reads the delivery time of log and digest names, and none elsewhere', () => {
    expect(deliveryTime('AWSLogs/1/CloudTrail/us-east-1/2026/10/02/111122223333_CloudTrail_us-east-1_20261002T0905Z_abcdEFGH12345678.json.gz')).toBe(
      Date.parse('2026-10-02T09:05:00Z'),
    );
    expect(deliveryTime('x/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20261002T090512Z.json.gz')).toBeUndefined();
    expect(deliveryTime('x/111122223333_CloudTrail-Digest_us-east-1_20261002T090512Z_x.json.gz')).toBe(Date.parse('2026-10-02T09:05:12Z'));
    expect(deliveryTime('x/export.json')).toBeUndefined();
  });

  test('keeps files delivered from the minute of --from up to --to plus the lag', () => {
    expect(mayHoldWindow(Date.parse('2026-10-01T23:59:00Z'), oneDay)).toBe(false);
    expect(mayHoldWindow(Date.parse('2026-10-01T23:59:01Z'), oneDay)).toBe(true);
    expect(mayHoldWindow(Date.parse('2026-10-03T00:59:00Z'), oneDay)).toBe(true);
    expect(mayHoldWindow(Date.parse('2026-10-03T01:00:00Z'), oneDay)).toBe(false);
    expect(mayHoldWindow(undefined, oneDay)).toBe(true);
  });
});

describe('compareKeys', () => {
  test('orders keys folder by folder, as a sorted directory walk does', () => {
    const keys = ['a.json', 'a/b/c.json', 'a/b.json', 'a-b/x.json', 'A/z.json'];
    expect([...keys].sort(compareKeys)).toEqual(['A/z.json', 'a/b/c.json', 'a/b.json', 'a-b/x.json', 'a.json']);
  });
});
