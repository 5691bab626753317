// The byte prefilter: records without the literals a detection requires (lib/pattern/required-literals.ts, with the
// argument why that is exact) are counted but never parsed.
import type { LiteralClauses } from 'cdk-cloudtrail-alarms/lib/pattern/required-literals';

export { isExactLiteral, mostSelective, requiredLiterals, setLiterals } from 'cdk-cloudtrail-alarms/lib/pattern/required-literals';
export type { LiteralClauses } from 'cdk-cloudtrail-alarms/lib/pattern/required-literals';

/** Compiles clauses into a test on raw bytes: false means no literal combination is there. */
export function compilePrefilter(clauses: LiteralClauses): (text: Buffer) => boolean {
  const bytes = clauses.map((c) => c.map((l) => Buffer.from(l, 'latin1')));
  return (text) => {
    for (const clause of bytes) {
      let found = false;
      for (const l of clause) {
        if (text.includes(l)) {
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    return true;
  };
}
