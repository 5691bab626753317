/**
 * The default of an exhaustive `switch` over an AST union: it only type-checks when every kind has been handled, so a
 * new node kind fails the compile of every walker that does not know it yet. At run time (a value from outside the
 * type system) it throws, naming the value.
 */
export function assertNever(value: never, what: string = 'node'): never {
  const shown = typeof value === 'object' && value !== null && 'kind' in value ? (value as { kind: unknown }).kind : value;
  throw new Error(`unexpected ${what} kind: ${JSON.stringify(shown)}`);
}
