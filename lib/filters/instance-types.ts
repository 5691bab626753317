// Validation of EC2 instance type patterns (`ec2LargeInstanceChanges`, `largeInstanceTypes`). Free of CDK: the caller
// says what an unresolved value is (`Token.isUnresolved` in CDK code), so the CDK-free planner can use it too.

const INSTANCE_TYPE = /^[a-z0-9*][a-z0-9*.-]*$/;

/**
 * Checks instance type patterns and returns a copy. Throws an Error that names `method`, the list `prop` and item, and the value
 * for an empty list, a non-string, a token, upper case, other characters, a catch-all (`*`) or a duplicate.
 */
export function validateInstanceTypes(
  types: readonly string[],
  method: string,
  unresolved: (v: unknown) => boolean,
  prop: string = 'instanceTypes',
): string[] {
  if (!Array.isArray(types) || types.length === 0) {
    throw new Error(`${method}: \`${prop}\` must list at least one instance type pattern (e.g. 'p4d.*' or '*.metal'), got ${JSON.stringify(types)}.`);
  }
  const seen = new Set<string>();
  types.forEach((t, i) => {
    const at = `\`${prop}[${i}]\``;
    if (typeof t !== 'string' || t.length === 0) {
      throw new Error(`${method}: ${at} must be a non-empty instance type pattern such as 'm5.8xlarge' or '*.metal', got ${JSON.stringify(t)}.`);
    }
    if (unresolved(t)) {
      throw new Error(`${method}: ${at} must be known at synth time (it becomes part of the filter pattern), got a token.`);
    }
    if (t !== t.toLowerCase() && INSTANCE_TYPE.test(t.toLowerCase())) {
      throw new Error(`${method}: ${at} must be lower case as CloudTrail records it (e.g. '${t.toLowerCase()}'), got '${t}'.`);
    }
    if (!INSTANCE_TYPE.test(t)) {
      throw new Error(
        `${method}: ${at} must be an instance type or a pattern of lower-case letters, digits, '-', '.' and '*' (e.g. 'm5.8xlarge', 'p4d.*', '*.metal'), got '${t}'.`,
      );
    }
    if (/^[*.]+$/.test(t)) {
      throw new Error(`${method}: ${at} '${t}' matches every instance type; use CloudTrailDetections.ec2InstanceChanges() to see every launch.`);
    }
    if (seen.has(t)) throw new Error(`${method}: \`${prop}\` lists '${t}' twice; remove the duplicate.`);
    seen.add(t);
  });
  return [...types];
}
