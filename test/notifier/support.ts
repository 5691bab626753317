import * as fs from 'fs';
import * as path from 'path';
import { ENTRIES } from '../../lib/catalogue/entries';
import { PROFILES } from '../../lib/catalogue/profiles';
import { DEFAULT_NAMESPACE, recommendedEntry, resolveEntry } from '../../lib/catalogue/resolve';
import { DetectionFacts, NOTIFIER_DEFAULTS, NotifierConfig, notifierDetection } from '../../lib/notifier/config';
import { FilterLogEvents, FilterRequest, FoundLogEvent } from '../../lib/notifier/event-lookup';

export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'notifier');
export const CORPUS = '/work/shared/fixtures/cloudtrail/corpus/events';
export const ACCOUNT = '111122223333';
export const TOPICS = ['arn:aws:sns:us-east-1:111122223333:people', 'arn:aws:sns:us-east-1:111122223333:chat'];

export function fixture(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
}

/** Every record of the shared corpus, as its JSON line. */
export function corpusLines(): string[] {
  const out: string[] = [];
  if (!fs.existsSync(CORPUS)) return out;
  for (const dir of fs.readdirSync(CORPUS).sort()) {
    for (const f of fs.readdirSync(path.join(CORPUS, dir)).sort()) {
      for (const line of fs.readFileSync(path.join(CORPUS, dir, f), 'utf8').split('\n')) if (line.trim()) out.push(line);
    }
  }
  return out;
}

/** Every catalogue detection, with the pattern of the first profile that has it (an opt-in detection: its own). */
export function catalogueFacts(): DetectionFacts[] {
  return ENTRIES.map((e) => {
    const pe =
      Object.values(PROFILES)
        .map((p) => p.entries.find((x) => x.id === e.id))
        .find((x) => x !== undefined) ?? recommendedEntry(e.id);
    return {
      id: e.id,
      title: e.title,
      severity: e.severity,
      summary: e.summary,
      pattern: resolveEntry(pe).pattern,
      metricNamespace: DEFAULT_NAMESPACE,
      metricName: e.metricName,
    };
  });
}

export function configFor(facts: DetectionFacts[], chat = true): NotifierConfig {
  return {
    version: 1,
    detections: facts.map((f) => notifierDetection(f, 0, chat ? 1 : undefined)),
    fallbackTopic: 0,
    fallbackChatbotTopic: chat ? 1 : undefined,
    ...NOTIFIER_DEFAULTS,
  };
}

/**
 * FilterLogEvents over log events in memory that, like moto, ignores the filter pattern: every event in the time range
 * comes back, `pageSize` per page (empty pages included when `emptyEvery` is set).
 */
export function memoryFilter(
  events: FoundLogEvent[],
  pageSize: number,
  calls: FilterRequest[] = [],
  emptyEvery?: number,
): FilterLogEvents {
  return async (req) => {
    calls.push(req);
    const inRange = events.filter((e) => (e.timestamp ?? 0) >= req.startTime && (e.timestamp ?? 0) < req.endTime);
    const start = req.nextToken ? Number(req.nextToken.split(':')[0]) : 0;
    const n = req.nextToken ? Number(req.nextToken.split(':')[1]) : 0;
    if (emptyEvery && n % emptyEvery === emptyEvery - 1) return { events: [], nextToken: `${start}:${n + 1}` };
    const size = Math.min(pageSize, req.limit);
    const page = inRange.slice(start, start + size);
    const next = start + size < inRange.length ? `${start + size}:${n + 1}` : undefined;
    return { events: page, nextToken: next };
  };
}

export const at = (iso: string) => Date.parse(iso);
