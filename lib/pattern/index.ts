// Internal barrel of the filter-pattern engine. No CDK, no Node I/O: runs anywhere.
export * from './ast';
export { assertNever } from './assert-never';
export * from './errors';
export * from './tokens';
export { tokenize, tokenizeTerms } from './lexer';
export { parse, patternKindOf, MAX_PATTERN_LENGTH, MAX_REGEXES } from './parser';
export type { PatternKind } from './parser';
export { render, renderCompact, renderSelector, renderValue, quote, quoteMinimal } from './render';
export { compile, globMatcher, parseEvent, splitFields } from './evaluate';
export type { CompiledPattern } from './evaluate';
export { LinearRegex, RegexSyntaxError, parseRegex, MAX_REPEAT } from './regex';
export type { CharSet, RegexAst, RegexAtom, RegexPiece, RegexEngine } from './regex';
export { SEMANTIC_DECISIONS } from './semantics';
export type { SemanticDecision, SemanticDecisionId, DecisionBasis } from './semantics';
export { requiredEventNames } from './literals';
