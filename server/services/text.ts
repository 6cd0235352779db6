// Text as users type it and as we search it: NFC everywhere, and a diacritic-free key for matching.

/** NFC, trimmed, inner runs of white space folded to one space. */
export function cleanText(value: string): string {
  return value.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** Multi-line text: each line cleaned, empty lines dropped. */
export function cleanLines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map(cleanText)
    .filter((line) => line.length > 0);
}

/**
 * The search key of a text: lower case without diacritics, đ as d, punctuation as spaces.
 * "Nguyễn Văn Ánh" → "nguyen van anh"; "Đỗ" → "do".
 */
export function searchKey(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The words of a search key, each at most 40 characters, without repeats. */
export function searchTokens(value: string): string[] {
  return [...new Set(searchKey(value).split(' ').filter(Boolean).map((t) => t.slice(0, 40)))];
}

/** A phone number's digits for comparison: "+84 912.345.678" and "0912 345 678" agree. */
export function phoneDigits(value: string): string {
  const digits = value.replace(/\D/g, '');
  return digits.startsWith('84') && digits.length >= 11 ? `0${digits.slice(2)}` : digits;
}
