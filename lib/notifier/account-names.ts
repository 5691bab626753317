// Friendly account names (`accountNames: { '111122223333': 'prod' }`): what the user's map may hold. The same check runs
// at synth (CloudTrailAlarms), in notify-preview, and at the notifier's cold start; the names are still shown through the
// neutraliser and quoted, as any text.
import { quoteValue } from './neutralise';

/** The longest friendly name, in characters. */
export const MAX_ACCOUNT_NAME = 64;

/** A 12-digit AWS account id. */
const ACCOUNT_ID = /^\d{12}$/;
/** Characters that would hide or move text (controls, format characters, separators): refused in a name. */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

/** A value of any type as an error shows it: strings quoted and neutralised, others as JSON. */
function shown(v: unknown): string {
  return typeof v === 'string' ? quoteValue(v) : (JSON.stringify(v) ?? String(v));
}

/** Friendly names by 12-digit account id. */
export type AccountNames = Readonly<Record<string, string>>;

/**
 * The first problem of an account-name map, as a sentence that names `prop`, the key or value and what to do; undefined
 * when the map is fine. A key must be a 12-digit account id, a value a non-empty name of at most `MAX_ACCOUNT_NAME`
 * characters without control or invisible characters.
 */
export function accountNamesProblem(prop: string, value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `\`${prop}\` must map 12-digit account ids to names, such as { '111122223333': 'prod' }, got ${shown(value)}.`;
  }
  for (const [id, name] of Object.entries(value)) {
    if (!ACCOUNT_ID.test(id)) {
      return `\`${prop}\` keys must be 12-digit AWS account ids such as '111122223333', got ${quoteValue(id)}; write the id with its leading zeros, as a string.`;
    }
    if (typeof name !== 'string' || name.trim().length === 0) {
      return `\`${prop}['${id}']\` must be a non-empty name such as 'prod', got ${shown(name)}; remove the entry to show the id alone.`;
    }
    if (name.includes('${Token[')) {
      return `\`${prop}['${id}']\` must be known at synth time (it is written into the notifier's configuration), got a token ${quoteValue(name)}; give the name as a plain string.`;
    }
    if (name.length > MAX_ACCOUNT_NAME) {
      return `\`${prop}['${id}']\` must be at most ${MAX_ACCOUNT_NAME} characters (it goes into a 99-character subject), got ${name.length}: ${quoteValue(name.slice(0, 80))}…; give a shorter name.`;
    }
    const hidden = HIDDEN.exec(name);
    if (hidden) {
      const code = hidden[0].codePointAt(0)!.toString(16).padStart(4, '0');
      return `\`${prop}['${id}']\` must not hold control or invisible characters (U+${code.toUpperCase()} in ${quoteValue(name)}); write the name with printable characters.`;
    }
  }
  return undefined;
}
