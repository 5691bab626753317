import * as fc from 'fast-check';
import { chatMarkup, chatText, chatValue, escapeCodePoint, neutralise, quoteValue } from '../../lib/notifier/neutralise';

describe('neutralise', () => {
  test.each([
    ['plain text is kept', 'arn:aws:iam::111122223333:user/alice', 'arn:aws:iam::111122223333:user/alice'],
    ['spaces and punctuation are kept', 'aws-cli/2.15 md/Botocore; MFA used: Yes', 'aws-cli/2.15 md/Botocore; MFA used: Yes'],
    ['quotes are kept (quoteValue escapes them)', 'say "hi"', 'say "hi"'],
    ['non-Latin letters and emoji are kept', 'Zoë 東京 🚨', 'Zoë 東京 🚨'],
    ['newline', 'a\nb', 'a\\u000ab'],
    ['carriage return', 'a\rb', 'a\\u000db'],
    ['CR LF', 'ok\r\nAlarm x: ALARM -> OK', 'ok\\u000d\\u000aAlarm x: ALARM -> OK'],
    ['tab', 'a\tb', 'a\\u0009b'],
    ['NUL and ESC (a terminal escape sequence)', '\u0000\u001b[31mred', '\\u0000\\u001b[31mred'],
    ['DEL', 'a\u007fb', 'a\\u007fb'],
    ['C1: NEL and CSI', 'a\u0085b\u009bc', 'a\\u0085b\\u009bc'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['bidi override and pop', 'user\u202egpj.exe\u202c', 'user\\u202egpj.exe\\u202c'],
    ['bidi embeddings U+202A-202D', '\u202a\u202b\u202d', '\\u202a\\u202b\\u202d'],
    ['bidi isolates U+2066-2069', '\u2066a\u2067b\u2068c\u2069', '\\u2066a\\u2067b\\u2068c\\u2069'],
    ['LRM, RLM and the Arabic letter mark', '\u200e\u200f\u061c', '\\u200e\\u200f\\u061c'],
    ['zero-width space inside a name (never deleted)', 'ad\u200bmin', 'ad\\u200bmin'],
    ['ZWNJ, ZWJ, word joiner, BOM', '\u200c\u200d\u2060\ufeff', '\\u200c\\u200d\\u2060\\ufeff'],
    ['soft hyphen', 'ad\u00admin', 'ad\\u00admin'],
    ['Hangul filler (default ignorable, invisible)', 'a\u3164b', 'a\\u3164b'],
    ['tag characters above U+FFFF', 'x\u{e0041}\u{e007f}', 'x\\u{e0041}\\u{e007f}'],
    ['lone high surrogate', 'a\ud800b', 'a\\ud800b'],
    ['lone low surrogate', 'a\udc00', 'a\\udc00'],
    ['a literal backslash is doubled', 'C:\\temp', 'C:\\\\temp'],
    ['a forged escape stays readable as text', 'ad\\u200bmin', 'ad\\\\u200bmin'],
    ['empty', '', ''],
  ])('%s', (_name, input, expected) => {
    expect(neutralise(input)).toBe(expected);
  });

  test('escapeCodePoint writes four lowercase hex digits, braces above U+FFFF', () => {
    expect([0x0a, 0x202e, 0xfeff, 0xe0041, 0x10ffff].map(escapeCodePoint)).toEqual(['\\u000a', '\\u202e', '\\ufeff', '\\u{e0041}', '\\u{10ffff}']);
  });

  test('a 1 MB value is neutralised whole', () => {
    const big = 'a\n'.repeat(500_000);
    const out = neutralise(big);
    expect(out.length).toBe(500_000 * 7);
    expect(out.startsWith('a\\u000aa\\u000a')).toBe(true);
  });

  test('property: the result has no hidden or layout character, and only paired backslashes or escapes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = neutralise(s);
        expect(out).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u);
        // every backslash starts `\\` or an escape
        expect(out.replace(/\\\\|\\u\{[0-9a-f]{5,6}\}|\\u[0-9a-f]{4}/g, '')).not.toContain('\\');
      }),
    );
  });

  test('property: neutralising is one-to-one (no two values read the same)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        if (a !== b) expect(neutralise(a)).not.toBe(neutralise(b));
      }),
    );
  });
});

describe('quoteValue', () => {
  test.each([
    ['plain', 'alice', '"alice"'],
    ['inner quotes are escaped', 'a "b" c', '"a \\"b\\" c"'],
    ['a backslash before a quote cannot close the value', 'x\\"; MFA used: "Yes', '"x\\\\\\"; MFA used: \\"Yes"'],
    ['hidden characters are escaped inside the quotes', '\u202eab\n', '"\\u202eab\\u000a"'],
    ['empty', '', '""'],
  ])('%s', (_name, input, expected) => {
    expect(quoteValue(input)).toBe(expected);
  });

  test('property: a quoted value has quotes only at its ends, every inner quote escaped', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const q = quoteValue(s);
        expect(q.startsWith('"') && q.endsWith('"')).toBe(true);
        // drop escaped pairs (\\ and \"): no quote may be left inside
        expect(q.slice(1, -1).replace(/\\[\\"]/g, '')).not.toContain('"');
      }),
    );
  });
});

describe('chat markup', () => {
  test.each([
    ['Slack mention', '<!channel>', '&lt;!channel&gt;'],
    ['user mention', '<@U024BE7LH>', '&lt;@U024BE7LH&gt;'],
    ['Slack link', '<http://x|Acknowledge>', '&lt;http://x|Acknowledge&gt;'],
    ['an ampersand, and an entity that is already escaped', 'a&b &lt;', 'a&amp;b &amp;lt;'],
    ['a backtick cannot close the code span', 'a`b', 'a\\u0060b'],
    ['markdown inside a code span is left (not interpreted there)', '*b* _i_ [a](b)', '*b* _i_ [a](b)'],
  ])('chatMarkup: %s', (_name, input, expected) => {
    expect(chatMarkup(input)).toBe(expected);
  });

  test.each([
    ['principal', 'arn:aws:iam::111122223333:user/alice', '`"arn:aws:iam::111122223333:user/alice"`'],
    ['mention and newline', 'x\n<!here>', '`"x\\u000a&lt;!here&gt;"`'],
    ['backticks and quotes', '`a` "b"', '`"\\u0060a\\u0060 \\"b\\""`'],
  ])('chatValue: %s', (_name, input, expected) => {
    expect(chatValue(input)).toBe(expected);
  });

  test.each([
    ['emphasis, strike and code', '*bold* _it_ ~s~ `c`', '\\u002abold\\u002a \\u005fit\\u005f \\u007es\\u007e \\u0060c\\u0060'],
    ['markdown link and image', '[Ack](http://x) ![i](y)', '\\u005bAck\\u005d\\u0028http://x\\u0029 \\u0021\\u005bi\\u005d\\u0028y\\u0029'],
    ['Slack link and mention', '<http://x|y> <!channel>', '&lt;http://x\\u007cy&gt; &lt;\\u0021channel&gt;'],
    ['heading and newline', '# Title\nx', '\\u0023 Title\\u000ax'],
  ])('chatText: %s', (_name, input, expected) => {
    expect(chatText(input)).toBe(expected);
  });

  test('property: chatValue is one code span with no angle bracket and no other backtick', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const v = chatValue(s);
        expect(v.startsWith('`"') && v.endsWith('"`')).toBe(true);
        expect(v.slice(1, -1)).not.toMatch(/[`<>\n\r]/);
      }),
    );
  });
});
