import { neutralise } from 'cdk-cloudtrail-alarms/lib/notifier/neutralise';
import { MatchedRecord } from '../engines/engine';
import { principalOf, stringField } from '../engines/tally';

/** The header of `search`'s table (files and remote engines alike). */
export const RECORDS_TABLE_HEADER = `${'eventTime'.padEnd(21)} ${'eventName'.padEnd(32)} ${'sourceIPAddress'.padEnd(18)} ${'detections'.padEnd(28)} principal\n`;

/**
 * One matching record as a row of `search`'s table. Every column is neutralised: a record's text (the principal's
 * ARN, the source address, the event name) cannot move the cursor, start a line or hide a character.
 */
export function recordsTableRow(m: MatchedRecord): string {
  const r = m.record;
  const cell = (v: string | undefined, width: number) => neutralise(v ?? '-').padEnd(width);
  return `${cell(stringField(r, 'eventTime'), 21)} ${cell(stringField(r, 'eventName'), 32)} ${cell(stringField(r, 'sourceIPAddress'), 18)} ${cell(
    m.detectionIds.join(','),
    28,
  )} ${neutralise(principalOf(r) ?? '-')}\n`;
}
