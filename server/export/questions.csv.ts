import { QUESTION_COLUMNS } from './question-columns';
import type { QuestionListRow } from './types';

/** Spreadsheet programs run a cell starting with one of these as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Neutralises formula injection: such a cell gets a leading apostrophe and is shown as text. */
export const neutralise = (s: string): string => (FORMULA_START.test(s) ? `'${s}` : s);

/** RFC 4180: quote a field holding a comma, quote, CR or LF; double the quotes inside. */
export function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const s = neutralise(value.normalize('NFC'));
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The question list as CSV: UTF-8 with a byte-order mark, so that Excel
 * shows Vietnamese right instead of guessing a legacy code page; CRLF
 * line ends as RFC 4180 asks.
 */
export function questionsCsv(rows: QuestionListRow[]): Buffer {
  const lines = [QUESTION_COLUMNS.map((c) => csvField(c.header)).join(',')];
  for (const row of rows) lines.push(QUESTION_COLUMNS.map((c) => csvField(c.value(row))).join(','));
  return Buffer.from('\uFEFF' + lines.join('\r\n') + '\r\n', 'utf8');
}
