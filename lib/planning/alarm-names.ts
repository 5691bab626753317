/** One alarm with a physical name, as the app-wide check sees it. */
export interface NamedAlarm {
  readonly path: string;
  readonly name: string;
  /** `account/region` when both are known, otherwise a key unique to its stack. */
  readonly environment: string;
  readonly concrete: boolean;
}

/**
 * CloudWatch alarm names are unique per account and Region: two alarms of the app with one name that deploy to the
 * same account and Region (or the same stack) would fail the deployment of the second one.
 */
export function checkAlarmNames(alarms: readonly NamedAlarm[]): string[] {
  const seen = new Map<string, NamedAlarm>();
  const errors: string[] = [];
  for (const a of alarms) {
    const key = `${a.environment}\u0000${a.name}`;
    const first = seen.get(key);
    if (first) {
      errors.push(
        `Alarm name '${a.name}' is used by ${first.path} and ${a.path}, which deploy to the same ${a.concrete ? `account and Region (${a.environment})` : 'stack'}; CloudWatch alarm names are unique per account and Region. Set a different \`alarmNamePrefix\` or \`alarmName\`.`,
      );
    } else {
      seen.set(key, a);
    }
  }
  return errors;
}
