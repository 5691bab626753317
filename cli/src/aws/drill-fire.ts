/**
 * Firing one alarm for a drill: SetAlarmState to ALARM with a reason that says it is a drill (who, when), wait until
 * CloudWatch shows it, set it back to OK and wait for that too. CloudWatch runs the alarm's actions on the state
 * change, so the notification takes the alarm's real path: topic, key, subscriptions, notifier. The drill publishes
 * nothing itself.
 */
import { CloudWatchClient, DescribeAlarmsCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { DRILL_REASON_PREFIX } from 'cdk-cloudtrail-alarms/lib/notifier/alarm-event';
import type { DrillFinding, DrillFiring } from './drill-report';

/** CloudWatch's limits on SetAlarmState: StateReason up to 1023 characters, StateReasonData up to 4000. */
export const STATE_REASON_MAX = 1023;
const STATE_REASON_DATA_MAX = 4000;

/** Who runs the drill and when: named in the reason people read. */
export interface DrillSignature {
  readonly caller: string;
  readonly at: Date;
}

/** The reason the alarm goes to ALARM with: it says it is a drill, who ran it (the caller's ARN) and when. */
export function drillReason(s: DrillSignature): string {
  const head = `${DRILL_REASON_PREFIX} cloudtrail-alarms drill set this alarm to ALARM to prove that its notifications reach people. Run by `;
  const tail = ` at ${s.at.toISOString()}. Nothing to do; the drill sets the alarm back to OK.`;
  const room = STATE_REASON_MAX - head.length - tail.length;
  const caller = s.caller.length > room ? `${s.caller.slice(0, room - 3)}...` : s.caller;
  return `${head}${caller}${tail}`;
}

/** The reason the alarm goes back to OK with. */
export function drillOverReason(s: DrillSignature): string {
  const text = `Drill over: cloudtrail-alarms drill set this alarm back to OK (drill run by ${s.caller} at ${s.at.toISOString()}).`;
  return text.length > STATE_REASON_MAX ? `${text.slice(0, STATE_REASON_MAX - 3)}...` : text;
}

function reasonData(s: DrillSignature, phase: 'alarm' | 'ok'): string {
  const data = JSON.stringify({ drill: true, tool: 'cloudtrail-alarms drill', phase, by: s.caller, at: s.at.toISOString() });
  return data.length <= STATE_REASON_DATA_MAX ? data : JSON.stringify({ drill: true, tool: 'cloudtrail-alarms drill', phase, at: s.at.toISOString() });
}

export interface FireOptions {
  /** How long to wait for each state change. */
  readonly timeoutMs: number;
  /** Time between two reads of the alarm's state. */
  readonly pollMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly clock?: () => number;
}

interface Seen {
  readonly state?: string;
  readonly reason?: string;
}

async function readState(cw: CloudWatchClient, name: string): Promise<Seen> {
  const r = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ['MetricAlarm'] }));
  const a = r.MetricAlarms?.[0];
  return { state: a?.StateValue, reason: a?.StateReason };
}

/** An SDK error as one line: its name and message. */
function errorText(e: unknown): string {
  const err = e as { name?: string; message?: string };
  return `${err.name ?? 'Error'}: ${err.message ?? String(e)}`;
}

/**
 * Reads the alarm until `done` holds or the time is up; returns the last state seen and whether `done` held. A read
 * that fails ends the wait, with the error (reading again would fail again: a permission, the endpoint).
 */
async function waitFor(
  cw: CloudWatchClient,
  name: string,
  done: (s: Seen) => boolean,
  o: FireOptions,
): Promise<{ ok: boolean; last: Seen; error?: string }> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const clock = o.clock ?? Date.now;
  const deadline = clock() + o.timeoutMs;
  for (;;) {
    let last: Seen;
    try {
      last = await readState(cw, name);
    } catch (e) {
      return { ok: false, last: {}, error: `cloudwatch:DescribeAlarms failed: ${errorText(e)}` };
    }
    if (done(last)) return { ok: true, last };
    if (clock() >= deadline) return { ok: false, last };
    await sleep(o.pollMs);
  }
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * Fires one alarm and returns it to OK. Setting ALARM throws to the caller when it fails (nothing changed then); once
 * the alarm is in ALARM, the drill always tries to set it back to OK, and what did not go as planned is a finding:
 * the ALARM state not seen, the alarm not back in OK, or its state not readable.
 */
export async function fireAlarm(
  cw: CloudWatchClient,
  name: string,
  s: DrillSignature,
  o: FireOptions,
): Promise<{ firing: DrillFiring; findings: DrillFinding[] }> {
  const reason = drillReason(s);
  const findings: DrillFinding[] = [];
  await cw.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: reason, StateReasonData: reasonData(s, 'alarm') }));
  const alarm = await waitFor(cw, name, (x) => x.state === 'ALARM' && x.reason === reason, o);
  if (!alarm.ok) {
    const seen = alarm.error ? `its state could not be read (${alarm.error})` : `last seen: ${alarm.last.state ?? 'not found'}`;
    findings.push({
      code: 'alarm-state-not-reached',
      message: `alarm ${name} was not seen in ALARM with the drill's reason within ${seconds(o.timeoutMs)} (${seen}): its actions may not have run`,
    });
  }
  const fired = { outcome: 'fired' as const, reason, firedAt: s.at.toISOString(), reachedAlarm: alarm.ok };
  // back to OK even when ALARM was not seen: the drill leaves no alarm of its own making in ALARM
  try {
    await cw.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'OK', StateReason: drillOverReason(s), StateReasonData: reasonData(s, 'ok') }));
  } catch (e) {
    findings.push({
      code: 'did-not-return-to-ok',
      message: `alarm ${name} could not be set back to OK (cloudwatch:SetAlarmState failed: ${errorText(e)}): it may still be in ALARM because of the drill. Set it back to OK yourself (SetAlarmState, or the alarm's page in the console)`,
    });
    return { firing: { ...fired, returnedToOk: false, finalState: alarm.last.state, finalReason: alarm.last.reason }, findings };
  }
  const ok = await waitFor(cw, name, (x) => x.state === 'OK', o);
  if (!ok.ok) {
    findings.push({
      code: 'did-not-return-to-ok',
      message: ok.error
        ? `alarm ${name} was set back to OK, but its state could not be read to see it (${ok.error})`
        : `alarm ${name} did not return to OK within ${seconds(o.timeoutMs)}: it is ${ok.last.state ?? 'not found'} (${ok.last.reason ?? 'no reason'}). CloudWatch evaluated its metric again: if the reason is not the drill's, a real event may be under way. Look at it now`,
    });
  }
  return { firing: { ...fired, returnedToOk: ok.ok, finalState: ok.last.state, finalReason: ok.last.reason }, findings };
}
