/**
 * The filter-pattern questions AWS's documentation leaves open (spec sections 5 and 6), as test cases that
 * `cloudtrail-alarms verify` sends to TestMetricFilter, so that a user with an account can settle them.
 */
export interface UncertainCase {
  readonly name: string;
  readonly pattern: string;
  readonly events: readonly string[];
}

export const UNCERTAIN_CASES: readonly UncertainCase[] = [
  { name: '!= on a missing JSON field', pattern: '{ $.userIdentity.invokedBy != "x" }', events: ['{"userIdentity":{"type":"Root"}}', '{"userIdentity":{"invokedBy":"y"}}'] },
  { name: '* in the middle of a value', pattern: '{ $.eventName = Ev*ent }', events: ['{"eventName":"EvXent"}', '{"eventName":"Ev*ent"}'] },
  { name: '? terms mixed with plain terms', pattern: '?ERROR ?ARGUMENTS REQUEST', events: ['[INFO] REQUEST FAILED', '[ERROR] MISSING ARGUMENTS'] },
  { name: '" " on a message without a space', pattern: '" "', events: ['nospace', 'with space'] },
  { name: 'JSON after a text prefix', pattern: '{ $.a = 1 }', events: ['INFO {"a":1}', '{"a":1}'] },
  { name: 'NOT EXISTS on a non-JSON message', pattern: '{ $.a NOT EXISTS }', events: ['plain text', '{"b":1}'] },
  { name: 'quoted number vs JSON number', pattern: '{ $.count = "3" }', events: ['{"count":3}', '{"count":"3"}'] },
  { name: 'unquoted digits vs JSON string', pattern: '{ $.recipientAccountId = 123456789012 }', events: ['{"recipientAccountId":"123456789012"}', '{"recipientAccountId":123456789012}'] },
  { name: '= true against the string "true"', pattern: '{ $.flag = true }', events: ['{"flag":"true"}', '{"flag":true}'] },
  { name: 'IS TRUE against the string "true"', pattern: '{ $.flag IS TRUE }', events: ['{"flag":"true"}', '{"flag":true}'] },
  { name: 'numeric operator on a numeric string', pattern: '{ $.bytes > 100 }', events: ['{"bytes":"250"}', '{"bytes":250}'] },
  { name: 'more words than fields (last field takes the rest)', pattern: '[a, b = "y z"]', events: ['x y z', 'x y'] },
];
