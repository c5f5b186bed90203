// Issue 12, item 7: invisible characters in donor text. Every free-text field (name, message,
// dedication), in the JSON API and in the form, refuses a character that draws nothing, whatever
// the class it comes from (drawn by fast-check from the Unicode properties themselves, and from the
// characters the attack used), and never yields a blank public name. What people really type
// (emoji sequences, Persian and Indic joiners, accents, CJK) still passes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pledgeFormSchema, pledgeRequestSchema } from '../../../src/pledges/pledge-schemas.ts';

/** Every code point with a property, listed once from the regex engine's own Unicode tables. */
function codePointsWith(property: RegExp): number[] {
  const out: number[] = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    if (property.test(String.fromCodePoint(cp))) out.push(cp);
  }
  return out;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

// The classes the attack used, then the properties they belong to.
const CLASSES: Record<string, number[]> = {
  'tag characters (U+E0000 block)': range(0xe0000, 0xe007f),
  'variation selectors': [...range(0xfe00, 0xfe0f), ...range(0xe0100, 0xe01ef)],
  'U+180E Mongolian vowel separator': [0x180e],
  'U+00AD soft hyphen': [0xad],
  'Hangul fillers (U+3164, U+115F, U+1160, U+FFA0)': [0x3164, 0x115f, 0x1160, 0xffa0],
  '\\p{Cf} format characters': codePointsWith(/^\p{Cf}$/u),
  '\\p{Default_Ignorable_Code_Point}': codePointsWith(/^\p{Default_Ignorable_Code_Point}$/u),
  // LF and CR are line breaks: kept in the message (CR as LF), refused in one-line fields.
  '\\p{Cc} controls (but line breaks)': codePointsWith(/^\p{Cc}$/u).filter((cp) => cp !== 0x0a && cp !== 0x0d),
};

const FIELDS = ['name', 'message', 'dedication'] as const;
const jsonValid = { campaign: 'open-usd', amount: 2500, currency: 'usd', frequency: 'once', email: 'donor@example.org' };
const formValid = { campaign: 'open-usd', amount: '25', currency: 'usd', frequency: 'once', email: 'donor@example.org' };

const visibleWord = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzÉéñßøçАБВ中文あ'), minLength: 1, maxLength: 12 });

/** The field's value for one of the two ways a donor sends it, and whether it was accepted. */
function check(schema: 'json' | 'form', field: string, value: string) {
  const result = schema === 'json'
    ? pledgeRequestSchema.safeParse({ ...jsonValid, [field]: value })
    : pledgeFormSchema.safeParse({ ...formValid, [field]: value });
  return {
    success: result.success,
    fields: result.success ? [] : result.error.issues.map((i) => i.path.join('.')),
    data: result.success ? (result.data as Record<string, unknown>) : undefined,
  };
}

describe('free-text donor fields refuse what draws nothing', () => {
  for (const [label, codePoints] of Object.entries(CLASSES)) {
    it(`${label}: refused anywhere in any field, JSON and form (${codePoints.length} code points)`, () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...codePoints), visibleWord, visibleWord, fc.constantFrom(...FIELDS), fc.constantFrom('json' as const, 'form' as const),
          (cp, before, after, field, schema) => {
            const value = `${before}${String.fromCodePoint(cp)}${after}`;
            const result = check(schema, field, value);
            expect(result.success, `${schema} ${field} U+${cp.toString(16).toUpperCase()}`).toBe(false);
            expect(result.fields).toContain(field);
          },
        ),
        { numRuns: 400 },
      );
    });
  }

  it('a name of only invisible characters and spaces is refused or absent, never stored as a blank name', () => {
    const invisible = fc.constantFrom(...CLASSES['\\p{Default_Ignorable_Code_Point}']!, ...CLASSES['\\p{Cf} format characters']!, 0x2800);
    fc.assert(
      fc.property(fc.array(fc.oneof(invisible, fc.constantFrom(0x20, 0x3000, 0xa0)), { minLength: 1, maxLength: 6 }), fc.constantFrom('json' as const, 'form' as const), (cps, schema) => {
        const value = String.fromCodePoint(...cps);
        const result = check(schema, 'name', value);
        // What trims to nothing (spaces, and U+FEFF, which JavaScript's trim takes too) is no name at all.
        if (value.trim() === '') expect(result.success && result.data?.name).toBe(undefined);
        else expect(result.fields).toContain('name');
      }),
      { numRuns: 500 },
    );
  });

  it('U+3164 alone, the blank public name of the attack, is refused', () => {
    for (const schema of ['json', 'form'] as const) {
      for (const value of ['\u3164', ' \u3164 ', '\u3164\u3164', '\u2800']) {
        expect(check(schema, 'name', value).fields).toContain('name');
      }
    }
  });
});

describe('what people really write still passes', () => {
  const written = [
    'Ann', 'José Müller', 'Zoë', 'Ōsaka', '中文名字', 'محمد', 'Ελένη', 'Олег', 'Thanks ❤️', 'Keep going 👍🏽',
    'Team 👩‍💻', 'Pride 🏳️‍🌈', 'Flag 🏴󠁧󠁢󠁳󠁣󠁴󠁿', 'Family 👨‍👩‍👧', 'Press 1️⃣', 'می‌خواهم', 'ශ්‍රී ලංකා', 'क्‍ष',
  ];
  it.each(written)('%s', (value) => {
    for (const field of FIELDS) {
      for (const schema of ['json', 'form'] as const) {
        const result = check(schema, field, value);
        expect(result.success, `${schema} ${field}`).toBe(true);
        expect(result.data?.[field]).toBe(value.normalize('NFC'));
      }
    }
  });

  it('any mix of visible words, spaces and (in the message) newlines passes unchanged', () => {
    fc.assert(
      fc.property(fc.array(visibleWord, { minLength: 1, maxLength: 5 }), fc.constantFrom(' ', '\n'), (words, sep) => {
        const value = words.join(sep).normalize('NFC');
        expect(check('json', 'message', value).data?.message).toBe(value);
        if (sep === ' ') expect(check('json', 'name', value).data?.name).toBe(value);
      }),
      { numRuns: 300 },
    );
  });
});
