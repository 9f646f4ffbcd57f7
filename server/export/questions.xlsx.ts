import ExcelJS from 'exceljs';
import { QUESTION_COLUMNS } from './question-columns';
import type { ExportSession, QuestionListRow } from './types';

/**
 * The question list as a workbook: one row per question, a bold frozen
 * header. Every text cell is written as a plain string value, never as a
 * formula, so "=1+1" typed by a citizen stays text.
 */
export async function questionsXlsx(session: ExportSession, rows: QuestionListRow[], creator: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = creator;
  wb.created = new Date();
  wb.title = session.title;
  const ws = wb.addWorksheet('Câu hỏi', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = QUESTION_COLUMNS.map((c) => ({ header: c.header, width: c.width }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
  for (const row of rows) {
    const added = ws.addRow([]);
    QUESTION_COLUMNS.forEach((c, i) => {
      const v = c.value(row);
      // A plain string or number: exceljs writes strings as shared strings,
      // and only `{ formula }` objects become formulas.
      added.getCell(i + 1).value = typeof v === 'number' ? v : v.normalize('NFC');
    });
    added.alignment = { vertical: 'top', wrapText: true };
  }
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: QUESTION_COLUMNS.length } };
  const out = await wb.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}
