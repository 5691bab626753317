/**
 * `notify-preview --sample NAME`: the manual's examples run from the installed package, on sample inputs shipped in
 * it (cli/src/commands/samples/, which the package's lib/**\/*.json rule keeps), with the same output as from the test fixtures.
 */
import * as fs from 'fs';
import * as path from 'path';
import { cli } from './helpers';

const ROOT = path.join(__dirname, '..', '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'notifier');
const CLI = path.join(ROOT, 'cli');
const SAMPLES = path.join(CLI, 'samples');

describe('notify-preview --sample', () => {
  test.each([
    ['root-account-usage', 'alarm-sns-message.json', 'email'],
    ['security-group-changes', 'alarm-sg-sns-event.json', 'chatbot'],
    ['root-account-usage', 'alarm-sns-message.json', 'json'],
  ])('%s (--format %s): what the manual prints from the fixtures', async (sample, fixture, format) => {
    const fromSample = await cli(['notify-preview', '--sample', sample, '--format', format]);
    const fromFixtures = await cli(['notify-preview', '--alarm-event', path.join(FIXTURES, fixture), '--events', path.join(FIXTURES, 'readme-events.jsonl'), '--format', format]);
    expect(fromSample.code).toBe(0);
    expect(fromSample.stderr).toBe('');
    expect(fromSample.stdout).toBe(fromFixtures.stdout);
  });

  test('the email of the root sample: its subject and its two events', async () => {
    const r = await cli(['notify-preview', '--sample', 'root-account-usage']);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Subject: [HIGH] Root user activity in 111122223333, us-east-1 (2 events)');
    expect(lines.filter((l) => /^2026-11-02T10:1\d:\d\dZ /.test(l)).map((l) => l.split('  ')[1])).toEqual(['signin:ConsoleLogin', 'iam:EnableMFADevice']);
  });

  test('the shipped samples hold the fixtures the manual names: the same alarm events, the same five records', () => {
    const json = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(json(path.join(SAMPLES, 'root-account-usage.alarm.json'))).toEqual(json(path.join(FIXTURES, 'alarm-sns-message.json')));
    expect(json(path.join(SAMPLES, 'security-group-changes.alarm.json'))).toEqual(json(path.join(FIXTURES, 'alarm-sg-sns-event.json')));
    const records = fs.readFileSync(path.join(FIXTURES, 'readme-events.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
    expect(json(path.join(SAMPLES, 'events.json'))).toEqual({ Records: records });
  });

  test('the CLI package ships them: its files list holds samples/', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(CLI, 'package.json'), 'utf8'));
    expect(manifest.files).toContain('samples/');
  });

  test.each([
    [['--sample', 'nope'], "--sample must be one of root-account-usage, security-group-changes, got 'nope'"],
    [['--sample', 'root-account-usage', '--events', 'x.jsonl'], '--sample brings its own alarm event and events: do not combine it with --events'],
    [['--sample', 'root-account-usage', '--alarm-event', 'a.json', '--log-group', 'g'], '--sample brings its own alarm event and events: do not combine it with --alarm-event, --log-group'],
    [[], 'give --alarm-event FILE (the alarm notification to preview), or --sample NAME'],
  ])('fails with exit 2 on %j', async (args, message) => {
    const r = await cli(['notify-preview', ...args]);
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([2, `cloudtrail-alarms notify-preview: ${message}`]);
  });
});
