import { TestMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { UNCERTAIN_CASES } from 'cdk-cloudtrail-alarms/lib/audit/uncertain-cases';
import { FIXTURES } from 'cdk-cloudtrail-alarms/lib/catalogue/fixtures';
import { profileSpec, resolveEntry } from 'cdk-cloudtrail-alarms/lib/catalogue/resolve';
import { LogFilterPattern } from 'cdk-cloudtrail-alarms/lib/filters/log-filter-pattern';
import { attempt, CallProblem } from './calls';
import { AwsClients } from './clients';

export interface VerifyCase {
  readonly name: string;
  readonly pattern: string;
  readonly events: readonly string[];
}

export interface Disagreement {
  readonly case: string;
  readonly pattern: string;
  readonly eventNumber: number;
  readonly event: string;
  readonly aws: boolean;
  readonly engine: boolean;
}

export interface VerifyReport {
  readonly cases: number;
  readonly events: number;
  readonly compared: number;
  readonly disagreements: Disagreement[];
  readonly problems: CallProblem[];
}

/** TestMetricFilter accepts at most 50 messages per call. */
const BATCH = 50;

/** The profile's patterns with their fixture records, plus the spec's uncertain cases. */
export function profileCases(profile: string, includeUncertain = true): VerifyCase[] {
  const cases: VerifyCase[] = profileSpec(profile).entries.map((pe) => {
    const r = resolveEntry(pe);
    return { name: pe.id, pattern: r.pattern, events: FIXTURES[pe.id].map((f) => JSON.stringify(f.record)) };
  });
  if (includeUncertain) cases.push(...UNCERTAIN_CASES.map((u) => ({ name: `uncertain: ${u.name}`, pattern: u.pattern, events: u.events })));
  return cases;
}

/** Sends every case to TestMetricFilter and compares AWS's matches with the engine's. */
export async function runVerify(cases: readonly VerifyCase[], c: AwsClients): Promise<VerifyReport> {
  const problems: CallProblem[] = [];
  const disagreements: Disagreement[] = [];
  let events = 0;
  let compared = 0;
  for (const vc of cases) {
    const engine = LogFilterPattern.parse(vc.pattern);
    events += vc.events.length;
    for (let start = 0; start < vc.events.length; start += BATCH) {
      const batch = vc.events.slice(start, start + BATCH);
      const r = await attempt(problems, c.region, 'logs:TestMetricFilter', () =>
        c.logs.send(new TestMetricFilterCommand({ filterPattern: vc.pattern, logEventMessages: [...batch] })),
      );
      if (!r) continue;
      const awsMatched = new Set((r.matches ?? []).map((m) => m.eventNumber));
      batch.forEach((event, i) => {
        compared++;
        const aws = awsMatched.has(i + 1);
        const mine = engine.matches(event);
        if (aws !== mine) disagreements.push({ case: vc.name, pattern: vc.pattern, eventNumber: start + i + 1, event, aws, engine: mine });
      });
    }
  }
  return { cases: cases.length, events, compared, disagreements, problems };
}
