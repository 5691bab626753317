// The one neutraliser for text an intruder can write: CloudTrail record values (user agent, request parameters, error
// messages, session names...) and alarm names or descriptions. Pure, no I/O; the notifier, the CLI and audit use it.
//
// Rule: a character that is invisible or changes the layout (control Cc, format Cf such as bidi overrides and
// zero-width characters, line and paragraph separators Zl/Zp, default-ignorable code points, lone surrogates) is
// written as a visible escape, `\u202e` (four lowercase hex digits) or `\u{e0041}` above U+FFFF. Nothing is deleted:
// `ad\u200bmin` must not read as `admin`. A literal backslash is written `\\`, so no escape can be forged.

/** The characters shown escaped: Cc, Cf, Zl, Zp, lone surrogates (Cs) and the other default-ignorable code points. */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Default_Ignorable_Code_Point}]/u;

/** The escape of one code point: `\uXXXX` (lowercase hex), `\u{XXXXX}` above U+FFFF. */
export function escapeCodePoint(codePoint: number): string {
  const hex = codePoint.toString(16);
  return codePoint > 0xffff ? `\\u{${hex}}` : `\\u${hex.padStart(4, '0')}`;
}

/**
 * The text with every hidden or layout character shown as its escape and every backslash doubled. Printable text,
 * spaces included, is kept as it is.
 */
export function neutralise(text: string): string {
  let out = '';
  // for..of walks code points; a lone surrogate comes out on its own (and is category Cs)
  for (const ch of text) {
    if (ch === '\\') out += '\\\\';
    else if (HIDDEN.test(ch)) out += escapeCodePoint(ch.codePointAt(0)!);
    else out += ch;
  }
  return out;
}

/** The neutralised text as one quoted value: `"` + text with `"` written `\"` + `"`. It holds no unescaped quote. */
export function quoteValue(text: string): string {
  return `"${neutralise(text).replace(/"/g, '\\"')}"`;
}

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Neutralised text made literal inside a chat code span: `&`, `<`, `>` as `&amp;`, `&lt;`, `&gt;` (Slack's escapes,
 * so no mention `<!channel>`, `<@U...>` and no link `<url|text>` can form) and the backtick, the one character that
 * would end the span, as its escape `\u0060`. Inside a code span markdown emphasis and links are not interpreted.
 */
export function chatMarkup(neutralised: string): string {
  return neutralised.replace(/[&<>`]/g, (c) => ENTITIES[c] ?? escapeCodePoint(c.charCodeAt(0)));
}

/** A record value in a chat message: the quoted value (`quoteValue`) in a code span, made literal by `chatMarkup`. */
export function chatValue(text: string): string {
  return `\`${chatMarkup(quoteValue(text))}\``;
}

/**
 * Untrusted text shown outside a code span in a chat message: neutralised, Slack's three escapes, and every character
 * of markdown emphasis, code, links, headings and quotes (`` ` `` `*` `_` `~` `[` `]` `(` `)` `|` `#` `!`) as its
 * `\uXXXX` escape, so it can start no formatting span, code span or link.
 */
export function chatText(text: string): string {
  return neutralise(text).replace(/[&<>`*_~[\]()|#!]/g, (c) => ENTITIES[c] ?? escapeCodePoint(c.charCodeAt(0)));
}
