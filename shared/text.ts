/**
 * Text hygiene for everything people type: names, localities, questions,
 * answers, moderator edits. One function, used at every boundary where text
 * enters (the services), so that what is stored, shown, broadcast and
 * exported is the same clean string.
 *
 * Removed: bidirectional overrides and isolates (U+202A–202E, U+2066–2069)
 * and the invisible direction marks (U+200E, U+200F, U+061C), which make
 * "Chủ tịch UBND\u202e LIAM" display as something else than it is;
 * zero-width and invisible characters (U+200B–200D, U+2060–2064, U+FEFF,
 * U+180E, U+00AD soft hyphen); C0 and C1 control characters and DEL. Line
 * breaks survive only in multi-line text (questions, answers), as "\n".
 * Then NFC, so "ệ" typed as e + combining marks is stored as one
 * character and counts as one. Vietnamese letters and tone marks are
 * ordinary characters and are never touched.
 */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
// eslint-disable-next-line no-control-regex
const LINE_BREAKS = /\r\n?|[\u2028\u2029\u0085]/g;

export interface CleanOptions {
  /** Keep line breaks (as "\n"); otherwise every line break and tab becomes a space. */
  multiline?: boolean;
}

export function cleanText(input: string, opts: CleanOptions = {}): string {
  // Line breaks first (U+0085 is a C1 control, and "\r\n" is two controls).
  let s = input.replace(LINE_BREAKS, '\n');
  s = s.replace(/\t/g, ' ');
  if (!opts.multiline) s = s.replace(/\n/g, ' ');
  s = s.replace(INVISIBLE, '');
  s = s.normalize('NFC');
  if (opts.multiline) {
    // Trailing spaces on each line, and more than two blank lines in a row, carry nothing.
    s = s.replace(/[ ]+\n/g, '\n').replace(/\n{3,}/g, '\n\n');
  }
  return s.trim();
}

/** One-line fields (names, localities, titles): line breaks become spaces, runs of spaces one. */
export const cleanLine = (input: string): string => cleanText(input).replace(/ {2,}/g, ' ');

/** Optional one-line field: `null` when nothing is left. */
export const cleanLineOrNull = (input: string | null | undefined): string | null =>
  input == null ? null : cleanLine(input) || null;

/** Multi-line text (questions, answers, notes). */
export const cleanMultiline = (input: string): string => cleanText(input, { multiline: true });

export const cleanMultilineOrNull = (input: string | null | undefined): string | null =>
  input == null ? null : cleanMultiline(input) || null;

/**
 * Takes every NUL character out of the strings of a (JSON-like) value, in
 * place for objects and arrays; returns the value (a new one for a string).
 * No field of the API keeps one (stored text drops control characters
 * anyway) and PostgreSQL refuses it in text: the boundaries take it out
 * before anything, a lookup or a check, reaches a query.
 */
export function withoutNul<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return (value.includes('\u0000') ? value.replaceAll('\u0000', '') : value) as T;
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = withoutNul(value[i], depth + 1);
  } else {
    const o = value as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = withoutNul(o[k], depth + 1);
  }
  return value;
}
