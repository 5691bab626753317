import {
  CountResult,
  DetectionCounts,
  Engine,
  EngineDetection,
  EngineProblem,
  EngineQuery,
  EngineStats,
  MatchedRecord,
  SearchRun,
} from '../engine';
import { createLogsClient, filterLogEvents, LogsSend } from './filter-log-events';
import { cloudWatchLogsFailure, regionOfClient } from '../remote-failure';
import { DetectionTally } from '../tally';

/** Which log group, and how to reach it. */
export interface CloudWatchLogsEngineOptions {
  /** The log group the trail delivers to. */
  readonly logGroupName: string;
  readonly region?: string;
  readonly endpoint?: string;
  /** A client to use instead of creating one (tests). */
  readonly client?: LogsSend;
  /**
   * How long after its eventTime a record may reach the log group. FilterLogEvents selects by the log event's
   * timestamp, which is the delivery time (CloudTrail delivers in about 5 minutes on average, not guaranteed), so
   * the scan runs to `toMs` plus this, and the window is then applied to eventTime. Default 1 hour.
   */
  readonly deliverySlackMs?: number;
  /** Events per FilterLogEvents page (AWS's default 10,000). */
  readonly pageSize?: number;
  /** Progress after every page: detection id, events received so far. */
  readonly onProgress?: (detectionId: string, events: number, pages: number) => void;
  readonly signal?: AbortSignal;
  /** For tests: how to wait between throttling retries. */
  readonly sleep?: (ms: number) => Promise<void>;
}


interface Scanned {
  readonly record: Record<string, unknown>;
  readonly timeMs: number;
  readonly location: { readonly source: string };
  readonly eventId?: string;
}


/**
 * Runs each detection's pattern as FilterLogEvents on the log group the trail delivers to, and re-checks every
 * returned event with the engine: an answer never rests on the service's matching alone (moto_server, for one,
 * ignores JSON patterns and returns every event). Identical patterns are scanned once.
 */
export class CloudWatchLogsEngine implements Engine {
  public readonly name = 'cloudwatch-logs';
  private client: LogsSend | undefined;

  constructor(private readonly options: CloudWatchLogsEngineOptions) {}

  private send(): LogsSend {
    this.client ??= this.options.client ?? createLogsClient({ region: this.options.region, endpoint: this.options.endpoint });
    return this.client;
  }

  /** Scans once per distinct pattern; yields the events the engine confirms, with what was received. */
  private async scan(
    query: EngineQuery,
    onMatch: (detectionIndexes: number[], s: Scanned) => void,
  ): Promise<EngineStats> {
    const w = query.window ?? {};
    const slack = this.options.deliverySlackMs ?? 3_600_000;
    const byPattern = new Map<string, number[]>();
    query.detections.forEach((d, i) => {
      const list = byPattern.get(d.pattern.logPatternString) ?? [];
      list.push(i);
      byPattern.set(d.pattern.logPatternString, list);
    });
    // an event returned by several scans (one per distinct pattern) is one record read
    const seen = new Set<string>();
    let bytes = 0;
    const streams = new Set<string>();
    const problems: EngineProblem[] = [];
    const noTime = new Map<string, number>();
    let earliest: number | undefined;
    let latest: number | undefined;
    try {
      for (const [patternText, indexes] of byPattern) {
        const detection: EngineDetection = query.detections[indexes[0]];
        const events = filterLogEvents(
          this.send(),
          {
            logGroupName: this.options.logGroupName,
            filterPattern: patternText === '' ? undefined : patternText,
            startTime: w.fromMs,
            endTime: w.toMs === undefined ? undefined : w.toMs + slack,
            limit: this.options.pageSize,
          },
          {
            signal: this.options.signal,
            sleep: this.options.sleep,
            onPage: (n, pages) => this.options.onProgress?.(detection.id, n, pages),
          },
        );
        for await (const ev of events) {
          const message = ev.message ?? '';
          seen.add(ev.eventId ?? `${ev.logStreamName}|${ev.timestamp}|${message}`);
          bytes += Buffer.byteLength(message);
          const source = `${this.options.logGroupName}/${ev.logStreamName ?? ''}`;
          streams.add(source);
          let record: Record<string, unknown> | undefined;
          try {
            const parsed: unknown = JSON.parse(message);
            if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) record = parsed as Record<string, unknown>;
          } catch {
            record = undefined;
          }
          const t = record && typeof record.eventTime === 'string' ? Date.parse(record.eventTime) : NaN;
          if (!Number.isNaN(t)) {
            if (earliest === undefined || t < earliest) earliest = t;
            if (latest === undefined || t > latest) latest = t;
          }
          // the re-check: what TestMetricFilter would answer for this message
          if (!detection.pattern.matches(message)) continue;
          if (!record) {
            problems.push({ path: source, message: `matching event ${ev.eventId ?? ''} is not a CloudTrail record (not a JSON object)`, records: 1 });
            continue;
          }
          if (Number.isNaN(t)) {
            noTime.set(source, (noTime.get(source) ?? 0) + 1);
            continue;
          }
          if ((w.fromMs !== undefined && t < w.fromMs) || (w.toMs !== undefined && t >= w.toMs)) continue;
          onMatch(indexes, { record, timeMs: t, location: { source }, eventId: ev.eventId });
        }
      }
    } catch (e) {
      // a missing log group, a wrong Region, denied access: one line naming the group and the Region
      throw cloudWatchLogsFailure(e, this.options.logGroupName, await regionOfClient(this.client, this.options.region)) ?? e;
    }
    for (const [path, n] of noTime) problems.push({ path, message: `${n} record(s) without a valid eventTime`, records: n });
    return {
      records: seen.size,
      bytesScanned: bytes,
      sources: streams.size,
      recordsRuledOut: 0,
      sourcesRuledOut: 0,
      ignored: [],
      problems,
      earliestEventMs: earliest,
      latestEventMs: latest,
    };
  }

  public async count(query: EngineQuery): Promise<CountResult> {
    const acc = query.detections.map(() => new DetectionTally());
    const stats = await this.scan(query, (indexes, s) => {
      for (const i of indexes) acc[i].addRecord(s.record, s.timeMs, query.detections[i].periodSeconds * 1000);
    });
    const detections: DetectionCounts[] = query.detections.map((d, i) => acc[i].counts(d.id));
    return { detections, stats };
  }

  /**
   * Matching records in eventTime order (then log stream and event id); a record several detections match is
   * returned once with all their ids. The scans complete before the first record is yielded.
   */
  public search(query: EngineQuery): SearchRun {
    const found = new Map<string, { s: Scanned; ids: Set<number> }>();
    let statsPromise: Promise<EngineStats> | undefined;
    const run = () => {
      statsPromise ??= this.scan(query, (indexes, s) => {
        const key = s.eventId ?? `${s.location.source}|${s.timeMs}|${JSON.stringify(s.record)}`;
        const entry = found.get(key) ?? { s, ids: new Set<number>() };
        indexes.forEach((i) => entry.ids.add(i));
        found.set(key, entry);
      });
      return statsPromise;
    };
    const detections = query.detections;
    async function* records(): AsyncGenerator<MatchedRecord> {
      await run();
      const ordered = [...found.values()].sort(
        (a, b) => a.s.timeMs - b.s.timeMs || a.s.location.source.localeCompare(b.s.location.source) || (a.s.eventId ?? '').localeCompare(b.s.eventId ?? ''),
      );
      for (const { s, ids } of ordered) {
        yield { record: s.record, detectionIds: [...ids].sort((x, y) => x - y).map((i) => detections[i].id), location: s.location };
      }
    }
    return { records: records(), stats: run };
  }
}
