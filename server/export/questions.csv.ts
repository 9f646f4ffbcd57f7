import { columnText, QUESTION_COLUMNS } from './question-columns';
import type { QuestionListRow } from './types';

/** Control characters never leave in a cell: line feeds (multi-line answers) only, inside quotes. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029]/g;

/**
 * Spreadsheet programs run a cell starting with `=`, `+`, `-` or `@` as a
 * formula. Which characters start a cell depends on the reader: Excel with
 * Vietnamese regional settings splits on `;`, others on tab, and a reader
 * that ignores our quotes starts a new cell after every `,` and a new row
 * after every line break. So a formula start is neutralised (an apostrophe
 * in front, shown as text) at the start of the field and after every `,`,
 * `;`, tab or line break inside it, spaces in between included:
 * `x;=1+1` becomes `x;'=1+1`.
 */
const FORMULA_AFTER_SEPARATOR = /(^|[,;\t\n])([ \u00A0]*)(?=[=+\-@])/g;

export const neutralise = (s: string): string =>
  (/^[\t\r]/.test(s) ? `'${s}` : s).replace(FORMULA_AFTER_SEPARATOR, "$1$2'");

/** RFC 4180: quote a field holding a comma, semicolon, quote or LF; double the quotes inside. */
export function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const s = neutralise(value.replace(/\r\n?/g, '\n').replace(CONTROL, ' ').normalize('NFC'));
  return /[",;\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The question list as CSV: UTF-8 with a byte-order mark, so that Excel
 * shows Vietnamese right instead of guessing a legacy code page; CRLF
 * line ends as RFC 4180 asks.
 */
export function questionsCsv(rows: QuestionListRow[]): Buffer {
  const lines = [QUESTION_COLUMNS.map((c) => csvField(c.header)).join(',')];
  for (const row of rows) lines.push(QUESTION_COLUMNS.map((c) => csvField(columnText(c, c.value(row)))).join(','));
  return Buffer.from('\uFEFF' + lines.join('\r\n') + '\r\n', 'utf8');
}
