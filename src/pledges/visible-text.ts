// What free text a donor (or staff) types may hold, by Unicode property rather than a hand list:
// nothing that renders as nothing or silently rewrites the text around it. Refused: controls
// (\p{Cc}; a newline only in multi-line fields), format characters (\p{Cf}: bidi overrides, soft
// hyphen, zero-width characters, tag characters, U+180E...), default-ignorable code points
// (variation selectors, Hangul fillers such as U+3164, U+034F...), noncharacters, lone surrogates
// and U+FFFC/U+FFFD (what mangled bytes become). A public name made of such characters would
// render blank, and hidden content could disguise a message.
//
// Some of these characters are how real people write, and are kept where they do that job:
// - emoji presentation selectors after an emoji ("❤️" is U+2764 U+FE0F);
// - the zero-width joiner inside an emoji sequence ("👩‍💻", "🏳️‍🌈");
// - tag characters inside a subdivision flag ("🏴󠁧󠁢󠁳󠁣󠁴󠁿": U+1F3F4, tags, U+E007F);
// - ZWNJ/ZWJ between letters of scripts that need them to spell words (Persian "می‌خواهم",
//   Sinhala, Devanagari...): between two letters or marks of those scripts only, never next to
//   Latin, CJK and the others, where they join nothing and only hide.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Noncharacter_Code_Point}\p{Cs}\uFFFC\uFFFD]/u;

// Scripts whose spelling uses ZWNJ/ZWJ: Arabic-script joining and the virama (Brahmic) scripts,
// as in IDNA's CONTEXTJ rules (RFC 5892, appendix A.1 and A.2).
const JOINING_SCRIPTS = [
  'Arabic', 'Syriac', 'Nko', 'Devanagari', 'Bengali', 'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada',
  'Malayalam', 'Sinhala', 'Myanmar', 'Khmer',
];
const JOINING_LETTER = `[${JOINING_SCRIPTS.map((s) => `\\p{scx=${s}}`).join('')}]`;

const ALLOWED_IN_CONTEXT: RegExp[] = [
  /(?<=\p{Emoji})[\uFE0E\uFE0F]/gu,
  /(?<=[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F])\u200D(?=\p{Extended_Pictographic})/gu,
  /(?<=\u{1F3F4})[\u{E0020}-\u{E007E}]+\u{E007F}/gu,
  new RegExp(`(?<=${JOINING_LETTER})[\\u200C\\u200D](?=${JOINING_LETTER})`, 'gu'),
];

// U+2800 (Braille pattern blank) is a symbol that draws nothing: alone, it is a blank name too.
const VISIBLE = /(?!\u2800)[\p{L}\p{N}\p{P}\p{S}]/u;

/** Whether `text` holds a character that draws nothing or hides content (see above). */
export function hasHiddenCharacter(text: string, { multiline = false } = {}): boolean {
  let rest = multiline ? text.replace(/\n/g, '') : text;
  for (const allowed of ALLOWED_IN_CONTEXT) rest = rest.replace(allowed, '');
  return INVISIBLE.test(rest);
}

/** Whether anything in `text` would be seen (a letter, digit, punctuation or symbol). */
export function hasVisibleCharacter(text: string): boolean {
  return VISIBLE.test(text);
}
