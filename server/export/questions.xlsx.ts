import ExcelJS from 'exceljs';
import { upper, vnDateTimeShort, vnParts } from './format';
import { PRINT_COLUMNS, QUESTION_COLUMNS, type Column } from './question-columns';
import type { ExportSession, QuestionListRow } from './types';

/** One face for every cell: the documents' Times New Roman, so nothing falls back to Calibri. */
export const XLSX_FONT = 'Times New Roman';
const FONT_SIZE = 11;
/** Rows 1–4 name the list; row 5 is empty; the table's header is row 6. */
export const HEADER_ROW = 6;
const LINE_PT = 15;

const font = (extra: Partial<ExcelJS.Font> = {}): Partial<ExcelJS.Font> => ({ name: XLSX_FONT, size: FONT_SIZE, ...extra });
const thin: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};
/** No control characters in a cell (XML cannot even carry most of them); line feeds stay. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/g;

/**
 * A calendar date or an instant as the date cell a spreadsheet sorts and
 * computes with. Cells have no time zone: an instant is written as its
 * wall-clock time in Vietnam.
 */
function dateCell(c: Column, v: string): Date | null {
  if (c.kind === 'date') {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  }
  if (Number.isNaN(Date.parse(v))) return null;
  const p = vnParts(v);
  return new Date(Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute));
}

/**
 * Lines a wrapped text takes in a column `width` units wide: each newline,
 * and each overflow. A unit is the width of a "0"; Times New Roman's
 * Vietnamese text averages a little narrower, about 1.1 characters a unit.
 */
export function wrappedLines(text: string, width: number): number {
  const perLine = Math.max(1, Math.floor(width * 1.1) - 1);
  return text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil([...line].length / perLine)), 0);
}

function addSheet(
  wb: ExcelJS.Workbook,
  name: string,
  columns: Column[],
  session: ExportSession,
  rows: QuestionListRow[],
  orgName: string,
  now: Date,
): void {
  const last = columns.length;
  const ws = wb.addWorksheet(name, {
    views: [{ state: 'frozen', ySplit: HEADER_ROW }],
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
      printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}`,
    },
    headerFooter: { oddFooter: `&C&"${XLSX_FONT},Regular"&10Trang &P/&N` },
  });
  ws.columns = columns.map((c) => ({ width: c.width, style: { font: font() } }));

  const started = session.startedAt ?? session.startsAt;
  const titles: [string, Partial<ExcelJS.Font>][] = [
    [upper(orgName), font({ bold: true })],
    ['DANH SÁCH CÂU HỎI, Ý KIẾN, KIẾN NGHỊ CỦA CÔNG DÂN', font({ bold: true, size: 14 })],
    [`${session.title} – ngày ${vnDateTimeShort(started).slice(0, 10)}${session.place ? `, ${session.place}` : ''}`, font({ italic: true })],
    [`Xuất ngày ${vnDateTimeShort(now.toISOString())}; ${rows.length} câu hỏi.`, font({ italic: true, size: 10 })],
  ];
  titles.forEach(([text, f], k) => {
    const row = ws.getRow(k + 1);
    ws.mergeCells(k + 1, 1, k + 1, last);
    const cell = row.getCell(1);
    cell.value = text.normalize('NFC');
    cell.font = f;
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    row.height = k === 1 ? 21 : LINE_PT + 2;
  });

  const header = ws.getRow(HEADER_ROW);
  columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.font = font({ bold: true });
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = thin;
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8E8E8' } };
  });
  header.height = Math.max(...columns.map((c) => wrappedLines(c.header, c.width))) * LINE_PT + 4;

  rows.forEach((row, k) => {
    const added = ws.getRow(HEADER_ROW + 1 + k);
    let lines = 1;
    columns.forEach((c, i) => {
      const v = c.value(row);
      const cell = added.getCell(i + 1);
      cell.font = font();
      cell.border = thin;
      cell.alignment = { vertical: 'top', wrapText: true, ...(c.kind !== 'text' && { horizontal: 'center' }) };
      if (v === null || v === '') return;
      if (c.kind === 'date' || c.kind === 'datetime') {
        const d = dateCell(c, String(v));
        cell.value = d ?? String(v);
        cell.numFmt = c.kind === 'date' ? 'dd/mm/yyyy' : 'dd/mm/yyyy hh:mm';
        return;
      }
      // A plain string or number: exceljs writes strings as shared strings,
      // and only `{ formula }` objects become formulas.
      cell.value = typeof v === 'number' ? v : v.replace(/\r\n?/g, '\n').replace(CONTROL, ' ').normalize('NFC');
      if (typeof v === 'string') lines = Math.max(lines, wrappedLines(v, c.width));
    });
    // Spreadsheet programs do not grow a row for wrapped text on opening: give it the height.
    added.height = Math.min(409, lines * LINE_PT + 3);
  });
  ws.autoFilter = { from: { row: HEADER_ROW, column: 1 }, to: { row: HEADER_ROW, column: last } };
}

/**
 * The question list as a workbook, ready to print: title rows naming the
 * agency, the session and when it was exported; a bold header repeated on
 * every printed page; A4 landscape fitted to one page wide; real date
 * cells; rows as tall as their wrapped text. Every text cell is a plain
 * string, never a formula, so "=1+1" typed by a citizen stays text. The
 * first sheet has every column; the second ("Bản in") the ones a clerk
 * reads on paper, at a scale that stays legible on A4 landscape.
 */
export async function questionsXlsx(session: ExportSession, rows: QuestionListRow[], orgName: string, now = new Date()): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = orgName;
  wb.created = now;
  wb.title = session.title;
  addSheet(wb, 'Câu hỏi', QUESTION_COLUMNS, session, rows, orgName, now);
  addSheet(wb, 'Bản in', PRINT_COLUMNS, session, rows, orgName, now);
  const out = await wb.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}
