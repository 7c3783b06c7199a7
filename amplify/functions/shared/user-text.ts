/**
 * What counts as visible in text users write (nicknames, message bodies). Issue 18: a body of
 * zero-width spaces only was accepted, and a nickname can be made of Hangul fillers (U+3164),
 * which render as nothing.
 */

/**
 * Characters that render as nothing on their own: controls and format characters (zero-width
 * space and joiners, bidi controls, the BOM, soft hyphen), line and paragraph separators, the
 * Hangul fillers, the braille blank, the combining grapheme joiner, variation selectors and
 * tag characters. Written as escapes in strings: a literal class mixing base and combining
 * characters reads as misleading.
 */
const BLANK_LOOKING = String.raw`\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u2800\u3164\uFFA0\u{E0000}-\u{E007F}`;
const VARIATION_SELECTORS = String.raw`\uFE00-\uFE0F\u{E0100}-\u{E01EF}`;
const INVISIBLE = new RegExp(
  String.raw`[\p{Cc}\p{Cf}\p{Zl}\p{Zp}${BLANK_LOOKING}${VARIATION_SELECTORS}]`,
  'gu',
);

/** Never in a name: the invisible characters except variation selectors (emoji use them), and private use. */
const NOT_IN_NAMES = new RegExp(String.raw`[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}${BLANK_LOOKING}]`, 'u');

/** True when nothing would show: only whitespace and invisible characters (or nothing at all). */
export function isBlank(text: string): boolean {
  return text.replace(INVISIBLE, '').trim() === '';
}

/** True when the text holds a character a name must not have (control, invisible, private use). */
export function hasHiddenCharacters(text: string): boolean {
  return NOT_IN_NAMES.test(text);
}

/** Unicode code points, so 20 Korean syllables count as 20 (NFC first: decomposed jamo count apart). */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** One segment of a storage key: no traversal, no separators, no leading dot. */
export const STORAGE_KEY_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
