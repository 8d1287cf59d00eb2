import { stripVTControlCharacters } from 'node:util';

/**
 * Columns a string takes in a terminal: escape sequences take none, combining marks and
 * zero-width characters none, East Asian wide and fullwidth characters and most emoji two.
 * An approximation of wcwidth, good enough to know how many rows a typed line covers.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of stripVTControlCharacters(text)) {
    const code = char.codePointAt(0) ?? 0;
    if (isZeroWidth(code)) continue;
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

function isZeroWidth(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code < 0xa0) ||
    (code >= 0x300 && code <= 0x36f) || // combining diacritical marks
    (code >= 0x200b && code <= 0x200f) || // zero-width space, joiners, direction marks
    (code >= 0xfe00 && code <= 0xfe0f) || // variation selectors
    (code >= 0x1ab0 && code <= 0x1aff) ||
    (code >= 0x1dc0 && code <= 0x1dff) ||
    (code >= 0x20d0 && code <= 0x20ff) ||
    (code >= 0xfe20 && code <= 0xfe2f)
  );
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) || // Hangul Jamo
    (code >= 0x2e80 && code <= 0x303e) || // CJK radicals .. CJK symbols
    (code >= 0x3041 && code <= 0x33ff) || // kana .. CJK compatibility
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) || // Hangul syllables
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) || // fullwidth forms
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) || // emoji
    (code >= 0x1f900 && code <= 0x1f9ff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/** Rows that `text` covers when printed from column 0 in a terminal `columns` wide. */
export function rowsCovered(text: string, columns: number | undefined): number {
  if (columns === undefined || !Number.isFinite(columns) || columns <= 0) return 1;
  // readline puts the cursor on a fresh row when the text exactly fills the last one.
  return Math.floor(displayWidth(text) / columns) + 1;
}
